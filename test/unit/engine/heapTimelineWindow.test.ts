import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, writesBetween, type HeapOpBatch } from '../../../src/engine/heapOps';
import { HeapSnapshot } from '../../../src/engine/heapSnapshot';
import { HeapTimeline } from '../../../src/engine/heapTimeline';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { workloadFromHarnessBatches } from '../../../src/policies/harnessWorkload';
import { heapImage } from '../../support/heapImage';
import { prng, recordWritingRun } from '../../support/writingRun';

/** The part of `batches` from step `from` on (a batch cut at `from` keeps the writes after step `from − 1`). */
function batchesFrom(batches: HeapOpBatch[], from: number): HeapOpBatch[] {
  const out: HeapOpBatch[] = [];
  for (const batch of batches) {
    const end = batch.firstStep + batch.count;
    if (end < from || (end === from && batch.count > 0)) continue;
    const skip = Math.max(0, from - batch.firstStep);
    if (skip === 0) {
      out.push(batch);
      continue;
    }
    let names = 0;
    for (let i = 0; i < skip; i++) if (batch.kind[i] === HeapOpKind.Register) names++;
    const cut: HeapOpBatch = {
      firstStep: from,
      count: batch.count - skip,
      kind: batch.kind.subarray(skip),
      a: batch.a.subarray(skip),
      b: batch.b.subarray(skip),
      c: batch.c.subarray(skip),
      site: batch.site.subarray(skip),
      names: batch.names.slice(names),
    };
    const writes = writesBetween(batch.writes, from - 1, end - 1, { index: 0, byte: 0 });
    if (writes !== undefined) cut.writes = writes;
    out.push(cut);
  }
  return out;
}

/** The pages the replay's kernel watches for a snapshot being taken (null: none). */
function watchOf(replay: HeapReplay): unknown {
  return (replay.heap.kernel as unknown as { watched: unknown }).watched;
}

/** What the webview does with a batch the host sent: append it, snapshot where the host did, begin where the host's window does. */
function follow(window: HeapTimeline, host: HeapReplay, batch: HeapOpBatch): void {
  window.append(batch);
  if (host.snapshotAfter(batch.firstStep + batch.count - 1)) window.snapshotNow();
  window.slideTo(host.windowStart);
}

/** The heap after step `step` of a straight replay of `batches` (every page byte as the program left it). */
function straight(batches: HeapOpBatch[]): HeapTimeline {
  const timeline = new HeapTimeline(4096, { snapshotEvery: 50 });
  for (const batch of batches) timeline.append(batch);
  return timeline;
}

