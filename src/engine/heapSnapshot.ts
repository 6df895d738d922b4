/**
 * A heap's full state in a few typed arrays, and the way back into a heap, for time travel.
 *
 * Page bytes are most of a heap and mostly zero (block data is zeroed by xcalloc, and a replayed
 * run writes no data; meta data, links and the bytes stale meta data leave behind are about a
 * fifth of the words), so each page is stored as its non-zero 32-bit words: per group of 32 words
 * a bit mask, then the words the mask names. All pages go into ONE Uint32Array: taking a snapshot
 * is one scan of the pages and one allocation, not one buffer per page; restoring zeroes a page
 * and writes its non-zero words back, into the pages the target heap already has.
 */
import type { HeapState, LmmHeap } from './lmmHeap';

export class HeapSnapshot {
  private constructor(
    private readonly state: HeapState,
    /** Per mapped slot (in `state.kernel.slots` order): masks and non-zero words. */
    private readonly words: Uint32Array,
    readonly pageSize: number,
  ) {}

  /** Snapshots `heap`; `scratch` is a reusable work buffer (grown and returned as needed). */
  static take(heap: LmmHeap, scratch: { buffer: Uint32Array }): HeapSnapshot {
    const state = heap.saveState();
    const kernel = heap.kernel;
    const pageWords = kernel.pageSize >>> 2;
    const worstPerPage = pageWords + Math.ceil(pageWords / 32);
    const slots = state.kernel.slots;
    let out = scratch.buffer;
    if (out.length < slots.length * worstPerPage) {
      out = scratch.buffer = new Uint32Array(Math.max(slots.length * worstPerPage, out.length * 2));
    }
    let p = 0;
    for (let i = 0; i < slots.length; i++) {
      const bytes = kernel.bytesOfSlot(slots[i]!);
      // A word view per page (an object, no copy): indexed reads beat DataView calls here.
      const page = new Uint32Array(bytes.buffer, bytes.byteOffset, pageWords);
      for (let group = 0; group < pageWords; group += 32) {
        const maskAt = p++;
        let mask = 0;
        const end = Math.min(group + 32, pageWords);
        for (let w = group; w < end; w++) {
          const word = page[w]!;
          if (word !== 0) {
            mask |= 1 << (w - group);
            out[p++] = word;
          }
        }
        out[maskAt] = mask;
      }
    }
    return new HeapSnapshot(state, out.slice(0, p), kernel.pageSize);
  }

  /** Bytes held by this snapshot (page words and bookkeeping arrays). */
  get byteLength(): number {
    const s = this.state;
    let queues = 0;
    for (const q of s.queues) queues += q.byteLength;
    return (
      this.words.byteLength +
      queues +
      s.counters.byteLength +
      s.slotFamily.byteLength +
      s.allocated.byteLength +
      s.kernel.slots.byteLength +
      s.kernel.freeSlots.byteLength
    );
  }

  /** Mapped bytes of the heap this snapshot holds. */
  get mappedBytes(): number {
    return this.state.kernel.slots.length * this.pageSize;
  }

  /** Makes `heap` (same page size and run) byte for byte the heap this snapshot was taken of. */
  restoreInto(heap: LmmHeap): void {
    heap.restoreState(this.state);
    const kernel = heap.kernel;
    const pageWords = kernel.pageSize >>> 2;
    const slots = this.state.kernel.slots;
    const words = this.words;
    let p = 0;
    for (let i = 0; i < slots.length; i++) {
      const bytes = kernel.bytesOfSlot(slots[i]!);
      bytes.fill(0);
      const page = new Uint32Array(bytes.buffer, bytes.byteOffset, pageWords);
      for (let group = 0; group < pageWords; group += 32) {
        let mask = words[p++]!;
        while (mask !== 0) {
          const bit = 31 - Math.clz32(mask & -mask);
          page[group + bit] = words[p++]!;
          mask &= mask - 1;
        }
      }
    }
  }
}
