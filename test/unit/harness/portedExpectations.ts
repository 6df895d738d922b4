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
  /** The HEAP SUMMARY's "total heap usage": `'N allocs, N frees, N bytes allocated'`. */
  heapUsage: string;
  /**
   * The errors of memcheck's ERROR SUMMARY: the memory errors, and with --leak-check=full every
   * definitely or possibly lost loss record of every leak check (mid-run ones too).
   */
  errorSummary: number;
  /** Its "from N contexts": each loss record and each memory error site is one; the errors' count when not given. */
  errorContexts?: number;
  /** Where our run legitimately gives other figures than memcheck: ours, and why (said in a comment). */
  ours?: {
    summaries?: SummaryText[];
    records?: RecordText[];
    errors?: OurError[];
    errorSummary?: number;
    errorContexts?: number;
    heapUsage?: string;
  };
}

export const portedPrograms: Record<string, PortedProgram> = {
  // memcheck's "fishy (possibly negative) value" of realloc's size is LMM's too-large request.
  accounting: {
    heapUsage: '1 allocs, 1 frees, 1 bytes allocated',
    errorSummary: 1,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [{ kind: 'too-large', cLine: 12, line: 10 }],
  },
  fprw: {
    heapUsage: '2 allocs, 3 frees, 12 bytes allocated',
    errorSummary: 5,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [
      { kind: 'use-after-free', cLine: 20, line: 28, cAllocLine: 11, allocLine: 19 },
      { kind: 'use-after-free', cLine: 20, line: 28, cAllocLine: 11, allocLine: 19 },
      { kind: 'use-after-free', cLine: 21, line: 29, cAllocLine: 12, allocLine: 20 },
      { kind: 'use-after-free', cLine: 21, line: 29, cAllocLine: 12, allocLine: 20 },
      { kind: 'invalid-free', cLine: 22, line: 30 },
    ],
  },
  // memcheck counts its line-18 write (a short, 4 bytes before the block) twice in one context
  // (`-s`: "2 errors in context 6 of 7"), printing it once: 8 errors from 7 contexts, where LMM
  // counts each of the 6 accesses and the lost block once. And the port's accesses are of a byte.
  badrw: {
    heapUsage: '1 allocs, 0 frees, 10 bytes allocated',
    errorSummary: 8,
    errorContexts: 7,
    ours: { errorSummary: 7, errorContexts: 7 },
    summaries: ['10/1 0/0 0/0 0/0'],
    records: ['definitely-lost 10/1'],
    errors: [
      { kind: 'out-of-bounds', cLine: 15, line: 14, cAllocLine: 7, allocLine: 6 },
      { kind: 'out-of-bounds', cLine: 16, line: 15, cAllocLine: 7, allocLine: 6 },
      { kind: 'out-of-bounds', cLine: 17, line: 16, cAllocLine: 7, allocLine: 6 },
      { kind: 'out-of-bounds', cLine: 18, line: 17, cAllocLine: 7, allocLine: 6 },
      { kind: 'out-of-bounds', cLine: 19, line: 18, cAllocLine: 7, allocLine: 6 },
      { kind: 'out-of-bounds', cLine: 20, line: 19, cAllocLine: 7, allocLine: 6 },
    ],
  },
  badfree: {
    heapUsage: '0 allocs, 2 frees, 0 bytes allocated',
    errorSummary: 2,
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
    heapUsage: '0 allocs, 0 frees, 0 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
    ours: { errors: [{ kind: 'too-large', line: 14 }], errorSummary: 1 },
  },
  // memcheck's newarray heuristic (for C++'s new[], on by default) takes a pointer 8 bytes into a
  // block whose first 8 bytes are a count dividing the bytes after them for one to the block:
  // still reachable. LMM has no heuristics: possibly lost, as memcheck with
  // --leak-check-heuristics=none finds it.
  'counted-array': {
    heapUsage: '1 allocs, 0 frees, 56 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 56/1'],
    records: ['still-reachable 56/1'],
    errors: [],
    ours: { summaries: ['0/0 0/0 56/1 0/0'], records: ['possibly-lost 56/1'], errorSummary: 1 },
  },
  cycles: {
    heapUsage: '8 allocs, 0 frees, 128 bytes allocated',
    errorSummary: 2,
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
    heapUsage: '1 allocs, 2 frees, 177 bytes allocated',
    errorSummary: 1,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [{ kind: 'double-free', cLine: 9, line: 7, cAllocLine: 6, allocLine: 5 }],
  },
  // The original's mid-run checks: main's locals are roots while main runs (the 88-byte block
  // only through an interior pointer: possibly lost); at exit main has returned and all three are lost.
  error_counts: {
    heapUsage: '3 allocs, 0 frees, 264 bytes allocated',
    errorSummary: 5,
    summaries: ['0/0 0/0 0/0 0/0', '0/0 0/0 0/0 0/0', '77/1 0/0 88/1 99/1', '264/3 0/0 0/0 0/0'],
    records: ['definitely-lost 77/1', 'definitely-lost 88/1', 'definitely-lost 99/1'],
    errors: [],
  },
  exitprog: {
    heapUsage: '1 allocs, 0 frees, 1,000 bytes allocated',
    errorSummary: 2,
    summaries: ['1000/1 0/0 0/0 0/0'],
    records: ['definitely-lost 1000/1'],
    errors: [{ kind: 'out-of-bounds', cLine: 12, line: 9, cAllocLine: 11, allocLine: 8 }],
  },
  // A field left holding a freed block's address does not reach the block LMM puts there next
  // (memcheck's next block is elsewhere); one stored after that block was allocated does.
  'freed-address-reused': {
    heapUsage: '5 allocs, 2 frees, 80 bytes allocated',
    errorSummary: 1,
    summaries: ['16/1 0/0 0/0 32/2'],
    records: ['still-reachable 16/1', 'definitely-lost 16/1', 'still-reachable 16/1'],
    errors: [],
  },
  'globals-reassigned': {
    heapUsage: '5 allocs, 0 frees, 80 bytes allocated',
    errorSummary: 2,
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
    heapUsage: '22 allocs, 0 frees, 400 bytes allocated',
    errorSummary: 1,
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
  // Each leak kind reached in an unusual but legal way (a pointer into a block's middle, at its
  // last byte, one past its end; a void * of another struct; a cycle among indirectly lost blocks;
  // a block held only by a freed one; a lost block's start pointer to a possibly lost one; a lost
  // block pointing at itself); two checks with nothing changed between them, each counting its
  // lost records in the ERROR SUMMARY again (8 + 8 + 8).
  'hostile-taxonomy': {
    heapUsage: '14 allocs, 2 frees, 224 bytes allocated',
    errorSummary: 24,
    summaries: ['80/5 32/2 48/3 48/3', '80/5 32/2 48/3 48/3', '96/6 48/3 32/2 16/1'],
    records: [
      'possibly-lost 16/1',
      'definitely-lost 16/1',
      'definitely-lost 16/1 +16',
      'indirectly-lost 16/1',
      'definitely-lost 16/1 +32',
      'indirectly-lost 16/1',
      'indirectly-lost 16/1',
      'definitely-lost 16/1',
      'still-reachable 16/1',
      'possibly-lost 16/1',
      'definitely-lost 16/1',
      'definitely-lost 16/1',
    ],
    errors: [],
  },
  'interior-pointers': {
    heapUsage: '2 allocs, 0 frees, 80 bytes allocated',
    errorSummary: 2,
    summaries: ['0/0 0/0 80/2 0/0'],
    records: ['possibly-lost 64/1', 'possibly-lost 16/1'],
    errors: [],
  },
  'leak-0': {
    heapUsage: '1 allocs, 1 frees, 0 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 0/0', '0/0 0/0 0/0 0/1', '0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
  },
  'leak-cases': {
    heapUsage: '15 allocs, 0 frees, 240 bytes allocated',
    errorSummary: 9,
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
    heapUsage: '18 allocs, 0 frees, 288 bytes allocated',
    errorSummary: 8,
    summaries: ['0/0 0/0 0/0 0/0', '64/4 224/14 0/0 0/0', '64/4 224/14 0/0 0/0'],
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
  // is lost there already, as it is at exit in memcheck's own last check. So the ERROR SUMMARY
  // differs by that one record: both count the definitely lost records each added or changed check
  // reports (grown or changed since the check before), and that check, an added one, finds its
  // allocating line's lost record unchanged in memcheck (42 bytes, 7 errors in all) and grown in
  // LMM (42 to 85 bytes: 8).
  'leak-delta': {
    heapUsage: '6 allocs, 0 frees, 181 bytes allocated',
    errorSummary: 7,
    ours: {
      errorSummary: 8,
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
  // LMM keeps a stack's 8 innermost harness frames: memcheck groups records alike with
  // --num-callers=9 (its count includes malloc's frame), which the re-check uses. Two differences,
  // both legitimate. The last mid-run check: memcheck still finds one 24-byte node reachable
  // through a stale copy of its address (in a register or a dead stack slot) after every root was
  // dropped; LMM reads only the program's pointers, so it is lost there already (as in both checks
  // at exit). And the indirect bytes of the three definitely lost records (599,784 in all, in both)
  // are split among them otherwise: a block that several lost blocks reach is counted under one of
  // them, memcheck's the first its scan reaches in address order, LMM's the first in its own order.
  leakotron: {
    heapUsage: '50,179 allocs, 16,740 frees, 1,204,296 bytes allocated',
    errorSummary: 33,
    summaries: [
      '0/0 0/0 0/0 0/0',
      '0/0 0/0 0/0 0/0',
      '18168/757 31632/1318 0/0 34176/1424',
      '38328/1597 85560/3565 0/0 42312/1763',
      '58488/2437 137328/5722 0/0 48672/2028',
      '79392/3308 190320/7930 0/0 54576/2274',
      '99456/4144 244896/10204 0/0 61560/2565',
      '118992/4958 318192/13258 0/0 48192/2008',
      '139416/5809 374928/15622 0/0 49272/2053',
      '159024/6626 435144/18131 0/0 52224/2176',
      '179400/7475 482472/20103 0/0 66432/2768',
      '202752/8448 599760/24990 0/0 24/1',
      '202752/8448 599784/24991 0/0 0/0',
    ],
    records: [
      'indirectly-lost 192/8',
      'indirectly-lost 264/11',
      'indirectly-lost 264/11',
      'indirectly-lost 192/8',
      'indirectly-lost 336/14',
      'indirectly-lost 432/18',
      'indirectly-lost 384/16',
      'indirectly-lost 168/7',
      'indirectly-lost 456/19',
      'indirectly-lost 216/9',
      'indirectly-lost 336/14',
      'indirectly-lost 312/13',
      'indirectly-lost 288/12',
      'indirectly-lost 312/13',
      'indirectly-lost 336/14',
      'indirectly-lost 384/16',
      'indirectly-lost 288/12',
      'indirectly-lost 360/15',
      'indirectly-lost 408/17',
      'indirectly-lost 312/13',
      'indirectly-lost 456/19',
      'indirectly-lost 336/14',
      'indirectly-lost 264/11',
      'indirectly-lost 360/15',
      'indirectly-lost 192/8',
      'indirectly-lost 360/15',
      'indirectly-lost 456/19',
      'indirectly-lost 264/11',
      'indirectly-lost 264/11',
      'indirectly-lost 288/12',
      'indirectly-lost 168/7',
      'indirectly-lost 384/16',
      'indirectly-lost 216/9',
      'indirectly-lost 264/11',
      'indirectly-lost 312/13',
      'indirectly-lost 432/18',
      'indirectly-lost 120/5',
      'indirectly-lost 312/13',
      'indirectly-lost 192/8',
      'indirectly-lost 216/9',
      'indirectly-lost 240/10',
      'indirectly-lost 360/15',
      'indirectly-lost 432/18',
      'indirectly-lost 408/17',
      'indirectly-lost 192/8',
      'indirectly-lost 264/11',
      'indirectly-lost 288/12',
      'indirectly-lost 240/10',
      'indirectly-lost 240/10',
      'indirectly-lost 240/10',
      'indirectly-lost 264/11',
      'indirectly-lost 264/11',
      'indirectly-lost 360/15',
      'indirectly-lost 288/12',
      'indirectly-lost 312/13',
      'indirectly-lost 264/11',
      'indirectly-lost 192/8',
      'indirectly-lost 264/11',
      'indirectly-lost 168/7',
      'indirectly-lost 264/11',
      'indirectly-lost 240/10',
      'indirectly-lost 216/9',
      'indirectly-lost 504/21',
      'indirectly-lost 456/19',
      'definitely-lost 50088/2087 +158544',
      'indirectly-lost 149928/6247',
      'definitely-lost 76464/3186 +223416',
      'indirectly-lost 75240/3135',
      'indirectly-lost 36960/1540',
      'indirectly-lost 9336/389',
      'indirectly-lost 2112/88',
      'indirectly-lost 456/19',
      'indirectly-lost 576/24',
      'indirectly-lost 2424/101',
      'indirectly-lost 744/31',
      'indirectly-lost 576/24',
      'indirectly-lost 9264/386',
      'indirectly-lost 2208/92',
      'indirectly-lost 792/33',
      'indirectly-lost 720/30',
      'indirectly-lost 2616/109',
      'indirectly-lost 648/27',
      'indirectly-lost 792/33',
      'indirectly-lost 37944/1581',
      'indirectly-lost 9816/409',
      'indirectly-lost 2280/95',
      'indirectly-lost 504/21',
      'indirectly-lost 672/28',
      'indirectly-lost 2232/93',
      'indirectly-lost 744/31',
      'indirectly-lost 600/25',
      'indirectly-lost 9096/379',
      'indirectly-lost 2352/98',
      'indirectly-lost 672/28',
      'indirectly-lost 744/31',
      'indirectly-lost 2280/95',
      'indirectly-lost 336/14',
      'indirectly-lost 504/21',
      'definitely-lost 76200/3175 +217824',
      'indirectly-lost 74568/3107',
      'indirectly-lost 37920/1580',
      'indirectly-lost 9528/397',
      'indirectly-lost 2496/104',
      'indirectly-lost 576/24',
      'indirectly-lost 720/30',
      'indirectly-lost 2184/91',
      'indirectly-lost 504/21',
      'indirectly-lost 504/21',
      'indirectly-lost 8880/370',
      'indirectly-lost 2424/101',
      'indirectly-lost 552/23',
      'indirectly-lost 744/31',
      'indirectly-lost 2088/87',
      'indirectly-lost 408/17',
      'indirectly-lost 480/20',
      'indirectly-lost 38112/1588',
      'indirectly-lost 9528/397',
      'indirectly-lost 2064/86',
      'indirectly-lost 600/25',
      'indirectly-lost 576/24',
      'indirectly-lost 1992/83',
      'indirectly-lost 744/31',
      'indirectly-lost 432/18',
      'indirectly-lost 9528/397',
      'indirectly-lost 1920/80',
      'indirectly-lost 576/24',
      'indirectly-lost 480/20',
      'indirectly-lost 2184/91',
      'indirectly-lost 456/19',
      'indirectly-lost 792/33',
    ],
    errors: [],
    ours: {
      summaries: [
        '0/0 0/0 0/0 0/0',
        '0/0 0/0 0/0 0/0',
        '18168/757 31632/1318 0/0 34176/1424',
        '38328/1597 85560/3565 0/0 42312/1763',
        '58488/2437 137328/5722 0/0 48672/2028',
        '79392/3308 190320/7930 0/0 54576/2274',
        '99456/4144 244896/10204 0/0 61560/2565',
        '118992/4958 318192/13258 0/0 48192/2008',
        '139416/5809 374928/15622 0/0 49272/2053',
        '159024/6626 435144/18131 0/0 52224/2176',
        '179400/7475 482472/20103 0/0 66432/2768',
        '202752/8448 599784/24991 0/0 0/0',
        '202752/8448 599784/24991 0/0 0/0',
      ],
      records: [
        'indirectly-lost 192/8',
        'indirectly-lost 264/11',
        'indirectly-lost 264/11',
        'indirectly-lost 192/8',
        'indirectly-lost 336/14',
        'indirectly-lost 432/18',
        'indirectly-lost 384/16',
        'indirectly-lost 168/7',
        'indirectly-lost 456/19',
        'indirectly-lost 216/9',
        'indirectly-lost 336/14',
        'indirectly-lost 312/13',
        'indirectly-lost 288/12',
        'indirectly-lost 312/13',
        'indirectly-lost 336/14',
        'indirectly-lost 384/16',
        'indirectly-lost 288/12',
        'indirectly-lost 360/15',
        'indirectly-lost 408/17',
        'indirectly-lost 312/13',
        'indirectly-lost 456/19',
        'indirectly-lost 336/14',
        'indirectly-lost 264/11',
        'indirectly-lost 360/15',
        'indirectly-lost 192/8',
        'indirectly-lost 360/15',
        'indirectly-lost 456/19',
        'indirectly-lost 264/11',
        'indirectly-lost 264/11',
        'indirectly-lost 288/12',
        'indirectly-lost 168/7',
        'indirectly-lost 384/16',
        'indirectly-lost 216/9',
        'indirectly-lost 264/11',
        'indirectly-lost 312/13',
        'indirectly-lost 432/18',
        'indirectly-lost 120/5',
        'indirectly-lost 312/13',
        'indirectly-lost 192/8',
        'indirectly-lost 216/9',
        'indirectly-lost 240/10',
        'indirectly-lost 360/15',
        'indirectly-lost 432/18',
        'indirectly-lost 408/17',
        'indirectly-lost 192/8',
        'indirectly-lost 264/11',
        'indirectly-lost 288/12',
        'indirectly-lost 240/10',
        'indirectly-lost 240/10',
        'indirectly-lost 240/10',
        'indirectly-lost 264/11',
        'indirectly-lost 264/11',
        'indirectly-lost 360/15',
        'indirectly-lost 288/12',
        'indirectly-lost 312/13',
        'indirectly-lost 264/11',
        'indirectly-lost 192/8',
        'indirectly-lost 264/11',
        'indirectly-lost 168/7',
        'indirectly-lost 264/11',
        'indirectly-lost 240/10',
        'indirectly-lost 216/9',
        'indirectly-lost 504/21',
        'indirectly-lost 456/19',
        'definitely-lost 50088/2087 +157848',
        'indirectly-lost 149928/6247',
        'definitely-lost 76464/3186 +220704',
        'indirectly-lost 75240/3135',
        'indirectly-lost 36960/1540',
        'indirectly-lost 9336/389',
        'indirectly-lost 2112/88',
        'indirectly-lost 456/19',
        'indirectly-lost 576/24',
        'indirectly-lost 2424/101',
        'indirectly-lost 744/31',
        'indirectly-lost 576/24',
        'indirectly-lost 9264/386',
        'indirectly-lost 2208/92',
        'indirectly-lost 792/33',
        'indirectly-lost 720/30',
        'indirectly-lost 2616/109',
        'indirectly-lost 648/27',
        'indirectly-lost 792/33',
        'indirectly-lost 37944/1581',
        'indirectly-lost 9816/409',
        'indirectly-lost 2280/95',
        'indirectly-lost 504/21',
        'indirectly-lost 672/28',
        'indirectly-lost 2232/93',
        'indirectly-lost 744/31',
        'indirectly-lost 600/25',
        'indirectly-lost 9096/379',
        'indirectly-lost 2352/98',
        'indirectly-lost 672/28',
        'indirectly-lost 744/31',
        'indirectly-lost 2280/95',
        'indirectly-lost 336/14',
        'indirectly-lost 504/21',
        'definitely-lost 76200/3175 +221232',
        'indirectly-lost 74568/3107',
        'indirectly-lost 37920/1580',
        'indirectly-lost 9528/397',
        'indirectly-lost 2496/104',
        'indirectly-lost 576/24',
        'indirectly-lost 720/30',
        'indirectly-lost 2184/91',
        'indirectly-lost 504/21',
        'indirectly-lost 504/21',
        'indirectly-lost 8880/370',
        'indirectly-lost 2424/101',
        'indirectly-lost 552/23',
        'indirectly-lost 744/31',
        'indirectly-lost 2088/87',
        'indirectly-lost 408/17',
        'indirectly-lost 480/20',
        'indirectly-lost 38112/1588',
        'indirectly-lost 9528/397',
        'indirectly-lost 2064/86',
        'indirectly-lost 600/25',
        'indirectly-lost 576/24',
        'indirectly-lost 1992/83',
        'indirectly-lost 744/31',
        'indirectly-lost 432/18',
        'indirectly-lost 9528/397',
        'indirectly-lost 1920/80',
        'indirectly-lost 576/24',
        'indirectly-lost 480/20',
        'indirectly-lost 2184/91',
        'indirectly-lost 456/19',
        'indirectly-lost 792/33',
      ],
    },
  },
  'leak-regroot': {
    heapUsage: '1 allocs, 1 frees, 10 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 10/1', '0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
  },
  'leak-tree': {
    heapUsage: '7 allocs, 0 frees, 112 bytes allocated',
    errorSummary: 2,
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
  // memcheck's default leak-check heuristics (length64) take a pointer 8 bytes into a block whose
  // first 8 bytes hold the block's size less 8 for a pointer to the block: still reachable,
  // "reachable via heuristic". LMM has no heuristics: the block is possibly lost (memcheck's
  // figure with --leak-check-heuristics=none), which the ERROR SUMMARY counts.
  'length-prefix': {
    heapUsage: '1 allocs, 0 frees, 32 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 32/1'],
    records: ['still-reachable 32/1'],
    errors: [],
    ours: { summaries: ['0/0 0/0 32/1 0/0'], records: ['possibly-lost 32/1'], errorSummary: 1 },
  },
  list: {
    heapUsage: '8 allocs, 0 frees, 128 bytes allocated',
    errorSummary: 1,
    summaries: ['16/1 64/4 0/0 48/3'],
    records: ['still-reachable 48/3', 'definitely-lost 16/1 +64', 'indirectly-lost 64/4'],
    errors: [],
  },
  'locals-at-exit': {
    heapUsage: '3 allocs, 0 frees, 48 bytes allocated',
    errorSummary: 1,
    summaries: ['16/1 0/0 0/0 32/2'],
    records: ['still-reachable 16/1', 'still-reachable 16/1', 'definitely-lost 16/1'],
    errors: [],
  },
  malloc1: {
    heapUsage: '2 allocs, 1 frees, 20 bytes allocated',
    errorSummary: 3,
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
    heapUsage: '445 allocs, 446 frees, 286,819 bytes allocated',
    errorSummary: 2,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [
      { kind: 'use-after-free', cLine: 50, line: 44, cAllocLine: 41, allocLine: 36 },
      { kind: 'double-free', cLine: 54, line: 48, cAllocLine: 41, allocLine: 36 },
    ],
  },
  // A buffer's size is the one number calloc's product makes: calloc(0, -1) asks LMM for 0 bytes,
  // a block of no bytes (an alloc and a free more), where memcheck finds its element size "fishy"
  // and gives NULL; and calloc(-1, -1), whose product overflows (NULL without a word in
  // memcheck), is a request no page can serve: LMM's too-large, as in calloc-overflow.
  malloc3: {
    heapUsage: '2 allocs, 2 frees, 0 bytes allocated',
    errorSummary: 2,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [
      { kind: 'too-large', cLine: 14, line: 15 },
      { kind: 'too-large', cLine: 20, line: 21 },
    ],
    ours: {
      errors: [
        { kind: 'too-large', line: 15 },
        { kind: 'too-large', line: 24 },
      ],
      heapUsage: '3 allocs, 3 frees, 0 bytes allocated',
    },
  },
  nanoleak2: {
    heapUsage: '1 allocs, 0 frees, 1,000 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 1000/1'],
    records: ['still-reachable 1000/1'],
    errors: [],
  },
  // memcheck looks for pointers in a block's aligned 8-byte words only, so it misses the pointer
  // a packed struct keeps 1 byte into its block, and loses the block only that pointer holds; LMM
  // follows the struct's pointer fields wherever the layout puts them: still reachable.
  // Run with nanoleak_supp.lmmsupp beside it (as lmm run does: portedSuppressions.test.ts) the
  // block is suppressed, as memcheck's nanoleak.supp suppresses it.
  nanoleak_supp: {
    heapUsage: '1 allocs, 0 frees, 1,000 bytes allocated',
    errorSummary: 1,
    summaries: ['1000/1 0/0 0/0 0/0'],
    records: ['definitely-lost 1000/1'],
    errors: [],
  },
  'packed-pointer': {
    heapUsage: '2 allocs, 0 frees, 18 bytes allocated',
    errorSummary: 1,
    summaries: ['9/1 0/0 0/0 9/1'],
    records: ['still-reachable 9/1', 'definitely-lost 9/1'],
    errors: [],
    ours: { summaries: ['0/0 0/0 0/0 18/2'], records: ['still-reachable 9/1', 'still-reachable 9/1'], errorSummary: 0 },
  },
  'realloc-growth': {
    heapUsage: '11 allocs, 8 frees, 216 bytes allocated',
    errorSummary: 2,
    summaries: ['32/2 0/0 0/0 64/1'],
    records: ['still-reachable 64/1', 'definitely-lost 32/1', 'definitely-lost 0/1'],
    errors: [],
  },
  realloc1: {
    heapUsage: '49 allocs, 48 frees, 1,225 bytes allocated',
    errorSummary: 1,
    summaries: ['49/1 0/0 0/0 0/0'],
    records: ['definitely-lost 49/1'],
    errors: [],
  },
  realloc2: {
    heapUsage: '30,000 allocs, 30,000 frees, 16,050,000 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
  },
  // LMM cannot shrink a block (a realloc to fewer units keeps the block and its size), so `y`,
  // reallocated from 10 bytes to 5, is still a 10-byte block: 20 bytes lost where memcheck, whose
  // realloc always moves to a block of the new size, loses 15. The reads past the end name the
  // realloc as the allocation, as memcheck does.
  realloc3: {
    heapUsage: '6 allocs, 3 frees, 32 bytes allocated',
    errorSummary: 6,
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
  // realloc(p, 0) frees p (no alloc counted), realloc(NULL, 0) is an alloc of 0 bytes, freed.
  realloc_size_zero: {
    heapUsage: '2 allocs, 2 frees, 1,024 bytes allocated',
    errorSummary: 0,
    summaries: ['0/0 0/0 0/0 0/0'],
    records: [],
    errors: [],
  },
  'root-outlives-block': {
    heapUsage: '2 allocs, 1 frees, 32 bytes allocated',
    errorSummary: 1,
    summaries: ['16/1 0/0 0/0 0/0'],
    records: ['definitely-lost 16/1'],
    errors: [],
  },
  // Run with suppfree.lmmsupp (portedSuppressions.test.ts) the figures are the same: none of its
  // suppressions matches the double free, as none of memcheck's suppfree.supp does.
  suppfree: {
    heapUsage: '2 allocs, 2 frees, 20 bytes allocated',
    errorSummary: 2,
    summaries: ['10/1 0/0 0/0 0/0'],
    records: ['definitely-lost 10/1'],
    errors: [{ kind: 'double-free', cLine: 9, line: 7, cAllocLine: 19, allocLine: 23 }],
  },
  trivialleak: {
    heapUsage: '1,000 allocs, 0 frees, 1,000 bytes allocated',
    errorSummary: 1,
    summaries: ['1000/1000 0/0 0/0 0/0'],
    records: ['definitely-lost 1000/1000'],
    errors: [],
  },
  tree: {
    heapUsage: '7 allocs, 0 frees, 168 bytes allocated',
    errorSummary: 1,
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
