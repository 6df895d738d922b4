/**
 * A heap's full state in a few typed arrays, and the way back into a heap, for time travel.
 *
 * Page bytes are most of a heap and mostly zero (block data is zeroed by xcalloc, and a replayed
 * run writes no data; meta data, links and the bytes stale meta data leave behind are about a
 * fifth of the words), so each page is stored as its non-zero 32-bit words: per group of 32 words
 * a bit mask, then the words the mask names. All pages go into ONE Uint32Array: taking a snapshot
 * is one scan of the pages and one allocation, not one buffer per page; restoring zeroes a page
 * and writes its non-zero words back, into the pages the target heap already has.
 *
 * A snapshot of a big heap can also be taken a few pages at a time (`PendingSnapshot`) while the
 * heap moves on: the kernel calls back before a page not yet saved is first touched, so every
 * page is saved as it was when the snapshot began, and no single step pays for the whole heap.
 */
import type { HeapState, LmmHeap } from './lmmHeap';
import type { SimulatedKernel } from './simulatedKernel';

export class HeapSnapshot {
  constructor(
    private readonly state: HeapState,
    /** Masks and non-zero words of every mapped page, pages in any order. */
    private readonly words: Uint32Array,
    /** Where the words of the i-th slot of `state.kernel.slots` begin. */
    private readonly pageStart: Uint32Array,
    readonly pageSize: number,
  ) {}

  /** Snapshots `heap` at once; `scratch` is a reusable work buffer. */
  static take(heap: LmmHeap, scratch: { buffer: Uint32Array }): HeapSnapshot {
    const pending = new PendingSnapshot(heap, scratch, false);
    return pending.finish();
  }

  /** Bytes held by this snapshot (page words and bookkeeping arrays). */
  get byteLength(): number {
    const s = this.state;
    let queues = 0;
    for (const q of s.queues) queues += q.byteLength;
    return (
      this.words.byteLength +
      this.pageStart.byteLength +
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
    for (let i = 0; i < slots.length; i++) {
      const bytes = kernel.bytesOfSlot(slots[i]!);
      bytes.fill(0);
      const page = new Uint32Array(bytes.buffer, bytes.byteOffset, pageWords);
      let p = this.pageStart[i]!;
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

/**
 * A snapshot being taken: the state apart from page bytes is saved at once, pages are saved by
 * `advance` in slot order, or earlier when the heap is about to touch them (the kernel watches
 * them meanwhile). `finish` saves the rest and gives the snapshot.
 */
export class PendingSnapshot {
  private readonly state: HeapState;
  private readonly kernel: SimulatedKernel;
  private readonly slots: Int32Array;
  /** Per slot: 1 while its page is still to be saved (shared with the kernel's watch). */
  private readonly unsaved: Uint8Array;
  /** Per slot: its index in `slots`. */
  private readonly indexOfSlot: Int32Array;
  private readonly pageStart: Uint32Array;
  private readonly pageWords: number;
  private readonly scratch: { buffer: Uint32Array };
  private used = 0;
  /** Next index in `slots` that `advance` looks at, and the pages still unsaved. */
  private next = 0;
  private left: number;
  private readonly watching: boolean;

  constructor(heap: LmmHeap, scratch: { buffer: Uint32Array }, incremental = true) {
    this.state = heap.saveState();
    this.kernel = heap.kernel;
    this.scratch = scratch;
    this.slots = this.state.kernel.slots;
    this.pageWords = this.kernel.pageSize >>> 2;
    const end = this.slots.length > 0 ? this.slots[this.slots.length - 1]! + 1 : 0;
    this.unsaved = new Uint8Array(end);
    this.indexOfSlot = new Int32Array(end);
    this.pageStart = new Uint32Array(this.slots.length);
    this.slots.forEach((slot, i) => {
      this.unsaved[slot] = 1;
      this.indexOfSlot[slot] = i;
    });
    this.left = this.slots.length;
    this.watching = incremental && this.left > 0;
    if (this.watching) {
      // Registry pages are written through views the free lists keep: save them now.
      for (const page of heap.registryPages) this.save(this.kernel.slotOf(page));
      this.kernel.watch(this.unsaved, (slot) => this.saveTouched(slot));
    }
  }

  /** Pages not saved yet. */
  get remaining(): number {
    return this.left;
  }

  /** Saves up to `pages` more pages. */
  advance(pages: number): void {
    const slots = this.slots;
    while (pages > 0 && this.next < slots.length) {
      const slot = slots[this.next++]!;
      if (this.unsaved[slot] === 1) {
        this.save(slot);
        pages--;
      }
    }
  }

  /** Saves every page left and returns the snapshot (the kernel is no longer watched). */
  finish(): HeapSnapshot {
    this.advance(Infinity);
    if (this.watching) this.kernel.unwatch();
    const words = this.scratch.buffer.slice(0, this.used);
    return new HeapSnapshot(this.state, words, this.pageStart, this.kernel.pageSize);
  }

  /** The kernel's callback: it already cleared the slot's mark. */
  private saveTouched(slot: number): void {
    this.unsaved[slot] = 1;
    this.save(slot);
  }

  private save(slot: number): void {
    if (this.unsaved[slot] !== 1) return;
    this.unsaved[slot] = 0;
    this.left--;
    const pageWords = this.pageWords;
    const worst = pageWords + Math.ceil(pageWords / 32);
    let out = this.scratch.buffer;
    let p = this.used;
    if (out.length < p + worst) {
      const bigger = new Uint32Array(Math.max(p + worst, out.length * 2, this.left * 256));
      bigger.set(out.subarray(0, p));
      out = this.scratch.buffer = bigger;
    }
    this.pageStart[this.indexOfSlot[slot]!] = p;
    // The kernel's own bytes, not bytesOfSlot: this runs inside a touch and must not recurse.
    const bytes = this.kernel.peekBytesOfSlot(slot);
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
    this.used = p;
  }
}
