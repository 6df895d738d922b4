/** A snapshot restore cut into slices of a few pages (HeapTimeline.restoreSlice) never shows a wrong heap. */
import { strict as assert } from 'node:assert';
import { HeapTimeline } from '../../../src/engine/heapTimeline';
import { checkHeap } from '../../../src/engine/invariants';
import { heapImage } from '../../support/heapImage';
import { prng, recordWritingRun } from '../../support/writingRun';

/** The steps the timeline keeps snapshots after (-1 first). */
function snapshotSteps(timeline: HeapTimeline): number[] {
  return timeline.snapshotInfo().steps;
}

/**
 * Restores toward `step` in slices of at most `bound` pages (random sizes up to it) until
 * restoreSlice says no restore is left; returns the pages written per slice.
 */
function sliceToward(timeline: HeapTimeline, step: number, bound: number, random: (n: number) => number): number[] {
  const slices: number[] = [];
  for (;;) {
    const maxPages = 1 + random(bound);
    const written = timeline.restoreSlice(step, maxPages);
    if (written < 0) return slices;
    assert.ok(written <= maxPages, `a slice of at most ${maxPages} pages wrote ${written}`);
    slices.push(written);
    assert.ok(slices.length < 10000, 'the restore ends');
  }
}

describe('heap timeline: a snapshot restore in slices of a few pages', () => {
  const { batches, images } = recordWritingRun(1500, 3);
  const build = () => {
    const timeline = new HeapTimeline(4096, { snapshotEvery: 60 });
    for (const batch of batches) timeline.append(batch);
    return timeline;
  };

  it('a sliced journey reaches the same heap as a direct heapAt at random steps, sound, and no slice writes more than its bound', () => {
    const timeline = build();
    const random = prng(11);
    let multiSlice = 0;
    for (let i = 0; i < 200; i++) {
      const step = random(images.length) - 1;
      const bound = 1 + random(3);
      const slices = sliceToward(timeline, step, bound, random);
      if (slices.length > 1) multiSlice++;
      const heap = timeline.heapAt(step);
      assert.equal(heapImage(heap), step < 0 ? heapImage(build().heapAt(-1)) : images[step], `the heap after step ${step}`);
      assert.deepEqual(checkHeap(heap), [], `the heap after step ${step} is sound`);
    }
    assert.ok(multiSlice > 50, `most journeys took several slices (${multiSlice})`);
  });

  it('once the slices are done, heapAt only replays from the snapshot: no slice is left, and the next journey starts a new restore', () => {
    const timeline = build();
    const steps = snapshotSteps(timeline);
    const target = steps[steps.length - 3]! + 5;
    const random = prng(3);
    const slices = sliceToward(timeline, target, 2, random);
    assert.ok(slices.length > 3, 'a restore of many pages took several slices');
    assert.equal(timeline.restoreSlice(target, 2), -1, 'the restore is complete');
    assert.equal(heapImage(timeline.heapAt(target)), images[target]);
    assert.equal(timeline.restoreSlice(target, 2), -1, 'at the target: nothing to restore');
    assert.ok(timeline.restoreSlice(steps[3]! + 1, 2) >= 0, 'far back: a restore');
  });

  it('a direct heapAt in the middle of a sliced restore gives the right heap, at the same snapshot, another one, ahead of the old cursor or the last step', () => {
    const random = prng(5);
    for (let i = 0; i < 120; i++) {
      const timeline = build();
      const steps = snapshotSteps(timeline);
      // The heap first at some step, so a cursor exists that a half restore must invalidate.
      const before = random(images.length);
      timeline.heapAt(before);
      const toward = random(images.length);
      const partial = timeline.restoreSlice(toward, 1 + random(2));
      const pick = random(4);
      const direct =
        pick === 0
          ? Math.min(images.length - 1, before + 1 + random(5)) // just after the old cursor
          : pick === 1
            ? Math.min(images.length - 1, toward + random(30)) // the restore's own snapshot, most often
            : pick === 2
              ? images.length - 1
              : steps[random(steps.length)]! + 1;
      const heap = timeline.heapAt(direct);
      assert.equal(heapImage(heap), images[direct], `after ${before}, a slice toward ${toward} (${partial}), heapAt(${direct})`);
      assert.deepEqual(checkHeap(heap), []);
      // And the journey goes on afterwards to the right heap.
      sliceToward(timeline, toward, 3, random);
      assert.equal(heapImage(timeline.heapAt(toward)), images[toward], `then on to ${toward}`);
    }
  });

  it('a journey interrupted by a new request (another snapshot, and back) restores the right heap', () => {
    const timeline = build();
    const steps = snapshotSteps(timeline);
    const random = prng(8);
    for (let i = 0; i < 80; i++) {
      const first = steps[1 + random(steps.length - 2)]! + 1 + random(20);
      const second = steps[1 + random(steps.length - 2)]! + 1 + random(20);
      const a = Math.min(first, images.length - 2);
      const b = Math.min(second, images.length - 2);
      timeline.restoreSlice(a, 1 + random(3));
      timeline.restoreSlice(b, 1 + random(3));
      if (random(2) === 0) timeline.restoreSlice(a, 1);
      sliceToward(timeline, b, 3, random);
      assert.equal(heapImage(timeline.heapAt(b)), images[b], `toward ${a}, interrupted toward ${b}`);
      assert.equal(heapImage(timeline.heapAt(a)), images[a], `then back to ${a}`);
    }
  });

  it('a restore that skips the pages replays left untouched (dragging back within an interval) writes fewer pages and the right bytes', () => {
    const timeline = build();
    const steps = snapshotSteps(timeline);
    const random = prng(13);
    let skipped = 0;
    for (let k = 2; k < steps.length - 1; k++) {
      const snapshotStep = steps[k]!;
      // A step or two on from the snapshot leaves some of its pages untouched (a replay touches most).
      const far = snapshotStep + 1 + random(2);
      timeline.heapAt(far);
      // Back within the interval: the same snapshot again, its untouched pages skipped.
      for (const back of [far - 1, snapshotStep]) {
        const slices = sliceToward(timeline, back, 2, random);
        const written = slices.reduce((sum, n) => sum + n, 0);
        const pages = timeline.heapAt(snapshotStep).kernel.saveState().slots.length;
        if (written < pages) skipped++;
        assert.equal(heapImage(timeline.heapAt(back)), images[back], `back to ${back} from ${far}`);
        timeline.heapAt(far);
      }
      // Interrupted by another snapshot's restore: its pages are no longer the skipped ones' bytes.
      timeline.restoreSlice(snapshotStep + 1, 1);
      timeline.restoreSlice(steps[1]! + 1, 1);
      sliceToward(timeline, snapshotStep + 1, 2, random);
      assert.equal(heapImage(timeline.heapAt(snapshotStep + 1)), images[snapshotStep + 1]);
    }
    assert.ok(skipped > steps.length / 2, `restores skipped untouched pages (${skipped})`);
  });

  it('a window that slides in the middle of a sliced restore drops it, and heapAt restores from the window', () => {
    const random = prng(21);
    for (let i = 0; i < 40; i++) {
      const timeline = new HeapTimeline(4096, { snapshotEvery: 60 });
      const split = 2 + random(batches.length - 3);
      for (const batch of batches.slice(0, split)) timeline.append(batch);
      const steps = snapshotSteps(timeline);
      const toward = steps[random(steps.length)]! + 1;
      if (toward >= timeline.length - 1) continue;
      timeline.restoreSlice(toward, 1 + random(2));
      timeline.snapshotNow();
      for (const batch of batches.slice(split)) timeline.append(batch);
      const newest = snapshotSteps(timeline).filter((s) => s < timeline.length - 2);
      const windowAt = newest[random(newest.length)]! + 1;
      timeline.slideTo(windowAt);
      for (const step of [toward, timeline.firstStep - 1, windowAt + random(timeline.length - windowAt)]) {
        if (step < timeline.firstStep - 1) {
          assert.throws(() => timeline.restoreSlice(step, 1), /outside the timeline/);
          continue;
        }
        sliceToward(timeline, step, 2, random);
        const expected = step < 0 ? heapImage(build().heapAt(-1)) : images[step];
        assert.equal(heapImage(timeline.heapAt(step)), expected, `window from ${timeline.firstStep}, step ${step}`);
      }
    }
  });

  it('refuses a slice of no pages and a step outside the timeline', () => {
    const timeline = build();
    for (const maxPages of [0, -1, Number.NaN]) assert.throws(() => timeline.restoreSlice(10, maxPages), /writes nothing/);
    assert.throws(() => timeline.restoreSlice(images.length, 1), /outside the timeline/);
    assert.throws(() => timeline.restoreSlice(-2, 1), /outside the timeline/);
    assert.equal(timeline.restoreSlice(images.length - 1, 1), -1, 'the last step is the live heap: nothing to restore');
  });
});
