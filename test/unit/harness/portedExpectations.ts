/**
 * The figures of the C programs ported line by line to harnesses (`test/fixtures/ported/NAME.c`
 * beside `NAME.lmm.ts`): what Valgrind memcheck 3.19 printed for each C program (gcc -O0 -g,
 * `valgrind --leak-check=full --show-leak-kinds=all`), and where LMM's exact leak check
 * legitimately differs, our figure and why. `portedPrograms.test.ts` runs the harnesses against
 * them; `portedProgramsUnderMemcheck.test.ts` re-checks the memcheck figures with the real
 * valgrind when it is installed.
 */
import type { MemoryErrorKind } from '../../../src/analysis/analysisInput';
import type { MemcheckError } from './memcheckOutput';

/** A LEAK SUMMARY as `'definitely indirectly possibly reachable'`, each `bytes/blocks`. */
export type SummaryText = string;

/**
 * A loss record as `'kind bytes/blocks'`, with ` +N` for memcheck's "(… direct, N indirect)"
 * (memcheck counts indirect bytes for definitely lost records only: what losing them loses).
 */
export type RecordText = string;

/** A memory error: its kind, the C line memcheck names and the harness line we name, and the same for the allocation. */
export interface PortedError {
  kind: MemcheckError['kind'];
  cLine: number;
  line: number;
  cAllocLine?: number;
  allocLine?: number;
}

/** An error of ours that memcheck does not report (LMM's own kinds: `too-large` …), at its harness line. */
export interface OurError {
  kind: MemoryErrorKind;
  line: number;
}

export interface PortedProgram {
  /** Every leak check's LEAK SUMMARY, the mid-run ones (VALGRIND_DO_*LEAK_CHECK) first, the one at exit last. */
  summaries: SummaryText[];
  /** The loss records of the check at exit, in the order of their allocation sites (`recordsInSiteOrder`). */
  records: RecordText[];
  errors: PortedError[];
  /** Where our run legitimately gives other figures than memcheck: ours, and why (said in a comment). */
  ours?: { summaries?: SummaryText[]; records?: RecordText[]; errors?: OurError[] };
}

