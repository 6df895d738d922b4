import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { realValgrind } from './realValgrind';

/**
 * memcheck's `-q` under `lmm run`, with the .vgtest's `vgopts:` as given (trivialleak, leak-delta and
 * leak-tree say `-q`; the others are run with it here): each output is taken as paragraphs (what
 * comes between blank lines), and the first line of each compared with what valgrind 3.19 printed
 * here for the C program (`gcc -O0 -g`). Under `-q` memcheck prints each memory error and each loss
 * record a check lists, and nothing else (no banner, HEAP SUMMARY, LEAK SUMMARY, "All heap blocks
 * were freed" or ERROR SUMMARY), so a paragraph of any other kind in LMM's output fails the test.
 * Normalised, as in portedVgopts.test.ts: memcheck's `1 blocks` is LMM's `1 block`; a record's
 * number and `of M` are left out (numbered otherwise: README, and portedVgopts.test.ts compares
 * `of M`), and so is LMM's struct after it; the paragraphs are compared as a set, since LMM
 * orders records otherwise and prints its memory errors after them (memcheck as they happen); a
 * memory error is compared by being one (memcheck's `Invalid free() / delete / delete[] /
 * realloc()` is LMM's `double-free: …` or `invalid-free: …`, each with its sites).
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

/** memcheck's defaults for the leak report, made explicit: LMM's differ (README, Checked against memcheck). */
const MEMCHECK_DEFAULTS = ['--leak-check=summary', '--show-leak-kinds=definite,possible'];

interface QuietRun {
  program: string;
  vgopts: string[];
  /** The first line of each paragraph valgrind printed (recorded here; re-checked below when gcc and valgrind are on PATH). */
  valgrind: string[];
  /** Paragraphs (normalised) that LMM prints otherwise, and why. */
  differs?: { memcheck: string[]; lmm: string[]; why: string };
}

const INVALID_FREE = 'Invalid free() / delete / delete[] / realloc()';

const RUNS: QuietRun[] = [
  {
    // Its .vgtest's other options are valgrind's JIT's (LMM runs none): left out.
    program: 'trivialleak',
    vgopts: ['--leak-check=yes', '-q'],
    valgrind: ['1,000 bytes in 1,000 blocks are definitely lost in loss record 1 of 1'],
  },
  {
    program: 'leak-tree',
    vgopts: ['-q', '--leak-check=full', '--leak-resolution=high'],
    valgrind: [
      '16 bytes in 1 blocks are definitely lost in loss record 6 of 7',
      '48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 7 of 7',
    ],
  },
  {
    // Its mid-run checks' records, then those of the check at exit; no heading, no LEAK SUMMARY.
    program: 'leak-delta',
    vgopts: ['-q', '--leak-check=yes', '--show-reachable=yes', '--leak-resolution=high'],
    valgrind: [
      '10 bytes in 1 blocks are still reachable in loss record 1 of 1',
      '10 (+10) bytes in 1 (+1) blocks are definitely lost in loss record 2 of 3',
      '21 (+21) bytes in 1 (+1) blocks are still reachable in loss record 3 of 3',
      '65 (+65) bytes in 2 (+2) blocks are still reachable in loss record 3 of 3',
      '10 (+10) bytes in 1 (+1) blocks are still reachable in loss record 2 of 4',
      '0 (-10) bytes in 0 (-1) blocks are still reachable in loss record 1 of 4',
      '10 (+10) bytes in 1 (+1) blocks are definitely lost in loss record 2 of 4',
      '0 (-10) bytes in 0 (-1) blocks are definitely lost in loss record 1 of 4',
      '10 (+10) bytes in 1 (+1) blocks are still reachable in loss record 2 of 4',
      '32 (+32) bytes in 1 (+1) blocks are definitely lost in loss record 3 of 4',
      '33 (-32) bytes in 1 (-1) blocks are still reachable in loss record 4 of 4',
      '42 (+42) bytes in 1 (+1) blocks are definitely lost in loss record 5 of 6',
      '43 (+43) bytes in 1 (+1) blocks are still reachable in loss record 6 of 6',
      '10 bytes in 1 blocks are still reachable in loss record 2 of 6',
      '21 bytes in 1 blocks are still reachable in loss record 3 of 6',
      '32 bytes in 1 blocks are definitely lost in loss record 4 of 6',
      '33 bytes in 1 blocks are still reachable in loss record 5 of 6',
      '85 bytes in 2 blocks are definitely lost in loss record 6 of 6',
    ],
    differs: {
      memcheck: [],
      lmm: ['85 (+43) bytes in 2 (+1) blocks are definitely lost in loss record N of M'],
      why: "its last added check: memcheck's scan still finds the 43-byte block through a stale copy of its moved pointer, LMM finds it lost (README, leak-delta)",
    },
  },
  {
    program: 'leak-cases',
    vgopts: ['-q', '--leak-check=full', '--show-leak-kinds=all'],
    valgrind: [
      ...[1, 2, 3, 4].map((n) => `16 bytes in 1 blocks are still reachable in loss record ${n} of 15`),
      ...[5, 6, 7, 8, 9, 10].map((n) => `16 bytes in 1 blocks are possibly lost in loss record ${n} of 15`),
      ...[11, 12].map((n) => `16 bytes in 1 blocks are indirectly lost in loss record ${n} of 15`),
      '16 bytes in 1 blocks are definitely lost in loss record 13 of 15',
      '32 (16 direct, 16 indirect) bytes in 1 blocks are definitely lost in loss record 14 of 15',
      '32 (16 direct, 16 indirect) bytes in 1 blocks are definitely lost in loss record 15 of 15',
    ],
  },
  {
    // A mid-run check that finds every block freed, then one with a still reachable block of
    // 0 bytes, not shown by memcheck's default kinds: under -q, nothing at all.
    program: 'leak-0',
    vgopts: ['-q'],
    valgrind: [],
  },
  {
    program: 'error_counts',
    vgopts: ['-q', '--leak-check=full'],
    valgrind: [
      '77 bytes in 1 blocks are definitely lost in loss record 1 of 3',
      '88 bytes in 1 blocks are possibly lost in loss record 2 of 3',
      '77 bytes in 1 blocks are definitely lost in loss record 3 of 5',
      '88 bytes in 1 blocks are definitely lost in loss record 4 of 5',
      '99 bytes in 1 blocks are definitely lost in loss record 5 of 5',
    ],
  },
  { program: 'doublefree', vgopts: ['-q'], valgrind: [INVALID_FREE] },
  { program: 'badfree', vgopts: ['-q'], valgrind: [INVALID_FREE, INVALID_FREE] },
];

