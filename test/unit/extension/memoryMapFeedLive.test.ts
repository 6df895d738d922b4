import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../../src/engine/heapOps';
import { HeapSnapshot } from '../../../src/engine/heapSnapshot';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { LIVE_JUMP_MIN_OPS, LIVE_OPS_PER_UPDATE, MemoryMapFeed } from '../../../src/extension/model/memoryMapFeed';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import type { HostToWebviewMessage } from '../../../src/protocol/webviewMessages';
import { RunModel } from '../../../webview-ui/src/runModel';

/** A tight loop's batches: `count` batches of `perBatch` operations, allocating and freeing round a ring of 20 blocks. */
function loopBatches(count: number, perBatch: number): HeapOpBatch[] {
  const heap = new LmmHeap({ pageSize: 4096 });
  const recorder = new HeapOpRecorder();
  const out: HeapOpBatch[] = [];
  recorder.record(HeapOpKind.Register, 16, 0, heap.register('item_t', 16), -1, 'item_t');
  const ring: number[] = [];
  let steps = 1;
  while (out.length < count) {
    if (ring.length < 20) {
      const address = heap.xcalloc(0, 1 + (steps % 3));
      ring.push(address);
      recorder.record(HeapOpKind.Alloc, 0, 1 + (steps % 3), address, -1);
    } else {
      const address = ring.shift()!;
      recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, -1);
    }
    if (++steps % perBatch === 0) out.push(recorder.flush()!);
  }
  return out;
}

/** The webview's side of the feed: its run model, fed as hostMessages.ts feeds it (the ops at once). */
class MapModel {
  model: RunModel | undefined;
  take(messages: HostToWebviewMessage[]): void {
    for (const message of messages) {
      if (message.type === 'runStarted') this.model = new RunModel(message.runId, message.pageSize, message.title, message.live);
      else if (message.type === 'heapWindow')
        this.model!.startWindow(message.firstStep, HeapSnapshot.fromWire(message.heap), message.fields);
      else if (message.type === 'heapOps') {
        assert.ok(
          this.model!.append(message.batch),
          `batch at step ${message.batch.firstStep} follows step ${this.model!.length}`,
        );
        if (message.snapshotAfter) this.model!.timeline.snapshotNow();
        if (message.windowStart !== undefined && message.windowStart > this.model!.firstStep)
          this.model!.slideTo(message.windowStart);
      } else if (message.type === 'runEnded') this.model!.state = message.state;
    }
  }
}

const opsIn = (messages: HostToWebviewMessage[]) => messages.reduce((n, m) => n + (m.type === 'heapOps' ? m.batch.count : 0), 0);

function liveRun(eventsKept: number): { store: RunStore; replay: HeapReplay; run: RunState } {
  const store = new RunStore();
  const replay = new HeapReplay({ pageSize: 4096, eventsKept });
  const run = store.begin({ kind: 'harness', file: '/w/loop.lmm.ts', label: 'loop.lmm.ts', replay, sites: [] });
  return { store, replay, run };
}

