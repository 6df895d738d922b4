import { strict as assert } from 'node:assert';
import { leakNodes } from '../../../src/extension/model/leaksTree';
import { MemoryMapFeed } from '../../../src/extension/model/memoryMapFeed';
import { runResultsParams } from '../../../src/extension/model/runResultsParams';
import { asLeakCheck, type LmmReport, type ReportLeak, type ReportLeakCheck } from '../../../src/protocol/runReportSchema';
import { RunStore, type RunChange } from '../../../src/extension/model/runState';
import { statusText } from '../../../src/extension/model/statusText';
import { parseHostToWebview } from '../../../src/protocol/webviewMessages';
import { runDiagnostics, type SourceFiles } from '../../../src/server/runDiagnostics';
import { FILE, beginServerRun, serverReport, site } from '../../support/serverRunFixture';

const leak = (over: Partial<ReportLeak>): ReportLeak => ({
  kind: 'definitely-lost',
  struct: 'conn_t',
  blocks: 7,
  bytes: 112,
  site: site(12),
  stack: [site(12)],
  suppressed: false,
  ...over,
});
const check = (event: number, over: Partial<ReportLeakCheck> = {}): ReportLeakCheck => ({
  event,
  site: site(9),
  leaks: [leak({ blocks: event, bytes: event * 16 }), leak({ kind: 'still-reachable', blocks: 3, bytes: 48, site: site(9) })],
  ...over,
});
const finalReport = (lost: number): LmmReport =>
  serverReport({ leaks: [leak({ blocks: lost, bytes: lost * 16 })], leakChecks: [check(40, { requested: true })] });
