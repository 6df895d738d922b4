import { strict as assert } from 'node:assert';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { traceRun } from '../../../src/extension/model/traceRun';
import { mallocLabRun } from '../../../src/extension/model/mallocLabRun';
import { MemoryMapFeed, leakCounts } from '../../../src/extension/model/memoryMapFeed';
import { exportReport, pagesSvg } from '../../../src/extension/model/reportExport';
import { statusText } from '../../../src/extension/model/statusText';
import { isHarnessFile, isTraceFile } from '../../../src/harness/harnessFiles';
import { harnessBaseName, harnessTemplate, withPathsEntry } from '../../../src/extension/harnessTemplate';
import { compareRunsHtml, compareRunsMarkdown } from '../../../src/extension/model/compareRuns';
import { asReport, type LmmReport, type ReportLeak } from '../../../src/protocol/runReportSchema';
import { parseHostToWebview } from '../../../src/protocol/webviewMessages';
import { scanHarness } from '../../../src/server/harnessScan';

const TRACE = [
  'page 4096',
  'reg node_t 24',
  'reg emp_t 36',
  ...Array.from({ length: 60 }, (_, i) => `alloc n${i} node_t 1`),
  'free n3',
  'free n4',
  'alloc e emp_t 2',
].join('\n');

function makeRun(
  store: RunStore,
  text = TRACE,
  upTo = Infinity,
  batchSize = 16,
): { run: RunState; batches: ReturnType<typeof traceRun>['batches']; report: LmmReport } {
  const result = traceRun('/w/t.trace', text, batchSize);
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1_000_000 });
  const run = store.begin({ kind: 'trace', file: '/w/t.trace', label: 't.trace', replay, sites: result.sites });
  for (const batch of result.batches) if (batch.firstStep < upTo) replay.apply(batch);
  return { run, batches: result.batches, report: result.report };
}

const leak = (over: Partial<ReportLeak>): ReportLeak => ({
  kind: 'definitely-lost',
  struct: 'node_t',
  blocks: 2,
  bytes: 48,
  site: { file: '/w/h.lmm.ts', line: 9, column: 3 },
  stack: [{ file: '/w/h.lmm.ts', line: 9, column: 3 }],
  suppressed: false,
  ...over,
});

