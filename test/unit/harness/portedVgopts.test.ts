import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { realValgrind } from './realValgrind';

/**
 * memcheck's leak tests run with their .vgtest's `vgopts:` under `lmm run`, each compared line by
 * line with what valgrind 3.19 printed here for the C program (`gcc -O0 -g`, without the `-q` of
 * some vgopts, which would leave out the summaries compared): the loss-record headers and the
 * LEAK / ERROR SUMMARY lines of the check at exit. LMM's defaults are memcheck's
 * `--leak-check=full --show-leak-kinds=all`, memcheck's own are `--leak-check=summary
 * --show-leak-kinds=definite,possible`, so memcheck's are given first and the vgopts after them
 * (later options win, in both). Lines differ where LMM words things its own way, each normalised
 * or listed here with the reason:
 * - memcheck writes `1 blocks`, LMM `1 block`; memcheck's `(suppressed: N from M)` is LMM's `(suppressed: N)`;
 * - LMM's record header ends with the block's struct, `(node_t)`, and LMM numbers records most
 *   severe first where memcheck numbers them by size, so the records are compared as a set with
 *   their numbers left out (their count, `of M`, is kept);
 * - the stacks under each header (addresses and function names in memcheck, harness lines in
 *   LMM) are not compared.
 * The mid-run checks (VALGRIND_DO_LEAK_CHECK, mm_leak_check()) are compared the same way, each
 * check's records as a set with their numbers and `of M` left out: after earlier checks
 * memcheck's M also counts records now empty. LMM heads each with where it ran, which memcheck
 * does not print (that line is not compared).
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

/** memcheck's defaults for the leak report, made explicit: LMM's differ. */
const MEMCHECK_DEFAULTS = ['--leak-check=summary', '--show-leak-kinds=definite,possible'];

interface PortedRun {
  /** The upstream test (memcheck/tests/NAME.vgtest), or what the run is about. */
  test: string;
  /** The C program in test/fixtures/ported, and its port beside it. */
  program: string;
  vgopts: string[];
  /** The same for lmm run where a file differs (memcheck's .supp is an .lmmsupp here). */
  lmmOptions?: string[];
  /** What valgrind 3.19 printed (recorded here; re-checked below when gcc and valgrind are on PATH). */
  valgrind: string[];
  /** memcheck's lines (normalised) that LMM prints otherwise, and why. */
  differs?: { memcheck: string[]; lmm: string[]; why: string };
  /** LMM's `of M` where memcheck's differs, and why. */
  recordsOf?: { lmm: number; why: string };
  /** What valgrind printed at the mid-run checks, before the check at exit (none: no line). */
  valgrindMidRun?: string[];
  /** memcheck's mid-run lines (normalised) that LMM prints otherwise, and why. */
  midRunDiffers?: { memcheck: string[]; lmm: string[]; why: string };
}

const LEAK_CASES_SUMMARY = [
  'LEAK SUMMARY:',
  '   definitely lost: 48 bytes in 3 blocks',
  '   indirectly lost: 32 bytes in 2 blocks',
  '     possibly lost: 96 bytes in 6 blocks',
  '   still reachable: 64 bytes in 4 blocks',
  '        suppressed: 0 bytes in 0 blocks',
];
const REACHABLE_NOT_SHOWN = [
  'Reachable blocks (those to which a pointer was found) are not shown.',
  'To see them, rerun with: --leak-check=full --show-leak-kinds=all',
];
const DEFINITE_RECORDS = [
  '16 bytes in 1 blocks are definitely lost in loss record 13 of 15',
  '32 (16 direct, 16 indirect) bytes in 1 blocks are definitely lost in loss record 14 of 15',
  '32 (16 direct, 16 indirect) bytes in 1 blocks are definitely lost in loss record 15 of 15',
];

