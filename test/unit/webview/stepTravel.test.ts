/** Time travel in short tasks (webview-ui/src/stepTravel.ts) over a run's timeline. */
import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { RunModel } from '../../../webview-ui/src/runModel';
import { StepTravel } from '../../../webview-ui/src/stepTravel';

/** A run of `steps` operations on two structs (growth, then churn), replayed into a RunModel. */
function makeRun(steps: number): RunModel {
  let seed = 42;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const heap = new LmmHeap({ pageSize: 4096 });
  const recorder = new HeapOpRecorder(4096);
  recorder.record(HeapOpKind.Register, 24, 0, heap.register('node_t', 24), 0, 'node_t');
  recorder.record(HeapOpKind.Register, 200, 0, heap.register('record_t', 200), 0, 'record_t');
  const live: number[] = [];
  while (recorder.steps < steps) {
    if (live.length === 0 || random() < (live.length < 3000 ? 0.8 : 0.5)) {
      const family = random() < 0.5 ? 0 : 1;
      const units = 1 + Math.floor(random() * 3);
      const address = heap.xcalloc(family, units);
      recorder.record(HeapOpKind.Alloc, family, units, address, 1, undefined);
      if (address !== 0) live.push(address);
    } else {
      const i = Math.floor(random() * live.length);
      const address = live[i]!;
      live[i] = live[live.length - 1]!;
      live.pop();
      recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, 2, undefined);
    }
  }
  const model = new RunModel('run', 4096, 'test', false);
  const batch = recorder.flush()!;
  assert.ok(model.append(batch));
  return model;
}

/** Everything the map reads of a heap: each family's counters and page list, and every page's bytes. */
function fingerprint(heap: LmmHeap): string {
  const parts: string[] = [String(heap.appMemory)];
  for (const family of heap.families) {
    parts.push(JSON.stringify(family.counters));
    for (const page of heap.familyPages(family)) {
      parts.push(page.toString(16), Buffer.from(heap.kernel.pageBytes(page)!).toString('base64'));
    }
  }
  return parts.join('|');
}

/** Travels to `step` and resolves with the step it arrived at, recording each heapAt call's step. */
function travelTo(travel: StepTravel, model: RunModel, step: number, arrivals: number[]): Promise<number> {
  return new Promise((resolve) => {
    const before = arrivals.length;
    travel.request(model, step);
    const poll = () => (arrivals.length > before ? resolve(arrivals[arrivals.length - 1]!) : setTimeout(poll, 1));
    poll();
  });
}

/** Records the steps asked of `model.heapAt`. */
function spyOnHeapAt(model: RunModel): number[] {
  const asked: number[] = [];
  const original = model.heapAt.bind(model);
  model.heapAt = (step: number) => {
    asked.push(step);
    return original(step);
  };
  return asked;
}

