import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { realValgrind } from './realValgrind';

/**
 * What a stranger porting more of memcheck's tests from the README met when giving `lmm run` a
 * .vgtest's `vgopts:` as written (after memcheck's defaults, as portedVgopts.test.ts does), and
 * what they compared once past it. Each option lmm run cannot take says what to write instead;
 * before, `--keep-stacktraces`, `-s`, `--realloc-zero-bytes-frees`, `--fullpath-after`,
 * `--malloc-fill` and `--free-fill` were bare unknown options, and so was `--leak-check-heuristics`, whose
 * `none` (what LMM does) the README names for length-prefix and counted-array,
 * and `--xml` said to write JSON but not that memcheck's XML lists the loss records as
 * `--leak-check=full` does (a stranger giving `--json` after memcheck's `--leak-check=summary`
 * found the record memcheck's XML lists marked `"shown": false`).
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

/** memcheck's defaults for the leak report, made explicit: LMM's differ (README, Checked against memcheck). */
const MEMCHECK_DEFAULTS = ['--leak-check=summary', '--show-leak-kinds=definite,possible'];

const REFUSED: { vgtest: string; program: string; vgopts: string[]; refused: string; says: RegExp }[] = [
  {
    vgtest: 'simple_leak_xml',
    program: 'simple_leak',
    vgopts: ['--xml=yes', '--xml-fd=1'],
    refused: '--xml',
    says: /memcheck's XML lists the loss records as --leak-check=full does, whatever --leak-check says, so give --leak-check=full with them/,
  },
  {
    vgtest: 'realloc_size_zero_again_no',
    program: 'realloc_size_zero_again',
    vgopts: ['-q', '-s', '--realloc-zero-bytes-frees=no'],
    refused: '-s',
    says: /lmm run's text report lists each error once with its count, '\(N times\)', then the ERROR SUMMARY/,
  },
  {
    vgtest: 'realloc_size_zero_again_yes, its -s left out',
    program: 'realloc_size_zero_again',
    vgopts: ['-q', '--realloc-zero-bytes-frees=yes'],
    refused: '--realloc-zero-bytes-frees',
    says: /XREALLOC_BUF\(p, 0\) frees p and gives null, as glibc's realloc and memcheck's default on Linux \(=yes\) do: leave it out/,
  },
  {
    vgtest: 'fprw',
    program: 'fprw',
    vgopts: ['-q', '--keep-stacktraces=alloc-then-free'],
    refused: '--keep-stacktraces',
    says: /its errors show both, as memcheck's default alloc-and-free: leave it out/,
  },
  {
    vgtest: 'badfree3',
    program: 'badfree',
    vgopts: ['-q', '--fullpath-after=memcheck/', '--fullpath-after=coregrind/'],
    refused: '--fullpath-after',
    says: /the stacks of lmm run's text name the harness by the path its command line gives: leave it out/,
  },
  {
    // malloc_free_fill is not ported (it reads freed bytes to see the fill): its vgopts on a port that frees.
    vgtest: "malloc_free_fill's vgopts",
    program: 'malloc1',
    vgopts: ['-q', '--malloc-fill=0x55', '--free-fill=0x77'],
    refused: '--malloc-fill',
    says: /XCALLOC and XCALLOC_BUF give zeroed blocks, as calloc does, and an access to a freed block is a use after free whatever it holds/,
  },
  {
    vgtest: "malloc_free_fill's vgopts, --malloc-fill left out",
    program: 'malloc1',
    vgopts: ['-q', '--free-fill=0x77'],
    refused: '--free-fill',
    says: /an access to a freed block is a use after free whatever it holds: leave it out/,
  },
  {
    vgtest: 'malloc1_ks_alloc',
    program: 'malloc1',
    vgopts: ['-q', '--keep-stacktraces=alloc'],
    refused: '--keep-stacktraces',
    says: /as memcheck's default alloc-and-free/,
  },
];

describe("a stranger's vgopts: what lmm run cannot take says what to write instead", function () {
  this.timeout(60_000);

  for (const { vgtest, program, vgopts, refused, says } of REFUSED) {
    it(`${vgtest}: lmm run ${program}.lmm.ts ${vgopts.join(' ')} names ${refused} and what to write`, async () => {
      const result = await lmm('run', join(ported, `${program}.lmm.ts`), ...MEMCHECK_DEFAULTS, ...vgopts);
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      const first = result.stderr.split('\n')[0]!;
      assert.ok(first.startsWith(`lmm run: ${refused}: unknown option (`), first);
      assert.match(first, says);
    });
  }
});

