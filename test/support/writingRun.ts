/** A run that writes into its blocks, recorded as a harness records it, for time-travel tests. */
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../src/engine/heapOps';
import { LmmHeap } from '../../src/engine/lmmHeap';
import { heapImage } from './heapImage';

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/**
 * A run that writes into its blocks as a harness does: random allocs, frees (so addresses are
 * reused) and byte writes, recorded with `recordWrite`, flushed at random moments (also between
 * a write and the next operation, so writes of a step arrive with the next batch). Returns the
 * batches and the heap's full image (every page byte) after every step, as the run saw it once
 * the step's writes were all done.
 */
export function recordWritingRun(steps: number, seed: number): { batches: HeapOpBatch[]; images: string[] } {
  const random = prng(seed);
  const heap = new LmmHeap();
  const recorder = new HeapOpRecorder(16);
  const batches: HeapOpBatch[] = [];
  const images: string[] = [];
  const flush = () => {
    const batch = recorder.flush();
    if (batch) batches.push(batch);
  };
  const live: Array<{ address: number; bytes: number }> = [];
  const family = heap.register('node_t', 40);
  recorder.record(HeapOpKind.Register, 40, 0, family, 0, 'node_t');
  let step = 0;
  const endStep = () => {
    // The image of step `step` is the heap once every write after it is done: taken just before the next op.
    images[step] = heapImage(heap);
    step++;
  };
  while (step < steps) {
    // Writes after the step just recorded.
    for (let w = random(4); w > 0 && live.length > 0; w--) {
      const block = live[random(live.length)]!;
      const offset = random(block.bytes);
      const length = 1 + random(Math.min(8, block.bytes - offset));
      const view = heap.kernel.view(block.address);
      const at = block.address - heap.kernel.pageOf(block.address) + offset;
      for (let k = 0; k < length; k++) view.setUint8(at + k, 1 + random(255));
      recorder.recordWrite(block.address + offset, length, view, at);
      if (random(5) === 0) flush();
    }
    endStep();
    if (step >= steps) break;
    if (live.length === 0 || random(3) !== 0) {
      const units = 1 + random(3);
      const address = heap.xcalloc(family, units);
      recorder.record(HeapOpKind.Alloc, family, units, address, 0);
      if (address !== 0) live.push({ address, bytes: units * 40 });
    } else {
      const [block] = live.splice(random(live.length), 1);
      recorder.record(HeapOpKind.Free, block!.address, 0, heap.xfree(block!.address) ? 1 : 0, 0);
    }
    if (random(7) === 0) flush();
  }
  flush();
  return { batches, images };
}
