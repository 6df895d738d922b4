/**
 * memcheck counts two errors as one context ("2 errors in context 5 of 8") when they are of one
 * kind and their stacks' first 4 frames are the same (valgrind's m_errormgr.c compares them at
 * Vg_MedRes, m_execontext.c's first 4 instruction addresses; fewer when --num-callers keeps
 * fewer), its `at free` frame one of the 4 of an invalid free's. LMM counted by kind and
 * innermost line: two double frees on one line reached from two callers were one record, where
 * memcheck has two contexts. test/fixtures/error-contexts/error_contexts.c, run under valgrind
 * 3.19 here (recorded below, re-checked when gcc and valgrind are on PATH), and its port give the
 * same contexts with the same counts: 12 errors from 8 contexts.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { SarifLog } from '../../../src/analysis/sarif';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

/** error_contexts.c, function by function (memcheck's Invalid free is LMM's double free, its Invalid read a use after free). */
const HARNESS = [
  '// error_contexts.c, function by function: which memory errors are one context (memcheck groups',
  "// by kind and the first 4 frames, its `at free` frame among them, so 3 harness frames for XFREE's).",
  "import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';",
  '',
  '@struct',
  'class cell_t {',
  '  @u32 value!: number;',
  '}',
  '',
  'const release = (p: cell_t): void => XFREE(p); // every double free is on this line',
  'const peek = (p: cell_t): number => p.value; // every use after free is on this line',
  'const viaA = (p: cell_t): void => release(p);',
  'const viaB = (p: cell_t): void => release(p);',
  'const readA = (p: cell_t): number => peek(p);',
  'const readB = (p: cell_t): number => peek(p);',
  'const m1 = (p: cell_t): void => release(p);',
  'const m0 = (p: cell_t): void => m1(p);',
  'const farFreeA = (p: cell_t): void => m0(p); // release, m1, m0 (and XFREE): 4 frames alike',
  'const farFreeB = (p: cell_t): void => m0(p);',
  'const n1 = (p: cell_t): number => peek(p);',
  'const n0 = (p: cell_t): number => n1(p);',
  'const farReadA = (p: cell_t): number => n0(p); // peek, n1, n0, farReadA: they differ',
  'const farReadB = (p: cell_t): number => n0(p);',
  'const k2 = (p: cell_t): number => peek(p);',
  'const k1 = (p: cell_t): number => k2(p);',
  'const k0 = (p: cell_t): number => k1(p);',
  'const deepReadA = (p: cell_t): number => k0(p); // peek, k2, k1, k0: 4 frames alike',
  'const deepReadB = (p: cell_t): number => k0(p);',
  '',
  'export default function main(): number {',
  '  MM_REG_STRUCT(cell_t);',
  '  const p = XCALLOC(1, cell_t)!;',
  '  XFREE(p);',
  '  for (let i = 0; i < 2; i++) viaA(p); // 1 context, 2 errors',
  '  viaB(p); // 1 more: another caller of the same line',
  '  let s = 0;',
  '  for (let i = 0; i < 2; i++) s += readA(p); // 1 context, 2 errors',
  '  s += readB(p); // 1 more',
  '  farFreeA(p); // 1 context for both',
  '  farFreeB(p);',
  '  s += farReadA(p); // 2 contexts',
  '  s += farReadB(p);',
  '  s += deepReadA(p); // 1 context for both',
  '  s += deepReadB(p);',
  '  return s === 12345 ? 1 : 0;',
  '}',
].join('\n');

/** Each context as `kind ×count` and the functions of its first 3 harness (C) frames; sorted. */
type Contexts = string[];

