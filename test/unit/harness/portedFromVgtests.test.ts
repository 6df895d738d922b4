import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { lmm } from '../../support/lmmCli';
import { realValgrind } from './realValgrind';

/**
 * memcheck tests ported from the README alone, as a stranger would port them, and run under
 * `lmm run` with their .vgtest's `vgopts:` as given (after memcheck's defaults, as
 * portedVgopts.test.ts does): big_blocks_freed_list, clo_redzone_default, clo_redzone_128 and
 * errs1 (written again from what the test checks: its file was not at hand). Each output is read
 * into the same terms, compared with what valgrind 3.19 printed here for the C program beside the
 * port (`gcc -O0 -g`; recorded, and re-checked below when gcc and valgrind are on PATH): each
 * memory error's heading, where in its block it fell, and the C lines of its stack and of its
 * block's free and allocation stacks, frame for frame (a harness line read as the C line it ports;
 * memcheck's malloc and free frames, in valgrind's preload library, have no C line); the HEAP SUMMARY, LEAK
 * SUMMARY and ERROR SUMMARY lines, after the errors (LMM prints its errors after its LEAK SUMMARY,
 * memcheck as they happen). Where LMM legitimately differs, our line and why.
 *
 * What this stranger hit, fixed with it: `--freelist-vol`, `--freelist-big-blocks` and
 * `--redzone-size` were refused as unknown options; errs1's read and write of one byte (`p[-1] +=
 * 'z'`) were one error, "Invalid read … (2 times)", from 1 context, where memcheck has a read and
 * a write, 2 contexts.
 *
 * A second stranger (round 18) ported long-supps and realloc_size_zero_again (copied from
 * valgrind's memcheck/tests) the same way. What they hit: realloc_size_zero_again's 4,608-byte
 * realloc is LMM's too-large on the default page, whose message did not say a page's size limits
 * it (now "one 4096-byte page", as the editor's check words it; `--page-size 8192` serves it); its
 * vgopts' `-s` and `--realloc-zero-bytes-frees` (valgrind 3.21's; 3.19 refuses it too) are refused
 * saying what to write (portedStrangerVgopts.test.ts), so it runs with neither.
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

/** An empty suppressions file, given in place of the one beside a harness. */
const scratch = mkdtempSync(join(tmpdir(), 'lmm-vgtests-supp-'));
const NO_SUPPRESSIONS = join(scratch, 'none.lmmsupp');
writeFileSync(NO_SUPPRESSIONS, '');
after(() => rmSync(scratch, { recursive: true, force: true }));

/** memcheck's defaults for the leak report, made explicit: LMM's differ (README, Checked against memcheck). */
const MEMCHECK_DEFAULTS = ['--leak-check=summary', '--show-leak-kinds=definite,possible'];

interface VgtestRun {
  /** The upstream .vgtest. */
  test: string;
  program: string;
  vgopts: string[];
  /** The vgopts as lmm run takes them, where they name a file of memcheck's (a suppressions file); else vgopts. */
  lmmVgopts?: string[];
  /** lmm run's options after the vgopts (a page large enough), if any. */
  lmmOptions?: string[];
  /** Each harness line that a C line ports: harness line → C line. */
  lines: Record<number, number>;
  /** What valgrind printed, in these terms (recorded here; re-checked below when gcc and valgrind are on PATH). */
  valgrind: string[];
  /**
   * What valgrind prints instead in some of its runs here (recorded), and why: its re-check takes
   * either. The run of lmm run is compared with `valgrind` alone.
   */
  valgrindSometimes?: { lines: string[]; why: string };
  /** memcheck's lines that LMM prints otherwise (in these terms), and why. */
  differs?: { memcheck: string[]; lmm: string[]; why: string }[];
}

/** A HEAP, LEAK or ERROR SUMMARY line, its indent taken off. */
const SUMMARY_LINE =
  /^(in use at exit|total heap usage|LEAK SUMMARY:|definitely lost:|indirectly lost:|possibly lost:|still reachable:|suppressed:|Rerun with|ERROR SUMMARY:)/;