describe('heap timeline: a window of the last steps of a run', () => {
  const { batches, images } = recordWritingRun(700, 5);
  const full = straight(batches);

  for (const from of [1, 137, 350, 699]) {
    it(`begun at a snapshot of step ${from - 1}, shows every later step as a straight replay does, writes included`, () => {
      const snapshot = HeapSnapshot.take(full.heapAt(from - 1), { buffer: new Uint32Array(0) });
      const window = new HeapTimeline(4096, { snapshotEvery: 23, start: { firstStep: from, snapshot } });
      for (const batch of batchesFrom(batches, from)) window.append(batch);
      assert.deepEqual([window.firstStep, window.length], [from, images.length]);
      assert.deepEqual(window.divergences, []);
      const random = prng(from);
      for (let i = 0; i < 100; i++) {
        const step = from - 1 + random(images.length - from + 1);
        assert.equal(heapImage(window.heapAt(step)), images[step], `the heap after step ${step}`);
      }
      for (let step = from - 1; step < images.length; step++) assert.equal(heapImage(window.heapAt(step)), images[step]);
      assert.throws(() => window.heapAt(from - 2), /outside the timeline/, 'a step before the window is refused, not clamped');
      for (const key of ['appMemory', 'pages', 'mappedBytes'] as const) {
        const values = window.seriesWindow(key);
        assert.equal(values.length, images.length - from);
        for (let step = from; step < images.length; step++) {
          assert.equal(values[step - from], full.series[key][step], `${key} after step ${step}`);
          assert.equal(window.series[key][window.seriesIndex(step)], full.series[key][step]);
        }
      }
      for (let step = from; step < images.length; step++) {
        assert.deepEqual(
          [window.kindAt(step), window.resultAt(step), window.siteOf(step)],
          [full.kindAt(step), full.resultAt(step), full.siteOf(step)],
        );
      }
    });
  }

  it('begun at a batch edge with the host’s window heap: the writes made after that step come with the next batch', () => {
    // The host keeps whole batches and snapshots its heap after a batch, before the next batch's
    // leading writes: those must reach the window's first step too.
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1000 });
    for (const batch of batches) replay.apply(batch);
    const host = new HeapReplay({ pageSize: 4096, eventsKept: 120 });
    for (const batch of batches) host.apply(batch);
    const first = host.windowStart;
    assert.ok(first > 0, 'the window slid');
    assert.ok(
      host.batches.some((b) => b.firstStep === first && (b.writes?.step[0] ?? 0) === first - 1) ||
        batches.every((b) => b.firstStep !== first || b.writes?.step[0] !== first - 1),
      'the test covers leading writes when the run made them',
    );
    const window = new HeapTimeline(4096, { start: { firstStep: first, snapshot: host.windowSnapshot! } });
    for (const batch of host.batches) window.append(batch);
    for (let step = first - 1; step < images.length; step++) assert.equal(heapImage(window.heapAt(step)), images[step]);
  });

  for (const eventsKept of [1, 40, 200]) {
    it(`slides with the host's window as steps arrive (eventsKept ${eventsKept}): each kept step the run's heap`, () => {
      const host = new HeapReplay({ pageSize: 4096, eventsKept });
      const window = new HeapTimeline(4096);
      let most = 0;
      for (const batch of batches) {
        host.apply(batch);
        follow(window, host, batch);
        most = Math.max(most, window.keptSteps);
        assert.equal(window.firstStep, host.windowStart);
      }
      const every = Math.max(1, Math.ceil(eventsKept / 4));
      const longestBatch = Math.max(...batches.map((b) => b.count));
      assert.ok(most < eventsKept + every + 2 * longestBatch, `at most ${most} steps held`);
      assert.ok(window.firstStep > 0);
      assert.equal(window.length, images.length);
      for (let step = window.firstStep - 1; step < images.length; step++) {
        assert.equal(heapImage(window.heapAt(step)), images[step], `the heap after step ${step}`);
      }
      assert.throws(() => window.heapAt(window.firstStep - 2), /outside the timeline/);
      assert.ok(
        window.markers.every((m) => m.step >= window.firstStep),
        'markers before the window are dropped',
      );
      assert.ok(window.peakStep >= window.firstStep, 'the peak is the window’s');
      for (let step = window.firstStep; step < images.length; step++) {
        assert.equal(window.seriesWindow('appMemory')[step - window.firstStep], full.series.appMemory[step]);
      }
    });
  }

  it('keeps its memory bounded over many windows (columns, writes and snapshots)', () => {
    const heap = new LmmHeap();
    const recorder = new HeapOpRecorder(64);
    const family = heap.register('node_t', 24);
    recorder.record(HeapOpKind.Register, 24, 0, family, 0, 'node_t');
    const host = new HeapReplay({ pageSize: 4096, eventsKept: 500 });
    const window = new HeapTimeline(4096);
    const random = prng(11);
    const live: number[] = [];
    let most = { columns: 0, snapshots: 0, writes: 0 };
    for (let step = 1; step < 60_000; step++) {
      if (live.length < 50 && random(2) === 0) {
        const address = heap.xcalloc(family, 1);
        recorder.record(HeapOpKind.Alloc, family, 1, address, 0);
        live.push(address);
        const view = heap.kernel.view(address);
        const at = address - heap.kernel.pageOf(address);
        view.setUint32(at, step, true);
        recorder.recordWrite(address, 4, view, at);
      } else if (live.length > 0) {
        const [address] = live.splice(random(live.length), 1);
        recorder.record(HeapOpKind.Free, address!, 0, heap.xfree(address!) ? 1 : 0, 0);
      } else recorder.record(HeapOpKind.Mark, step, 0, 0, 0);
      if (step % 64 === 0) {
        const batch = recorder.flush()!;
        host.apply(batch);
        follow(window, host, batch);
      }
      const info = window.snapshotInfo();
      most = {
        columns: Math.max(most.columns, info.columns),
        snapshots: Math.max(most.snapshots, info.count),
        writes: Math.max(most.writes, info.writes),
      };
    }
    const last = recorder.flush()!;
    host.apply(last);
    follow(window, host, last);
    assert.ok(window.firstStep > 59_000, `the window moved on (at ${window.firstStep})`);
    assert.ok(most.columns <= 4096, `columns for ${most.columns} steps`);
    assert.ok(most.snapshots <= 8, `${most.snapshots} snapshots`);
    assert.ok(most.writes <= 8192, `${most.writes} of about 30,000 writes held`);
    assert.equal(window.heapAt(window.length - 1), window.heapAt(window.length - 1));
    assert.equal(heapImage(window.heapAt(window.length - 1)), heapImage(heap));
  });

  it('a start step that is not a step is refused', () => {
    const snapshot = HeapSnapshot.take(new LmmHeap(), { buffer: new Uint32Array(0) });
    assert.throws(() => new HeapTimeline(4096, { start: { firstStep: -1, snapshot } }), /cannot begin at step -1/);
    assert.throws(() => new HeapTimeline(4096, { start: { firstStep: 1.5, snapshot } }), /cannot begin at step 1.5/);
  });
});

