import { strict as assert } from 'node:assert';
import { buildRunReport, failingKinds, parseFailOn } from '../../../src/analysis/runReport';
import { formatTextReport } from '../../../src/analysis/textReport';
import { toSarif } from '../../../src/analysis/sarif';
import { parseSuppressions } from '../../../src/analysis/suppressions';
import { pageFit } from '../../../src/analysis/pageFit';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { chars, ptr, RunDataBuilder, site, u32, u64, u8 } from '../../support/runDataBuilder';

function seed(): RunDataBuilder {
  const b = new RunDataBuilder();
  b.struct('emp_t', [chars('name', 32), u32('emp_id')]);
  b.struct('student_t', [
    chars('name', 32),
    u32('rollno'),
    u32('marks_phys'),
    u32('marks_chem'),
    u32('marks_maths'),
    ptr('next', 'student_t'),
  ]);
  return b;
}

describe('buildRunReport', () => {
  it("the seed's program: 120 student_t in a list, then freed", () => {
    const b = seed();
    const students: number[] = [];
    for (let i = 0; i < 120; i++) {
      students.push(b.alloc('student_t', 1, 12));
      if (i > 0) b.link(students[i - 1]!, 48, students[i]!);
    }
    b.root(students[0]!, 'first');
    for (const s of students) b.free(s, 20);
    b.roots.length = 0;
    const report = buildRunReport(b.data());
    assert.equal(report.schemaVersion, 2);
    const student = report.families.find((f) => f.name === 'student_t')!;
    assert.equal(student.size, 56);
    assert.equal(student.peakPages, 4);
    assert.equal(student.mmap, 4);
    assert.equal(student.munmap, 4);
    assert.equal(report.totals.mmap, 5, 'four data pages and one registry page');
    assert.equal(report.totals.registryPages, 1);
    assert.equal(report.peak.appMemory, 12_480);
    assert.equal(report.peak.event, b.allocations[119]!.allocStep);
    assert.equal(report.peak.matchesHeap, true);
    assert.deepEqual(report.peak.byStruct, [{ struct: 'student_t', blocks: 120, bytes: 6720, appMemory: 12_480, units: 120 }]);
    assert.equal(report.peak.bySite[0]!.site!.line, 12);
    assert.deepEqual(report.leaks, []);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.sites.map((s) => [s.site!.line, s.allocated, s.freed, s.live, s.peakLive, s.leakedBlocks]),
      [[12, 120, 120, 0, 120, 0]],
    );
    const pageFitHint = report.hints.find((h) => h.kind === 'page-fit' && h.struct === 'student_t')!;
    assert.equal(pageFitHint.blocksPerPage, 39);
    assert.equal(pageFitHint.strandedBytesPerPage, 16);
    assert.equal(pageFitHint.savingBytes, 64);
    assert.match(pageFitHint.message, /fits 39 per 4096-byte page, stranding 16 bytes in every page/);
    assert.deepEqual(failingKinds(report, 'definitely-lost,indirectly-lost,error'), []);
    const text = formatTextReport(report, b.heap);
    assert.match(text, /Page Family : student_t, Size = 56/);
    assert.match(text, /All heap blocks were freed -- no leaks are possible/);
    assert.match(text, /PEAK: 12,480 bytes of application memory/);
    assert.match(text, /ERROR SUMMARY: 0 errors from 0 contexts/);
  });

  it('names the caller in the peak by site when two call paths share the allocating line', () => {
    const b = seed();
    b.alloc('emp_t', 1, 12, [20]);
    b.alloc('emp_t', 1, 12, [21]);
    b.alloc('student_t', 1, 30, [22]);
    const text = formatTextReport(buildRunReport(b.data()), b.heap);
    const lines = text.split('\n').filter((line) => / bytes in 1 block of /.test(line));
    assert.equal(lines.length, 3, text);
    assert.ok(
      lines.some((line) => line.includes('emp_t from /work/examples/test.lmm.ts:12:3 by /work/examples/test.lmm.ts:20:3')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => line.includes('emp_t from /work/examples/test.lmm.ts:12:3 by /work/examples/test.lmm.ts:21:3')),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => line.endsWith('student_t from /work/examples/test.lmm.ts:30:3')),
      lines.join('\n'),
    );
  });

  it('page fit: student_t 39 per page with 16 bytes stranded, emp_t 48 with 40', () => {
    assert.deepEqual(pageFit(4096, 56), { blocksPerPage: 39, strandedBytes: 16, sizeForOneMore: 53 });
    assert.deepEqual(pageFit(4096, 36), { blocksPerPage: 48, strandedBytes: 40, sizeForOneMore: 35 });
    assert.equal(pageFit(4096, 4024).blocksPerPage, 1);
    assert.equal(pageFit(4096, 4025).blocksPerPage, 0);
    // Checked against the engine: a page really holds that many.
    for (const size of [1, 9, 36, 56, 100, 1000, 2000]) {
      const b = new RunDataBuilder();
      b.struct('s', [{ name: 'x', type: `char[${size}]`, size, align: 1 }]);
      const fit = pageFit(4096, size);
      for (let i = 0; i <= fit.blocksPerPage; i++) b.alloc('s');
      assert.equal(b.heap.families[0]!.counters.pages, 2, `size ${size}`);
    }
  });

  it('hints: emp_t page fit, padding with the reordered layout, short-lived sites, fragmentation', () => {
    const b = seed();
    b.struct('padded_t', [u8('a'), u64('b'), u8('c')]);
    for (let i = 0; i < 10; i++) b.alloc('emp_t', 1, 30);
    for (let i = 0; i < 5; i++) b.alloc('padded_t', 1, 31);
    for (let i = 0; i < 20; i++) b.free(b.alloc('student_t', 1, 32), 33);
    const students = Array.from({ length: 39 * 4 }, () => b.alloc('student_t', 1, 34));
    students.forEach((s, i) => {
      if (i % 39 !== 0) b.free(s, 35);
    });
    const report = buildRunReport(b.data());
    const emp = report.hints.find((h) => h.kind === 'page-fit' && h.struct === 'emp_t')!;
    assert.equal(emp.blocksPerPage, 48);
    assert.equal(emp.strandedBytesPerPage, 40);
    assert.equal(emp.savingBytes, 40);
    const padding = report.hints.find((h) => h.kind === 'padding')!;
    assert.equal(padding.struct, 'padded_t');
    assert.equal(padding.perObjectBytes, 8);
    assert.deepEqual(
      padding.layout!.map((f) => [f.name, f.offset]),
      [
        ['b', 0],
        ['a', 8],
        ['c', 9],
      ],
    );
    assert.equal(padding.savingBytes, 8 * 5);
    assert.match(padding.message, /\{ u64 b; u8 a; u8 c; \} is 16 bytes/);
    const shortLived = report.hints.find((h) => h.kind === 'short-lived')!;
    assert.equal(shortLived.site!.line, 32);
    assert.equal(shortLived.savingBytes, 48 + 56);
    const fragmentation = report.hints.find((h) => h.kind === 'fragmentation' && h.struct === 'student_t')!;
    assert.equal(fragmentation.pages, 4);
    assert.equal(fragmentation.pagesNeeded, 1);
    assert.equal(fragmentation.savingBytes, 3 * 4096);
    // Sorted by saving, largest first.
    for (let i = 1; i < report.hints.length; i++) assert.ok(report.hints[i - 1]!.savingBytes >= report.hints[i]!.savingBytes);
    const sites = new Map(report.sites.map((s) => [s.site!.line, s]));
    assert.deepEqual(
      [sites.get(34)!.allocated, sites.get(34)!.freed, sites.get(34)!.live, sites.get(34)!.peakLive, sites.get(34)!.leakedBlocks],
      [156, 152, 4, 156, 4],
    );
    assert.equal(sites.get(32)!.peakLive, 1);
    assert.equal(sites.get(32)!.meanLifetimeSteps, 1);
  });

  it('errors, suppressions, leak check points and --fail-on', () => {
    const b = seed();
    const kept = b.alloc('student_t', 1, 40);
    b.alloc('emp_t', 1, 41);
    b.root(kept, 'kept');
    const freed = b.alloc('emp_t', 1, 42);
    b.free(freed, 43);
    b.errors.push({
      kind: 'double-free',
      message: 'double free of an emp_t block',
      count: 2,
      site: site(44),
      stack: [site(44), site(90)],
      allocSite: site(42),
      freeSite: site(43),
      event: 8,
    });
    const midRun = { event: 5, site: site(45), result: checkLeaks(b.data()) };
    let report = buildRunReport(b.data(), { leakChecks: [midRun] });
    assert.deepEqual(failingKinds(report, 'definitely-lost,indirectly-lost,error'), ['definitely-lost', 'error']);
    assert.deepEqual(failingKinds(report, ['still-reachable', 'double-free', 'leak']), [
      'still-reachable',
      'double-free',
      'leak',
    ]);
    assert.deepEqual(failingKinds(report, 'possibly-lost,invalid-free'), []);
    assert.throws(() => parseFailOn('definitely,error'), /unknown kind 'definitely'/);
    // memcheck's words for the leak kinds, as a suppression's match-leak-kinds takes them.
    assert.deepEqual(parseFailOn('definite,possible'), ['definitely-lost', 'possibly-lost']);
    assert.deepEqual(parseFailOn('indirect,reachable,indirectly-lost'), ['indirectly-lost', 'still-reachable']);
    assert.throws(() => parseFailOn('constructor'), /unknown kind 'constructor'/);
    assert.deepEqual(failingKinds(report, 'definite,possible'), ['definitely-lost']);
    assert.equal(report.leakChecks.length, 1);
    assert.equal(report.leakChecks[0]!.event, 5);
    assert.deepEqual(report.errorSummary, { errors: 2, contexts: 1, suppressed: 0 });

    const suppressions = parseSuppressions(
      '{\n emp\n lmm:Leak\n match-leak-kinds: definite\n struct: emp_t\n}\n{\n known double free\n lmm:double-free\n src:test.lmm.ts:44\n ...\n}\n',
      'run.lmmsupp',
    );
    report = buildRunReport(b.data(), { suppressions, leakChecks: [midRun] });
    assert.deepEqual(failingKinds(report, 'definitely-lost,indirectly-lost,error'), []);
    assert.deepEqual(report.errorSummary, { errors: 0, contexts: 0, suppressed: 2 });
    assert.equal(report.errors[0]!.suppressedBy, 'known double free');
    assert.deepEqual(report.leakSummary.suppressed, { blocks: 1, bytes: 36 });
    assert.deepEqual(report.leakChecks[0]!.summary.suppressed, { blocks: 1, bytes: 36 }, 'check points are suppressed too');
    const text = formatTextReport(report, b.heap);
    assert.match(text, /suppressed: 36 bytes in 1 block/);
    assert.match(text, /used suppression: 1 record\(s\) emp \(run\.lmmsupp:1\)/);
  });

  it("the text report's ERROR SUMMARY counts as memcheck's with --leak-check=full: memory errors, and each definitely or possibly lost record of every leak check", () => {
    const b = seed();
    b.root(b.alloc('student_t', 1, 60), 'kept'); // still reachable: no error
    const head = b.alloc('student_t', 1, 61); // definitely lost, dragging the next one (indirectly lost: no error)
    b.link(head, 48, b.alloc('student_t', 1, 62));
    b.root(b.alloc('student_t', 2, 63) + 56, 'inside'); // possibly lost
    b.alloc('emp_t', 1, 64); // definitely lost, suppressed below
    b.errors.push({ kind: 'double-free', message: 'double free', count: 2, site: site(65), stack: [site(65)], event: 9 });
    const midRun = { event: 5, site: site(66), result: checkLeaks(b.data()) };
    const errorLine = (report: ReturnType<typeof buildRunReport>) =>
      /ERROR SUMMARY: .*/.exec(formatTextReport(report, b.heap))![0];

    // 2 double frees, then 3 records (lines 61, 63, 64) at the mid-run check and again at exit.
    assert.equal(
      errorLine(buildRunReport(b.data(), { leakChecks: [midRun] })),
      'ERROR SUMMARY: 8 errors from 7 contexts (suppressed: 0)',
    );
    assert.equal(errorLine(buildRunReport(b.data())), 'ERROR SUMMARY: 5 errors from 4 contexts (suppressed: 0)');
    const suppressions = parseSuppressions('{\n emp\n lmm:Leak\n match-leak-kinds: definite\n struct: emp_t\n}\n', 'run.lmmsupp');
    const report = buildRunReport(b.data(), { suppressions, leakChecks: [midRun] });
    assert.equal(errorLine(report), 'ERROR SUMMARY: 6 errors from 5 contexts (suppressed: 2)');
    // The report's own errorSummary counts the memory errors alone.
    assert.deepEqual(report.errorSummary, { errors: 2, contexts: 1, suppressed: 0 });
  });

  it('the text report lists loss records with stacks, drags and root paths', () => {
    const b = seed();
    const head = b.alloc('student_t', 1, 50, [60]);
    const second = b.alloc('student_t', 1, 50, [60]);
    b.link(head, 48, second);
    const kept = b.alloc('student_t', 1, 51);
    const child = b.alloc('student_t', 1, 52);
    b.link(kept, 48, child);
    b.root(kept, 'g_kept', 70);
    const report = buildRunReport(b.data());
    const text = formatTextReport(report, b.heap);
    assert.match(
      text,
      /112 \(56 direct, 56 indirect\) bytes in 1 block are definitely lost in loss record 1 of 4 \(student_t\)\n {3}at \/work\/examples\/test\.lmm\.ts:50:3\n {3}by \/work\/examples\/test\.lmm\.ts:60:3\n {3}and drags along 56 bytes in 1 block that are indirectly lost/,
    );
    assert.match(
      text,
      /reachable through: root "g_kept" → student_t \(\/work\/examples\/test\.lmm\.ts:70:3\)\n {6}\.next → student_t/,
    );
    assert.match(text, /definitely lost: 56 bytes in 1 block\n {3}indirectly lost: 56 bytes in 1 block/);
    assert.match(text, /still reachable: 112 bytes in 2 blocks/);
  });
});