/** memcheck's stderr in these terms. */
function memcheckTerms(output: string): string[] {
  const lines = output.split('\n').map((line) => line.replace(/^==\d+== ?/, '').trimEnd());
  const out: string[] = [];
  const summaries: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const free = line === 'Invalid free() / delete / delete[] / realloc()';
    if (free || /^Invalid (read|write) of size \d+$/.test(line)) {
      const section: Record<string, number[]> = { error: [], freed: [], alloc: [] };
      let part = 'error';
      let where = '';
      for (i++; i < lines.length && lines[i] !== ''; i++) {
        const l = lines[i]!;
        const address = /^ Address 0x[0-9a-f]+ is ([\d,]+) bytes (inside|after|before)/.exec(l);
        if (address) {
          where = `${address[1]!.replace(/,/g, '')} bytes ${address[2]}`;
          part = l.endsWith("free'd") ? 'freed' : 'alloc';
        } else if (l === " Block was alloc'd at") part = 'alloc';
        const frame = /\(\S+\.c:(\d+)\)$/.exec(l);
        if (frame) section[part]!.push(Number(frame[1]));
      }
      out.push(`${free ? 'Invalid free' : line}${where ? `, ${where}` : ''} at ${section.error!.join(',')}`);
      if (section.freed!.length > 0) out.push(`  freed at ${section.freed!.join(',')}`);
      // (A free of an address in no block has no block, so no allocation either.)
      if (!free || where) out.push(`  allocated at ${section.alloc!.join(',')}`);
      continue;
    }
    if (SUMMARY_LINE.test(line.trimStart())) summaries.push(line.replace(/\b1 blocks\b/, '1 block').replace(/ from \d+\)$/, ')'));
  }
  return [...out, ...summaries].map((line) => line.trim());
}

/** lmm run's text in these terms, its harness lines read as the C lines they port. */
function lmmTerms(output: string, cLine: Record<number, number>): string[] {
  const lines = output.split('\n');
  const c = (site: string) => {
    const line = Number(/:(\d+):\d+$/.exec(site)![1]);
    return cLine[line] ?? -line;
  };
  const out: string[] = [];
  const summaries: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const error =
      /^[a-z-]+: (Invalid (?:read|write) of size \d+): [^,]+, (\d+) bytes (inside|after the end of|before the start of)/.exec(
        line,
      );
    // LMM's double free is of a block's start (XFREE takes a block's view): memcheck's "0 bytes inside".
    const free = /^(double-free|invalid-free): /.exec(line);
    if (error || free) {
      // The error's stack, then the block's stacks under their headings, as memcheck's.
      const section: Record<string, number[]> = { error: [], freed: [], alloc: [] };
      let part = 'error';
      for (i++; i < lines.length && lines[i] !== ''; i++) {
        const l = lines[i]!;
        if (l === ' Block was freed at') part = 'freed';
        else if (l === ' Block was allocated at') part = 'alloc';
        const frame = /^ {3}(?:at|by) (\S+)$/.exec(l);
        if (frame) section[part]!.push(c(frame[1]!));
      }
      const heading = error
        ? `${error[1]}, ${error[2]} bytes ${error[3]!.split(' ')[0]}`
        : `Invalid free${free![1] === 'double-free' ? ', 0 bytes inside' : ''}`;
      out.push(`${heading} at ${section.error!.join(',')}`);
      if (section.freed!.length > 0) out.push(`  freed at ${section.freed!.join(',')}`);
      if (section.alloc!.length > 0 || error) out.push(`  allocated at ${section.alloc!.join(',')}`);
      continue;
    }
    if (SUMMARY_LINE.test(line.trimStart())) summaries.push(line);
  }
  return [...out, ...summaries].map((line) => line.trim());
}

/** `lines` with each difference's memcheck lines, found where they are, replaced by LMM's. */
function withDifferences(lines: string[], differs: VgtestRun['differs'] = []): string[] {
  let out = [...lines];
  for (const d of differs) {
    // Lines memcheck has not printed at all go at the end.
    const at = d.memcheck.length === 0 ? out.length : out.findIndex((_, i) => d.memcheck.every((line, j) => out[i + j] === line));
    assert.ok(at >= 0, `memcheck's lines are where they were recorded: ${d.why}`);
    out = [...out.slice(0, at), ...d.lmm, ...out.slice(at + d.memcheck.length)];
  }
  return out;
}

const BIG_BLOCKS_SUMMARY = (bytes: string, allocated: string, lost: string) => [
  `in use at exit: ${bytes} bytes in 100 blocks`,
  `total heap usage: 104 allocs, 4 frees, ${allocated} bytes allocated`,
  'LEAK SUMMARY:',
  `definitely lost: ${lost} bytes in 100 blocks`,
  'indirectly lost: 0 bytes in 0 blocks',
  'possibly lost: 0 bytes in 0 blocks',
  'still reachable: 0 bytes in 0 blocks',
  'suppressed: 0 bytes in 0 blocks',
  'Rerun with --leak-check=full to see details of leaked memory',
  'ERROR SUMMARY: 7 errors from 7 contexts (suppressed: 0)',
];

