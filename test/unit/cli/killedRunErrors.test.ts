/**
 * A run whose worker is killed (here: stuck in one regular expression past the time limit) keeps
 * the memory errors it found: each new error record goes out as it is made, not with the next
 * 50 ms flush (2,000 double frees then the stuck call had listed none), and its totals, written
 * to memory the harness host reads, say how many there were past the 1,000 records a worker
 * sends. JSON, SARIF and text say "N of M".
 */
import { strict as assert } from 'node:assert';
import type { SarifLog } from '../../../src/analysis/sarif';
import { earlyEndErrorsText, earlyEndJson, earlyEndSarif, type StreamedFindings } from '../../../src/cli/earlyEndDocument';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore } from '../../../src/extension/model/runState';
import { earlyEndOutcome } from '../../../src/harness/earlyEndOutcome';
import { lmmVersion } from '../../../src/harness/harnessReportOutput';
import { runHarness, type MemoryErrorsSoFar } from '../../../src/harness/runHarness';
import { asInterimErrors, asReport } from '../../../src/protocol/runReportSchema';
import { lmm } from '../../support/lmmCli';
import { reportSchemaProblems } from '../../support/reportSchemas';
import { HarnessProbe } from '../../support/harnessProbe';
import { doubleFreesThenStuck } from '../../support/stuckHarness';

