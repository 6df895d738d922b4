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

describe('the Memory Map says when it keeps only part of a run (lmm.eventsKept)', () => {
  it('a run past eventsKept ends with "the map holds the first N of M operations", and no end-of-run marker off its timeline', async () => {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 250 });
    const run = store.begin({ kind: 'harness', file: '/w/big.lmm.ts', label: 'big.lmm.ts', replay, sites: [] });
    for (const batch of batches(10, 100)) replay.apply(batch);
    const feed = new MemoryMapFeed();
    const live = feed.update(run);
    assert.equal(live.filter((m) => m.type === 'heapOps').length, 2, 'the batches within eventsKept');
    await store.end(run, 'finished', { report: serverReport({}) });
    const end = feed.update(run);
    const ended = end.find((m) => m.type === 'runEnded');
    assert.equal(
      ended?.type === 'runEnded' ? ended.message : undefined,
      "the map holds the first 201 of 1,001 operations (lmm.eventsKept); the trees and the report show the run's end",
    );
    assert.equal(end.filter((m) => m.type === 'leakCheck').length, 0);
  });

  it('the tab’s title says how much of the run the map holds, while the run goes on past eventsKept', () => {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 250 });
    const run = store.begin({ kind: 'harness', file: '/w/big.lmm.ts', label: 'big.lmm.ts', replay, sites: [] });
    assert.equal(memoryMapTitle('LMM Memory Map', undefined), 'LMM Memory Map');
    const all = batches(10, 100);
    replay.apply(all[0]!);
    replay.apply(all[1]!);
    assert.equal(memoryMapTitle('LMM Memory Map', run), 'LMM Memory Map', 'all kept: the plain title');
    replay.apply(all[2]!);
    assert.equal(memoryMapTitle('LMM Memory Map', run), 'LMM Memory Map (first 201 of 301 operations)');
    for (const batch of all.slice(3)) replay.apply(batch);
    assert.equal(memoryMapTitle('LMM Memory Map', run), 'LMM Memory Map (first 201 of 1,001 operations)', 'it follows the run');
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
      /^stopped by request · the map holds the first 101 of 301 operations/,
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