/** A LEAK SUMMARY with these possibly lost and still reachable figures, nothing else. */
const LEAK_SUMMARY = (possibly: string, reachable: string) => [
  'LEAK SUMMARY:',
  'definitely lost: 0 bytes in 0 blocks',
  'indirectly lost: 0 bytes in 0 blocks',
  `possibly lost: ${possibly}`,
  `still reachable: ${reachable}`,
  'suppressed: 0 bytes in 0 blocks',
];

/** memcheck's errors for big_blocks_freed_list.c, in these terms. */
const BIG_BLOCKS_ERRORS = [
  'Invalid read of size 1, 1000 bytes inside at 21',
  'freed at 20',
  'allocated at 18',
  'Invalid read of size 1, 1000 bytes inside at 22',
  'freed at 19',
  'allocated at 17',
  // The big block left memcheck's free list when the small one was freed (--freelist-vol).
  'Invalid read of size 1, 2000 bytes inside at 27',
  'allocated at',
  'Invalid read of size 1, 2000 bytes inside at 28',
  'freed at 19',
  'allocated at 17',
  'Invalid read of size 1, 10 bytes inside at 33',
  'freed at 25',
  'allocated at 24',
  'Invalid read of size 1, 10 bytes inside at 34',
  'freed at 32',
  'allocated at 31',
  'Invalid read of size 1, 10 bytes inside at 40',
  'freed at 25',
  'allocated at 24',
];

/** The block's allocation stack frame for frame: memcheck's malloc frame has no harness line, the rest do. */
const ERRS1_ERROR = (access: string) => [
  `Invalid ${access} of size 1, 1 bytes before at 8,9,10,11,20`,
  'allocated at 13,14,15,16,19',
];