describe("--leak-check-heuristics: none is what LMM does, taken; memcheck's heuristics are refused saying so", function () {
  this.timeout(60_000);

  /** The LEAK and ERROR SUMMARY lines of an output, as lmm run words them. */
  const summaries = (output: string) =>
    output
      .split('\n')
      .map((line) => line.replace(/^==\d+== ?/, '').trim())
      .filter((line) => /^(definitely lost|indirectly lost|possibly lost|still reachable|ERROR SUMMARY):/.test(line))
      .map((line) =>
        line
          .replace(/\b1 blocks\b/, '1 block')
          .replace(/\b1 errors from 1 contexts\b/, '1 error from 1 context')
          .replace(/ from \d+\)$/, ')'),
      );

  // What valgrind 3.19 printed here for the C programs with these options (re-checked below).
  const HEURISTICS_NONE = [
    { program: 'length-prefix', possibly: '32 bytes in 1 block' },
    { program: 'counted-array', possibly: '56 bytes in 1 block' },
  ].map(({ program, possibly }) => ({
    program,
    valgrind: [
      'definitely lost: 0 bytes in 0 blocks',
      'indirectly lost: 0 bytes in 0 blocks',
      `possibly lost: ${possibly}`,
      'still reachable: 0 bytes in 0 blocks',
      'ERROR SUMMARY: 1 error from 1 context (suppressed: 0)',
    ],
  }));
  const VGOPTS = ['--leak-check=full', '--leak-check-heuristics=none'];

  for (const { program, valgrind } of HEURISTICS_NONE) {
    it(`lmm run ${program}.lmm.ts ${VGOPTS.join(' ')}: memcheck's figures`, async () => {
      const result = await lmm('run', join(ported, `${program}.lmm.ts`), ...MEMCHECK_DEFAULTS, ...VGOPTS);
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(summaries(result.stdout), valgrind);
    });
  }

  it("leak_cpp_interior's --leak-check-heuristics=multipleinheritance,stdstring,newarray,length64 is refused: LMM has none", async () => {
    const result = await lmm(
      'run',
      join(ported, 'length-prefix.lmm.ts'),
      '--leak-check=summary',
      '--leak-check-heuristics=multipleinheritance,stdstring,newarray,length64',
    );
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      "lmm run: --leak-check-heuristics: 'multipleinheritance,stdstring,newarray,length64' is not none (LMM has no heuristics: a block reached only through a pointer into it is possibly lost, as memcheck finds it with --leak-check-heuristics=none)\n",
    );
  });

  describe('the recorded figures are what valgrind prints here', () => {
    const run = realValgrind('lmm-heuristics-');

    for (const { program, valgrind } of HEURISTICS_NONE) {
      it(`valgrind ${VGOPTS.join(' ')} ./${program}`, () => {
        assert.deepEqual(summaries(run(program, VGOPTS)), valgrind);
      });
    }
  });
});

/** memcheck's XML kinds of loss record, in LMM's words. */
const XML_KINDS: Record<string, string> = {
  Leak_DefinitelyLost: 'definitely-lost',
  Leak_IndirectlyLost: 'indirectly-lost',
  Leak_PossiblyLost: 'possibly-lost',
  Leak_StillReachable: 'still-reachable',
};

/** Each loss record of valgrind's XML: kind, bytes, blocks and the C line that allocated it. */
function xmlRecords(xml: string): string[] {
  return [...xml.matchAll(/<error>[\s\S]*?<\/error>/g)].map((match) => {
    const error = match[0];
    const kind = /<kind>(\w+)<\/kind>/.exec(error)![1]!;
    const bytes = /<leakedbytes>(\d+)<\/leakedbytes>/.exec(error)![1];
    const blocks = /<leakedblocks>(\d+)<\/leakedblocks>/.exec(error)![1];
    const line = /<line>(\d+)<\/line>/.exec(error)![1];
    return `${XML_KINDS[kind] ?? kind}: ${bytes} bytes in ${blocks} blocks allocated at ${line}`;
  });
}

interface JsonLeak {
  kind: string;
  bytes: number;
  blocks: number;
  site: { line: number };
  shown?: boolean;
}

const XML_RUNS: { program: string; lines: Record<number, number>; valgrind: string[] }[] = [
  { program: 'simple_leak', lines: { 7: 9 }, valgrind: ['definitely-lost: 1024 bytes in 1 blocks allocated at 9'] },
  // memcheck's XML lists no still reachable record under its default --show-leak-kinds.
  { program: 'simple_reachable', lines: { 7: 9 }, valgrind: [] },
];

describe("simple_leak_xml and simple_reachable_xml: --json with --leak-check=full, as the --xml refusal says, lists memcheck's XML records", function () {
  this.timeout(60_000);

  for (const { program, lines, valgrind } of XML_RUNS) {
    it(`lmm run ${program}.lmm.ts --json --leak-check=full`, async () => {
      const result = await lmm('run', join(ported, `${program}.lmm.ts`), ...MEMCHECK_DEFAULTS, '--json', '--leak-check=full');
      assert.equal(result.status, 0, result.stderr);
      const leaks = (JSON.parse(result.stdout) as { leaks: JsonLeak[] }).leaks.filter((leak) => leak.shown !== false);
      const records = leaks.map(
        (leak) =>
          `${leak.kind}: ${leak.bytes} bytes in ${leak.blocks} blocks allocated at ${lines[leak.site.line] ?? -leak.site.line}`,
      );
      assert.deepEqual(records, valgrind);
    });

    it(`${program} under memcheck's defaults alone: its record is in the JSON but not shown (why the refusal names --leak-check=full)`, async () => {
      const result = await lmm('run', join(ported, `${program}.lmm.ts`), ...MEMCHECK_DEFAULTS, '--json');
      const leaks = (JSON.parse(result.stdout) as { leaks: JsonLeak[] }).leaks;
      assert.equal(leaks.length, 1);
      assert.equal(leaks[0]!.shown, false);
    });
  }

  describe('the recorded records are what valgrind --xml=yes prints here', () => {
    const run = realValgrind('lmm-xml-vgtests-');

    for (const { program, valgrind } of XML_RUNS) {
      // The .vgtest's --xml-fd=1 is 2 here: the helper reads valgrind's stderr.
      it(`valgrind --xml=yes --xml-fd=2 ./${program}`, () => {
        assert.deepEqual(xmlRecords(run(program, ['--xml=yes', '--xml-fd=2'])), valgrind);
      });
    }

    it("memcheck's XML lists the loss records whatever --leak-check says (why the refusal names --leak-check=full)", () => {
      for (const leakCheck of ['--leak-check=summary', '--leak-check=no'])
        assert.deepEqual(
          xmlRecords(run('simple_leak', ['--xml=yes', '--xml-fd=2', leakCheck])),
          XML_RUNS[0]!.valgrind,
          leakCheck,
        );
    });
  });
});