describe('a killed run keeps its memory errors and says N of M', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  async function killedRun(frees: number) {
    const file = probe.write(`frees${frees}.lmm.ts`, doubleFreesThenStuck(frees));
    let errors: MemoryErrorsSoFar | undefined;
    const result = await runHarness(file, { timeLimitMs: 1000, onMemoryErrors: (update) => (errors = update) }).result;
    assert.equal(result.outcome, 'timed-out', result.message);
    assert.equal(result.finished, undefined, 'killed in the regular expression: no report');
    const streamed: StreamedFindings = { leakChecks: [], ...(errors ? { errors } : {}) };
    return { file, result, streamed };
  }

  it('2,000 distinct errors then stuck: the first 1,000 listed, of 2,000 records and 2,000 errors', async () => {
    const { file, result, streamed } = await killedRun(2000);
    assert.equal(streamed.errors?.errors.length, 1000, 'every record a worker sends arrived');
    assert.equal(streamed.errors?.distinct, 2000, 'the host read the total past the last update');
    assert.equal(streamed.errors?.occurrences, 2000);

    const json = JSON.parse(earlyEndJson(result, file, streamed)) as Record<string, unknown>;
    assert.deepEqual(reportSchemaProblems(json), []);
    assert.deepEqual([(json.errors as unknown[]).length, json.errorRecordsTotal, json.errorsTotal], [1000, 2000, 2000]);

    const sarif = JSON.parse(earlyEndSarif(result, file, streamed)) as SarifLog;
    const run = sarif.runs[0]!;
    assert.equal(run.results.length, 1000);
    const cut = run.invocations![0]!.toolExecutionNotifications!.find((n) => n.level === 'warning');
    assert.match(
      cut!.message.text,
      /^Memory errors: 1,000 of the 2,000 error records the run had found are listed \(2,000 errors in all\)/,
    );
    assert.deepEqual(cut!.properties, { errorRecordsTotal: 2000, errorsTotal: 2000, errorsListed: 1000 });

    // Export Report of the same run in VS Code, taken in as the RunController takes it: the same documents, and text that says so.
    const store = new RunStore();
    const exported = store.begin({
      kind: 'harness',
      file,
      label: 'h',
      replay: new HeapReplay({ pageSize: 4096, eventsKept: 100 }),
      sites: [],
    });
    store.memoryErrorsDuringRun(exported, asInterimErrors(streamed.errors));
    await store.end(exported, 'failed', { message: result.message!, ending: earlyEndOutcome(result, file) });
    assert.deepEqual(JSON.parse(exportReport(exported, 'json')), json);
    assert.deepEqual(JSON.parse(exportReport(exported, 'sarif', lmmVersion())), sarif);
    assert.match(exportReport(exported, 'text'), /\n {2}\(1,000 of the 2,000 error records the run had found are listed/);
    assert.match(exportReport(exported, 'html'), /<\/table>\n<p>1,000 of the 2,000 error records the run had found are listed/);

    assert.match(
      earlyEndErrorsText(streamed),
      /it had found 2,000 memory errors in 2,000 records\. lmm run --json lists them: 1,000 of the 2,000 error records/,
    );
  });

  it('a few errors then stuck: all listed at once, whole (N of N), no cut notice', async () => {
    const { file, result, streamed } = await killedRun(3);
    assert.equal(streamed.errors?.errors.length, 3, 'made within one flush interval, before the stuck call: listed all the same');
    const json = JSON.parse(earlyEndJson(result, file, streamed)) as Record<string, unknown>;
    assert.deepEqual([(json.errors as unknown[]).length, json.errorRecordsTotal, json.errorsTotal], [3, 3, 3]);
    const sarif = JSON.parse(earlyEndSarif(result, file, streamed)) as SarifLog;
    assert.equal(sarif.runs[0]!.invocations![0]!.toolExecutionNotifications!.length, 1, 'the outcome only');
    assert.equal(
      earlyEndErrorsText(streamed),
      '\nThe run ended with no report; it had found 3 memory errors in 3 records. lmm run --json lists them.\n',
    );
  });

  it('lmm run (text) of a killed run prints what it found on stdout, the outcome on stderr', async () => {
    const file = probe.write('cli.lmm.ts', doubleFreesThenStuck(3));
    const ran = await lmm('run', file, '--time-limit', '1000');
    assert.equal(ran.status, 2);
    assert.equal(
      ran.stdout,
      '\nThe run ended with no report; it had found 3 memory errors in 3 records. lmm run --json lists them.\n',
    );
    assert.match(ran.stderr, /cli\.lmm\.ts:\d+:3: time limit of 1000 ms exceeded/);
  });

  it('errors then Stop while stuck: the errors found before Stop are listed', async () => {
    const file = probe.write('stopped.lmm.ts', doubleFreesThenStuck(5));
    let errors: MemoryErrorsSoFar | undefined;
    const handle = runHarness(file, {
      timeLimitMs: 30_000,
      onMemoryErrors: (update) => {
        errors = update;
        if (update.errors.length === 5) setTimeout(() => handle.cancel(), 100);
      },
    });
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled', result.message);
    assert.equal(result.finished, undefined);
    const streamed: StreamedFindings = { leakChecks: [], ...(errors ? { errors } : {}) };
    const json = JSON.parse(earlyEndJson(result, file, streamed)) as Record<string, unknown>;
    assert.deepEqual(reportSchemaProblems(json), []);
    assert.deepEqual([(json.errors as unknown[]).length, json.errorRecordsTotal, json.errorsTotal], [5, 5, 5]);
  });

  it('the validator and the schema hold "N of M": a total below what is listed is refused, and an incomplete run must give it', () => {
    const errors = [
      {
        kind: 'double-free',
        message: 'm',
        count: 2,
        site: { file: 'h', line: 3, column: 1 },
        stack: [],
        event: 1,
        step: 2,
        suppressed: false,
      },
    ];
    const report = (extra: Record<string, unknown>) => ({
      schemaVersion: 2,
      complete: false,
      families: [],
      totals: {},
      errors,
      ...extra,
    });
    assert.doesNotThrow(() => asReport(report({ errorRecordsTotal: 1, errorsTotal: 2 })));
    assert.throws(
      () => asReport(report({ errorRecordsTotal: 0 })),
      /"errorRecordsTotal" \(0\) is not a count of at least the 1 errors it lists/,
    );
    assert.throws(
      () => asReport(report({ errorsTotal: 1 })),
      /"errorsTotal" \(1\) is not a count of at least the 2 occurrences it lists/,
    );
    assert.throws(() => asReport(report({ errorRecordsTotal: '5' })), /errorRecordsTotal/);
    const noHeap = {
      schemaVersion: 2,
      complete: false,
      outcome: { kind: 'crashed', message: 'x' },
      harnessFile: 'h',
      totals: null,
      leaks: null,
      leakSummary: null,
      errors,
      errorRecordsTotal: 1,
      errorsTotal: 2,
      errorSummary: { errors: 2, contexts: 1, suppressed: 0 },
      leakChecks: [],
    };
    assert.deepEqual(reportSchemaProblems(noHeap), []);
    const { errorRecordsTotal: _records, ...withoutTotal } = noHeap;
    assert.notDeepEqual(reportSchemaProblems(withoutTotal), [], 'an incomplete run must say how many it found');
  });
});