const RUNS: VgtestRun[] = [
  {
    test: 'big_blocks_freed_list',
    program: 'big_blocks_freed_list',
    vgopts: ['--freelist-vol=1000000', '--freelist-big-blocks=50000'],
    lmmOptions: ['--page-size', '262144'],
    lines: {
      14: 17,
      15: 18,
      16: 19,
      17: 20,
      18: 21,
      19: 22,
      21: 24,
      22: 25,
      24: 27,
      25: 28,
      28: 31,
      29: 32,
      30: 33,
      31: 34,
      37: 40,
    },
    valgrind: [...BIG_BLOCKS_ERRORS, ...BIG_BLOCKS_SUMMARY('1,000,000', '3,910,030', '1,000,000')],
    valgrindSometimes: {
      lines: [
        ...BIG_BLOCKS_ERRORS,
        ...BIG_BLOCKS_SUMMARY('1,000,000', '3,910,030', '1,000,000').map((line) =>
          line.startsWith('definitely lost:')
            ? 'definitely lost: 990,000 bytes in 99 blocks'
            : line.startsWith('possibly lost:')
              ? 'possibly lost: 10,000 bytes in 1 block'
              : line,
        ),
      ],
      why: 'in about one run of ten here (a new build folder, a new address layout), memcheck finds a stale value in what it scans pointing inside one of the 100 blocks the loop allocated (line 37), which it then calls possibly lost',
    },
    differs: [
      {
        memcheck: ['Invalid read of size 1, 2000 bytes inside at 27', 'allocated at'],
        lmm: ['Invalid read of size 1, 2000 bytes inside at 27', 'freed at 20', 'allocated at 18'],
        why: 'memcheck\'s free list had let the big block go ("inside an unallocated block"); LMM names every freed block, as memcheck with a free list large enough',
      },
      {
        memcheck: BIG_BLOCKS_SUMMARY('1,000,000', '3,910,030', '1,000,000'),
        lmm: BIG_BLOCKS_SUMMARY('100,000', '391,002', '100,000'),
        why: 'a buffer fits in a page, 256 KiB at most: the port asks for a tenth of each size (1,000,015 bytes is 100,001)',
      },
    ],
  },
  {
    // memcheck's default 16-byte redzone: the write lands in the next block, no error.
    test: 'clo_redzone_default',
    program: 'clo_redzone',
    vgopts: ['--leak-check=no', '-q'],
    lines: { 6: 10, 8: 12 },
    valgrind: [],
    differs: [
      {
        memcheck: [],
        lmm: ['Invalid write of size 1, 69 bytes after at 12', 'allocated at 10'],
        why: 'LMM bounds every access by its block, as memcheck with a redzone as large as the gap (clo_redzone_128)',
      },
    ],
  },
  {
    test: 'clo_redzone_128',
    program: 'clo_redzone',
    vgopts: ['--leak-check=no', '-q', '--redzone-size=128'],
    lines: { 6: 10, 8: 12 },
    valgrind: ['Invalid write of size 1, 69 bytes after at 12', 'allocated at 10'],
  },
  {
    test: 'errs1',
    program: 'errs1',
    vgopts: [],
    lines: { 7: 8, 8: 9, 9: 10, 10: 11, 12: 13, 13: 14, 14: 15, 15: 16, 18: 19, 19: 20 },
    valgrind: [
      ...ERRS1_ERROR('read'),
      ...ERRS1_ERROR('write'),
      'in use at exit: 10 bytes in 1 block',
      'total heap usage: 1 allocs, 0 frees, 10 bytes allocated',
      'LEAK SUMMARY:',
      'definitely lost: 0 bytes in 0 blocks',
      'indirectly lost: 0 bytes in 0 blocks',
      'possibly lost: 0 bytes in 0 blocks',
      'still reachable: 10 bytes in 1 block',
      'suppressed: 0 bytes in 0 blocks',
      'Rerun with --leak-check=full to see details of leaked memory',
      'ERROR SUMMARY: 2 errors from 2 contexts (suppressed: 0)',
    ],
  },
  {
    test: 'long-supps',
    program: 'long-supps',
    vgopts: [`--suppressions=${join(ported, 'long-supps.supp')}`, '-q'],
    // memcheck's Addr4 with fun: frames is long-supps.lmmsupp's out-of-bounds with its lines.
    lmmVgopts: [`--suppressions=${join(ported, 'long-supps.lmmsupp')}`, '-q'],
    lines: {},
    valgrind: [],
  },
  {
    // What long-supps.supp suppresses: the write of an int past the 4-byte block.
    test: 'long-supps, no suppressions',
    program: 'long-supps',
    vgopts: ['-q'],
    // An empty suppressions file in place of the long-supps.lmmsupp beside the harness.
    lmmVgopts: ['-q', '--suppressions', NO_SUPPRESSIONS],
    lines: { 8: 11, 9: 12, 14: 17 },
    valgrind: ['Invalid write of size 4, 0 bytes after at 12,17', 'allocated at 11,17'],
  },
  {
    // Upstream's vgopts are -q -s --realloc-zero-bytes-frees=yes|no: see the file's comment.
    test: 'realloc_size_zero_again',
    program: 'realloc_size_zero_again',
    vgopts: [],
    lmmOptions: ['--page-size', '8192'],
    lines: {},
    valgrind: [
      'in use at exit: 0 bytes in 0 blocks',
      'total heap usage: 12 allocs, 12 frees, 19,456 bytes allocated',
      'ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0)',
    ],
    differs: [
      {
        memcheck: ['ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0)'],
        lmm: [
          'LEAK SUMMARY:',
          'definitely lost: 0 bytes in 0 blocks',
          'indirectly lost: 0 bytes in 0 blocks',
          'possibly lost: 0 bytes in 0 blocks',
          'still reachable: 0 bytes in 0 blocks',
          'suppressed: 0 bytes in 0 blocks',
          'ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0)',
        ],
        why: 'LMM prints its LEAK SUMMARY with no block live too, above "All heap blocks were freed", where memcheck prints that line alone (as leak-0\'s at exit)',
      },
    ],
  },
  {
    // Its .vgtest gives no vgopts. The array of 25,000 pointers is 200,000 bytes: a larger page serves it.
    test: 'leak-segv-jmp',
    program: 'leak-segv-jmp',
    vgopts: [],
    lmmOptions: ['--page-size', '262144'],
    lines: {},
    valgrind: [
      // Its first quick check: "All heap blocks were freed", no summary. "expecting no leaks":
      ...LEAK_SUMMARY('0 bytes in 0 blocks', '201,000 bytes in 2 blocks'),
      // "expecting heuristic not to crash", then leak.h's last quick check.
      ...LEAK_SUMMARY('0 bytes in 0 blocks', '401,000 bytes in 3 blocks'),
      ...LEAK_SUMMARY('0 bytes in 0 blocks', '401,000 bytes in 3 blocks'),
      'Rerun with --leak-check=full to see details of leaked memory',
      'in use at exit: 401,000 bytes in 3 blocks',
      'total heap usage: 3 allocs, 0 frees, 401,000 bytes allocated',
      ...LEAK_SUMMARY('200,000 bytes in 1 block', '201,000 bytes in 2 blocks'),
      'Rerun with --leak-check=full to see details of leaked memory',
      'ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0)',
    ],
    differs: [
      {
        memcheck: [
          ...LEAK_SUMMARY('0 bytes in 0 blocks', '401,000 bytes in 3 blocks'),
          ...LEAK_SUMMARY('0 bytes in 0 blocks', '401,000 bytes in 3 blocks'),
        ],
        lmm: [
          ...LEAK_SUMMARY('200,000 bytes in 1 block', '201,000 bytes in 2 blocks'),
          ...LEAK_SUMMARY('200,000 bytes in 1 block', '201,000 bytes in 2 blocks'),
        ],
        why: "memcheck's mid-run checks take an interior pointer to the 200,000-byte block for one to the block by its default heuristics (still reachable); LMM has none, so the block is possibly lost there, as memcheck finds it at exit",
      },
      {
        memcheck: ['ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 0)'],
        lmm: ['ERROR SUMMARY: 1 error from 1 context (suppressed: 0)'],
        why: 'the possibly lost record of the full mid-run check counts (under --leak-check=summary the check at exit counts none)',
      },
    ],
  },
  {
    // valloc's page alignment left out (LMM's API has none); its largest block, 111,110 bytes, needs a larger page.
    test: 'memalign_test',
    program: 'memalign_test',
    vgopts: ['-q'],
    lmmOptions: ['--page-size', '131072'],
    lines: { 12: 18, 16: 25, 18: 27 },
    valgrind: ['Invalid free, 0 bytes inside at 27', 'freed at 25', 'allocated at 18'],
  },
  {
    test: 'memalign_test, its HEAP SUMMARY',
    program: 'memalign_test',
    vgopts: [],
    lmmOptions: ['--page-size', '131072'],
    lines: { 12: 18, 16: 25, 18: 27 },
    valgrind: [
      'Invalid free, 0 bytes inside at 27',
      'freed at 25',
      'allocated at 18',
      'in use at exit: 0 bytes in 0 blocks',
      'total heap usage: 10 allocs, 11 frees, 611,105 bytes allocated',
      'ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0)',
    ],
    differs: [
      {
        memcheck: ['ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0)'],
        lmm: [
          ...LEAK_SUMMARY('0 bytes in 0 blocks', '0 bytes in 0 blocks'),
          'ERROR SUMMARY: 1 error from 1 context (suppressed: 0)',
        ],
        why: "LMM prints its LEAK SUMMARY with no block live too (as leak-0's at exit), and says 1 error from 1 context",
      },
    ],
  },
];

