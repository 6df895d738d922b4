import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, writesBetween } from '../../../src/engine/heapOps';
import { HeapTimeline } from '../../../src/engine/heapTimeline';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { splitBatch } from '../../../src/extension/model/runPipeline';
import { heapImage } from '../../support/heapImage';
import { prng, recordWritingRun } from '../../support/writingRun';

describe('heap timeline: the program’s writes are part of the run', () => {
  for (const seed of [1, 2, 3]) {
    it(`shows every page byte as the program left it after any step, across snapshots, frees and reuse (seed ${seed})`, () => {
      const { batches, images } = recordWritingRun(600, seed);
      assert.ok(
        batches.some((b) => b.writes?.step[0] === b.firstStep - 1),
        'some batch starts with writes after the previous batch’s last step',
      );
      const timeline = new HeapTimeline(4096, { snapshotEvery: 17 });
      for (const batch of batches) timeline.append(batch);
      assert.equal(timeline.length, images.length);
      assert.deepEqual(timeline.divergences, []);
      assert.ok(timeline.snapshotInfo().count > 10, 'snapshots were taken');
      const random = prng(seed + 100);
      // Random order: restores from snapshots, forward replays from the cursor, and the live heap.
      for (let i = 0; i < 300; i++) {
        const step = random(images.length);
        assert.equal(heapImage(timeline.heapAt(step)), images[step], `the heap after step ${step}`);
      }
      for (let step = 0; step < images.length; step++) assert.equal(heapImage(timeline.heapAt(step)), images[step]);
    });
  }

  it('the same run split into pieces (as the extension posts it) gives the same bytes', () => {
    const { batches, images } = recordWritingRun(300, 9);
    const timeline = new HeapTimeline(4096, { snapshotEvery: 11 });
    for (const batch of batches) for (const piece of splitBatch(batch, 5)) timeline.append(piece);
    for (let step = 0; step < images.length; step += 7) assert.equal(heapImage(timeline.heapAt(step)), images[step]);
  });

  it('a freed and reused address shows the new block’s bytes, zeroed where the program has not written yet', () => {
    const heap = new LmmHeap();
    const recorder = new HeapOpRecorder();
    const family = heap.register('node_t', 8);
    recorder.record(HeapOpKind.Register, 8, 0, family, 0, 'node_t');
    const first = heap.xcalloc(family, 1);
    recorder.record(HeapOpKind.Alloc, family, 1, first, 0);
    const view = heap.kernel.view(first);
    const at = first - heap.kernel.pageOf(first);
    view.setUint32(at, 0xdeadbeef, true);
    recorder.recordWrite(first, 4, view, at);
    recorder.record(HeapOpKind.Free, first, 0, heap.xfree(first) ? 1 : 0, 0);
    const second = heap.xcalloc(family, 1);
    recorder.record(HeapOpKind.Alloc, family, 1, second, 0);
    assert.equal(second, first, 'the address is reused');
    view.setUint16(at + 4, 0x1234, true);
    recorder.recordWrite(second + 4, 2, view, at + 4);
    const timeline = new HeapTimeline(4096, { snapshotEvery: 1 });
    timeline.append(recorder.flush()!);
    const word = (step: number, offset: number) =>
      timeline
        .heapAt(step)
        .kernel.peekView(first)
        .getUint32(at + offset, true);
    assert.equal(word(1, 0), 0xdeadbeef, 'after the first alloc and its write');
    assert.equal(word(3, 0), 0, 'the reused block is zeroed (xcalloc)');
    assert.equal(word(3, 4) & 0xffff, 0x1234, 'and holds the new write');
    assert.equal(word(1, 0), 0xdeadbeef, 'back in time: the old bytes again');
  });

  it('refuses writes out of step order instead of applying them at the wrong step', () => {
    const recorder = new HeapOpRecorder();
    recorder.record(HeapOpKind.Register, 8, 0, 0, 0, 'node_t');
    const batch = recorder.flush()!;
    batch.writes = {
      count: 1,
      step: Int32Array.of(5),
      address: Float64Array.of(4096),
      length: Uint32Array.of(1),
      bytes: Uint8Array.of(1),
    };
    assert.throws(() => new HeapTimeline(4096).append(batch), /out of step order/);
  });

  it('writesBetween keeps each write with its bytes', () => {
    const writes = {
      count: 3,
      step: Int32Array.of(0, 1, 1),
      address: Float64Array.of(100, 200, 300),
      length: Uint32Array.of(1, 2, 3),
      bytes: Uint8Array.of(1, 2, 2, 3, 3, 3),
    };
    const late = writesBetween(writes, 1, 1)!;
    assert.deepEqual([...late.address], [200, 300]);
    assert.deepEqual([...late.bytes], [2, 2, 3, 3, 3]);
    assert.equal(writesBetween(writes, 2, 5), undefined);
  });
});
