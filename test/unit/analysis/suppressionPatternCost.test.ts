/**
 * A suppressions file comes with the harness, from anyone, and is matched in the harness worker
 * and in the extension host (the Suppress action reads the file first): its patterns must cost
 * time linear in their size. Before, `src:*a*a*a*a*a*a*a*a*a*aX` (a RegExp `.*a.*a…`) took 67 s
 * against one file name, and each `...` line more tripled the time a frame list took.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { framesMatch, matchLeakSuppression, parseSuppressions } from '../../../src/analysis/suppressions';
import { site } from '../../support/runDataBuilder';

const entryOf = (lines: string[]) => ['{', '  hostile', '  lmm:Leak', ...lines.map((l) => `  ${l}`), '}', ''].join('\n');
const entry = (...lines: string[]) => entryOf(lines);
const longName = `/home/user/${'a'.repeat(60)}.lmm.ts`;
const stack = Array.from({ length: 12 }, (_, i) => site(i + 1, 1, longName));

describe('suppressions: what a pattern costs', function () {
  this.timeout(60_000);

  it('thirty stars between letters are matched at once, and still match what they should', () => {
    const stars = '*a'.repeat(30);
    const started = Date.now();
    assert.equal(matchLeakSuppression(parseSuppressions(entry(`src:${stars}X`), 'f'), 'definitely-lost', 's', stack), undefined);
    assert.equal(
      matchLeakSuppression(parseSuppressions(entry(`struct: ${stars}X`), 'f'), 'definitely-lost', 'a'.repeat(40), stack),
      undefined,
    );
    assert.ok(Date.now() - started < 500, `${Date.now() - started} ms`);
    assert.ok(matchLeakSuppression(parseSuppressions(entry(`src:${stars}.lmm.ts`), 'f'), 'definitely-lost', 's', stack));
  });

  it('a star, a question mark and literals mean what a RegExp of them means, on every pattern over a small alphabet', () => {
    // Every pattern of up to 4 symbols from {a, b, *, ?} against every text of up to 5 letters.
    const words = (alphabet: string[], max: number) => {
      const out = [''];
      for (let n = 0, from = 0; n < max; n++) {
        const to = out.length;
        for (let i = from; i < to; i++) for (const c of alphabet) out.push(out[i] + c);
        from = to;
      }
      return out;
    };
    const texts = words(['a', 'b'], 5);
    for (const pattern of words(['a', 'b', '*', '?'], 4)) {
      if (pattern === '') continue;
      const reference = new RegExp(`^${pattern.replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const [suppression] = parseSuppressions(entry(`struct: ${pattern}`), 'f');
      for (const text of texts) {
        assert.equal(suppression!.struct!.test(text), reference.test(text), `'${pattern}' against '${text}'`);
      }
    }
    // Characters outside the BMP are one character to `?`.
    const [emoji] = parseSuppressions(entry('struct: a?b'), 'f');
    assert.equal(emoji!.struct!.test('a😀b'), true);
  });

  it('200,000 `...` lines are matched without recursion, and `...` still skips any number of frames', () => {
    const many = Array.from({ length: 200_000 }, () => '...');
    const started = Date.now();
    const frames = parseSuppressions(entryOf([...many, 'src:nomatch.ts']), 'f')[0]!.frames;
    assert.equal(framesMatch(frames, stack), false);
    assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms`);
    const skips = parseSuppressions(entry('...', '...', `src:${longName}:7`, '...', `src:${longName}:12`), 'f')[0]!.frames;
    assert.equal(framesMatch(skips, stack), true);
    const order = parseSuppressions(entry('...', `src:${longName}:7`, '...', `src:${longName}:3`), 'f')[0]!.frames;
    assert.equal(framesMatch(order, stack), false, 'frames in the wrong order do not match');
    const prefix = parseSuppressions(entry(`src:${longName}:1`, `src:${longName}:2`), 'f')[0]!.frames;
    assert.equal(framesMatch(prefix, stack), true, 'a prefix of the stack is enough');
    const notFirst = parseSuppressions(entry(`src:${longName}:2`), 'f')[0]!.frames;
    assert.equal(framesMatch(notFirst, stack), false, 'without `...` the first pattern is the innermost frame');
  });

  it('lmm run with such a file beside the harness reports at once, the leak not suppressed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-supp-cost-'));
    try {
      const harness = join(dir, `${'a'.repeat(40)}.lmm.ts`);
      writeFileSync(
        harness,
        "import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';\n@struct class n_t { @u32 k!: number; }\nexport default function main() { MM_REG_STRUCT(n_t); XCALLOC(1, n_t); }\n",
      );
      writeFileSync(join(dir, '.lmmsupp'), entry(`src:${'*a'.repeat(30)}X`));
      const started = Date.now();
      let status = 0;
      let stdout = '';
      try {
        stdout = execFileSync(
          process.execPath,
          [
            join(__dirname, '..', '..', '..', 'bin', 'lmm.js'),
            'run',
            harness,
            '--json',
            '--fail-on',
            'definitely-lost',
            '--time-limit',
            '30000',
          ],
          { encoding: 'utf8' },
        );
      } catch (error) {
        status = (error as { status: number }).status;
        stdout = (error as { stdout: string }).stdout;
      }
      assert.equal(status, 1, 'the leak fails the gate: the entry does not match');
      assert.equal(JSON.parse(stdout).leakSummary['definitely-lost'].blocks, 1);
      assert.ok(Date.now() - started < 20_000, `${Date.now() - started} ms`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
