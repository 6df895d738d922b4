/**
 * One family's free list: LMM's priority queue of free blocks, largest first, and among equal
 * sizes the one that entered earliest first.
 *
 * The list itself lives in the page bytes, exactly where the C implementation keeps it: a doubly
 * linked list of glthread nodes at meta + 16 (left, right), headed by the glthread in the family
 * record, the first node's left pointing at that head. So a memory view shows real links.
 *
 * The C code finds an entry's place by walking the list (O(n) per insert). Here every block size
 * knows the tail of its run in the list and a two-level bitmap says which sizes are present; a
 * block entering the list goes after the tail of its size's run, or, when that run is empty, after
 * the tail of the next larger size present. Insert, remove and "largest" are O(1) apart from a
 * bitmap scan of at most (maxSize / 1024) words. Memory outside the page bytes is per family
 * (4 bytes per possible size: a run tail, named by the low 32 bits of its meta address), never
 * per block.
 */
import { GLUE_OFFSET, META } from './constants';
import { addressOf, handleOf, readHandle, readLink, writeHandle } from './pointers';
import type { SimulatedKernel } from './simulatedKernel';

export class FreeBlockQueue {
  /** Handle (pointers.ts) of the meta of the last block of each size's run (0 = none). */
  private readonly runTail: Int32Array;
  /**
   * Bit s of `sizeBits` is set when some free block has size s; `wordBits` summarises words.
   * Int32 words: a bit scan then stays in int32 arithmetic, where a Uint32Array word of 2^31 or
   * more is a double that V8 boxes when it crosses a call.
   */
  private readonly sizeBits: Int32Array;
  private readonly wordBits: Int32Array;
  /** Number of blocks in the list. */
  length = 0;
  /** The family record's registry page (never unmapped) and the offset of the head's `right`. */
  private readonly headView: DataView;
  private readonly headRightOffset: number;
  /** The handle of the head's `left` field: what the first node's `left` points at. */
  private readonly headHandle: number;

  constructor(
    private readonly kernel: SimulatedKernel,
    /** Address of the family record's glthread head (its `left` field; `right` follows at +8). */
    private readonly headAddress: number,
    maxBlockSize: number,
  ) {
    this.runTail = new Int32Array(maxBlockSize + 1);
    this.headView = kernel.view(headAddress);
    this.headRightOffset = headAddress - kernel.pageOf(headAddress) + 8;
    this.headHandle = handleOf(headAddress);
    this.sizeBits = new Int32Array((maxBlockSize >>> 5) + 1);
    this.wordBits = new Int32Array((this.sizeBits.length >>> 5) + 1);
  }

  /** A copy bound to `kernel` (a clone of this queue's kernel, holding the same pages). */
  cloneFor(kernel: SimulatedKernel): FreeBlockQueue {
    const copy = new FreeBlockQueue(kernel, this.headAddress, this.runTail.length - 1);
    copy.runTail.set(this.runTail);
    copy.sizeBits.set(this.sizeBits);
    copy.wordBits.set(this.wordBits);
    copy.length = this.length;
    return copy;
  }

  /**
   * The bookkeeping outside the page bytes, in one array (for time-travel snapshots). Its words
   * are the int32 words' bits read as uint32 (TypedArray#set converts modulo 2^32 both ways).
   */
  saveState(): Uint32Array {
    const n = this.runTail.length;
    const state = new Uint32Array(1 + n + this.sizeBits.length + this.wordBits.length);
    state[0] = this.length;
    state.set(this.runTail, 1);
    state.set(this.sizeBits, 1 + n);
    state.set(this.wordBits, 1 + n + this.sizeBits.length);
    return state;
  }

  /** Returns to a state saved by `saveState` of a queue of the same family. */
  restoreState(state: Uint32Array): void {
    const n = this.runTail.length;
    this.length = state[0]!;
    this.runTail.set(state.subarray(1, 1 + n));
    this.sizeBits.set(state.subarray(1 + n, 1 + n + this.sizeBits.length));
    this.wordBits.set(state.subarray(1 + n + this.sizeBits.length));
  }

