import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { HeapTimeline } from '../../../src/engine/heapTimeline';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { dumpHeap } from '../../../src/engine/traceDump';
import { heapImage } from '../../support/heapImage';

/**
 * Records a deterministic pseudo-random run: the op log, the dump after every step, and every
 * page byte (with the rest of the heap's state) after the steps in `imagesAt`.
 */
function recordRun(
  steps: number,
  seed = 7,
  imagesAt: ReadonlySet<number> = new Set(),
): { recorder: HeapOpRecorder; dumps: string[]; images: Map<number, string> } {
  const images = new Map<number, string>();
  const heap = new LmmHeap();
  const recorder = new HeapOpRecorder(64);
  const dumps: string[] = [];
  let x = seed;
  const random = (n: number) => {
    // mulberry32: a small PRNG whose low bits are as good as its high ones.
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const live: number[] = [];
  for (const [name, size] of [
    ['emp_t', 36],
    ['student_t', 56],
    ['big_t', 900],
  ] as const) {
    recorder.record(HeapOpKind.Register, size, 0, heap.register(name, size), 3, name);
    dumps.push(JSON.stringify(dumpHeap(heap)));
  }
  while (dumps.length < steps) {
    const r = random(100);
    if (r < 55 || live.length === 0) {
      const family = random(3);
      const units = 1 + random(3);
      const address = heap.xcalloc(family, units);
      if (address) live.push(address);
      recorder.record(HeapOpKind.Alloc, family, units, address, 1, undefined);
    } else if (r < 97) {
      const [address] = live.splice(random(live.length), 1);
      recorder.record(HeapOpKind.Free, address!, 0, heap.xfree(address!) ? 1 : 0, 2);
    } else {
      // A bad free: an error marker on the timeline, the heap unchanged.
      recorder.record(HeapOpKind.Free, 12345, 0, heap.xfree(12345) ? 1 : 0, 2);
    }
    dumps.push(JSON.stringify(dumpHeap(heap)));
    if (imagesAt.has(dumps.length - 1)) images.set(dumps.length - 1, heapImage(heap));
  }
  return { recorder, dumps, images };
}

describe('HeapTimeline (time travel)', () => {
  const { recorder, dumps } = recordRun(3000);
  const timeline = new HeapTimeline(4096, { snapshotEvery: 100, snapshotBudgetBytes: 150 * 4096 });
  for (let batch = recorder.flush(); batch; batch = recorder.flush()) timeline.append(batch);

  it('replays the log without diverging from the recorded results', () => {
    assert.equal(timeline.length, 3000);
    assert.deepEqual(timeline.divergences, []);
  });

  it('gives the heap as it was after any step, backwards, forwards and at random', () => {
    const order = [2999, 0, 1, 2, 1500, 1501, 1502, 1499, 100, 99, 101, 2500, 42, 2998];
    for (let i = 0; i < 60; i++) order.push((i * 7919) % 3000);
    for (const step of order) assert.equal(JSON.stringify(dumpHeap(timeline.heapAt(step))), dumps[step], `step ${step}`);
  });

  it('restores snapshots byte for byte: every page, counter and free list as a replay leaves them', () => {
    const steps = [2999, 5, 2500, 700, 701, 1999, 2000, 2001, 333, 2998, 1024, 4, 2047];
    // Dragging back: restores of the snapshot the scratch heap already came from.
    for (let step = 2990; step > 2300; step -= 37) steps.push(step);
    // … a step at a time, right after a snapshot (short replays that may touch only a free-list head).
    const snapshotStep = timeline.snapshotInfo().steps[2]!;
    for (let step = snapshotStep + 40; step >= snapshotStep; step--) steps.push(step);
    const run = recordRun(3000, 7, new Set(steps));
    for (const step of steps) assert.equal(heapImage(timeline.heapAt(step)), run.images.get(step), `step ${step}`);
  });

  it('keeps snapshots inside the budget, the budget nearly full and the gaps even', () => {
    const info = timeline.snapshotInfo();
    assert.ok(info.bytes <= 150 * 4096, `snapshot bytes ${info.bytes}`);
    assert.ok(info.every > 100, 'interval widened');
    // Nearly full: one more snapshot of the average size would not have fitted.
    const average = info.bytes / info.count;
    assert.ok(info.bytes + 2 * average > 150 * 4096, `${info.count} snapshots use ${info.bytes} of ${150 * 4096} bytes`);
    // Even: the longest replay is within twice the average gap.
    const averageGap = timeline.length / info.count;
    assert.ok(info.longestReplay <= 2 * averageGap, `longest replay ${info.longestReplay}, average gap ${averageGap}`);
    assert.deepEqual(
      [...info.steps].sort((a, b) => a - b),
      info.steps,
      'snapshots in step order',
    );
    assert.equal(info.steps[0], -1);
  });

  it('gets time travel ready ahead of the first lookup, without changing what it answers', () => {
    const fresh = new HeapTimeline(4096, { snapshotEvery: 100, snapshotBudgetBytes: 150 * 4096 });
    const run = recordRun(1200, 5);
    for (let batch = run.recorder.flush(); batch; batch = run.recorder.flush()) fresh.append(batch);
    while (fresh.prepareTimeTravel());
    for (const step of [1199, 17, 1100, 640, 641, 0]) {
      assert.equal(JSON.stringify(dumpHeap(fresh.heapAt(step))), run.dumps[step], `step ${step}`);
    }
  });

  it('records per-step series, markers and the peak', () => {
    const heap = timeline.heapAt(1234);
    assert.equal(timeline.series.appMemory[1234], heap.appMemory);
    assert.equal(timeline.series.mmap[1234], heap.kernel.mmapCalls);
    assert.equal(timeline.series.mappedBytes[1234], heap.kernel.mappedBytes());
    const peak = Math.max(...timeline.series.appMemory.subarray(0, timeline.length));
    assert.equal(timeline.peakAppMemory, peak);
    assert.equal(timeline.series.appMemory[timeline.peakStep], peak);
    const errors = timeline.markers.filter((m) => m.kind === 'error');
    assert.ok(errors.length > 0);
    for (const m of errors) assert.equal(dumps[m.step], dumps[m.step - 1], 'an error step leaves the heap unchanged');
    assert.equal(timeline.siteOf(0), 3);
    assert.equal(timeline.opAt(1).name, 'student_t');
  });

  it('answers between batches while a snapshot is still being taken, and stays exact as the run goes on', () => {
    const run = recordRun(2500, 11);
    const growing = new HeapTimeline(4096, { snapshotEvery: 150, snapshotBudgetBytes: 400 * 1024 });
    let x = 3;
    for (let batch = run.recorder.flush(); batch; batch = run.recorder.flush()) {
      growing.append(batch);
      // Now and then a step in the interval whose snapshot is being taken, now and then any step.
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const recent = Math.max(-1, growing.length - 1 - (x % 150));
      const any = (x >>> 8) % growing.length;
      for (const step of [recent, any]) {
        const expected = step < 0 ? JSON.stringify(dumpHeap(new LmmHeap())) : run.dumps[step];
        assert.equal(JSON.stringify(dumpHeap(growing.heapAt(step))), expected, `step ${step} of ${growing.length}`);
      }
    }
    assert.deepEqual(growing.divergences, []);
    assert.ok(growing.snapshotInfo().every > 150, 'the interval widened on the way');
    for (const step of [2499, 0, 1777, 1776, 2400, 3]) {
      assert.equal(JSON.stringify(dumpHeap(growing.heapAt(step))), run.dumps[step], `step ${step}`);
    }
  });

  it('keeps every step of its columns across growth (filled ahead from three quarters, switched when full)', () => {
    // 140,000 steps cross 65,536 and 131,072, the capacities from which columns grow ahead.
    const steps = 140_000;
    const heap = new LmmHeap();
    const recorder = new HeapOpRecorder(1000);
    const appMemory = new Float64Array(steps);
    recorder.record(HeapOpKind.Register, 40, 0, heap.register('node_t', 40), 0, 'node_t');
    appMemory[0] = heap.appMemory;
    const live: number[] = [];
    for (let step = 1; step < steps; step++) {
      if (live.length < 200 && (step % 3 !== 0 || live.length === 0)) {
        const units = 1 + (step % 5);
        const address = heap.xcalloc(0, units);
        live.push(address);
        recorder.record(HeapOpKind.Alloc, 0, units, address, step % 1000, undefined);
      } else {
        const address = live.splice((step * 7) % live.length, 1)[0]!;
        recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, step % 1000, undefined);
      }
      appMemory[step] = heap.appMemory;
    }
    const timeline = new HeapTimeline(4096, { snapshotEvery: 20000 });
    const batches = [];
    for (let batch = recorder.flush(); batch; batch = recorder.flush()) batches.push(batch);
    for (const batch of batches) timeline.append(batch);
    assert.equal(timeline.length, steps);
    assert.deepEqual(timeline.divergences, []);
    for (let step = 0; step < steps; step++) {
      if (timeline.series.appMemory[step] !== appMemory[step]) assert.fail(`appMemory at step ${step}`);
    }
    let step = 0;
    for (const batch of batches) {
      for (let i = 0; i < batch.count; i++, step++) {
        const op = timeline.opAt(step);
        if (op.kind !== batch.kind[i] || op.a !== batch.a[i] || timeline.siteOf(step) !== batch.site[i]) {
          assert.fail(`step ${step}: ${JSON.stringify(op)} site ${timeline.siteOf(step)}`);
        }
        if (op.kind === HeapOpKind.Alloc && op.b !== batch.b[i]) assert.fail(`units at step ${step}`);
      }
    }
    // Time travel reads the same columns: a step on each side of each switch.
    for (const at of [49_151, 65_535, 65_536, 98_304, 131_071, 131_072, 139_000]) {
      assert.equal(timeline.heapAt(at).appMemory, appMemory[at], `heap at step ${at}`);
    }
  });

  it('refuses batches out of order and steps outside the run', () => {
    const other = new HeapTimeline(4096);
    const fresh = recordRun(10).recorder;
    fresh.flush();
    const second = new HeapOpRecorder();
    second.record(HeapOpKind.Mark, 1, 0, 0, -1);
    const batch = second.flush()!;
    other.append(batch);
    assert.throws(() => other.append(batch), /starts at step 0/);
    assert.throws(() => other.heapAt(5), RangeError);
    assert.equal(other.markers[0]!.kind, 'mark');
  });
});