/** valgrind -v's stderr in these terms, and its ERROR SUMMARY's counts. */
function memcheckContexts(stderr: string): { contexts: Contexts; summary: string } {
  const lines = stderr.split('\n').map((line) => line.replace(/^==\d+== ?/, ''));
  const contexts: Contexts = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^(\d+) errors in context \d+ of \d+:$/.exec(lines[i]!);
    if (!head) continue;
    const kind = /^Invalid (free|read)/.exec(lines[i + 1]!)![1] === 'free' ? 'double-free' : 'use-after-free';
    const functions: string[] = [];
    for (let j = i + 2; functions.length < 3 && / {3}(?:at|by) /.test(lines[j] ?? ''); j++) {
      const frame = /: (\w+) \(error_contexts\.c:\d+\)$/.exec(lines[j]!);
      if (frame) functions.push(frame[1]!);
    }
    contexts.push(`${kind} ×${head[1]} ${functions.join('<')}`);
  }
  const summary = /ERROR SUMMARY: (\d+ errors from \d+ contexts)/.exec(stderr)![1]!;
  return { contexts: contexts.sort(), summary };
}

/** lmm run --json's errors in the same terms: each frame's line read as the function it is in. */
function lmmContexts(errors: { kind: string; count: number; stack: { line: number }[] }[]): Contexts {
  const functionAt = (line: number) => /^(?:const (\w+) =|export default function (main))/.exec(HARNESS.split('\n')[line - 1]!);
  const nameAt = (line: number) => {
    for (let l = line; l > 0; l--) {
      const m = functionAt(l);
      if (m) return m[1] ?? m[2]!;
    }
    return '?';
  };
  return errors
    .map(
      (e) =>
        `${e.kind} ×${e.count} ${e.stack
          .slice(0, 3)
          .map((s) => nameAt(s.line))
          .join('<')}`,
    )
    .sort();
}

/** What `valgrind -v ./error_contexts` printed here (valgrind 3.19, gcc -O0 -g), in these terms. */
const VALGRIND = {
  summary: '12 errors from 8 contexts',
  contexts: [
    'double-free ×1 release<viaB<main',
    'double-free ×2 release<m1<m0',
    'double-free ×2 release<viaA<main',
    'use-after-free ×1 peek<n1<n0',
    'use-after-free ×1 peek<n1<n0',
    'use-after-free ×1 peek<readB<main',
    'use-after-free ×2 peek<k2<k1',
    'use-after-free ×2 peek<readA<main',
  ],
};

