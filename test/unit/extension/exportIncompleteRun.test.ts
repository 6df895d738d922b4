/**
 * Export Report of a harness run that did not complete writes the documents `lmm run --json` and
 * `--sarif` print for it, whole: `"complete": false`, the runtime's outcome (its kind, message and
 * site, not only the extension's status) and no leak verdict. Before, the JSON export kept the
 * leaks found at the stop and no outcome, and the SARIF one named the status ("failed").
 * The same harness runs once through the runtime as `lmm run` calls it and once through the
 * extension's harness runner into a RunStore, as the RunController takes it in; each harness is
 * deterministic up to its end (a throw, or a loop with no heap call that the time limit stops).
 * A run with no report (a compile error, a killed worker) exports the no-heap document.
 */
import { strict as assert } from 'node:assert';
import type * as vscode from 'vscode';
import { earlyEndJson, earlyEndSarif, type StreamedFindings } from '../../../src/cli/earlyEndDocument';
import { createHarnessRunner } from '../../../src/extension/harnessRunner';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { canExport, exportReport } from '../../../src/extension/model/reportExport';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { freeSiteFigures } from '../../../src/extension/model/siteFigures';
import { harnessReportOutput, lmmVersion } from '../../../src/harness/harnessReportOutput';
import { earlyEndOutcome, STOPPED_BY_REQUEST } from '../../../src/harness/earlyEndOutcome';
import { runHarness, type HarnessRunResult } from '../../../src/harness/runHarness';
import { asInterimErrors, asLeakCheck, asReport } from '../../../src/protocol/runReportSchema';
import { nodeHarness } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

const TIME_LIMIT_MS = 800;

/** nodeHarness with `mm_leak_check` imported too. */
const withLeakCheck = (source: string) => source.replace('XFREE }', 'XFREE, mm_leak_check }');

/** A double free (lines 9–10), a block kept, then a throw. */
const THROWS = nodeHarness(
  'const a = XCALLOC(1, node_t)!;',
  'XFREE(a);',
  'XFREE(a);',
  'XCALLOC(1, node_t);',
  "throw new Error('boom');",
);

/** A block lost, its own mid-run check (line 9), another block, then a loop the time limit stops (line 11). */
const CHECKS_THEN_LOOPS = withLeakCheck(
  nodeHarness('XCALLOC(1, node_t);', 'mm_leak_check();', 'XCALLOC(1, node_t);', 'let spin = 0;', 'for (;;) spin++;'),
);

/** A double free (lines 9–10), a block lost, its own check (line 12), then a throw. */
const CHECKS_THEN_THROWS = withLeakCheck(
  nodeHarness(
    'const a = XCALLOC(1, node_t)!;',
    'XFREE(a);',
    'XFREE(a);',
    'XCALLOC(1, node_t);',
    'mm_leak_check();',
    "throw new Error('boom');",
  ),
);

/** What `lmm run --json` and `--sarif` print for `file`. */
async function cliDocuments(file: string): Promise<{ json: string; sarif: string }> {
  const streamed: StreamedFindings = { leakChecks: [] };
  const result = await runHarness(file, {
    timeLimitMs: TIME_LIMIT_MS,
    onMemoryErrors: (errors) => (streamed.errors = errors),
    onLeakCheck: (check) => streamed.leakChecks.push(check),
  }).result;
  assert.notEqual(result.outcome, 'completed');
  return { json: earlyEndJson(result, file, streamed), sarif: earlyEndSarif(result, file, streamed) };
}

/** The run the extension keeps for `file`, taken in as the RunController does. */
async function extensionRun(file: string): Promise<RunState> {
  const store = new RunStore();
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100_000 });
  const run = store.begin({ kind: 'harness', file, label: 'h.lmm.ts', replay, sites: [] });
  const log = { appendLine: () => undefined } as unknown as vscode.OutputChannel;
  const outcome = await createHarnessRunner({} as vscode.ExtensionContext, log).start(
    file,
    { timeLimitMs: TIME_LIMIT_MS, pageSize: 4096 },
    {
      sites: (firstId, sites) => {
        run.sites.length = firstId;
        run.sites.push(...sites);
      },
      batch: (batch) => replay.apply(batch),
    },
  ).done;
  // A run with no heap (a compile error) has no report, as in the RunController.
  const report = outcome.report === undefined ? undefined : asReport(outcome.report);
  if (report) report.freeSites ??= freeSiteFigures(replay, run.sites);
  await store.end(run, outcome.status, {
    ...(report ? { report } : {}),
    ...(outcome.message !== undefined ? { message: outcome.message } : {}),
    ...(outcome.ending ? { ending: outcome.ending } : {}),
  });
  return run;
}