describe('time travel in short tasks (StepTravel)', function () {
  this.timeout(60000);
  const STEPS = 90_000;
  /** The same run on a model of its own: its heapAt gives the expected heaps. */
  let reference: RunModel;
  before(() => (reference = makeRun(STEPS)));
  /** Every StepTravel made by a test, disposed of after it (its channel would keep the process alive). */
  const travels: StepTravel[] = [];
  afterEach(() => travels.splice(0).forEach((travel) => travel.dispose()));
  const newTravel = (arrivals: number[]) => {
    const travel = new StepTravel((step) => arrivals.push(step));
    travels.push(travel);
    return travel;
  };

  it('arrives at the step asked with the same heap a direct heapAt gives, far back and forward', async () => {
    const model = makeRun(STEPS);
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    for (const step of [70_123, 5, 69_999, 70_000, 41_000, 89_998, -1, 20_000]) {
      assert.equal(await travelTo(travel, model, step, arrivals), step);
      assert.ok(travel.ready(model, step), `ready at ${step}`);
      assert.equal(fingerprint(model.heapAt(step)), fingerprint(reference.heapAt(step)), `heap at step ${step}`);
    }
  });

  it('cuts a far jump into calls: the restore alone, then at most 16,384 steps per call', async () => {
    const model = makeRun(STEPS);
    const snapshots = model.timeline.snapshotInfo().steps;
    assert.ok(snapshots.length >= 4, `the run has snapshots to restore (${snapshots.join(', ')})`);
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    const asked = spyOnHeapAt(model);
    const target = snapshots[2]! + 19_000;
    await travelTo(travel, model, target, arrivals);
    assert.equal(asked[0], snapshots[2], 'the first call restores the snapshot before the target and replays nothing');
    assert.ok(asked.length >= 3, `several calls: ${asked.join(', ')}`);
    for (let i = 1; i < asked.length; i++) {
      assert.ok(asked[i]! > asked[i - 1]!, `calls go forward: ${asked.join(', ')}`);
      assert.ok(asked[i]! - asked[i - 1]! <= 16_384, `no call replays more than 16,384 steps: ${asked.join(', ')}`);
    }
    assert.equal(asked[asked.length - 1], target);
  });

  /** Slices of at most `pages` pages whatever StepTravel asks, each call logged with the heapAt calls. */
  function spyOnSlices(model: RunModel, pages: number, log: string[]): { asked: number[] } {
    const asked: number[] = [];
    const timeline = model.timeline;
    const original = timeline.restoreSlice.bind(timeline);
    timeline.restoreSlice = (step: number, maxPages: number) => {
      asked.push(maxPages);
      const written = original(step, Math.min(pages, maxPages));
      log.push(`slice ${step} ${written}`);
      return written;
    };
    const heapAt = model.heapAt.bind(model);
    model.heapAt = (step: number) => {
      log.push(`heapAt ${step}`);
      return heapAt(step);
    };
    return { asked };
  }

  it('restores the snapshot a slice per call, each within its page bound, before the call at its step', async () => {
    const model = makeRun(STEPS);
    const snapshots = model.timeline.snapshotInfo().steps;
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    const log: string[] = [];
    const { asked } = spyOnSlices(model, 7, log);
    const target = snapshots[2]! + 3_000;
    await travelTo(travel, model, target, arrivals);
    assert.ok(asked[0]! <= 1024, `the first slice asks for at most 1,024 pages (${asked[0]})`);
    assert.ok(Math.max(...asked) <= 8192, 'no slice asks for more than 8,192 pages');
    const firstHeapAt = log.findIndex((entry) => entry.startsWith('heapAt'));
    const slices = log.slice(0, firstHeapAt);
    assert.ok(slices.length > 3, `several slices first: ${log.slice(0, 8).join(', ')}`);
    assert.equal(slices.pop(), `slice ${snapshots[2]} -1`, 'the last call finds no restore left');
    for (const entry of slices) {
      const [, step, written] = entry.split(' ');
      assert.equal(Number(step), snapshots[2], 'each slice restores the snapshot before the target');
      assert.ok(Number(written) >= 0 && Number(written) <= 7, `a slice wrote at most 7 pages: ${entry}`);
    }
    assert.equal(log[firstHeapAt], `heapAt ${snapshots[2]}`, 'then the call at the snapshot step');
    assert.equal(fingerprint(model.heapAt(target)), fingerprint(reference.heapAt(target)));
  });

  it('a restore under way gives way to a newer request, or to a direct heapAt, and the heap is the right one', async () => {
    const model = makeRun(STEPS);
    const snapshots = model.timeline.snapshotInfo().steps;
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    const log: string[] = [];
    spyOnSlices(model, 3, log);
    // A newer request in another snapshot's interval after the second slice.
    const slice = model.timeline.restoreSlice;
    let calls = 0;
    model.timeline.restoreSlice = (step: number, maxPages: number) => {
      const written = slice(step, maxPages);
      if (++calls === 2) travel.request(model, snapshots[1]! + 500);
      return written;
    };
    assert.equal(await travelTo(travel, model, snapshots[3]! + 10, arrivals), snapshots[1]! + 500);
    assert.deepEqual(arrivals, [snapshots[1]! + 500]);
    assert.equal(fingerprint(model.heapAt(snapshots[1]! + 500)), fingerprint(reference.heapAt(snapshots[1]! + 500)));
    // A direct heapAt (a click on the timeline) while slices are under way.
    calls = 0;
    model.timeline.restoreSlice = (step: number, maxPages: number) => {
      const written = slice(step, maxPages);
      // Between two tasks of the journey, as a click's handler runs.
      if (++calls === 2) {
        queueMicrotask(() => {
          const direct = snapshots[2]! + 77;
          assert.equal(fingerprint(model.heapAt(direct)), fingerprint(reference.heapAt(direct)), 'the direct heapAt');
          travel.settledAt(model, direct);
        });
      }
      return written;
    };
    travel.request(model, snapshots[3]! + 20);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(calls, 2, 'the direct call was made mid-restore, which ended the journey');
    assert.ok(!travel.busy, 'the direct call ended the journey');
    assert.ok(travel.ready(model, snapshots[2]! + 77));
    assert.equal(fingerprint(model.heapAt(snapshots[2]! + 77)), fingerprint(reference.heapAt(snapshots[2]! + 77)));
    assert.equal(await travelTo(travel, model, snapshots[3]! + 20, arrivals), snapshots[3]! + 20);
    assert.equal(fingerprint(model.heapAt(snapshots[3]! + 20)), fingerprint(reference.heapAt(snapshots[3]! + 20)));
  });

  it('from just behind a snapshot (heapAt replays rather than restores) goes a chunk of steps per call too', async () => {
    const model = makeRun(STEPS);
    const snapshot = model.timeline.snapshotInfo().steps[2]!;
    const pages = model.heapAt(snapshot).kernel.saveState().slots.length;
    // heapAt weighs a restore as one step per page: from closer behind than that it replays.
    const gap = Math.min(90, pages - 5);
    assert.ok(gap > 50, `the heap has enough pages (${pages})`);
    const arrivals: number[] = [];
    const travel = new StepTravel((step) => arrivals.push(step), 20);
    travels.push(travel);
    model.heapAt(snapshot - gap);
    travel.settledAt(model, snapshot - gap);
    const log: string[] = [];
    spyOnSlices(model, 1000, log);
    assert.equal(await travelTo(travel, model, snapshot + 5, arrivals), snapshot + 5);
    const calls = log.filter((entry) => entry.startsWith('heapAt')).map((entry) => Number(entry.split(' ')[1]));
    assert.ok(!log.some((entry) => /^slice \d+ \d+$/.test(entry)), `no restore: ${log.join(', ')}`);
    let from = snapshot - gap;
    for (const step of calls) {
      assert.ok(step > from && step - from <= 20, `no call replays more than 20 steps: ${calls.join(', ')}`);
      from = step;
    }
    assert.equal(from, snapshot + 5);
    assert.equal(fingerprint(model.heapAt(snapshot + 5)), fingerprint(reference.heapAt(snapshot + 5)));
  });

  it('the latest request wins: an earlier target is never arrived at, even one asked mid-journey', async () => {
    const model = makeRun(STEPS);
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    travel.request(model, 60_000);
    travel.request(model, 30_000);
    assert.equal(await travelTo(travel, model, 30_500, arrivals), 30_500);
    assert.deepEqual(arrivals, [30_500]);
    // Mid-journey: after its first call, ask for a step behind where it got to.
    const asked = spyOnHeapAt(model);
    const done = new Promise<void>((resolve) => {
      const original = model.heapAt;
      model.heapAt = (step: number) => {
        const heap = original(step);
        if (asked.length === 1) {
          assert.ok(travel.busy, 'the journey to 88,000 is under way');
          travel.request(model, 1_234);
          resolve();
        }
        return heap;
      };
    });
    assert.equal(await travelTo(travel, model, 88_000, arrivals), 1_234);
    await done;
    assert.deepEqual(arrivals, [30_500, 1_234]);
    assert.equal(fingerprint(model.heapAt(1_234)), fingerprint(reference.heapAt(1_234)));
  });

  it('is ready at once only where the heap is, a few steps after it within a snapshot interval, or at the last step', async () => {
    const model = makeRun(STEPS);
    const snapshots = model.timeline.snapshotInfo().steps;
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    const at = snapshots[1]! + 100;
    await travelTo(travel, model, at, arrivals);
    assert.ok(travel.ready(model, at));
    assert.ok(travel.ready(model, at + 1), 'one step forward replays one step');
    assert.ok(!travel.ready(model, at - 1), 'one step back needs a restore');
    assert.ok(!travel.ready(model, at + 5_000), 'thousands of steps forward are a journey');
    assert.ok(travel.ready(model, STEPS - 1), 'the last step is the live heap');
    // Near, but across the next snapshot: heapAt would restore that snapshot.
    await travelTo(travel, model, snapshots[2]! - 10, arrivals);
    assert.ok(!travel.ready(model, snapshots[2]! + 10));
    // Someone else moved the heap: nothing is known to be at hand any more.
    travel.forget();
    assert.ok(!travel.ready(model, snapshots[2]! - 10));
    // Another run's model is never at hand.
    assert.ok(!travel.ready(makeRun(1000), snapshots[2]! - 10));
  });

  it('a new timeline under the same run (a window started) is never taken as where the heap is', async () => {
    const model = makeRun(STEPS);
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    await travelTo(travel, model, 33_333, arrivals);
    assert.ok(travel.ready(model, 33_333));
    model.timeline = makeRun(STEPS).timeline;
    assert.ok(!travel.ready(model, 33_333), 'the new timeline has not been there');
    assert.equal(await travelTo(travel, model, 33_400, arrivals), 33_400);
    assert.equal(fingerprint(model.heapAt(33_400)), fingerprint(reference.heapAt(33_400)));
  });

  it('a cancelled journey never arrives', async () => {
    const model = makeRun(STEPS);
    const arrivals: number[] = [];
    const travel = newTravel(arrivals);
    travel.request(model, 50_000);
    travel.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(arrivals, []);
    assert.ok(!travel.busy);
  });
});
