// Check Leaks Now while a harness runs gets an answer at once: the Leaks view says the check is on
// its way (asked at which step) until the check comes, which a huge live set or a loop with no heap
// call delays; never after the run has ended, and never in place of a check that came.
import { strict as assert } from 'node:assert';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { leakNodes } from '../../../src/extension/model/leaksTree';
import { RunStore, type RunChange, type RunState } from '../../../src/extension/model/runState';
import { traceRun } from '../../../src/extension/model/traceRun';
import type { ReportLeakCheck } from '../../../src/protocol/runReportSchema';

const site = { file: '/w/loop.lmm.ts', line: 9, column: 5 };
const check = (event: number, requested: boolean): ReportLeakCheck => ({
  event,
  site,
  leaks: [],
  ...(requested ? { requested: true } : {}),
});

function liveRun(): { store: RunStore; run: RunState; changes: RunChange[] } {
  const store = new RunStore(4, 0);
  const changes: RunChange[] = [];
  store.onDidChange((_, change) => changes.push(change));
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10 });
  const run = store.begin({ kind: 'harness', file: '/w/loop.lmm.ts', label: 'loop.lmm.ts', replay, sites: [] });
  const trace = traceRun(
    '/w/t.trace',
    ['reg node_t 24', ...Array.from({ length: 99 }, (_, i) => `alloc n${i} node_t 1`)].join('\n'),
  );
  for (const batch of trace.batches) replay.apply(batch);
  return { store, run, changes };
}

const rows = (run: RunState) => leakNodes(run).map((node) => `${node.label} — ${node.description ?? ''}`);

describe('Check Leaks Now on its way', () => {
  it('shows at once, naming the step it was asked at, and the first ask’s step holds', () => {
    const { store, run, changes } = liveRun();
    assert.deepEqual(rows(run), ['no leak check yet (run in progress) — Check Leaks Now to check']);
    store.leakCheckAsked(run);
    assert.deepEqual(changes.slice(1), ['leakCheckAsked'], 'the views hear of it at once');
    assert.equal(
      rows(run)[0],
      'Check Leaks Now: on its way — asked at step 100; it runs at the harness’s next heap call or loop turn',
    );
    store.leakCheckAsked(run);
    assert.equal(changes.length, 2, 'a second ask before the check changes nothing');
    assert.match(rows(run)[0]!, /asked at step 100;/);
  });

  it('gives way to the requested check when it comes, not to an mm_leak_check() of the harness', () => {
    const { store, run } = liveRun();
    store.leakCheckAsked(run);
    store.leakCheckDuringRun(run, check(60, false));
    assert.equal(
      rows(run)[0],
      'Check Leaks Now: on its way — asked at step 100; it runs at the harness’s next heap call or loop turn',
    );
    assert.match(rows(run)[1]!, /^leak check at step 61 \(run in progress\) — mm_leak_check\(\)/);
    store.leakCheckDuringRun(run, check(100, true));
    assert.deepEqual(rows(run), ['leak check at step 101 (run in progress) — Check Leaks Now at loop.lmm.ts:9 · no leaks']);
  });

  it('is gone once the run has ended without it, and an ask after the end is not taken', async () => {
    for (const status of ['stopped', 'failed', 'finished'] as const) {
      const { store, run, changes } = liveRun();
      store.leakCheckAsked(run);
      await store.end(run, status, {});
      assert.ok(!rows(run).some((row) => row.startsWith('Check Leaks Now: on its way')), `${status}: ${rows(run).join('\n')}`);
      const heard = changes.length;
      store.leakCheckAsked(run);
      assert.equal(changes.length, heard, `${status}: nothing to tell after the end`);
    }
  });
});