const begin = beginServerRun;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('leak checks while a harness runs: the extension’s models', () => {
  it('RunStore: a check becomes the run’s interim one at once; changes are throttled to the latest; none after the end', async () => {
    const store = new RunStore(4, 60);
    const changes: [RunChange, number | undefined][] = [];
    store.onDidChange((run, change) => changes.push([change, run.interimLeakCheck?.event]));
    const run = begin(store);
    store.leakCheckDuringRun(run, check(10));
    assert.equal(run.interimLeakCheck?.event, 10);
    assert.deepEqual(changes.at(-1), ['leakCheck', 10], 'the first check is told at once');
    store.leakCheckDuringRun(run, check(20));
    store.leakCheckDuringRun(run, check(30));
    assert.equal(run.interimLeakCheck?.event, 30, 'the run always holds the latest');
    assert.equal(changes.filter(([c]) => c === 'leakCheck').length, 1, 'checks within the interval wait');
    await sleep(120);
    assert.deepEqual(
      changes.filter(([c]) => c === 'leakCheck'),
      [
        ['leakCheck', 10],
        ['leakCheck', 30],
      ],
      'one trailing change, with the latest check',
    );
    store.leakCheckDuringRun(run, check(34));
    store.leakCheckDuringRun(run, check(35));
    await store.end(run, 'finished', { report: finalReport(50) });
    await sleep(120);
    assert.ok(
      !changes.some(([c, event]) => c === 'leakCheck' && event === 35),
      'a change held back is dropped when the run ends (its report replaces the checks)',
    );
    assert.equal(changes.at(-1)![0], 'finished');
    store.leakCheckDuringRun(run, check(99));
    assert.equal(run.interimLeakCheck?.event, 35, 'a check arriving after the end is ignored');
  });

  it('RunStore: a check held back for a run that is being replaced does not hold back the new run’s', async () => {
    const store = new RunStore(4, 60);
    const told: number[] = [];
    store.onDidChange((run, change) => {
      if (change === 'leakCheck') told.push(run.id);
    });
    const old = begin(store);
    store.leakCheckDuringRun(old, check(1));
    store.leakCheckDuringRun(old, check(2)); // held back
    const next = begin(store); // the old run is stopped but has not ended yet
    store.leakCheckDuringRun(next, check(3));
    await sleep(120);
    assert.deepEqual(told, [old.id, next.id], 'the old run’s held check gave way to the new run’s');
    assert.equal(next.interimLeakCheck?.event, 3);
  });

  it('Leaks view: “leak check at step N (run in progress)” over the check’s leaks; the final report replaces it', async () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    assert.deepEqual(
      leakNodes(run).map((n) => n.label),
      ['no leak check yet (run in progress)'],
      'before any check, that none ran yet',
    );
    store.leakCheckDuringRun(run, check(1234, { requested: true }));
    let nodes = leakNodes(run);
    assert.equal(nodes[0]!.label, 'leak check at step 1,235 (run in progress)');
    assert.equal(nodes[0]!.description, 'Check Leaks Now at server.lmm.ts:9');
    assert.deepEqual(nodes[0]!.site, site(9));
    assert.deepEqual(
      nodes.slice(1).map((n) => [n.label, n.description]),
      [
        ['definitely-lost', '1,234 blocks, 19,744 B'],
        ['still-reachable', '3 blocks, 48 B'],
      ],
    );
    const rows = nodes[1]!.children!();
    assert.equal(rows[0]!.label, 'conn_t at server.lmm.ts:12');
    // A long root path cut by the worker shows where blocks were left out.
    const rootPath = Array.from({ length: 4 }, (_, i) => ({ struct: 'conn_t', field: i === 0 ? 'root' : 'next', site: site(9) }));
    store.leakCheckDuringRun(run, {
      ...check(1300),
      leaks: [leak({ kind: 'still-reachable', rootPath, rootPathElided: 996 })],
    });
    const pathRows = leakNodes(run)[1]!.children!()[0]!.children!();
    assert.deepEqual(
      pathRows.filter((r) => r.id.includes('/root/')).map((r) => r.label),
      ['root: conn_t', '→ conn_t.next', '… 996 more blocks on the way', '→ conn_t.next', '→ conn_t.next'],
    );
    store.leakCheckDuringRun(run, check(2000));
    assert.equal(leakNodes(run)[0]!.description, 'mm_leak_check() at server.lmm.ts:9', 'the harness’s own check says so');
    store.leakCheckDuringRun(run, { ...check(2100), leaks: [] });
    assert.deepEqual(
      leakNodes(run).map((n) => n.description),
      ['mm_leak_check() at server.lmm.ts:9 · no leaks'],
      'a check that found nothing says so',
    );

    await store.end(run, 'finished', { report: finalReport(5000) });
    nodes = leakNodes(run);
    assert.deepEqual(
      nodes.map((n) => [n.label, n.description]),
      [['definitely-lost', '5,000 blocks, 80,000 B']],
      'the end-of-run check replaces the interim one, heading and all',
    );
  });

  it('status bar: while the run goes on, the blocks leaked at the last check and its step', () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    assert.doesNotMatch(statusText(run).text, /leaked/);
    store.leakCheckDuringRun(run, check(1500, { requested: true }));
    const { text, tooltip } = statusText(run);
    assert.match(text, /^\$\(pulse\) LMM .* · 1,500 leaked at step 1,501$/, 'still-reachable blocks are not counted');
    assert.match(tooltip, /The leak check at step 1,501 \(Check Leaks Now\) found 1,500 leaked blocks\. Click to stop\.$/);
  });

  it('Leaks view: a run stopped before its end keeps its last check, labelled as such', async () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    store.leakCheckDuringRun(run, check(77, { requested: true }));
    await store.end(run, 'stopped', { message: 'stopped by request' });
    const heading = leakNodes(run)[0]!;
    assert.equal(heading.label, 'leak check at step 78 (the run was stopped before its end)');
    assert.equal(heading.icon, 'history');
  });

  it('diagnostics: a mid-run check publishes its leaks marked as such; the end sends the report', async () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    store.leakCheckDuringRun(run, check(500, { requested: true }));
    const params = runResultsParams(run);
    assert.equal(params.status, 'running');
    assert.deepEqual(params.leakCheck, { event: 500, requested: true });
    assert.deepEqual(
      params.report?.leaks.map((l) => l.blocks),
      [500, 3],
    );
    const files: SourceFiles = { text: () => undefined, uri: (f) => `file://${f}`, structSite: () => undefined };
    const list = runDiagnostics(params, files).get(FILE)!;
    assert.equal(
      list[0]!.message,
      'definitely-lost: 500 conn_t blocks, 8000 bytes, allocated here [Check Leaks Now: leak check at step 501, run in progress]',
    );
    assert.equal(list[0]!.source, 'LMM');

    await store.end(run, 'finished', { report: finalReport(900) });
    const final = runResultsParams(run);
    assert.equal(final.status, 'finished');
    assert.equal(final.leakCheck, undefined);
    assert.equal(final.report?.leaks[0]!.blocks, 900);
    assert.equal(
      runDiagnostics(final, files).get(FILE)![0]!.message,
      'definitely-lost: 900 conn_t blocks, 14400 bytes, allocated here',
    );

    const stopped = begin(store);
    store.leakCheckDuringRun(stopped, check(60));
    await store.end(stopped, 'stopped', { message: 'stopped by request' });
    const kept = runResultsParams(stopped);
    assert.deepEqual([kept.status, kept.leakCheck], ['stopped', { event: 60, requested: false }]);
    assert.match(
      runDiagnostics(kept, files).get(FILE)![0]!.message as string,
      /\[mm_leak_check\(\): leak check at step 61, run stopped before its end\]$/,
    );
  });

  it('Memory Map feed: the interim check goes out as it comes, marked requested, then the report’s list at the end', async () => {
    const store = new RunStore(4, 0);
    const run = begin(store);
    const feed = new MemoryMapFeed();
    feed.update(run);
    store.leakCheckDuringRun(run, check(40, { requested: true }));
    const sent = feed.update(run);
    assert.deepEqual(
      sent.map((m) => m.type),
      ['leakCheck'],
    );
    const message = sent[0]!;
    assert.ok(message.type === 'leakCheck');
    assert.equal(message.step, 40);
    assert.equal(message.requested, true);
    assert.deepEqual(message.leaks[0], { kind: 'definitely-lost', blocks: 40, bytes: 640 });
    assert.equal(parseHostToWebview(message).ok, true);
    assert.deepEqual(feed.update(run), [], 'the same check is not posted twice');
    store.leakCheckDuringRun(run, check(41));
    const next = feed.update(run);
    assert.ok(next[0]!.type === 'leakCheck' && next[0]!.requested === undefined, 'an mm_leak_check() point is not “requested”');
    await store.end(run, 'finished', { report: finalReport(50) });
    const end = feed.update(run);
    assert.deepEqual(
      end.map((m) => m.type),
      ['leakCheck', 'runEnded', 'report'],
    );
    assert.ok(end[0]!.type === 'leakCheck' && end[0]!.requested === true && end[0]!.step === 40);
  });

  it('asLeakCheck: takes what the worker posts, refuses a malformed check with a clear message', () => {
    assert.equal(asLeakCheck(check(3)).event, 3);
    assert.equal(asLeakCheck({ ...check(3), site: { file: FILE, line: 0, column: 0 } }).site.line, 0, 'an unknown site is fine');
    assert.throws(() => asLeakCheck(null), /not a JSON object/);
    assert.throws(() => asLeakCheck({ ...check(3), event: -1 }), /no step/);
    assert.throws(() => asLeakCheck({ ...check(3), leaks: {} }), /no "leaks" list/);
    assert.throws(
      () => asLeakCheck({ ...check(3), leaks: [leak({ kind: 'lost' as never })] }),
      /leaks\[0\] has an unknown kind "lost"/,
    );
    assert.throws(
      () => asLeakCheck({ ...check(3), leaks: [leak({ blocks: 'many' as never })] }),
      /leaks\[0\] has no block and byte counts/,
    );
    assert.throws(() => asLeakCheck({ ...check(3), requested: 'yes' }), /"requested" is not true/);
  });
});