/** The first line of each paragraph of an output (valgrind's `==PID== ` taken off its lines). */
function paragraphHeads(output: string): string[] {
  const heads: string[] = [];
  let atStart = true;
  for (const line of output.split('\n').map((l) => l.replace(/^==\d+== ?/, ''))) {
    if (line === '') atStart = true;
    else if (atStart) {
      heads.push(line);
      atStart = false;
    }
  }
  return heads;
}

const isRecord = (line: string) => line.includes(' in loss record ');

/** A paragraph's first line as compared: a record without its number, `of M` or struct; a memory error as one. */
function compared(line: string, lmmError: RegExp): string {
  if (isRecord(line))
    return line
      .replace(/\b1( \([+-][\d,]+\))? blocks\b/g, '1$1 block')
      .replace(/ in loss record [\d,]+ of [\d,]+( \([\w ]+\))?$/, ' in loss record N of M');
  return lmmError.test(line) ? 'memory error' : line;
}

const MEMCHECK_ERROR = /^(Invalid (free|read|write)|Mismatched free|Conditional jump)/;
/** LMM's memory error: its kind, then its message (`double-free: double free: …`). */
const LMM_ERROR = /^[a-z]+(-[a-z]+)*: /;

describe("memcheck's -q under lmm run: the errors alone, paragraph by paragraph as valgrind prints them", function () {
  this.timeout(120_000);

  for (const run of RUNS) {
    it(`lmm run ${run.program}.lmm.ts ${run.vgopts.join(' ')}`, async () => {
      const result = await lmm('run', join(ported, `${run.program}.lmm.ts`), ...MEMCHECK_DEFAULTS, ...run.vgopts);
      assert.equal(result.status, 0, result.stderr);
      let expected = run.valgrind.map((line) => compared(line, MEMCHECK_ERROR));
      if (run.differs) {
        for (const line of run.differs.memcheck) expected.splice(expected.indexOf(line), 1);
        expected = [...expected, ...run.differs.lmm];
      }
      const got = paragraphHeads(result.stdout).map((line) => compared(line, LMM_ERROR));
      assert.deepEqual(got.sort(), expected.sort());
    });
  }

  describe('the recorded lines are what valgrind -q prints here', () => {
    const valgrind = realValgrind('lmm-quiet-');

    for (const run of RUNS) {
      it(`valgrind ${run.vgopts.join(' ')} ./${run.program}`, () => {
        const stderr = valgrind(run.program, run.vgopts);
        assert.deepEqual(paragraphHeads(stderr), run.valgrind);
      });
    }
  });
});