describe('memory errors: one context per kind and first 4 frames, as memcheck counts them', function () {
  this.timeout(120_000);
  const scratch = scratchFolder('lmm-error-contexts-');

  it('lmm run: 12 errors from 8 contexts, each as valgrind counted it', async () => {
    const file = scratch.write('error_contexts.lmm.ts', HARNESS);
    const text = await lmm('run', file);
    assert.match(text.stdout, new RegExp(`^ERROR SUMMARY: ${VALGRIND.summary} \\(suppressed: 0\\)$`, 'm'));
    const json = await lmm('run', file, '--json');
    const report = JSON.parse(json.stdout) as { errors: { kind: string; count: number; stack: { line: number }[] }[] };
    assert.deepEqual(lmmContexts(report.errors), VALGRIND.contexts);
    // Each a SARIF result of its own: code scanning takes results of one fingerprint for one alert.
    const sarif = await lmm('run', file, '--sarif');
    const log = JSON.parse(sarif.stdout) as SarifLog;
    const fingerprints = log.runs[0]!.results.map((r) => r.partialFingerprints['lmmError']);
    assert.equal(new Set(fingerprints).size, 8, fingerprints.join('\n'));
  });

  it("--num-callers=2: an invalid free compares memcheck's `at free` and 1 line, a read 2 lines", async () => {
    const file = scratch.write('error_contexts_2.lmm.ts', HARNESS);
    const json = await lmm('run', file, '--json', '--num-callers=2');
    const report = JSON.parse(json.stdout) as { errors: { kind: string; count: number; stack: { line: number }[] }[] };
    // Every free's context is `free, release`: one; reads part by their second frame: readA, readB, n1, k2.
    assert.deepEqual(lmmContexts(report.errors), [
      'double-free ×5 release',
      'use-after-free ×1 peek<readB',
      'use-after-free ×2 peek<k2',
      'use-after-free ×2 peek<n1',
      'use-after-free ×2 peek<readA',
    ]);
  });

  describe('where LMM differs, and why', () => {
    it('--num-callers=1: memcheck keeps `at free` alone (one context for every invalid free), LMM the line', async () => {
      const file = scratch.write('two_lines.lmm.ts', HARNESS);
      const json = await lmm('run', file, '--json', '--num-callers=1');
      const report = JSON.parse(json.stdout) as { errors: { kind: string; count: number; stack: { line: number }[] }[] };
      // memcheck: `5 errors in context` for the frees, all `at free`; LMM: one context per line, here one (release).
      assert.deepEqual(
        lmmContexts(report.errors).filter((c) => c.startsWith('double-free')),
        ['double-free ×5 release'],
      );
      const twoLines = scratch.write('free_lines.lmm.ts', HARNESS.replace('viaB(p); // 1 more', 'XFREE(p); // 1 more'));
      const split = JSON.parse((await lmm('run', twoLines, '--json', '--num-callers=1')).stdout) as typeof report;
      assert.deepEqual(
        split.errors.filter((e) => e.kind === 'double-free').map((e) => e.count),
        [4, 1],
        'the XFREE in main is a context of its own: its line is kept, where memcheck has `at free` for both',
      );
    });

    it('past 100 contexts memcheck compares 2 frames (103 errors from 100 contexts here); LMM keeps 4', async () => {
      // 101 callers of release, then two paths that part at their third frame (release, m1, farA|farB).
      const callers = Array.from({ length: 101 }, (_, i) => `const c${i} = (p: cell_t): void => release(p);`);
      const calls = Array.from({ length: 101 }, (_, i) => `  c${i}(p);`);
      const many = [
        "import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';",
        '@struct class cell_t { @u32 value!: number; }',
        'const release = (p: cell_t): void => XFREE(p);',
        ...callers,
        'const m1 = (p: cell_t): void => release(p);',
        'const farA = (p: cell_t): void => m1(p);',
        'const farB = (p: cell_t): void => m1(p);',
        'export default function main(): void {',
        '  MM_REG_STRUCT(cell_t);',
        '  const p = XCALLOC(1, cell_t)!;',
        '  XFREE(p);',
        ...calls,
        '  farA(p);',
        '  farB(p);',
        '}',
        '',
      ].join('\n');
      const text = await lmm('run', scratch.write('many.lmm.ts', many));
      assert.match(text.stdout, /^ERROR SUMMARY: 103 errors from 103 contexts \(suppressed: 0\)$/m);
    });
  });

  describe('the recorded contexts are what valgrind prints here', () => {
    let dir: string | undefined;
    before(function () {
      const found = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
      if (!found('gcc') || !found('valgrind')) this.skip();
      dir = scratch.dir;
    });
    for (const numCallers of [12, 2]) {
      it(`valgrind -v --num-callers=${numCallers} ./error_contexts`, () => {
        const binary = join(dir!, 'error_contexts');
        const c = join(__dirname, '..', '..', 'fixtures', 'error-contexts', 'error_contexts.c');
        const compiled = spawnSync('gcc', ['-O0', '-g', '-w', '-o', binary, c], { encoding: 'utf8' });
        assert.equal(compiled.status, 0, compiled.stderr);
        const run = spawnSync('valgrind', ['-v', `--num-callers=${numCallers}`, binary], { encoding: 'utf8' });
        const seen = memcheckContexts(run.stderr);
        if (numCallers === 12) assert.deepEqual(seen, VALGRIND);
        else
          assert.deepEqual(seen.contexts, [
            'double-free ×5 release',
            'use-after-free ×1 peek<readB',
            'use-after-free ×2 peek<k2',
            'use-after-free ×2 peek<n1',
            'use-after-free ×2 peek<readA',
          ]);
      });
    }
  });
});