describe('the Memory Map’s feed while a fast run goes on', () => {
  it('starts a map far behind over at the newest snapshot, sends a few posts’ worth at a time, and ends with the whole kept window', async () => {
    const { store, replay, run } = liveRun(100_000);
    const all = loopBatches(300, 1000);
    const map = new MapModel();
    const feed = new MemoryMapFeed();
    for (const batch of all.slice(0, 200)) replay.apply(batch);
    const first = feed.update(run);
    map.take(first);
    const jump = first.find((m) => m.type === 'heapWindow');
    assert.ok(jump?.type === 'heapWindow', 'the map starts over at a snapshot');
    assert.ok(
      jump.firstStep > 150_000,
      `near the run’s end (step ${replay.steps}), not at the window’s start: ${jump.firstStep}`,
    );
    assert.ok(opsIn(first) <= LIVE_OPS_PER_UPDATE + 999, `${opsIn(first)} operations at once`);
    // What the map shows is the run's heap at that step.
    const model = map.model!;
    const reference = new HeapReplay({ pageSize: 4096, eventsKept: 0 });
    for (const batch of all) if (batch.firstStep < model.length) reference.apply(batch);
    assert.equal(reference.steps, model.length);
    const shown = model.heapAt(model.length - 1);
    assert.equal(shown.appMemory, reference.heap.appMemory);
    assert.equal(shown.kernel.mappedBytes(), reference.heap.kernel.mappedBytes());
    // The run goes on; each update takes the map on from where it was (or nearer the end), never back.
    let before = model.firstStep;
    for (const batch of all.slice(200, 220)) {
      replay.apply(batch);
      const messages = feed.update(run);
      assert.ok(opsIn(messages) <= LIVE_OPS_PER_UPDATE + 999);
      map.take(messages);
      assert.ok(map.model!.firstStep >= before, 'a live map never starts over further back');
      before = map.model!.firstStep;
    }
    // The run stops: the map gets the whole kept window, up to the run's last step.
    await store.end(run, 'stopped', { message: 'stopped by request' });
    const end = feed.update(run);
    assert.equal(end[0]?.type, 'runStarted', 'the map starts over for its whole window');
    map.take(end);
    const ended = map.model!;
    assert.equal(ended.firstStep, replay.windowStart);
    assert.equal(ended.length, replay.steps);
    assert.equal(ended.state, 'stopped');
    assert.equal(ended.heapAt(ended.length - 1).appMemory, replay.heap.appMemory);
    assert.equal(opsIn(end), replay.keptSteps, 'every kept operation');
  });

  it('needs no second start when the host’s window slid past where the live map started over', async () => {
    const { store, replay, run } = liveRun(100_000);
    const map = new MapModel();
    const feed = new MemoryMapFeed();
    const all = loopBatches(400, 1000);
    for (const batch of all.slice(0, 200)) replay.apply(batch);
    const first = feed.update(run);
    const jump = first.find((m) => m.type === 'heapWindow');
    assert.ok(jump?.type === 'heapWindow' && jump.firstStep > 150_000, 'the live map started over near the end');
    map.take(first);
    for (const batch of all.slice(200)) {
      replay.apply(batch);
      map.take(feed.update(run));
    }
    assert.ok(replay.windowStart > jump.firstStep, 'the host’s window slid past it');
    await store.end(run, 'finished', {});
    const end = feed.update(run);
    assert.equal(
      end.some((m) => m.type === 'runStarted' || m.type === 'heapWindow'),
      false,
      'the map follows on',
    );
    map.take(end);
    assert.equal(map.model!.firstStep, replay.windowStart, 'the map holds the whole kept window');
    assert.equal(map.model!.length, replay.steps);
    assert.equal(map.model!.heapAt(replay.steps - 1).appMemory, replay.heap.appMemory);
  });

  it('does not start over for fewer than LIVE_JUMP_MIN_OPS operations skipped, nor for a snapshot dearer than them', () => {
    const { replay, run } = liveRun(100_000);
    for (const batch of loopBatches(60, 1000)) replay.apply(batch);
    assert.ok(replay.newestSnapshot!.step + 1 < LIVE_JUMP_MIN_OPS, 'the newest snapshot is near the start');
    const near = new MemoryMapFeed().update(run);
    assert.equal(
      near.some((m) => m.type === 'heapWindow'),
      false,
      'from the start: the operations are not many',
    );
    const far = liveRun(100_000);
    for (const batch of loopBatches(200, 1000)) far.replay.apply(batch);
    const newest = far.replay.newestSnapshot!;
    const cheap = new MemoryMapFeed().update(far.run);
    assert.ok(
      cheap.some((m) => m.type === 'heapWindow' && m.firstStep === newest.step + 1),
      'the same run with a small heap starts over there',
    );
    // A heap whose snapshot is larger than the ~29 bytes of each operation it would skip.
    Object.defineProperty(far.replay, 'newestSnapshot', {
      get: () => ({
        step: newest.step,
        snapshot: { byteLength: 29 * (newest.step + 2), toWire: () => newest.snapshot.toWire() },
      }),
    });
    const dear = new MemoryMapFeed().update(far.run);
    assert.equal(
      dear.some((m) => m.type === 'heapWindow' && m.firstStep === newest.step + 1),
      false,
      'the snapshot costs more than the operations',
    );
  });

  it('sends a finished run whole at once (no live pacing once it ended)', async () => {
    const { store, replay, run } = liveRun(1_000_000);
    for (const batch of loopBatches(100, 1000)) replay.apply(batch);
    await store.end(run, 'finished', {});
    const messages = new MemoryMapFeed().update(run);
    assert.equal(opsIn(messages), replay.steps);
    assert.equal(
      messages.some((m) => m.type === 'heapWindow'),
      false,
    );
  });
});