describe('host replay: the window it keeps for the Memory Map', () => {
  const { batches, images } = recordWritingRun(2000, 8);

  for (const eventsKept of [1, 100, 333]) {
    it(`keeps about the last ${eventsKept} operations in whole batches and the heap just before them, bounded however long the run`, () => {
      const replay = new HeapReplay({ pageSize: 4096, eventsKept });
      const longestBatch = Math.max(...batches.map((b) => b.count));
      const every = Math.max(1, Math.ceil(eventsKept / 4));
      let mostKept = 0;
      let mostSnapshots = 0;
      for (const batch of batches) {
        replay.apply(batch);
        mostKept = Math.max(mostKept, replay.keptSteps);
        mostSnapshots = Math.max(mostSnapshots, replay.snapshotCount);
        assert.equal(replay.windowStart + replay.keptSteps, replay.steps);
        assert.ok(replay.keptSteps >= Math.min(eventsKept, replay.steps), 'at least eventsKept');
        // A window of whole batches, from its first step to the run's last.
        let step = replay.windowStart;
        for (const kept of replay.batches) {
          assert.equal(kept.firstStep, step);
          step += kept.count;
        }
        assert.equal(step, replay.steps);
      }
      assert.ok(mostKept < eventsKept + every + 2 * longestBatch, `${mostKept} operations held`);
      assert.ok(mostSnapshots <= 7, `${mostSnapshots} snapshots held`);
      assert.equal(replay.truncated, true);
      assert.equal(heapImage(replay.heap), images[images.length - 1]);
      // The window replayed from its heap shows the run's heap at every step it holds.
      const window = new HeapTimeline(4096, { start: { firstStep: replay.windowStart, snapshot: replay.windowSnapshot! } });
      for (const batch of replay.batches) window.append(batch);
      for (let step = replay.windowStart - 1; step < images.length; step++) {
        assert.equal(heapImage(window.heapAt(step)), images[step], `the heap after step ${step}`);
      }
    });
  }

  it('a run within eventsKept keeps everything from the empty heap', () => {
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100_000 });
    for (const batch of batches) replay.apply(batch);
    assert.deepEqual([replay.windowStart, replay.keptSteps, replay.truncated], [0, 2000, false]);
    assert.equal(replay.windowSnapshot, undefined);
    assert.equal(replay.batches.length, batches.length);
  });

  it('an older run gives back its operations and snapshots', () => {
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100 });
    let applied = 0;
    for (const batch of batches) {
      replay.apply(batch);
      applied++;
      if (applied > batches.length / 2 && watchOf(replay) !== null) break;
    }
    assert.notEqual(watchOf(replay), null, 'a snapshot is being taken');
    replay.forgetOperations();
    assert.deepEqual([replay.batches.length, replay.snapshotCount, replay.keptSteps], [0, 0, 0]);
    assert.equal(watchOf(replay), null, 'the snapshot being taken is given up: the heap is no longer watched');
    assert.equal(replay.truncated, true);
    for (const batch of batches.slice(applied)) replay.apply(batch);
    assert.equal(heapImage(replay.heap), images[images.length - 1], 'its heap goes on as the run’s (for the trees)');
    assert.equal(replay.batches.length, 0, 'keeping nothing');
  });
});

describe('host replay: a window replayed under another policy', () => {
  it('registers the structs first (their Register steps may be before the window), then the kept allocations and frees', () => {
    const { batches } = recordWritingRun(2000, 4);
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 300 });
    for (const batch of batches) replay.apply(batch);
    assert.ok(replay.windowStart > 1000);
    const ops = (list: HeapOpBatch[]) =>
      workloadFromHarnessBatches(
        'w',
        list.map((ops) => ({ pageSize: 4096, ops, sites: [] })),
      ).length;
    assert.equal(ops(replay.batches), 0, 'without its struct, no allocation of the window counts');
    const kept = replay.batchesForReplay();
    assert.equal(kept[0]!.kind[0], HeapOpKind.Register);
    let allocations = 0;
    for (const batch of replay.batches) {
      for (let i = 0; i < batch.count; i++) if (batch.kind[i] === HeapOpKind.Alloc && batch.c[i] !== 0) allocations++;
    }
    const replayed = ops(kept);
    assert.ok(replayed >= allocations, `${replayed} operations: every allocation of the window, and the frees of its own blocks`);
    assert.ok(replayed <= replay.keptSteps);
  });
});

describe('heap timeline: a window that follows the host’s', () => {
  it('snapshots where it is told and slides to exactly the step it is told, each kept step the run’s heap', () => {
    const { batches, images } = recordWritingRun(900, 6);
    const window = new HeapTimeline(4096, { snapshotEvery: 100_000 });
    const host = new HeapReplay({ pageSize: 4096, eventsKept: 150 });
    for (const batch of batches) {
      host.apply(batch);
      window.append(batch);
      if (host.snapshotAfter(batch.firstStep + batch.count - 1)) window.snapshotNow();
      window.slideTo(host.windowStart);
      assert.equal(window.firstStep, host.windowStart, 'the same first step as the host’s window');
    }
    assert.ok(window.firstStep > 600);
    assert.ok(window.snapshotInfo().count <= 8, `${window.snapshotInfo().count} snapshots`);
    for (let step = window.firstStep - 1; step < images.length; step++) {
      assert.equal(heapImage(window.heapAt(step)), images[step], `the heap after step ${step}`);
    }
    window.slideTo(window.firstStep - 5);
    assert.equal(window.firstStep, host.windowStart, 'a window never slides back');
  });
});