  /** Meta address of the largest free block (the list's head), or 0. */
  largest(): number {
    return addressOf(this.largestHandle());
  }

  /** Handle of the largest free block's meta, or 0. */
  largestHandle(): number {
    const glue = readHandle(this.headView, this.headRightOffset);
    return glue === 0 ? 0 : (glue - GLUE_OFFSET) | 0;
  }

  /**
   * Enters the free block whose meta has handle `meta`, at `offset` in the arena chunk `view`
   * shows (SimulatedKernel.chunkViewOfSlot; its size is read from its meta data).
   */
  insert(meta: number, view: DataView, offset: number): void {
    const kernel = this.kernel;
    const size = view.getInt32(offset + META.blockSize, true);
    let tail = this.runTail[size]!;
    if (tail === 0) {
      const larger = this.nextSizeAbove(size);
      if (larger >= 0) tail = this.runTail[larger]!;
    }
    const glue = (meta + GLUE_OFFSET) | 0;
    let successorGlue: number;
    if (tail === 0) {
      successorGlue = readHandle(this.headView, this.headRightOffset);
      writeHandle(this.headView, this.headRightOffset, glue);
      writeHandle(view, offset + META.freeLinkPrev, this.headHandle);
    } else {
      const slot = kernel.slotOfHandle(tail);
      const predView = kernel.chunkViewOfSlot(slot);
      const predNext = kernel.chunkOffsetOfHandle(tail, slot) + META.freeLinkNext;
      successorGlue = readHandle(predView, predNext);
      writeHandle(predView, predNext, glue);
      writeHandle(view, offset + META.freeLinkPrev, (tail + GLUE_OFFSET) | 0);
    }
    writeHandle(view, offset + META.freeLinkNext, successorGlue);
    if (successorGlue !== 0) {
      const slot = kernel.slotOfHandle(successorGlue);
      // The glue is the successor's `left` field itself.
      writeHandle(kernel.chunkViewOfSlot(slot), kernel.chunkOffsetOfHandle(successorGlue, slot), glue);
    }
    if (this.runTail[size] === 0) this.setBit(size);
    this.runTail[size] = meta;
    this.length++;
  }

  /** Takes the block whose meta has handle `meta` (at `offset` in `view`'s chunk) out of the list. */
  remove(meta: number, view: DataView, offset: number): void {
    const kernel = this.kernel;
    const size = view.getInt32(offset + META.blockSize, true);
    const prevGlue = readHandle(view, offset + META.freeLinkPrev);
    const nextGlue = readHandle(view, offset + META.freeLinkNext);
    let prevView = this.headView;
    let prevOffset = 0;
    if (prevGlue === this.headHandle) {
      writeHandle(this.headView, this.headRightOffset, nextGlue);
    } else {
      const slot = kernel.slotOfHandle(prevGlue);
      prevView = kernel.chunkViewOfSlot(slot);
      prevOffset = kernel.chunkOffsetOfHandle(prevGlue, slot) - GLUE_OFFSET;
      writeHandle(prevView, prevOffset + META.freeLinkNext, nextGlue);
    }
    if (nextGlue !== 0) {
      const slot = kernel.slotOfHandle(nextGlue);
      // The glue is the next block's `left` field itself.
      writeHandle(kernel.chunkViewOfSlot(slot), kernel.chunkOffsetOfHandle(nextGlue, slot), prevGlue);
    }
    // A size's run is contiguous in the list: a block that is not its run's tail has a block of its
    // size behind it, and the run stays as it was. Only the tail reads a neighbour's size (the
    // block before it, which takes the run over when it has the same size): on a big heap the
    // neighbours lie at random places, and a load that misses the cache holds the remove up.
    if (this.runTail[size] === meta) {
      if (prevGlue !== this.headHandle && prevView.getInt32(prevOffset + META.blockSize, true) === size) {
        this.runTail[size] = (prevGlue - GLUE_OFFSET) | 0;
      } else {
        this.runTail[size] = 0;
        this.clearBit(size);
      }
    }
    writeHandle(view, offset + META.freeLinkPrev, 0);
    writeHandle(view, offset + META.freeLinkNext, 0);
    this.length--;
  }

