import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { realValgrind } from './realValgrind';
import { scratchFolder } from '../../support/scratchFolder';
import { validateRunOptions } from '../../../src/harness/runHarness';

/**
 * memcheck's `--num-callers=N` under `lmm run`: every stack cut to N frames as memcheck counts
 * them, and loss records grouped by the cut allocation stack, compared with what valgrind 3.19
 * printed here for num_callers.c (recorded, and re-checked below when gcc and valgrind are on
 * PATH). memcheck's allocation and free stacks start at its allocator (`at malloc`, `at free`, no C
 * line), a frame a harness stack has not, so those keep N − 1 harness frames; an access error's
 * own stack keeps N. With N = 1 memcheck keeps the allocator's frame alone, and LMM the allocating
 * (or freeing) line: the one difference, asserted with its reason.
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

/** The harness ports C line L + 1 at line L (line 13 is C's `int main(void) {`). */
const cLine = (harnessLine: number) => harnessLine + 1;

/** memcheck's stderr in these terms: each error's C lines by stack, each loss record's figures and C lines; sorted. */
function memcheckTerms(output: string): string[] {
  const lines = output.split('\n').map((line) => line.replace(/^==\d+== ?/, '').trimEnd());
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const error = /^Invalid (write|free)/.exec(line);
    const record = /^([\d,]+) bytes in ([\d,]+) blocks? are definitely lost in loss record/.exec(line);
    if (!error && !record) continue;
    const section: Record<string, number[]> = { at: [], freed: [], alloc: [] };
    let part = 'at';
    for (i++; i < lines.length && lines[i] !== ''; i++) {
      const l = lines[i]!;
      if (/^ Address .* free'd$/.test(l)) part = 'freed';
      else if (/^ Address .* alloc'd$/.test(l) || l === " Block was alloc'd at") part = 'alloc';
      const frame = /\(\S+\.c:(\d+)\)$/.exec(l);
      if (frame) section[part]!.push(Number(frame[1]));
    }
    out.push(
      error
        ? `${error[1]} at ${section.at!.join(',')} | freed ${section.freed!.join(',')} | alloc ${section.alloc!.join(',')}`
        : `${record![1]} bytes in ${record![2]} lost at ${section.at!.join(',')}`,
    );
  }
  return out.sort();
}

/** lmm run's text in the same terms, its harness lines read as the C lines they port. */
function lmmTerms(output: string): string[] {
  const lines = output.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const error = /^(?:out-of-bounds: Invalid (write) |double-(free): )/.exec(line);
    const record = /^([\d,]+) bytes in ([\d,]+) blocks? are definitely lost in loss record/.exec(line);
    if (!error && !record) continue;
    const section: Record<string, number[]> = { at: [], freed: [], alloc: [] };
    let part = 'at';
    for (i++; i < lines.length && lines[i] !== ''; i++) {
      const l = lines[i]!;
      if (l === ' Block was freed at') part = 'freed';
      else if (l === ' Block was allocated at') part = 'alloc';
      const frame = /^ {3}(?:at|by) \S+:(\d+):\d+$/.exec(l);
      if (frame) section[part]!.push(cLine(Number(frame[1])));
    }
    out.push(
      error
        ? `${error[1] ?? error[2]} at ${section.at!.join(',')} | freed ${section.freed!.join(',')} | alloc ${section.alloc!.join(',')}`
        : `${record![1]} bytes in ${record![2]} lost at ${section.at!.join(',')}`,
    );
  }
  return out.sort();
}

const WRITE = 'write at 19 | freed  | alloc 18';
const FREE = 'free at 21 | freed 20 | alloc 18';

/** What valgrind 3.19 printed here for `valgrind --leak-check=full --num-callers=N ./num_callers`, in these terms. */
const VALGRIND: Record<number, string[]> = {
  1: ['70 bytes in 3 lost at ', 'free at  | freed  | alloc ', 'write at 19 | freed  | alloc '],
  // Three paths, one allocating line: one loss record.
  2: ['70 bytes in 3 lost at 6', FREE, WRITE],
  // viaA's two blocks part one call further out: still one record.
  3: ['30 bytes in 2 lost at 6,7', '40 bytes in 1 lost at 6,8', FREE, WRITE],
  4: ['30 bytes in 2 lost at 6,7,9', '40 bytes in 1 lost at 6,8,10', FREE, WRITE],
  5: ['10 bytes in 1 lost at 6,7,9,11', '20 bytes in 1 lost at 6,7,9,12', '40 bytes in 1 lost at 6,8,10,17', FREE, WRITE],
};

