import { strict as assert } from 'node:assert';
import { runResultsParams } from '../../../src/extension/model/runResultsParams';
import {
  asInterimErrors,
  type InterimErrors,
  type LmmReport,
  type ReportError,
  type ReportLeakCheck,
} from '../../../src/protocol/runReportSchema';
import { RunStore, type RunChange } from '../../../src/extension/model/runState';
import { statusText } from '../../../src/extension/model/statusText';
import { runDiagnostics, type SourceFiles } from '../../../src/server/runDiagnostics';
import { FILE, beginServerRun, serverReport, site } from '../../support/serverRunFixture';

const error = (over: Partial<ReportError> = {}): ReportError => ({
  kind: 'double-free',
  message: 'double free: the block of req_t allocated at server.lmm.ts:7:17 was already freed',
  count: 1,
  site: site(11),
  stack: [site(11), site(20)],
  allocSite: site(7),
  freeSite: site(9),
  event: 11,
  step: 12,
  ...over,
});
const interim = (errors: ReportError[], over: Partial<InterimErrors> = {}): InterimErrors => ({
  errors,
  occurrences: errors.reduce((n, e) => n + e.count, 0),
  distinct: errors.length,
  ...over,
});
const finalReport = (count: number): LmmReport => serverReport({ errors: [error({ count })] });
const begin = beginServerRun;
const files: SourceFiles = { text: () => undefined, uri: (f) => `file://${f}`, structSite: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('memory errors while a harness runs: the extension’s models', () => {
  it('RunStore: errors become the run’s interim ones at once; changes share the leak checks’ throttle; none after the end', async () => {
    const store = new RunStore(4, 60);
    const changes: [RunChange, number | undefined][] = [];
    store.onDidChange((run, change) => changes.push([change, run.interimErrors?.occurrences]));
    const run = begin(store);
    store.memoryErrorsDuringRun(run, interim([error()]));
    assert.equal(run.interimErrors?.occurrences, 1);
    assert.deepEqual(changes.at(-1), ['memoryErrors', 1], 'the first errors are told at once');
    store.memoryErrorsDuringRun(run, interim([error({ count: 2 })]));
    store.leakCheckDuringRun(run, { event: 30, site: site(7), leaks: [] });
    store.memoryErrorsDuringRun(run, interim([error({ count: 5 })]));
    assert.equal(run.interimErrors?.occurrences, 5, 'the run always holds the latest');
    assert.equal(changes.filter(([c]) => c !== 'started').length, 1, 'changes within the interval wait, leak checks too');
    await sleep(120);
    assert.deepEqual(
      changes.filter(([c]) => c !== 'started'),
      [
        ['memoryErrors', 1],
        ['memoryErrors', 5],
        ['leakCheck', 5],
      ],
      'one trailing change of each kind, with the latest',
    );
    store.memoryErrorsDuringRun(run, interim([error({ count: 6 })]));
    store.memoryErrorsDuringRun(run, interim([error({ count: 7 })]));
    await store.end(run, 'finished', { report: finalReport(9) });
    await sleep(120);
    assert.ok(!changes.some(([c, n]) => c === 'memoryErrors' && n === 7), 'a change held back is dropped when the run ends');
    assert.equal(changes.at(-1)![0], 'finished');
    store.memoryErrorsDuringRun(run, interim([error({ count: 99 })]));
    assert.equal(run.interimErrors?.occurrences, 7, 'errors arriving after the end are ignored');
  });

  it('diagnostics: errors so far are errors on their lines, labelled as during the run; the end sends the report’s', async () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    store.memoryErrorsDuringRun(run, interim([error()]));
    const params = runResultsParams(run);
    assert.equal(params.status, 'running');
    assert.deepEqual(params.memoryErrors, { occurrences: 1, records: 1, shown: 1 });
    assert.equal(params.leakCheck, undefined);
    const [diagnostic] = runDiagnostics(params, files).get(FILE)!;
    assert.equal(diagnostic!.severity, 1, 'an error');
    assert.equal(diagnostic!.code, 'double-free');
    assert.equal(diagnostic!.range.start.line, 10, 'on line 11');
    assert.equal(
      diagnostic!.message,
      'double free: the block of req_t allocated at server.lmm.ts:7:17 was already freed [memory error at step 12, run in progress]',
    );
    assert.deepEqual(
      diagnostic!.relatedInformation?.map((r) => [r.message, r.location.range.start.line]),
      [
        ['called from here', 19],
        ['the block was allocated here', 6],
        ['the block was freed here', 8],
      ],
    );

    // A later leak check and more occurrences: both go in one interim report.
    store.leakCheckDuringRun(run, {
      event: 40,
      site: site(7),
      leaks: [
        { kind: 'definitely-lost', struct: 'req_t', blocks: 2, bytes: 8, site: site(7), stack: [site(7)], suppressed: false },
      ],
      requested: true,
    } satisfies ReportLeakCheck);
    store.memoryErrorsDuringRun(run, interim([error({ count: 3 })]));
    const both = runDiagnostics(runResultsParams(run), files).get(FILE)!;
    assert.deepEqual(
      both.map((d) => d.message),
      [
        'definitely-lost: 2 req_t blocks, 8 bytes, allocated here [Check Leaks Now: leak check at step 41, run in progress]',
        'double free: the block of req_t allocated at server.lmm.ts:7:17 was already freed (3 times so far) [memory error at step 12, run in progress]',
      ],
    );

    await store.end(run, 'finished', { report: finalReport(4) });
    const final = runResultsParams(run);
    assert.equal(final.memoryErrors, undefined);
    assert.equal(
      runDiagnostics(final, files).get(FILE)![0]!.message,
      'double free: the block of req_t allocated at server.lmm.ts:7:17 was already freed (4 times)',
      'the report replaces them, unlabelled',
    );

    const stopped = begin(store);
    store.memoryErrorsDuringRun(stopped, interim([error({ count: 2 })]));
    await store.end(stopped, 'stopped', { message: 'stopped by request' });
    const kept = runResultsParams(stopped);
    assert.deepEqual([kept.status, kept.memoryErrors], ['stopped', { occurrences: 2, records: 1, shown: 1 }]);
    assert.match(
      runDiagnostics(kept, files).get(FILE)![0]!.message as string,
      /\(2 times so far\) \[memory error at step 12, run stopped before its end\]$/,
    );
  });

  it('diagnostics: past the cap the worker posts, one line says how many of how many sites show', () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    const shown = [
      error(),
      error({ kind: 'invalid-free', site: site(12), event: 20, step: 21, message: 'XFREE(null): there is no block to free' }),
    ];
    store.memoryErrorsDuringRun(run, interim(shown, { distinct: 1500, occurrences: 2_000_000 }));
    const list = runDiagnostics(runResultsParams(run), files).get(FILE)!;
    assert.equal(list.length, 3);
    assert.equal(list[2]!.code, 'more');
    assert.equal(
      list[2]!.message,
      '2 of 1,500 memory error sites shown (2,000,000 errors in all so far): the other 1,498 show with the run’s report [run in progress]'.replace(
        '’',
        "'",
      ),
    );
  });

  it('status bar: the running text counts the errors so far; a stopped run without a report keeps them', async () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    assert.doesNotMatch(statusText(run).text, /memory error/);
    store.memoryErrorsDuringRun(run, interim([error()]));
    assert.match(statusText(run).text, /^\$\(pulse\) LMM .* · 1 memory error$/);
    store.memoryErrorsDuringRun(run, interim([error({ count: 1234 })], { occurrences: 1300, distinct: 3 }));
    store.leakCheckDuringRun(run, { event: 50, site: site(7), leaks: [] });
    const { text, tooltip } = statusText(run);
    assert.match(text, /^\$\(pulse\) LMM .* · 1,300 memory errors · 0 leaked at step 51$/);
    assert.match(tooltip, / 1,300 memory errors so far \(in the Problems panel\)\./);
    await store.end(run, 'stopped', { message: 'stopped by request' });
    assert.match(statusText(run).text, /^\$\(debug-stop\) LMM stopped · .* · 1,300 memory errors · 0 leaked at step 51$/);
    assert.match(
      statusText(run).tooltip,
      /1,300 memory errors before the stop\)\. No end-of-run leak check ran; its last leak check, at step 51, found 0 leaked blocks\.$/,
    );
  });

  it('status bar: errors a suppression silences are not counted, while the run goes on nor at its end', async () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    const silenced = error({ count: 5, suppressed: true, suppressedBy: 'known' });
    store.memoryErrorsDuringRun(run, interim([silenced, error({ site: site(12), count: 2 })], { occurrences: 7, distinct: 2 }));
    assert.match(statusText(run).text, / · 2 memory errors$/);
    store.memoryErrorsDuringRun(run, interim([silenced], { occurrences: 5, distinct: 1 }));
    assert.doesNotMatch(statusText(run).text, /memory error/);
    await store.end(run, 'finished', { report: serverReport({ errors: [silenced] }) });
    assert.match(statusText(run).text, /^\$\(check\) LMM /, 'no error icon for a suppressed error');
    assert.match(statusText(run).tooltip, / 0 memory errors\./);
  });

  it('asInterimErrors: takes what the worker posts, refuses malformed errors with a clear message', () => {
    assert.equal(asInterimErrors(interim([error()])).errors[0]!.step, 12);
    assert.throws(() => asInterimErrors(null), /not a JSON object/);
    assert.throws(() => asInterimErrors({ occurrences: 1, distinct: 1 }), /no "errors" list/);
    assert.throws(
      () => asInterimErrors(interim([error({ site: { file: FILE, line: 0, column: 3 } })])),
      /errors\[0\] has no valid site/,
    );
    assert.throws(() => asInterimErrors(interim([error({ count: 0 })])), /errors\[0\] has no count/);
    assert.throws(() => asInterimErrors(interim([error({ step: -1 })])), /errors\[0\] has an invalid "step"/);
    assert.throws(() => asInterimErrors(interim([error({ step: 11 })])), /errors\[0\]'s "step" \(11\) is not its "event" \+ 1/);
    assert.throws(() => asInterimErrors(interim([error(), error()], { distinct: 1 })), /no valid totals/);
    assert.throws(() => asInterimErrors({ ...interim([error()]), occurrences: '1' }), /no valid totals/);
  });
});