  /**
   * Where the tables outside the page bytes disagree with the list the page bytes hold (for the
   * invariant checker): every size present has its bit set and the last block of its run as its
   * run tail; every other size has neither.
   */
  runProblems(): string[] {
    const problems: string[] = [];
    const last = new Map<number, number>();
    for (const meta of this.entries()) {
      const size = this.kernel.peekView(meta).getInt32(meta - this.kernel.pageOf(meta) + META.blockSize, true);
      last.set(size, handleOf(meta));
    }
    const hex = (handle: number): string => (handle === 0 ? 'none' : `0x${addressOf(handle).toString(16)}`);
    // Sizes with a tail or a bit, then sizes listed with neither: the checker runs after every
    // step of the property tests, so it looks a size up in the map only where one can be wrong.
    for (let size = 0; size < this.runTail.length; size++) {
      const tail = this.runTail[size]!;
      const bit = (this.sizeBits[size >>> 5]! >>> (size & 31)) & 1;
      if (tail === 0 && bit === 0) continue;
      const listed = last.get(size) ?? 0;
      if (bit !== (listed !== 0 ? 1 : 0)) problems.push(`size ${size}: bitmap bit ${bit}, ${last.size} sizes listed`);
      if (tail !== listed) problems.push(`size ${size}: run tail ${hex(tail)}, the list's ${hex(listed)}`);
    }
    for (const [size, handle] of last) {
      if (this.runTail[size] === 0 && ((this.sizeBits[size >>> 5]! >>> (size & 31)) & 1) === 0) {
        problems.push(`size ${size}: bitmap bit 0, run tail none, the list's ${hex(handle)}`);
      }
    }
    for (let word = 0; word < this.sizeBits.length; word++) {
      const summary = (this.wordBits[word >>> 5]! >>> (word & 31)) & 1;
      if (summary !== (this.sizeBits[word] !== 0 ? 1 : 0)) problems.push(`bitmap word ${word}: summary bit ${summary}`);
    }
    return problems;
  }

  /** Meta addresses in list order (for dumps, views and the invariant checker). */
  *entries(): IterableIterator<number> {
    let glue = readLink(this.headView, this.headRightOffset);
    while (glue !== 0) {
      const meta = glue - GLUE_OFFSET;
      yield meta;
      glue = readLink(this.kernel.peekView(meta), meta - this.kernel.pageOf(meta) + META.freeLinkNext);
    }
  }

  private setBit(size: number): void {
    const word = size >>> 5;
    this.sizeBits[word]! |= 1 << (size & 31);
    this.wordBits[word >>> 5]! |= 1 << (word & 31);
  }

  private clearBit(size: number): void {
    const word = size >>> 5;
    const bits = (this.sizeBits[word]! &= ~(1 << (size & 31)));
    if (bits === 0) this.wordBits[word >>> 5]! &= ~(1 << (word & 31));
  }

  /**
   * The smallest size present that is larger than `size`, or -1. A word's lowest set bit is
   * 31 − clz32(x & −x), written out: `insert` inlines this scan, and V8's inlining budget is spent
   * by then, so a helper would be a call per insert.
   */
  private nextSizeAbove(size: number): number {
    let word = size >>> 5;
    const bit = size & 31;
    const above = bit === 31 ? 0 : this.sizeBits[word]! & (~0 << (bit + 1));
    if (above !== 0) return (word << 5) + 31 - Math.clz32(above & -above);
    word++;
    let summaryWord = word >>> 5;
    const summaryBit = word & 31;
    if (summaryWord >= this.wordBits.length) return -1;
    let summary = this.wordBits[summaryWord]! & (summaryBit === 0 ? ~0 : ~0 << summaryBit);
    while (summary === 0) {
      summaryWord++;
      if (summaryWord >= this.wordBits.length) return -1;
      summary = this.wordBits[summaryWord]!;
    }
    const w = (summaryWord << 5) + 31 - Math.clz32(summary & -summary);
    const bits = this.sizeBits[w]!;
    return (w << 5) + 31 - Math.clz32(bits & -bits);
  }
}