describe('toSarif', () => {
  it('gives SARIF 2.1.0 with rules per kind, regions and related locations', () => {
    const b = seed();
    b.alloc('student_t', 1, 12, [80]);
    b.errors.push({
      kind: 'use-after-free',
      message: 'write to a freed student_t',
      count: 1,
      site: site(13, 7),
      stack: [site(13, 7)],
      allocSite: site(11),
      freeSite: site(12, 9),
      event: 4,
    });
    const sarif = toSarif(buildRunReport(b.data()), '0.1.0');
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0]!;
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    assert.ok(ruleIds.includes('definitely-lost') && ruleIds.includes('use-after-free') && ruleIds.includes('struct-too-large'));
    const leak = run.results.find((r) => r.ruleId === 'definitely-lost')!;
    // A lost block is a warning, as in the Problems panel (memory errors are the errors).
    assert.equal(leak.level, 'warning');
    assert.equal(run.tool.driver.rules[leak.ruleIndex]!.id, 'definitely-lost');
    assert.deepEqual(leak.locations[0]!.physicalLocation, {
      artifactLocation: { uri: 'file:///work/examples/test.lmm.ts' },
      region: { startLine: 12, startColumn: 3 },
    });
    assert.equal(leak.relatedLocations[0]!.physicalLocation.region.startLine, 80);
    const error = run.results.find((r) => r.ruleId === 'use-after-free')!;
    assert.deepEqual(error.locations[0]!.physicalLocation.region, { startLine: 13, startColumn: 7 });
    assert.deepEqual(
      error.relatedLocations.map((l) => [
        l.message.text,
        l.physicalLocation.region.startLine,
        l.physicalLocation.region.startColumn,
      ]),
      [
        ['the block was allocated here', 11, 3],
        ['the block was freed here', 12, 9],
      ],
    );
    // Round-trips through JSON (no typed arrays or cycles).
    assert.deepEqual(JSON.parse(JSON.stringify(sarif)), sarif);
  });
});