const RUNS: PortedRun[] = [
  {
    test: 'leak-cases-full',
    program: 'leak-cases',
    vgopts: ['--leak-check=full', '--leak-resolution=high'],
    valgrind: [
      ...[5, 6, 7, 8, 9, 10].map((n) => `16 bytes in 1 blocks are possibly lost in loss record ${n} of 15`),
      ...DEFINITE_RECORDS,
      ...LEAK_CASES_SUMMARY,
      ...REACHABLE_NOT_SHOWN,
      'ERROR SUMMARY: 9 errors from 9 contexts (suppressed: 0 from 0)',
    ],
  },
  {
    test: 'leak-cases-possible',
    program: 'leak-cases',
    vgopts: ['--leak-check=full', '--leak-resolution=high', '--show-possibly-lost=no'],
    valgrind: [
      ...DEFINITE_RECORDS,
      ...LEAK_CASES_SUMMARY,
      ...REACHABLE_NOT_SHOWN,
      // Not shown, still counted: --errors-for-leak-kinds is memcheck's default definite,possible.
      'ERROR SUMMARY: 9 errors from 9 contexts (suppressed: 0 from 0)',
    ],
  },
  {
    test: 'leak-cases-summary',
    program: 'leak-cases',
    vgopts: ['--leak-check=summary', '--leak-resolution=high'],
    valgrind: [
      ...LEAK_CASES_SUMMARY,
      'Rerun with --leak-check=full to see details of leaked memory',
      'ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)',
    ],
  },
  {
    test: 'lks',
    program: 'leak-cases',
    vgopts: [
      '--leak-check=full',
      '--show-leak-kinds=definite,possible,indirect',
      '--errors-for-leak-kinds=definite,possible',
      `--suppressions=${join(ported, 'lks.supp')}`,
    ],
    lmmOptions: [
      '--leak-check=full',
      '--show-leak-kinds=definite,possible,indirect',
      '--errors-for-leak-kinds=definite,possible',
      `--suppressions=${join(ported, 'lks.lmmsupp')}`,
    ],
    valgrind: [
      '16 bytes in 1 blocks are indirectly lost in loss record 11 of 15',
      '16 bytes in 1 blocks are indirectly lost in loss record 12 of 15',
      ...DEFINITE_RECORDS,
      'LEAK SUMMARY:',
      '   definitely lost: 48 bytes in 3 blocks',
      '   indirectly lost: 32 bytes in 2 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 64 bytes in 4 blocks',
      '        suppressed: 96 bytes in 6 blocks',
      ...REACHABLE_NOT_SHOWN,
      'ERROR SUMMARY: 3 errors from 3 contexts (suppressed: 6 from 6)',
    ],
    recordsOf: {
      lmm: 9,
      why: "LMM numbers the records a check reports, its 6 suppressed ones left out; memcheck's 15 counts them",
    },
  },
  {
    // No --leak-check: memcheck's default, summary, at exit; its VALGRIND_DO_LEAK_CHECKs are full
    // checks whatever --leak-check says, so their 4 definitely lost records are the 4 errors.
    test: 'leak-cycle',
    program: 'leak-cycle',
    vgopts: ['--leak-resolution=high'],
    valgrind: [
      'LEAK SUMMARY:',
      '   definitely lost: 64 bytes in 4 blocks',
      '   indirectly lost: 224 bytes in 14 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 0 bytes in 0 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      'Rerun with --leak-check=full to see details of leaked memory',
      'ERROR SUMMARY: 4 errors from 4 contexts (suppressed: 0 from 0)',
    ],
    valgrindMidRun: [
      'All heap blocks were freed -- no leaks are possible',
      '48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 15 of 18',
      '48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 16 of 18',
      '96 (16 direct, 80 indirect) bytes in 1 blocks are definitely lost in loss record 17 of 18',
      '96 (16 direct, 80 indirect) bytes in 1 blocks are definitely lost in loss record 18 of 18',
      'LEAK SUMMARY:',
      '   definitely lost: 64 bytes in 4 blocks',
      '   indirectly lost: 224 bytes in 14 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 0 bytes in 0 blocks',
      '        suppressed: 0 bytes in 0 blocks',
    ],
  },
  {
    // Its .vgtest (vgopts: -q --leak-check=yes --show-reachable=yes --leak-resolution=high) but -q.
    test: 'leak-delta',
    program: 'leak-delta',
    vgopts: ['--leak-check=yes', '--show-reachable=yes', '--leak-resolution=high'],
    valgrind: [
      '10 bytes in 1 blocks are still reachable in loss record 2 of 6',
      '21 bytes in 1 blocks are still reachable in loss record 3 of 6',
      '32 bytes in 1 blocks are definitely lost in loss record 4 of 6',
      '33 bytes in 1 blocks are still reachable in loss record 5 of 6',
      '85 bytes in 2 blocks are definitely lost in loss record 6 of 6',
      'LEAK SUMMARY:',
      '   definitely lost: 117 bytes in 3 blocks',
      '   indirectly lost: 0 bytes in 0 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 64 bytes in 3 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      'ERROR SUMMARY: 7 errors from 7 contexts (suppressed: 0 from 0)',
    ],
    valgrindMidRun: [
      '10 bytes in 1 blocks are still reachable in loss record 1 of 1',
      'LEAK SUMMARY:',
      '   definitely lost: 0 bytes in 0 blocks',
      '   indirectly lost: 0 bytes in 0 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 10 bytes in 1 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      'LEAK SUMMARY:',
      '   definitely lost: 0 (+0) bytes in 0 (+0) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 10 (+0) bytes in 1 (+0) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '10 (+10) bytes in 1 (+1) blocks are definitely lost in loss record 2 of 3',
      '21 (+21) bytes in 1 (+1) blocks are still reachable in loss record 3 of 3',
      'LEAK SUMMARY:',
      '   definitely lost: 10 (+10) bytes in 1 (+1) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 21 (+11) bytes in 1 (+0) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '65 (+65) bytes in 2 (+2) blocks are still reachable in loss record 3 of 3',
      'LEAK SUMMARY:',
      '   definitely lost: 10 (+0) bytes in 1 (+0) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 86 (+65) bytes in 3 (+2) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      'LEAK SUMMARY:',
      '   definitely lost: 10 (+0) bytes in 1 (+0) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 86 (+0) bytes in 3 (+0) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '10 (+10) bytes in 1 (+1) blocks are still reachable in loss record 2 of 4',
      'LEAK SUMMARY:',
      '   definitely lost: 0 (-10) bytes in 0 (-1) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 96 (+10) bytes in 4 (+1) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '0 (-10) bytes in 0 (-1) blocks are still reachable in loss record 1 of 4',
      '10 (+10) bytes in 1 (+1) blocks are definitely lost in loss record 2 of 4',
      'LEAK SUMMARY:',
      '   definitely lost: 10 (+10) bytes in 1 (+1) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 86 (-10) bytes in 3 (-1) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '0 (-10) bytes in 0 (-1) blocks are definitely lost in loss record 1 of 4',
      '10 (+10) bytes in 1 (+1) blocks are still reachable in loss record 2 of 4',
      'LEAK SUMMARY:',
      '   definitely lost: 0 (-10) bytes in 0 (-1) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 96 (+10) bytes in 4 (+1) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '32 (+32) bytes in 1 (+1) blocks are definitely lost in loss record 3 of 4',
      '33 (-32) bytes in 1 (-1) blocks are still reachable in loss record 4 of 4',
      'LEAK SUMMARY:',
      '   definitely lost: 32 (+32) bytes in 1 (+1) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 64 (-32) bytes in 3 (-1) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '42 (+42) bytes in 1 (+1) blocks are definitely lost in loss record 5 of 6',
      '43 (+43) bytes in 1 (+1) blocks are still reachable in loss record 6 of 6',
      'LEAK SUMMARY:',
      '   definitely lost: 74 (+42) bytes in 2 (+1) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 107 (+43) bytes in 4 (+1) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      'LEAK SUMMARY:',
      '   definitely lost: 74 (+0) bytes in 2 (+0) blocks',
      '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
      '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
      '   still reachable: 107 (+0) bytes in 4 (+0) blocks',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
    ],
    differs: {
      memcheck: ['ERROR SUMMARY: 7 errors from 7 contexts (suppressed: 0 from 0)'],
      lmm: ['ERROR SUMMARY: 8 errors from 8 contexts (suppressed: 0)'],
      why: "the last added check's grown lost record counts (README, leak-delta: memcheck's stale copy of a pointer)",
    },
    midRunDiffers: {
      memcheck: [
        'LEAK SUMMARY:',
        '   definitely lost: 74 (+0) bytes in 2 (+0) blocks',
        '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
        '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
        '   still reachable: 107 (+0) bytes in 4 (+0) blocks',
        '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      ],
      lmm: [
        '85 (+43) bytes in 2 (+1) blocks are definitely lost in loss record N of M',
        'LEAK SUMMARY:',
        '   definitely lost: 117 (+43) bytes in 3 (+1) blocks',
        '   indirectly lost: 0 (+0) bytes in 0 (+0) blocks',
        '     possibly lost: 0 (+0) bytes in 0 (+0) blocks',
        '   still reachable: 64 (-43) bytes in 3 (-1) blocks',
        '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      ],
      why: "its last check: memcheck's scan still finds the 43-byte block through a stale copy of its moved pointer, LMM finds it lost (README, leak-delta)",
    },
    recordsOf: { lmm: 5, why: "memcheck's 6 also counts the record emptied since its mid-run checks" },
  },
  {
    // Its .vgtest's --log-fd=-1 sends valgrind's output nowhere: memcheck's defaults, compared.
    test: 'error_counts',
    program: 'error_counts',
    vgopts: [],
    valgrind: [
      'LEAK SUMMARY:',
      '   definitely lost: 264 bytes in 3 blocks',
      '   indirectly lost: 0 bytes in 0 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 0 bytes in 0 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      'Rerun with --leak-check=full to see details of leaked memory',
      'ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0 from 0)',
    ],
    valgrindMidRun: [
      'All heap blocks were freed -- no leaks are possible',
      'All heap blocks were freed -- no leaks are possible',
      '77 bytes in 1 blocks are definitely lost in loss record 1 of 3',
      '88 bytes in 1 blocks are possibly lost in loss record 2 of 3',
      'LEAK SUMMARY:',
      '   definitely lost: 77 bytes in 1 blocks',
      '   indirectly lost: 0 bytes in 0 blocks',
      '     possibly lost: 88 bytes in 1 blocks',
      '   still reachable: 99 bytes in 1 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      'Reachable blocks (those to which a pointer was found) are not shown.',
      'To see them, rerun with: --leak-check=full --show-leak-kinds=all',
    ],
  },
  {
    test: 'leak-tree',
    program: 'leak-tree',
    vgopts: ['--leak-check=full', '--leak-resolution=high'],
    valgrind: [
      '16 bytes in 1 blocks are definitely lost in loss record 6 of 7',
      '48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 7 of 7',
      'LEAK SUMMARY:',
      '   definitely lost: 32 bytes in 2 blocks',
      '   indirectly lost: 32 bytes in 2 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 48 bytes in 3 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      ...REACHABLE_NOT_SHOWN,
      'ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0 from 0)',
    ],
  },
  {
    test: 'leak-0',
    program: 'leak-0',
    vgopts: [],
    valgrind: [
      'All heap blocks were freed -- no leaks are possible',
      'ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)',
    ],
    differs: {
      memcheck: ['All heap blocks were freed -- no leaks are possible'],
      lmm: [
        'LEAK SUMMARY:',
        '   definitely lost: 0 bytes in 0 blocks',
        '   indirectly lost: 0 bytes in 0 blocks',
        '     possibly lost: 0 bytes in 0 blocks',
        '   still reachable: 0 bytes in 0 blocks',
        '        suppressed: 0 bytes in 0 blocks',
        'All heap blocks were freed -- no leaks are possible',
      ],
      why: 'LMM prints its LEAK SUMMARY with no block live too, then the line memcheck prints instead of it',
    },
    valgrindMidRun: [
      'All heap blocks were freed -- no leaks are possible',
      'LEAK SUMMARY:',
      '   definitely lost: 0 bytes in 0 blocks',
      '   indirectly lost: 0 bytes in 0 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 0 bytes in 1 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      'Reachable blocks (those to which a pointer was found) are not shown.',
      'To see them, rerun with: --leak-check=full --show-leak-kinds=all',
    ],
  },
  {
    test: 'nanoleak_supp',
    program: 'nanoleak_supp',
    vgopts: ['--leak-check=yes', `--suppressions=${join(ported, 'nanoleak_supp.supp')}`],
    lmmOptions: ['--leak-check=yes', `--suppressions=${join(ported, 'nanoleak_supp.lmmsupp')}`],
    valgrind: [
      'LEAK SUMMARY:',
      '   definitely lost: 0 bytes in 0 blocks',
      '   indirectly lost: 0 bytes in 0 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 0 bytes in 0 blocks',
      '        suppressed: 1,000 bytes in 1 blocks',
      'ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 1 from 1)',
    ],
  },
  {
    // Not an upstream test: its mid-run checks (full ones whatever --leak-check says) count their
    // records of the kinds --errors-for-leak-kinds names, here the 14 indirectly lost ones.
    test: 'leak-cycle with --leak-check=no --errors-for-leak-kinds=indirect',
    program: 'leak-cycle',
    vgopts: ['--leak-check=no', '--errors-for-leak-kinds=indirect'],
    // Its mid-run checks are full ones and print their records whatever --leak-check says.
    valgrindMidRun: [
      'All heap blocks were freed -- no leaks are possible',
      '48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 15 of 18',
      '48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 16 of 18',
      '96 (16 direct, 80 indirect) bytes in 1 blocks are definitely lost in loss record 17 of 18',
      '96 (16 direct, 80 indirect) bytes in 1 blocks are definitely lost in loss record 18 of 18',
      'LEAK SUMMARY:',
      '   definitely lost: 64 bytes in 4 blocks',
      '   indirectly lost: 224 bytes in 14 blocks',
      '     possibly lost: 0 bytes in 0 blocks',
      '   still reachable: 0 bytes in 0 blocks',
      '        suppressed: 0 bytes in 0 blocks',
    ],
    valgrind: [
      'For a detailed leak analysis, rerun with: --leak-check=full',
      'ERROR SUMMARY: 14 errors from 14 contexts (suppressed: 0 from 0)',
    ],
    differs: {
      memcheck: ['For a detailed leak analysis, rerun with: --leak-check=full'],
      lmm: ['No leak check ran at exit (--leak-check=no): for a detailed leak analysis, rerun with: --leak-check=full'],
      why: 'LMM says that no leak check ran, so the report is never taken for one that found no leaks',
    },
  },
  {
    // Not an upstream test: --leak-check=no, whose one line LMM words so that it cannot be read as "no leaks".
    test: 'leak-cases with --leak-check=no',
    program: 'leak-cases',
    vgopts: ['--leak-check=no'],
    valgrind: [
      'For a detailed leak analysis, rerun with: --leak-check=full',
      'ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0 from 0)',
    ],
    differs: {
      memcheck: ['For a detailed leak analysis, rerun with: --leak-check=full'],
      lmm: ['No leak check ran at exit (--leak-check=no): for a detailed leak analysis, rerun with: --leak-check=full'],
      why: 'LMM says that no leak check ran, so the report is never taken for one that found no leaks',
    },
  },
];

/** The lines compared, of the check at exit: from the last HEAP SUMMARY on (memcheck prints one per check). */
function exitCheckLines(output: string): string[] {
  const lines = output.split('\n').map((line) => line.replace(/^==\d+== ?/, ''));
  const from = lines.lastIndexOf('HEAP SUMMARY:');
  return lines
    .slice(from)
    .filter((line) =>
      /( in loss record |^LEAK SUMMARY:|^ +(definitely lost|indirectly lost|possibly lost|still reachable|suppressed): |^Rerun with|^Reachable blocks|^To see them|^All heap blocks were freed|^For a detailed leak analysis|^No leak check ran|^ERROR SUMMARY:)/.test(
        line,
      ),
    );
}

/** The lines compared of the mid-run checks: those before the last HEAP SUMMARY. */
function midRunCheckLines(output: string): string[] {
  const lines = output.split('\n').map((line) => line.replace(/^==\d+== ?/, ''));
  return lines
    .slice(0, lines.lastIndexOf('HEAP SUMMARY:'))
    .filter((line) =>
      /( in loss record |^LEAK SUMMARY:|^ +(definitely lost|indirectly lost|possibly lost|still reachable|suppressed): |^Rerun with|^Reachable blocks|^To see them|^All heap blocks were freed)/.test(
        line,
      ),
    );
}

/** Mid-run lines as compared: each check's records as a set (sorted), numbers and M left out. */
function checksCompared(lines: readonly string[]): string[] {
  const out: string[] = [];
  let records: string[] = [];
  for (const line of lines) {
    if (isRecord(line)) {
      records.push(line.replace(/ in loss record \d+ of \d+.*$/, ' in loss record N of M'));
      continue;
    }
    out.push(...records.sort(), line);
    records = [];
  }
  return [...out, ...records.sort()];
}

/** memcheck's wording in LMM's, where only the words differ (`1 (+1) blocks` too). */
function inLmmWords(line: string): string {
  return line
    .replace(/\b1( \([+-][\d,]+\))? blocks\b/g, '1$1 block')
    .replace(/\(suppressed: ([\d,]+) from [\d,]+\)$/, '(suppressed: $1)');
}

/** `lines` with `differs.memcheck` (in LMM's words), found where it is, replaced by `differs.lmm`. */
function withDifference(lines: string[], differs: { memcheck: string[]; lmm: string[]; why: string }): string[] {
  const memcheck = differs.memcheck.map(inLmmWords);
  const at = lines.findIndex((_, i) => memcheck.every((line, j) => lines[i + j] === line));
  assert.ok(at >= 0, `memcheck's lines are where they were recorded: ${differs.why}`);
  return [...lines.slice(0, at), ...differs.lmm.map(inLmmWords), ...lines.slice(at + memcheck.length)];
}

/** A record header without its number (numbered otherwise) and LMM's struct name after it. */
function recordWithoutNumber(line: string): string {
  return line.replace(/ in loss record \d+ of /, ' in loss record N of ').replace(/ \([\w ]+\)$/, '');
}

const isRecord = (line: string) => line.includes(' in loss record ');

describe("memcheck's leak tests under lmm run with their vgopts: loss-record headers, LEAK and ERROR SUMMARY line by line", function () {
  this.timeout(120_000);

  for (const run of RUNS) {
    it(`${run.test}: lmm run ${run.program}.lmm.ts ${MEMCHECK_DEFAULTS.join(' ')} ${(run.lmmOptions ?? run.vgopts).map((o) => o.replace(ported + '/', '')).join(' ')}`, async () => {
      const result = await lmm(
        'run',
        join(ported, `${run.program}.lmm.ts`),
        ...MEMCHECK_DEFAULTS,
        ...(run.lmmOptions ?? run.vgopts),
      );
      assert.equal(result.status, 0, result.stderr);
      let expected = run.valgrind.map(inLmmWords);
      if (run.differs) expected = withDifference(expected, run.differs);
      if (run.recordsOf) expected = expected.map((line) => line.replace(/ of \d+$/, ` of ${run.recordsOf!.lmm}`));
      const got = exitCheckLines(result.stdout);
      assert.deepEqual(
        got.filter(isRecord).map(recordWithoutNumber).sort(),
        expected.filter(isRecord).map(recordWithoutNumber).sort(),
      );
      assert.deepEqual(
        got.filter((line) => !isRecord(line)),
        expected.filter((line) => !isRecord(line)),
      );
      let midRun = checksCompared((run.valgrindMidRun ?? []).map(inLmmWords));
      if (run.midRunDiffers) midRun = withDifference(midRun, run.midRunDiffers);
      assert.deepEqual(checksCompared(midRunCheckLines(result.stdout)), midRun);
    });
  }

  describe('the recorded lines are what valgrind prints here', () => {
    const valgrind = realValgrind('lmm-vgopts-');

    for (const run of RUNS) {
      it(`${run.test}: valgrind ${run.vgopts.map((o) => o.replace(ported + '/', '')).join(' ')} ./${run.program}`, () => {
        const stderr = valgrind(run.program, run.vgopts);
        assert.deepEqual(exitCheckLines(stderr), run.valgrind);
        assert.deepEqual(midRunCheckLines(stderr), run.valgrindMidRun ?? []);
      });
    }
  });
});