export const portedPrograms: Record<string, PortedProgram> = {
  badfree: {
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [
      { kind: 'invalid-free', cLine: 12, line: 13 },
      { kind: 'invalid-free', cLine: 14, line: 15 },
    ],
  },
  // LMM serves a block from one page: a request larger than a page's capacity is LMM's
  // `too-large` error (its xcalloc refuses it), which memcheck, whose calloc only gives NULL for a
  // product that overflows, does not have. Both give null and go on.
  'calloc-overflow': {
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
    ours: { errors: [{ kind: 'too-large', line: 14 }] },
  },
  cycles: {
    summaries: ['32/2 64/4 0/0 32/2'],
    records: [
      'definitely-lost 16/1 +16',
      'indirectly-lost 16/1',
      'definitely-lost 16/1 +48',
      'indirectly-lost 16/1',
      'indirectly-lost 32/2',
      'still-reachable 16/1',
      'still-reachable 16/1',
    ],
    errors: [],
  },
  doublefree: {
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [{ kind: 'double-free', cLine: 9, line: 7, cAllocLine: 6, allocLine: 5 }],
  },
  // The original's mid-run checks: main's locals are roots while main runs (the 88-byte block
  // only through an interior pointer: possibly lost); at exit main has returned and all three are lost.
  error_counts: {
    summaries: ['0/0 0/0 0/0 0/0', '77/1 0/0 88/1 99/1', '264/3 0/0 0/0 0/0'],
    records: ['definitely-lost 77/1', 'definitely-lost 88/1', 'definitely-lost 99/1'],
    errors: [],
  },
  exitprog: {
    summaries: ['1000/1 0/0 0/0 0/0'],
    records: ['definitely-lost 1000/1'],
    errors: [{ kind: 'out-of-bounds', cLine: 12, line: 9, cAllocLine: 11, allocLine: 8 }],
  },
  'globals-reassigned': {
    summaries: ['32/2 16/1 0/0 32/2'],
    records: [
      'definitely-lost 16/1',
      'still-reachable 16/1',
      'definitely-lost 16/1 +16',
      'indirectly-lost 16/1',
      'still-reachable 16/1',
    ],
    errors: [],
  },
  'hash-table': {
    summaries: ['16/1 32/2 0/0 352/19'],
    records: [
      'still-reachable 16/1',
      'still-reachable 64/1',
      'definitely-lost 16/1 +32',
      'indirectly-lost 32/2',
      'still-reachable 272/17',
    ],
    errors: [],
  },
  'interior-pointers': {
    summaries: ['0/0 0/0 80/2 0/0'],
    records: ['possibly-lost 64/1', 'possibly-lost 16/1'],
    errors: [],
  },
  'leak-0': {
    summaries: ['0/0 0/0 0/0 0/1', '0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
  },
  'leak-cases': {
    summaries: ['48/3 32/2 96/6 64/4'],
    records: [
      'still-reachable 16/1',
      'still-reachable 16/1',
      'still-reachable 16/1',
      'definitely-lost 16/1',
      'definitely-lost 16/1 +16',
      'indirectly-lost 16/1',
      'possibly-lost 16/1',
      'possibly-lost 16/1',
      'still-reachable 16/1',
      'possibly-lost 16/1',
      'possibly-lost 16/1',
      'possibly-lost 16/1',
      'possibly-lost 16/1',
      'definitely-lost 16/1 +16',
      'indirectly-lost 16/1',
    ],
    errors: [],
  },
  'leak-cycle': {
    summaries: ['64/4 224/14 0/0 0/0', '64/4 224/14 0/0 0/0'],
    records: [
      'definitely-lost 16/1 +32',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'definitely-lost 16/1 +32',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'definitely-lost 16/1 +80',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'definitely-lost 16/1 +80',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
    ],
    errors: [],
  },
  // At the 11th check memcheck still finds b42_43[1]'s 43-byte block reachable although the
  // pointer to it was moved one byte before it: the program's own copy of the block's start
  // address (left in a register or a dead stack slot by the -O0 code that stored it) is a pointer
  // to memcheck's conservative scan. LMM reads only the program's pointer variables, so the block
  // is lost there already, as it is at exit in memcheck's own last check.
  'leak-delta': {
    ours: {
      summaries: [
        '0/0 0/0 0/0 10/1',
        '0/0 0/0 0/0 10/1',
        '10/1 0/0 0/0 21/1',
        '10/1 0/0 0/0 86/3',
        '10/1 0/0 0/0 86/3',
        '0/0 0/0 0/0 96/4',
        '10/1 0/0 0/0 86/3',
        '0/0 0/0 0/0 96/4',
        '32/1 0/0 0/0 64/3',
        '74/2 0/0 0/0 107/4',
        '117/3 0/0 0/0 64/3',
        '117/3 0/0 0/0 64/3',
      ],
    },
    summaries: [
      '0/0 0/0 0/0 10/1',
      '0/0 0/0 0/0 10/1',
      '10/1 0/0 0/0 21/1',
      '10/1 0/0 0/0 86/3',
      '10/1 0/0 0/0 86/3',
      '0/0 0/0 0/0 96/4',
      '10/1 0/0 0/0 86/3',
      '0/0 0/0 0/0 96/4',
      '32/1 0/0 0/0 64/3',
      '74/2 0/0 0/0 107/4',
      '74/2 0/0 0/0 107/4',
      '117/3 0/0 0/0 64/3',
    ],
    records: [
      'still-reachable 10/1',
      'still-reachable 21/1',
      'definitely-lost 32/1',
      'still-reachable 33/1',
      'definitely-lost 85/2',
    ],
    errors: [],
  },
  'leak-regroot': {
    summaries: ['0/0 0/0 0/0 10/1', '0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
  },
  'leak-tree': {
    summaries: ['32/2 32/2 0/0 48/3'],
    records: [
      'still-reachable 16/1',
      'still-reachable 16/1',
      'definitely-lost 16/1 +32',
      'definitely-lost 16/1',
      'still-reachable 16/1',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
    ],
    errors: [],
  },
  list: {
    summaries: ['16/1 64/4 0/0 48/3'],
    records: ['still-reachable 48/3', 'definitely-lost 16/1 +64', 'indirectly-lost 64/4'],
    errors: [],
  },
  'locals-at-exit': {
    summaries: ['16/1 0/0 0/0 32/2'],
    records: ['still-reachable 16/1', 'still-reachable 16/1', 'definitely-lost 16/1'],
    errors: [],
  },
  malloc1: {
    summaries: ['10/1 0/0 0/0 0/0'],
    records: ['definitely-lost 10/1'],
    errors: [
      { kind: 'use-after-free', cLine: 19, line: 13, cAllocLine: 15, allocLine: 10 },
      { kind: 'out-of-bounds', cLine: 22, line: 16, cAllocLine: 20, allocLine: 14 },
    ],
  },
  // The same generator gives the same transactions: the block freed twice is the 772-byte one in
  // both runs (memcheck: "0 bytes inside a block of size 772 free'd").
  malloc2: {
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [
      { kind: 'use-after-free', cLine: 50, line: 44, cAllocLine: 41, allocLine: 36 },
      { kind: 'double-free', cLine: 54, line: 48, cAllocLine: 41, allocLine: 36 },
    ],
  },
  nanoleak2: {
    summaries: ['0/0 0/0 0/0 1000/1'],
    records: ['still-reachable 1000/1'],
    errors: [],
  },
  'realloc-growth': {
    summaries: ['32/2 0/0 0/0 64/1'],
    records: ['still-reachable 64/1', 'definitely-lost 32/1', 'definitely-lost 0/1'],
    errors: [],
  },
  realloc1: {
    summaries: ['49/1 0/0 0/0 0/0'],
    records: ['definitely-lost 49/1'],
    errors: [],
  },
  realloc2: {
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
  },
  // LMM cannot shrink a block (a realloc to fewer units keeps the block and its size), so `y`,
  // reallocated from 10 bytes to 5, is still a 10-byte block: 20 bytes lost where memcheck, whose
  // realloc always moves to a block of the new size, loses 15. The reads past the end name the
  // realloc as the allocation, as memcheck does.
  realloc3: {
    ours: {
      summaries: ['20/3 0/0 0/0 0/0'],
      records: ['definitely-lost 5/1', 'definitely-lost 10/1', 'definitely-lost 5/1'],
    },
    summaries: ['15/3 0/0 0/0 0/0'],
    records: ['definitely-lost 5/1', 'definitely-lost 5/1', 'definitely-lost 5/1'],
    errors: [
      { kind: 'out-of-bounds', cLine: 17, line: 14, cAllocLine: 13, allocLine: 10 },
      { kind: 'out-of-bounds', cLine: 18, line: 15, cAllocLine: 14, allocLine: 11 },
      { kind: 'out-of-bounds', cLine: 19, line: 16, cAllocLine: 15, allocLine: 12 },
    ],
  },
  'root-outlives-block': {
    summaries: ['16/1 0/0 0/0 0/0'],
    records: ['definitely-lost 16/1'],
    errors: [],
  },
  trivialleak: {
    summaries: ['1000/1000 0/0 0/0 0/0'],
    records: ['definitely-lost 1000/1000'],
    errors: [],
  },
  tree: {
    summaries: ['24/1 48/2 0/0 96/4'],
    records: [
      'still-reachable 24/1',
      'definitely-lost 24/1 +48',
      'indirectly-lost 24/1',
      'indirectly-lost 24/1',
      'still-reachable 24/1',
      'still-reachable 24/1',
      'still-reachable 24/1',
    ],
    errors: [],
  },
};