describe('extension host models', () => {
  it('Memory Map feed: backlog in protocol order, then only increments, each message valid', async () => {
    const store = new RunStore();
    const { run, batches, report } = makeRun(store, TRACE, 32);
    const feed = new MemoryMapFeed();
    const first = feed.update(run);
    assert.deepEqual(
      first.map((m) => m.type),
      ['runStarted', 'sites', 'heapOps', 'heapOps'],
    );
    for (const message of first)
      assert.equal(parseHostToWebview(message).ok, true, `${message.type} passes the webview's validation`);
    assert.deepEqual(feed.update(run), [], 'nothing new, nothing posted');
    for (const batch of batches) if (batch.firstStep >= 32) run.replay.apply(batch);
    await store.end(run, 'finished', {
      report: { ...report, leakChecks: [{ event: 10, site: run.sites[0]!, leaks: [leak({})] }] },
    });
    const rest = feed.update(run);
    assert.deepEqual(
      rest.map((m) => m.type),
      ['heapOps', 'heapOps', 'heapOps', 'leakCheck', 'runEnded', 'report'],
    );
    for (const message of rest)
      assert.equal(parseHostToWebview(message).ok, true, `${message.type} passes the webview's validation`);
    const resync = feed.resync(run, 'run-1', 40);
    assert.deepEqual(
      resync.map((m) => (m.type === 'heapOps' ? m.batch.firstStep : -1)),
      [32, 48, 64],
    );
    assert.deepEqual(feed.resync(run, 'run-999', 0), [], 'a stale run id gets nothing');
    // A new panel (reset) gets the whole backlog again.
    feed.reset();
    assert.equal(feed.update(run)[0]!.type, 'runStarted');
  });

  it('Memory Map feed: runStarted carries the run heap’s memory cap, and starts over when mm_init() changes it', () => {
    const store = new RunStore();
    const { run } = makeRun(store);
    const feed = new MemoryMapFeed();
    const started = feed.update(run)[0]!;
    assert.equal(started.type, 'runStarted');
    assert.equal(started.type === 'runStarted' && started.memoryCap, run.replay.heap.kernel.memoryCap);
    assert.equal(started.type === 'runStarted' && started.memoryCap, 1 << 30, 'the default cap, 1 GiB');
    const parsed = parseHostToWebview(started);
    assert.equal(parsed.ok && parsed.message.type === 'runStarted' && parsed.message.memoryCap, 1 << 30);

    // A harness run: the panel hears of it before the first operation; then mm_init() caps the heap.
    const capped = store.begin({
      kind: 'harness',
      file: '/w/h.lmm.ts',
      label: 'h.lmm.ts',
      replay: new HeapReplay({ pageSize: 4096, eventsKept: 1_000_000 }),
      sites: [],
    });
    const live = new MemoryMapFeed();
    assert.deepEqual(
      live.update(capped).map((m) => m.type),
      ['runStarted'],
    );
    capped.replay = new HeapReplay({ pageSize: 8192, memoryCap: 8 * 8192, eventsKept: 1_000_000 });
    const restarted = live.update(capped);
    assert.deepEqual(
      restarted.map((m) => m.type),
      ['runStarted'],
      'the webview starts over with the heap the run uses',
    );
    assert.deepEqual(restarted[0]!.type === 'runStarted' && [restarted[0]!.pageSize, restarted[0]!.memoryCap], [8192, 8 * 8192]);
    assert.deepEqual(live.update(capped), [], 'said once');
  });

  it('leak counts per kind skip suppressed records', () => {
    const counts = leakCounts([leak({}), leak({ suppressed: true }), leak({ kind: 'still-reachable', blocks: 1, bytes: 24 })]);
    assert.deepEqual(counts, [
      { kind: 'definitely-lost', blocks: 2, bytes: 48 },
      { kind: 'indirectly-lost', blocks: 0, bytes: 0 },
      { kind: 'possibly-lost', blocks: 0, bytes: 0 },
      { kind: 'still-reachable', blocks: 1, bytes: 24 },
    ]);
  });

  it('status bar: running totals, then the outcome', async () => {
    const store = new RunStore();
    assert.equal(statusText(undefined).text, '$(circuit-board) LMM');
    const { run, report } = makeRun(store);
    assert.equal(statusText(run).text, '$(pulse) LMM step 65 · 3 pages · 4,296 B');
    await store.end(run, 'finished', { report });
    assert.equal(statusText(run).text, '$(check) LMM 3 pages · 4,296 B', 'a trace has no leak figure');
    run.kind = 'harness';
    run.report = { ...report, leaks: [leak({}), leak({ kind: 'still-reachable' })] };
    assert.equal(statusText(run).text, '$(warning) LMM 3 pages · 4,296 B · 2 leaked at the end');
    run.status = 'failed';
    run.message = 'list.lmm.ts:3:1: boom';
    run.kind = 'trace';
    assert.deepEqual(statusText(run), { text: '$(error) LMM failed', tooltip: 't.trace failed: list.lmm.ts:3:1: boom' });
  });

  it('exports: JSON round-trips, SARIF 2.1.0 lists leaks and errors, text has the classic reports, HTML draws pages', async () => {
    const store = new RunStore();
    const { run, report } = makeRun(store);
    const withFindings: LmmReport = {
      ...report,
      leaks: [leak({}), leak({ kind: 'still-reachable' }), leak({ kind: 'indirectly-lost', suppressed: true })],
      errors: [
        {
          kind: 'double-free',
          message: 'double free <x>',
          count: 1,
          site: { file: 'C:\\w\\h.lmm.ts', line: 4, column: 2 },
          stack: [],
        },
      ],
      hints: [{ kind: 'padding', struct: 'node_t', message: 'reorder node_t', savingBytes: 800 }],
    };
    await store.end(run, 'finished', { report: withFindings });
    // A trace has no pointers, so no leak check: its exports say so (leakVerdictWords.test.ts).
    // Leak records come from a harness run's end-of-run check.
    run.kind = 'harness';
    assert.deepEqual(JSON.parse(exportReport(run, 'json')), JSON.parse(JSON.stringify(withFindings)));
    const sarif = JSON.parse(exportReport(run, 'sarif', '9.9.9'));
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].tool.driver.version, '9.9.9');
    assert.deepEqual(
      sarif.runs[0].results.map((r: { ruleId: string; level: string; suppressions?: unknown[] }) => [
        r.ruleId,
        r.level,
        Boolean(r.suppressions),
      ]),
      [
        ['definitely-lost', 'warning', false],
        ['still-reachable', 'note', false],
        ['indirectly-lost', 'warning', true],
        ['double-free', 'error', false],
      ],
    );
    assert.equal(sarif.runs[0].invocations[0].executionSuccessful, true);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'file:///w/h.lmm.ts');
    assert.equal(sarif.runs[0].results[3].locations[0].physicalLocation.artifactLocation.uri, 'file:///C:/w/h.lmm.ts');
    const text = exportReport(run, 'text');
    assert.match(text, /^Page Family : node_t, Size = 24$/m, 'the classic registered page families report');
    assert.match(text, /^vm_page_family : emp_t, struct size = 36$/m, 'the classic memory usage report');
    assert.match(text, /48 bytes in 2 node_t blocks are definitely-lost\n {4}at \/w\/h\.lmm\.ts:9:3/);
    assert.match(text, /suppressed: 1 loss records/);
    const html = exportReport(run, 'html');
    assert.match(html, /<svg [^>]*aria-label="Memory map: one row per page"/);
    assert.ok(html.includes('double free &lt;x&gt;'), 'escaped');
    assert.ok(!/<script/i.test(html), 'no scripts');
    assert.equal((pagesSvg(run.replay.heap).match(/<title>node_t \+/g) ?? []).length, 58, '58 live node_t blocks drawn');
    // A trace that failed has nothing to export; a harness run that failed with no report exports
    // what lmm run --json prints for it (exportIncompleteRun.test.ts compares them).
    const failed = store.begin({ kind: 'trace', file: 'f', label: 'f', replay: run.replay, sites: [] });
    await store.end(failed, 'failed', { message: 'syntax error' });
    assert.throws(() => exportReport(failed, 'json'), /f has no report \(failed: syntax error\)/);
    const broken = store.begin({ kind: 'harness', file: 'b', label: 'b', replay: run.replay, sites: [] });
    await store.end(broken, 'failed', {
      message: 'b:1:7: syntax error',
      ending: { kind: 'compile-error', message: 'b:1:7: syntax error' },
    });
    assert.deepEqual(JSON.parse(exportReport(broken, 'json')).outcome, { kind: 'compile-error', message: 'b:1:7: syntax error' });

    // A run that ended early with its heap (the time limit): as `lmm run --sarif` of such a run,
    // the log says the run did not succeed and lists its memory errors, no leak as a finding.
    const timedOut = store.begin({ kind: 'harness', file: 'h', label: 'h', replay: run.replay, sites: [] });
    const limit = 'h.lmm.ts:7:3: time limit of 1000 ms exceeded in this loop (the harness was stopped)';
    await store.end(timedOut, 'failed', { message: limit, report: withFindings });
    const early = JSON.parse(exportReport(timedOut, 'sarif'));
    assert.equal(early.runs[0].invocations[0].executionSuccessful, false);
    assert.equal(early.runs[0].invocations[0].toolExecutionNotifications[0].level, 'error');
    assert.equal(
      early.runs[0].invocations[0].toolExecutionNotifications[0].message.text,
      `The run did not complete (failed): ${limit}`,
    );
    assert.deepEqual(
      early.runs[0].results.map((r: { ruleId: string }) => r.ruleId),
      ['double-free'],
    );
  });

  it('Compare Runs: counters side by side with differences', async () => {
    const store = new RunStore();
    const a = makeRun(store);
    await store.end(a.run, 'finished', { report: a.report });
    const b = makeRun(store, TRACE.replace('alloc e emp_t 2', 'free n5'));
    await store.end(b.run, 'finished', { report: b.report });
    const md = compareRunsMarkdown(a.run, b.run);
    assert.match(md, /\| heap operations \| 65 \| 65 \| = \|/);
    assert.match(md, /\| application memory at the end \(bytes\) \| 4,296 \| 4,104 \| -192 \(-4\.5%\) \|/);
    assert.match(md, /\| emp_t: peak pages \| 1 \| 0 \| -1 \(-100\.0%\) \|/);
    const html = compareRunsHtml(a.run, b.run, 'abcdefghijklmnopqrstuv', 'vscode-resource:');
    assert.match(html, /content="default-src 'none'; img-src vscode-resource: data:; style-src 'nonce-abcdefghijklmnopqrstuv'"/);
    assert.ok(!/<script/i.test(html), 'no scripts in the comparison');
    assert.equal((html.match(/<svg /g) ?? []).length, 2, 'both maps');
    assert.match(
      html,
      /<th scope="row">application memory at the end \(bytes\)<\/th><td>4,296<\/td><td>4,104<\/td><td>-192 \(-4\.5%\)<\/td>/,
    );
  });

  it('harness files: *.lmm.ts, or .ts importing lmm-studio', () => {
    assert.equal(isHarnessFile('/a/list.lmm.ts', undefined), true);
    assert.equal(isHarnessFile('/a/x.ts', "import { XCALLOC } from 'lmm-studio';"), true);
    assert.equal(isHarnessFile('/a/x.ts', 'import * as lmm from "lmm-studio"'), true);
    assert.equal(isHarnessFile('/a/x.ts', "import { a } from 'lmm-studio-extra';"), false);
    assert.equal(isHarnessFile('/a/x.d.ts', "import { a } from 'lmm-studio';"), false);
    assert.equal(isHarnessFile('/a/x.js', "import { a } from 'lmm-studio';"), false);
    assert.equal(isTraceFile('/a/b.trace'), true);
    assert.equal(isTraceFile('/a/b.REP'), true);
  });

  it('New Harness: a template that scans cleanly, names, and the tsconfig paths fallback', () => {
    assert.equal(harnessBaseName(' my list.lmm.ts '), 'my_list');
    assert.equal(harnessBaseName('***'), 'harness');
    const scan = scanHarness(harnessTemplate(), 'new.lmm.ts');
    assert.deepEqual(
      scan.structs.map((s) => [s.name, s.layout?.size]),
      [
        ['emp_t', 36],
        ['student_t', 56],
      ],
    );
    assert.deepEqual(
      scan.registrations.map((r) => r.struct),
      ['emp_t', 'student_t'],
    );
    const updated = JSON.parse(withPathsEntry('{\n    "compilerOptions": { "strict": true }\n}', './.lmm/lmm-studio.d.ts')!);
    assert.deepEqual(updated.compilerOptions, { strict: true, paths: { 'lmm-studio': ['./.lmm/lmm-studio.d.ts'] } });
    const existing = '{"compilerOptions":{"paths":{"lmm-studio":["x"]}}}';
    assert.equal(withPathsEntry(existing, 'y'), existing);
    assert.equal(withPathsEntry('{ // comment\n}', 'y'), undefined, 'JSONC is not rewritten');
  });

  it('reports from other processes are checked before the views read them', () => {
    assert.throws(() => asReport(null), /not a JSON object/);
    assert.throws(() => asReport({ schemaVersion: 1 }), /unsupported report schemaVersion 1 \(expected 2\)/);
    assert.throws(
      () => asReport({ schemaVersion: 2, families: [], totals: {}, leaks: [{ kind: 'lost', site: {} }] }),
      /leaks\[0\] has an unknown kind "lost"/,
    );
    assert.throws(
      () => asReport({ schemaVersion: 2, families: [], totals: {}, errors: [{ site: { file: 'a', line: 0, column: 1 } }] }),
      /errors\[0\] has no valid site/,
    );
    const report = asReport({ schemaVersion: 2, families: [], totals: {} });
    assert.deepEqual([report.sites, report.leaks, report.errors, report.leakChecks, report.hints], [[], [], [], [], []]);
  });
});