/** Where LMM legitimately differs, and why. */
const LMM_DIFFERS: Record<number, { lmm: string[]; why: string }> = {
  1: {
    lmm: ['70 bytes in 3 lost at 6', FREE, WRITE],
    why: "memcheck's one frame of an allocation or free is its allocator's (no C line); LMM keeps the harness line that allocated or freed",
  },
};

describe('--num-callers=N: stacks cut to N frames as memcheck counts them, loss records grouped by the cut stack', function () {
  this.timeout(120_000);

  for (const n of Object.keys(VALGRIND).map(Number)) {
    it(`lmm run num_callers.lmm.ts --leak-check=full --num-callers=${n}`, async () => {
      const result = await lmm('run', join(ported, 'num_callers.lmm.ts'), '--leak-check=full', `--num-callers=${n}`);
      assert.equal(result.stderr, '');
      assert.deepEqual(lmmTerms(result.stdout), LMM_DIFFERS[n]?.lmm ?? VALGRIND[n]);
    });
  }

  it('without --num-callers, 8 frames: every path of num_callers.c whole, three loss records', async () => {
    const result = await lmm('run', join(ported, 'num_callers.lmm.ts'), '--leak-check=full');
    assert.deepEqual(lmmTerms(result.stdout), [
      '10 bytes in 1 lost at 6,7,9,11,15',
      '20 bytes in 1 lost at 6,7,9,12,16',
      '40 bytes in 1 lost at 6,8,10,17',
      FREE,
      WRITE,
    ]);
  });

  describe('past 8 frames: a block allocated, written and freed twice 15 calls deep', () => {
    const scratch = scratchFolder('lmm-num-callers-deep-');
    const DEEP = [
      "import { XCALLOC_BUF, XFREE, type Buf } from 'lmm-studio';",
      'function down(n: number): Buf {',
      '  if (n === 0) {',
      '    const b = XCALLOC_BUF(4);',
      '    b[4] = 1;',
      '    return b;',
      '  }',
      '  return down(n - 1);',
      '}',
      'function drop(b: Buf, n: number): void {',
      '  if (n === 0) XFREE(b);',
      '  else drop(b, n - 1);',
      '}',
      'export default function main(): void {',
      '  const b = down(14);',
      '  drop(b, 14);',
      '  drop(b, 14);',
      '}',
      '',
    ].join('\n');

    /** The frames of each stack of the text report's errors: `kind:section` → frames. */
    async function frames(...options: string[]): Promise<Record<string, number>> {
      const result = await lmm('run', scratch.write('deep.lmm.ts', DEEP), ...options);
      const counts: Record<string, number> = {};
      let at = '';
      for (const line of result.stdout.split('\n')) {
        const heading = /^(out-of-bounds|double-free): /.exec(line);
        if (heading) at = `${heading[1]!}:own`;
        else if (line === '') at = '';
        else if (at && / Block was (freed|allocated) at$/.test(line)) at = `${at.split(':')[0]!}:${line.split(' ')[3]!}`;
        else if (at && /^ {3}(at|by) /.test(line)) counts[at] = (counts[at] ?? 0) + 1;
      }
      return counts;
    }

    /** An access's stack has `access` frames; an allocation's, a free's and an XFREE's `allocator`. */
    const expected = (access: number, allocator: number) => ({
      'out-of-bounds:own': access,
      'out-of-bounds:allocated': allocator,
      'double-free:own': allocator,
      'double-free:freed': allocator,
      'double-free:allocated': allocator,
    });

    it('every frame (15 calls, then main: 16) with --num-callers=30', async () => {
      assert.deepEqual(await frames('--num-callers=30'), expected(16, 16));
    });
    it('N for the access, N − 1 for the others with --num-callers=10; 8 each without the option', async () => {
      assert.deepEqual(await frames('--num-callers=10'), expected(10, 9));
      assert.deepEqual(await frames(), expected(8, 8));
    });
  });

  it('the JSON and SARIF documents carry the same cut stacks as the text', async () => {
    const json = JSON.parse((await lmm('run', join(ported, 'num_callers.lmm.ts'), '--json', '--num-callers=3')).stdout) as {
      leaks: { bytes: number; stack: { line: number }[] }[];
      errors: { kind: string; stack: { line: number }[]; allocStack?: { line: number }[]; freeStack?: { line: number }[] }[];
    };
    const lines = (stack: { line: number }[] | undefined) => (stack ?? []).map((s) => cLine(s.line)).join(',');
    assert.deepEqual(json.leaks.map((l) => `${l.bytes}: ${lines(l.stack)}`).sort(), ['30: 6,7', '40: 6,8']);
    assert.deepEqual(
      json.errors.map((e) => `${e.kind} at ${lines(e.stack)} | freed ${lines(e.freeStack)} | alloc ${lines(e.allocStack)}`),
      ['out-of-bounds at 19 | freed  | alloc 18', 'double-free at 21 | freed 20 | alloc 18'],
    );
    const sarif = JSON.parse((await lmm('run', join(ported, 'num_callers.lmm.ts'), '--sarif', '--num-callers=3')).stdout) as {
      runs: { results: { ruleId: string; relatedLocations: unknown[] }[] }[];
    };
    const leaks = sarif.runs[0]!.results.filter((r) => r.ruleId === 'definitely-lost');
    assert.deepEqual(
      leaks.map((r) => r.relatedLocations.length),
      [1, 1],
      'two frames each: the allocating line and one caller',
    );
  });

  it("refuses what valgrind 3.19 refuses, in its words: 0, 501, '' out of range; abc, 12abc, 0x10 not integers", async () => {
    const refused: [string, RegExp][] = [
      ['0', /argument must be between 1 and 500/],
      ['501', /argument must be between 1 and 500/],
      ['', /argument must be between 1 and 500/],
      // Digits alone, as every numeric option of lmm (valgrind: out of range, and takes +5).
      ['-1', /invalid integer value '-1'/],
      ['+5', /invalid integer value '\+5'/],
      ['abc', /invalid integer value 'abc'/],
      ['12abc', /invalid integer value '12abc'/],
      ['0x10', /invalid integer value '0x10'/],
    ];
    for (const [value, words] of refused) {
      const result = await lmm('run', join(ported, 'num_callers.lmm.ts'), `--num-callers=${value}`);
      assert.equal(result.status, 2, `--num-callers=${value}`);
      assert.match(result.stderr, new RegExp(`^lmm run: --num-callers: ${words.source}`), result.stderr);
    }
    for (const value of ['1', '500', '010']) {
      const result = await lmm('run', join(ported, 'num_callers.lmm.ts'), `--num-callers=${value}`);
      assert.equal(result.status, 0, `--num-callers=${value}: ${result.stderr}`);
    }
  });

  it('a run asked for numCallers outside 1 to 500, or not whole, is refused before it starts', () => {
    for (const numCallers of [0, 501, 2.5, NaN])
      assert.throws(() => validateRunOptions({ numCallers }), /^RangeError: numCallers must be a whole number from 1 to 500/);
    for (const numCallers of [1, 500]) validateRunOptions({ numCallers });
  });

  describe('the recorded lines are what valgrind prints here', () => {
    const valgrind = realValgrind('lmm-num-callers-');

    for (const n of Object.keys(VALGRIND).map(Number)) {
      it(`valgrind --leak-check=full --num-callers=${n} ./num_callers`, () => {
        assert.deepEqual(memcheckTerms(valgrind('num_callers', ['--leak-check=full', `--num-callers=${n}`])), VALGRIND[n]);
      });
    }

    // The same values, but for -1 (out of range to valgrind) and +5 (taken): lmm wants digits alone.
    it('valgrind refuses and takes the same values, in the words lmm uses', () => {
      const words = (value: string) =>
        spawnSync('valgrind', [`--num-callers=${value}`, 'true'], { encoding: 'utf8' }).stderr.split('\n')[1] ?? '';
      for (const value of ['0', '501', '', '-1'])
        assert.equal(words(value), "valgrind: '--num-callers' argument must be between 1 and 500");
      for (const value of ['abc', '12abc', '0x10']) assert.equal(words(value), `valgrind: Invalid integer value '${value}'`);
      for (const value of ['1', '500', '010', '+5'])
        assert.equal(spawnSync('valgrind', ['-q', `--num-callers=${value}`, 'true']).status, 0, value);
    });
  });
});
