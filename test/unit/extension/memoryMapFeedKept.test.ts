import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../../src/engine/heapOps';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { MemoryMapFeed, memoryMapTitle } from '../../../src/extension/model/memoryMapFeed';
import { RunStore } from '../../../src/extension/model/runState';
import { serverReport } from '../../support/serverRunFixture';

/** Batches of `perBatch` allocations (a register first), as the worker streams them. */
function batches(count: number, perBatch: number): HeapOpBatch[] {
  const heap = new LmmHeap({ pageSize: 4096 });
  const recorder = new HeapOpRecorder();
  const out: HeapOpBatch[] = [];
  recorder.record(HeapOpKind.Register, 16, 0, heap.register('conn_t', 16), -1, 'conn_t');
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < perBatch; i++) recorder.record(HeapOpKind.Alloc, 0, 1, heap.xcalloc(0, 1), -1);
    out.push(recorder.flush()!);
  }
  return out;
}

describe('the Memory Map keeps the last lmm.eventsKept operations of a run, and says so', () => {
  it('a run past eventsKept ends with "the map shows the last N of M operations" and its end-of-run check at the last step', async () => {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 250 });
    const run = store.begin({ kind: 'harness', file: '/w/big.lmm.ts', label: 'big.lmm.ts', replay, sites: [] });
    for (const batch of batches(10, 100)) replay.apply(batch);
    const feed = new MemoryMapFeed();
    const live = feed.update(run);
    const window = live.find((m) => m.type === 'heapWindow');
    assert.equal(window?.type === 'heapWindow' ? window.firstStep : -1, replay.windowStart);
    const ops = live.filter((m) => m.type === 'heapOps');
    assert.equal(live.indexOf(window!) < live.indexOf(ops[0]!), true, 'the window’s heap comes before its batches');
    assert.deepEqual(
      ops.map((m) => (m.type === 'heapOps' ? m.batch.firstStep : -1)),
      replay.batches.map((b) => b.firstStep),
      'the kept batches, from the window’s first step',
    );
    assert.equal(replay.keptSteps, 300, 'batches of 100: the last three hold at least 250');
    await store.end(run, 'finished', { report: serverReport({}) });
    const end = feed.update(run);
    const ended = end.find((m) => m.type === 'runEnded');
    assert.equal(
      ended?.type === 'runEnded' ? ended.message : undefined,
      'the map shows the last 300 of 1,001 operations (lmm.eventsKept)',
    );
    const checks = end.filter((m) => m.type === 'leakCheck');
    assert.deepEqual(
      checks.map((m) => (m.type === 'leakCheck' ? m.step : -1)),
      [1000],
      'the end-of-run check at the run’s last step, on the window',
    );
  });

  it('the tab’s title says how much of the run the map holds, while the run goes on past eventsKept', () => {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 250 });
    const run = store.begin({ kind: 'harness', file: '/w/big.lmm.ts', label: 'big.lmm.ts', replay, sites: [] });
    assert.equal(memoryMapTitle('LMM Memory Map', undefined), 'LMM Memory Map');
    const all = batches(10, 100);
    for (const batch of all.slice(0, 3)) replay.apply(batch);
    assert.equal(memoryMapTitle('LMM Memory Map', run), 'LMM Memory Map', 'all kept: the plain title');
    replay.apply(all[3]!);
    assert.equal(memoryMapTitle('LMM Memory Map', run), 'LMM Memory Map (last 300 of 401 operations)');
    for (const batch of all.slice(4)) replay.apply(batch);
    assert.equal(memoryMapTitle('LMM Memory Map', run), 'LMM Memory Map (last 300 of 1,001 operations)', 'it follows the run');
  });

  it('a stopped run keeps its own message first', async () => {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 150 });
    const run = store.begin({ kind: 'harness', file: '/w/big.lmm.ts', label: 'big.lmm.ts', replay, sites: [] });
    for (const batch of batches(3, 100)) replay.apply(batch);
    const feed = new MemoryMapFeed();
    feed.update(run);
    await store.end(run, 'stopped', { message: 'stopped by request' });
    const ended = feed.update(run).find((m) => m.type === 'runEnded');
    assert.match(
      ended?.type === 'runEnded' ? (ended.message ?? '') : '',
      /^stopped by request · the map shows the last 200 of 301 operations/,
    );
  });

  it('a live map gets each new batch once; one that fell behind the host’s window starts over at the window', () => {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 250 });
    const run = store.begin({ kind: 'harness', file: '/w/big.lmm.ts', label: 'big.lmm.ts', replay, sites: [] });
    const all = batches(12, 100);
    const feed = new MemoryMapFeed();
    const steps = (messages: ReturnType<MemoryMapFeed['update']>): Array<number | string> =>
      messages.flatMap((m) =>
        m.type === 'heapOps' ? [m.batch.firstStep as number | string] : m.type === 'heapWindow' ? [`window ${m.firstStep}`] : [],
      );
    replay.apply(all[0]!);
    assert.deepEqual(steps(feed.update(run)), [0]);
    for (const batch of all.slice(1, 4)) {
      replay.apply(batch);
      assert.deepEqual(steps(feed.update(run)), [batch.firstStep], 'one new batch, even as the host’s window slides');
    }
    // Each batch says whether the host took a snapshot after it; the last one sent, where the host's window begins.
    replay.apply(all[4]!);
    const marked = feed.update(run);
    assert.equal(marked.length, 1);
    const message = marked[0]!;
    assert.ok(message.type === 'heapOps');
    assert.equal(message.windowStart, replay.windowStart);
    assert.equal(message.snapshotAfter, true, 'batches of 100 after a snapshot every 63 steps: one after each');
    // Five batches while the map was not updated: more than the host's window holds.
    for (const batch of all.slice(5, 10)) replay.apply(batch);
    assert.deepEqual(steps(feed.update(run)), [`window ${replay.windowStart}`, ...replay.batches.map((b) => b.firstStep)]);
    assert.deepEqual(steps(feed.update(run)), [], 'nothing twice');
    // A webview that reloads mid-slide asks from a step the host no longer has.
    replay.apply(all[10]!);
    feed.update(run);
    const resent = feed.resync(run, 'run-' + run.id, 150);
    assert.deepEqual(steps(resent), [`window ${replay.windowStart}`, ...replay.batches.map((b) => b.firstStep)]);
    const within = feed.resync(run, 'run-' + run.id, replay.windowStart + 150);
    assert.deepEqual(
      steps(within),
      replay.batches.slice(1).map((b) => b.firstStep),
      'within the window: the batches from there',
    );
  });

  it('a run within eventsKept says nothing of it', async () => {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10_000 });
    const run = store.begin({ kind: 'harness', file: '/w/small.lmm.ts', label: 'small.lmm.ts', replay, sites: [] });
    for (const batch of batches(3, 100)) replay.apply(batch);
    const feed = new MemoryMapFeed();
    feed.update(run);
    await store.end(run, 'finished', { report: serverReport({}) });
    const ended = feed.update(run).find((m) => m.type === 'runEnded');
    assert.equal(ended?.type === 'runEnded' ? ended.message : 'none', undefined);
  });
});