describe('malloc-lab traces in the views', () => {
  it('replays byte requests as buf blocks; realloc moves a block that outgrows its place; too-large fails', () => {
    const rep = ['20000', '4', '7', '1', 'a 0 100', 'a 1 200', 'r 0 50', 'r 0 300', 'a 2 5000', 'f 1', 'a 3 10'].join('\n');
    const result = mallocLabRun('/w/x.rep', rep, 4);
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1000 });
    for (const batch of result.batches) replay.apply(batch);
    const heap = replay.heap;
    assert.deepEqual(
      heap.families.map((f) => [f.name, f.structSize]),
      [['buf', 1]],
    );
    // Live at the end: id 0 (300 bytes, moved), id 3 (10 bytes); id 1 freed; id 2 refused.
    assert.equal(heap.appMemory, 48 + 300 + 48 + 10);
    assert.deepEqual(
      result.report.errors.map((e) => [e.kind, e.site.line]),
      [['too-large', 9]],
    );
    assert.deepEqual(
      result.report.sites.map((s) => [s.site.line, s.allocated, s.freed, s.live]),
      [
        [5, 1, 1, 0],
        [6, 1, 1, 0],
        [8, 1, 0, 1],
        [11, 1, 0, 1],
      ],
    );
    assert.throws(() => mallocLabRun('/w/bad.rep', '1\n1\n1\n1\nz 0 1'), /line 5/);
  });
});