describe('Export Report of a run that did not complete: the documents of lmm run --json / --sarif', function () {
  this.timeout(60_000);
  const { write } = scratchFolder('lmm-export-incomplete-');

  for (const [name, source, kind] of [
    ['a throw', THROWS, 'crashed'],
    ['its own mid-run check, then the time limit', CHECKS_THEN_LOOPS, 'timed-out'],
  ] as const) {
    it(`${name}: JSON and SARIF compared whole`, async () => {
      const file = write('h.lmm.ts', source);
      const cli = await cliDocuments(file);
      const run = await extensionRun(file);
      assert.equal(run.status, 'failed');
      const exported = JSON.parse(exportReport(run, 'json')) as Record<string, unknown>;
      assert.deepEqual(exported, JSON.parse(cli.json));
      assert.deepEqual(JSON.parse(exportReport(run, 'sarif', lmmVersion())), JSON.parse(cli.sarif));
      // Not two empty documents alike: what the comparison covers is there.
      assert.equal(exported.complete, false);
      assert.equal((exported.outcome as { kind: string }).kind, kind);
      assert.equal(exported.leaks, null);
      assert.equal(exported.leakSummary, null);
      assert.equal(exported.freeSites, undefined, 'what the extension adds for its hovers is not in the document');
      assert.ok(run.report!.leaks.length > 0, 'the extension keeps the blocks live at the stop; the document has no verdict');
    });
  }

  it('a finished run: the JSON is lmm run --json’s report whole (what the extension adds for its hovers left out)', async () => {
    const file = write(
      'h.lmm.ts',
      nodeHarness('const a = XCALLOC(1, node_t)!;', 'XFREE(a);', 'XFREE(a);', 'XCALLOC(1, node_t);'),
    );
    const result = await runHarness(file, { timeLimitMs: TIME_LIMIT_MS }).result;
    assert.equal(result.outcome, 'completed');
    const run = await extensionRun(file);
    assert.equal(run.status, 'finished');
    assert.ok(run.report!.freeSites!.length > 0, 'the extension’s own figures for the XFREE hovers');
    assert.deepEqual(JSON.parse(exportReport(run, 'json')), JSON.parse(harnessReportOutput(result.finished!, 'json')));
    assert.deepEqual(
      JSON.parse(exportReport(run, 'sarif', lmmVersion())),
      JSON.parse(harnessReportOutput(result.finished!, 'sarif')),
    );
  });

  it('a compile error (no heap came back): JSON and SARIF compared whole', async () => {
    const file = write('h.lmm.ts', nodeHarness('const = ;'));
    const cli = await cliDocuments(file);
    const run = await extensionRun(file);
    assert.equal(run.report, undefined);
    assert.equal(run.ending?.kind, 'compile-error');
    const exported = JSON.parse(exportReport(run, 'json')) as Record<string, unknown>;
    assert.deepEqual(exported, JSON.parse(cli.json));
    assert.deepEqual(JSON.parse(exportReport(run, 'sarif', lmmVersion())), JSON.parse(cli.sarif));
    assert.equal(exported.totals, null);
  });

  it('a killed worker (no report): the errors and leak checks it streamed, compared whole', async () => {
    // A real run's streamed findings; its end made a kill's (no report came back).
    const file = write('h.lmm.ts', CHECKS_THEN_THROWS);
    const streamed: StreamedFindings = { leakChecks: [] };
    const ran = await runHarness(file, {
      onMemoryErrors: (errors) => (streamed.errors = errors),
      onLeakCheck: (check) => streamed.leakChecks.push(check),
    }).result;
    const killed: HarnessRunResult = { ...ran, outcome: 'crashed', message: 'the harness process ended (signal SIGKILL)' };
    delete killed.finished;
    assert.ok(streamed.errors && streamed.leakChecks.length === 1, 'the run streamed an error and a check');
    // The extension takes the same stream in, as the RunController does.
    const store = new RunStore();
    const run = store.begin({
      kind: 'harness',
      file,
      label: 'h.lmm.ts',
      replay: new HeapReplay({ pageSize: 4096, eventsKept: 1000 }),
      sites: [],
    });
    for (const check of streamed.leakChecks) store.leakCheckDuringRun(run, asLeakCheck(check));
    store.memoryErrorsDuringRun(run, asInterimErrors(streamed.errors));
    await store.end(run, 'failed', { message: killed.message!, ending: earlyEndOutcome(killed, file) });
    const exported = JSON.parse(exportReport(run, 'json')) as { leakChecks: unknown[]; errors: unknown[] };
    assert.deepEqual(exported, JSON.parse(earlyEndJson(killed, file, streamed)));
    assert.deepEqual(JSON.parse(exportReport(run, 'sarif', lmmVersion())), JSON.parse(earlyEndSarif(killed, file, streamed)));
    assert.equal(exported.leakChecks.length, 1);
    assert.equal(exported.errors.length, 1, 'the double free');
  });

  it('Stop Run (no report): the no-heap document with what it streamed, and Export picks it over the run before', async () => {
    // A finished run first: Export must not fall back to it once the stopped one is there.
    const earlier = await extensionRun(write('done.lmm.ts', nodeHarness('XCALLOC(1, node_t);')));
    assert.equal(earlier.status, 'finished');
    const file = write('h.lmm.ts', CHECKS_THEN_THROWS);
    const streamed: StreamedFindings = { leakChecks: [] };
    const ran = await runHarness(file, {
      onMemoryErrors: (errors) => (streamed.errors = errors),
      onLeakCheck: (check) => streamed.leakChecks.push(check),
    }).result;
    // What the RunController keeps of a run the person stopped: the stream so far, no report.
    const store = new RunStore();
    const before = store.begin({ kind: 'harness', file: earlier.file, label: 'done.lmm.ts', replay: earlier.replay, sites: [] });
    await store.end(before, 'finished', { report: earlier.report! });
    const run = store.begin({
      kind: 'harness',
      file,
      label: 'h.lmm.ts',
      replay: new HeapReplay({ pageSize: 4096, eventsKept: 1000 }),
      sites: [],
    });
    for (const check of streamed.leakChecks) store.leakCheckDuringRun(run, asLeakCheck(check));
    store.memoryErrorsDuringRun(run, asInterimErrors(streamed.errors));
    await store.end(run, 'stopped', { message: 'stopped by request', ending: STOPPED_BY_REQUEST });
    assert.equal(
      [...store.runs].reverse().find(canExport),
      run,
      'Export Report takes the stopped run, not the finished one before it',
    );
    const stopped: HarnessRunResult = {
      sites: ran.sites,
      timings: ran.timings,
      outcome: 'cancelled',
      message: 'stopped by request',
    };
    const exported = JSON.parse(exportReport(run, 'json')) as Record<string, unknown> & {
      leakChecks: unknown[];
      errors: unknown[];
    };
    assert.deepEqual(exported, JSON.parse(earlyEndJson(stopped, file, streamed)));
    assert.deepEqual(JSON.parse(exportReport(run, 'sarif', lmmVersion())), JSON.parse(earlyEndSarif(stopped, file, streamed)));
    assert.equal(exported.complete, false);
    assert.deepEqual(exported.outcome, { kind: 'cancelled', message: 'stopped by request' });
    assert.equal(exported.totals, null);
    assert.equal(exported.leaks, null);
    assert.equal(exported.leakChecks.length, 1, 'the check it made before the stop');
    assert.equal(exported.errors.length, 1, 'the double free before the stop');
  });

  it('the time limit after a mid-run check: the outcome names the loop, the check stays', async () => {
    const file = write('h.lmm.ts', CHECKS_THEN_LOOPS);
    const run = await extensionRun(file);
    const exported = JSON.parse(exportReport(run, 'json')) as {
      outcome: { kind: string; message: string; site?: { line: number } };
      leakChecks: { leaks: unknown[] }[];
    };
    assert.match(exported.outcome.message, new RegExp(`time limit of ${TIME_LIMIT_MS} ms exceeded`));
    assert.equal(exported.outcome.site?.line, 12, 'the loop the limit stopped');
    assert.equal(exported.leakChecks.length, 1);
    assert.equal(exported.leakChecks[0]!.leaks.length, 1, 'the block lost before the check');
  });
});