describe("memcheck tests ported from the README alone, run with their .vgtest's vgopts", function () {
  this.timeout(120_000);

  for (const run of RUNS) {
    const lmmOptions = [...(run.lmmVgopts ?? run.vgopts), ...(run.lmmOptions ?? [])];
    const shown = lmmOptions.map((option) => option.replace(ported + '/', '').replace(scratch + '/', ''));
    it(`${run.test}: lmm run ${run.program}.lmm.ts ${shown.join(' ')}`, async () => {
      const result = await lmm('run', join(ported, `${run.program}.lmm.ts`), ...MEMCHECK_DEFAULTS, ...lmmOptions);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.deepEqual(lmmTerms(result.stdout, run.lines), withDifferences(run.valgrind, run.differs));
    });
  }

  const TOO_LARGE_ON_THE_DEFAULT_PAGE = [
    { program: 'realloc_size_zero_again', request: '4608 × buf \\(4608 bytes\\)', line: 9 },
    { program: 'leak-segv-jmp', request: '25000 × char_ptr \\(200000 bytes\\)', line: 15 },
    { program: 'memalign_test', request: '11111 × buf \\(11111 bytes\\)', line: 12 },
  ];
  for (const { program, request, line } of TOO_LARGE_ON_THE_DEFAULT_PAGE) {
    it(`${program} on the default page: its largest request is too-large, the message naming the page size`, async () => {
      const result = await lmm('run', join(ported, `${program}.lmm.ts`), ...MEMCHECK_DEFAULTS, '-q');
      assert.match(
        result.stdout,
        new RegExp(
          `^too-large: (?:XCALLOC(?:_BUF)?: )?${request} exceeds the 4024 bytes one 4096-byte page can serve(?: \\(\\d+ times\\))?\\n {3}at \\S+${program}\\.lmm\\.ts:${line}:`,
          'm',
        ),
      );
    });
  }

  describe('the recorded lines are what valgrind prints here', () => {
    const valgrind = realValgrind('lmm-vgtests-');

    for (const run of RUNS) {
      it(`${run.test}: valgrind ${run.vgopts.map((option) => option.replace(ported + '/', '')).join(' ')} ./${run.program}`, () => {
        const terms = memcheckTerms(valgrind(run.program, run.vgopts));
        if (run.valgrindSometimes && isDeepStrictEqual(terms, run.valgrindSometimes.lines)) return;
        assert.deepEqual(terms, run.valgrind);
      });
    }
  });
});
