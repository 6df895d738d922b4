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

  /**
   * The snapshot as plain data (typed arrays, numbers, strings) for a message to another thread
   * or a webview; `fromWire` takes it back. The arrays are this snapshot's own: do not change them.
   */
  toWire(): SnapshotWire {
    return { state: this.state, words: this.words, pageStart: this.pageStart, pageSize: this.pageSize };
  }

  /** A snapshot from `toWire`'s data (checked by the receiver's protocol first). */
  static fromWire(wire: SnapshotWire): HeapSnapshot {
    return new HeapSnapshot(wire.state, wire.words, wire.pageStart, wire.pageSize);
  }

  /** Snapshots `heap` at once; `scratch` is a reusable work buffer. */
  static take(heap: LmmHeap, scratch: SnapshotScratch): HeapSnapshot {
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

  /** The slots this snapshot maps, ascending (read only). */
  get slots(): Int32Array {
    return this.state.kernel.slots;
  }

  /** Mapped bytes of the heap this snapshot holds. */
  get mappedBytes(): number {
    return this.state.kernel.slots.length * this.pageSize;
  }

  /**
   * Makes `heap` (same page size and run) byte for byte the heap this snapshot was taken of.
   * `unchanged` (optional) marks with 1 the slots whose bytes are known to hold this snapshot's
   * page already (the heap was restored from it and has not touched them since): those are
   * skipped.
   */
  restoreInto(heap: LmmHeap, unchanged?: Uint8Array): void {
    this.restoreStateInto(heap);
    this.restorePagesInto(heap, 0, Infinity, unchanged);
  }

  /**
   * The first half of `restoreInto`: the bookkeeping, and the pages mapped as the snapshot's, with
   * their bytes still whatever they were. The heap is not this snapshot's heap until
   * `restorePagesInto` has gone through every page: read nothing from it before.
   */
  restoreStateInto(heap: LmmHeap): void {
    heap.restoreState(this.state);
  }

  /** Pages `restorePagesInto` goes through (the slots the snapshot maps). */
  get pageCount(): number {
    return this.state.kernel.slots.length;
  }

  /**
   * The second half of `restoreInto`, resumable: writes back the bytes of the pages from index
   * `from` on (in `slots` order) until `maxPages` pages were written, skipping the `unchanged`
   * ones (they cost no write and count for nothing). Returns the index to go on from
   * (`pageCount` once all are done) and, in `written`, how many pages this call wrote.
   */
  restorePagesInto(heap: LmmHeap, from: number, maxPages: number, unchanged?: Uint8Array): { next: number; written: number } {
    const kernel = heap.kernel;
    const pageWords = kernel.pageSize >>> 2;
    const slots = this.state.kernel.slots;
    const words = this.words;
    let written = 0;
    let i = from;
    for (; i < slots.length && written < maxPages; i++) {
      if (unchanged !== undefined && unchanged[slots[i]!] === 1) continue;
      written++;
      const page = kernel.wordsOfSlot(slots[i]!);
      page.fill(0);
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
    // Skipped pages after the last one written need no other call.
    if (unchanged !== undefined) while (i < slots.length && unchanged[slots[i]!] === 1) i++;
    return { next: i, written };
  }
}

/** A snapshot as data: what `HeapSnapshot.toWire` gives and `fromWire` takes. */
export interface SnapshotWire {
  state: HeapState;
  words: Uint32Array;
  pageStart: Uint32Array;
  pageSize: number;
}

/** Work buffers reused from one snapshot to the next (a timeline keeps one). */
export interface SnapshotScratch {
  /** Encoded words of the snapshot being taken. */
  buffer: Uint32Array;
  /**
   * Raw copies of pages the heap touched before they were encoded, STAGING_CHUNK_PAGES to a chunk,
   * made as pages are staged: a snapshot of a 1 GiB heap whose next steps touch ten pages holds ten
   * pages' copies, not a buffer the size of the heap.
   */
  staging?: Uint8Array[];
}

/** Pages per chunk of the staging copies (256 KiB at 4 KiB pages). */
export const STAGING_CHUNK_PAGES = 64;
/** Chunks a scratch keeps once a snapshot is finished (the rest go back to the collector). */
const STAGING_CHUNKS_KEPT = 4;

/**
 * A snapshot being taken: the state apart from page bytes is saved at once; pages are encoded
 * by `advance` in slot order. Meanwhile the kernel watches them: a page the heap is about to
 * touch is first copied as it is (a 4 KiB copy, the encoding waits for `advance`), so the cost
 * of the first steps, which touch many pages, stays small. `finish` encodes the rest.
 */
export class PendingSnapshot {
  private readonly state: HeapState;
  private readonly kernel: SimulatedKernel;
  private readonly slots: Int32Array;
  /** Per slot: 1 while its page is neither encoded nor copied (the kernel's watch list). */
  private readonly watched: Uint8Array;
  /** Per slot: its index in `slots`. */
  private readonly indexOfSlot: Int32Array;
  /** Per page index: where its words begin once encoded. */
  private readonly pageStart: Uint32Array;
  /** Per page index: 1 once encoded, 2 while only copied into the staging chunks. */
  private readonly done: Uint8Array;
  /** Per page index staged: where its copy is among the staging chunks' pages. */
  private readonly stagedAt: Int32Array;
  private staged = 0;
  private readonly pageWords: number;
  private readonly scratch: SnapshotScratch;
  private used = 0;
  /** Next page index `advance` looks at, and the pages not encoded yet. */
  private next = 0;
  private left: number;
  private readonly watching: boolean;

  constructor(heap: LmmHeap, scratch: SnapshotScratch, incremental = true) {
    this.state = heap.saveState();
    this.kernel = heap.kernel;
    this.scratch = scratch;
    this.slots = this.state.kernel.slots;
    this.pageWords = this.kernel.pageSize >>> 2;
    const end = this.slots.length > 0 ? this.slots[this.slots.length - 1]! + 1 : 0;
    this.watched = new Uint8Array(end);
    this.indexOfSlot = new Int32Array(end);
    this.pageStart = new Uint32Array(this.slots.length);
    this.done = new Uint8Array(this.slots.length);
    this.stagedAt = new Int32Array(this.slots.length);
    this.slots.forEach((slot, i) => {
      this.watched[slot] = 1;
      this.indexOfSlot[slot] = i;
    });
    this.left = this.slots.length;
    this.watching = incremental && this.left > 0;
    if (this.watching) {
      // Registry pages are written through views the free lists keep: encode them now.
      for (const page of heap.registryPages) this.encodeLive(this.indexOfSlot[this.kernel.slotOf(page)]!);
      this.kernel.watch(this.watched, (slot) => this.stage(slot));
    }
  }

  /** Pages not encoded yet. */
  get remaining(): number {
    return this.left;
  }

  /** Encodes up to `pages` more pages. */
  advance(pages: number): void {
    const count = this.slots.length;
    while (pages > 0 && this.next < count) {
      const i = this.next++;
      const state = this.done[i];
      if (state === 1) continue;
      if (state === 2) {
        const copy = this.stagedPage(this.stagedAt[i]!);
        this.encode(i, new Uint32Array(copy.buffer, copy.byteOffset, this.pageWords));
      } else this.encodeLive(i);
      pages--;
    }
  }

  /** Encodes every page left and returns the snapshot (the kernel is no longer watched). */
  finish(): HeapSnapshot {
    this.advance(Infinity);
    if (this.watching) this.kernel.unwatch();
    this.releaseStaging();
    const words = this.scratch.buffer.slice(0, this.used);
    return new HeapSnapshot(this.state, words, this.pageStart, this.kernel.pageSize);
  }

  /** Gives up the snapshot (nothing more is encoded) and stops watching the kernel. */
  cancel(): void {
    if (this.watching) this.kernel.unwatch();
    this.next = this.slots.length;
    this.releaseStaging();
  }

  /** Keeps a few staging chunks for the next snapshot: a burst of staged pages is not held for ever. */
  private releaseStaging(): void {
    const chunks = this.scratch.staging;
    if (chunks !== undefined && chunks.length > STAGING_CHUNKS_KEPT) chunks.length = STAGING_CHUNKS_KEPT;
  }

  /** The `at`-th staged page's copy, its chunk made when first needed. */
  private stagedPage(at: number): Uint8Array {
    const size = this.kernel.pageSize;
    const chunks = (this.scratch.staging ??= []);
    const c = Math.floor(at / STAGING_CHUNK_PAGES);
    while (chunks.length <= c) chunks.push(new Uint8Array(STAGING_CHUNK_PAGES * size));
    // A chunk made for a smaller page size (a scratch is the same heap's, but keep it right).
    if (chunks[c]!.length < STAGING_CHUNK_PAGES * size) chunks[c] = new Uint8Array(STAGING_CHUNK_PAGES * size);
    const offset = (at % STAGING_CHUNK_PAGES) * size;
    return chunks[c]!.subarray(offset, offset + size);
  }

  /** The kernel's callback before the first touch of a watched page (it cleared the mark). */
  private stage(slot: number): void {
    const i = this.indexOfSlot[slot]!;
    const at = this.staged++;
    this.stagedAt[i] = at;
    this.stagedPage(at).set(this.kernel.peekBytesOfSlot(slot));
    this.done[i] = 2;
  }

  /** Encodes page `i` from the heap's own bytes (it was not touched since the snapshot began). */
  private encodeLive(i: number): void {
    const slot = this.slots[i]!;
    this.watched[slot] = 0;
    // The kernel's bytes without a touch: a touch would stage the page we are reading.
    const bytes = this.kernel.peekBytesOfSlot(slot);
    this.encode(i, new Uint32Array(bytes.buffer, bytes.byteOffset, this.pageWords));
  }

  private encode(i: number, page: Uint32Array): void {
    if (this.done[i] === 1) return;
    this.done[i] = 1;
    this.left--;
    const pageWords = this.pageWords;
    const worst = pageWords + Math.ceil(pageWords / 32);
    let out = this.scratch.buffer;
    let p = this.used;
    if (out.length < p + worst) {
      // Grown by doubling from about a sixteenth of the pages left (mostly-zero pages encode small).
      const bigger = new Uint32Array(Math.max(p + worst, out.length * 2, this.left * 64));
      bigger.set(out.subarray(0, p));
      out = this.scratch.buffer = bigger;
    }
    this.pageStart[i] = p;
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
