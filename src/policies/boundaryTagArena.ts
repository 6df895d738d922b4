/**
 * A boundary-tag heap in one page region (Knuth's boundary tags, with the "footer only in free
 * blocks" refinement): the core of first-fit, next-fit, best-fit and TLSF.
 *
 * Layout, in 4-byte words of the region's bytes:
 * - every block starts with a 4-byte header: its size in bytes (a multiple of 4, at least 16)
 *   | USED (bit 0) | PREV_USED (bit 1); the payload follows the header (4-byte aligned);
 * - a free block also holds its free-list links (next, prev: word indexes, −1 = none) right
 *   after the header and a footer (its size) in its last word, so a freed block finds a free
 *   predecessor in O(1) while a used block pays 4 bytes only;
 * - blocks tile the used pages exactly: the last block ends at the region's top.
 *
 * The region grows page by page at the top (the free block there, "the wilderness", grows with
 * it) and gives pages back when the top block is free, so mapped bytes follow the live heap.
 * A block that sits at the top grows in place on realloc.
 */
import type { SimulatedKernel } from '../engine/simulatedKernel';
import type { PolicyBlock } from './allocatorPolicy';
import { PageRegion } from './pageRegion';

/** How a free block is chosen. */
export type FitStrategy = 'first' | 'next' | 'best' | 'good';

const USED = 1;
const PREV_USED = 2;
const FLAGS = 3;
const NIL = -1;
/** Header + two links + footer: the smallest block that can be free. */
export const ARENA_MIN_BLOCK = 16;
export const ARENA_HEADER = 4;
/** Linear bins of 4 bytes below this size; above it, 16 sub-bins per power of two (TLSF's mapping). */
const LINEAR_LIMIT = 128;
const SUB_BITS = 4;
const BIN_COUNT = 32 + (31 - 7) * 16;

export class BoundaryTagArena {
  readonly region: PageRegion;
  readonly base: number;
  private readonly pageSize: number;
  private readonly strategy: FitStrategy;
  private readonly binned: boolean;
  /** The region's bytes as words (refreshed whenever the region's buffer changes). */
  private words: Int32Array;
  private bytes: Uint8Array;
  /** One bit per word: set where a live block's header is (catches invalid and double frees). */
  private liveStarts: Uint32Array;
  /** End of the last block, in words (= used pages × page size ÷ 4). */
  private top = 0;
  /** The last block, when it is free (the wilderness), else NIL. */
  private lastFree = NIL;
  /** Free-list heads per bin, and a bitmap of non-empty bins. */
  private readonly heads: Int32Array;
  private readonly nonEmpty: Uint32Array;
  /** next-fit's roving pointer: the free block where the next search starts. */
  private rover = NIL;
  liveBlocks = 0;
  livePayload = 0;
  lastError: string | null = null;

  constructor(kernel: SimulatedKernel, strategy: FitStrategy, capacityPages: number) {
    this.region = new PageRegion(kernel, capacityPages);
    this.base = this.region.base;
    this.pageSize = kernel.pageSize;
    this.strategy = strategy;
    this.binned = strategy === 'best' || strategy === 'good';
    this.words = new Int32Array(this.region.bytes.buffer);
    this.bytes = this.region.bytes;
    this.liveStarts = new Uint32Array(this.words.length >>> 5);
    const bins = this.binned ? BIN_COUNT : 1;
    this.heads = new Int32Array(bins).fill(NIL);
    this.nonEmpty = new Uint32Array((bins + 31) >>> 5);
  }

  /** The block size that serves a request of `bytes`, or -1 when it cannot be represented. */
  static blockSize(bytes: number): number {
    if (!(bytes >= 0) || bytes > 0x3ffffff0) return -1;
    const size = ((bytes + 3) & ~3) + ARENA_HEADER;
    return size < ARENA_MIN_BLOCK ? ARENA_MIN_BLOCK : size;
  }

  contains(address: number): boolean {
    return address > this.base && address < this.base + this.top * 4;
  }

  // ------------------------------------------------------------------ allocation

  malloc(bytes: number): number {
    const size = BoundaryTagArena.blockSize(bytes);
    if (size < 0) {
      this.lastError = `cannot allocate ${bytes} bytes`;
      return 0;
    }
    let w = this.find(size);
    if (w === NIL) {
      w = this.extend(size);
      if (w === NIL) return 0;
    } else {
      this.unlink(w, this.words[w]! & ~FLAGS);
    }
    this.place(w, size);
    this.lastError = null;
    return this.base + (w + 1) * 4;
  }

  free(address: number): boolean {
    const w = this.liveBlockAt(address);
    if (w === NIL) return false;
    const H = this.words;
    const header = H[w]!;
    const size = header & ~FLAGS;
    this.clearLive(w);
    this.liveBlocks--;
    this.livePayload -= size - ARENA_HEADER;
    let start = w;
    let total = size;
    let prevBit = header & PREV_USED;
    if (prevBit === 0) {
      const prevSize = H[w - 1]!;
      start = w - (prevSize >> 2);
      this.unlink(start, prevSize);
      total += prevSize;
      prevBit = H[start]! & PREV_USED;
    }
    this.releaseBlock(start, total, prevBit);
    this.lastError = null;
    return true;
  }

  realloc(address: number, bytes: number): number {
    const w = this.liveBlockAt(address);
    if (w === NIL) return 0;
    const want = BoundaryTagArena.blockSize(bytes);
    if (want < 0) {
      this.lastError = `cannot allocate ${bytes} bytes`;
      return 0;
    }
    let H = this.words;
    const header = H[w]!;
    const size = header & ~FLAGS;
    const prevBit = header & PREV_USED;
    if (want <= size) {
      if (size - want >= ARENA_MIN_BLOCK) {
        H[w] = want | USED | prevBit;
        this.livePayload -= size - want;
        this.releaseBlock(w + (want >> 2), size - want, PREV_USED);
      }
      this.lastError = null;
      return address;
    }
    const next = w + (size >> 2);
    let available = size;
    const nextFree = next < this.top && (H[next]! & USED) === 0;
    if (nextFree) available += H[next]! & ~FLAGS;
    if (available < want && (next === this.top || (nextFree && next === this.lastFree))) {
      // The block ends the heap (or only the wilderness follows it): grow the region under it.
      const pages = Math.ceil((want - available) / this.pageSize);
      if (this.growRegion(pages)) {
        H = this.words;
        if (nextFree) this.unlink(next, H[next]! & ~FLAGS);
        this.lastFree = NIL;
        this.top += (pages * this.pageSize) >> 2;
        this.growLiveStarts();
        this.resizeInPlace(w, size, available + pages * this.pageSize, want, prevBit);
        this.lastError = null;
        return address;
      }
    } else if (available >= want) {
      if (nextFree) {
        this.unlink(next, H[next]! & ~FLAGS);
        if (next === this.lastFree) this.lastFree = NIL;
      }
      this.resizeInPlace(w, size, available, want, prevBit);
      this.lastError = null;
      return address;
    }
    const moved = this.malloc(bytes);
    if (moved === 0) return 0;
    const from = (w + 1) * 4;
    this.bytes.copyWithin(moved - this.base, from, from + size - ARENA_HEADER);
    this.free(address);
    return moved;
  }

  /** The block at `w` (of `size`) now spans `total` bytes; keeps `want` and frees the rest. */
  private resizeInPlace(w: number, size: number, total: number, want: number, prevBit: number): void {
    const H = this.words;
    const rest = total - want;
    if (rest >= ARENA_MIN_BLOCK) {
      H[w] = want | USED | prevBit;
      this.livePayload += want - size;
      this.releaseBlock(w + (want >> 2), rest, PREV_USED);
    } else {
      H[w] = total | USED | prevBit;
      this.livePayload += total - size;
      const after = w + (total >> 2);
      if (after < this.top) H[after] = H[after]! | PREV_USED;
    }
  }

  payload(address: number, length: number): Uint8Array {
    const from = address - this.base;
    return this.bytes.subarray(from, from + length);
  }

  /** Payload bytes of the live block at `address` (0 when it is not one). */
  usableSize(address: number): number {
    const w = this.liveBlockAt(address);
    return w === NIL ? 0 : (this.words[w]! & ~FLAGS) - ARENA_HEADER;
  }

  // ------------------------------------------------------------------ placement

  /** Takes the free block `w` (already out of the free lists) for a block of `size` bytes. */
  private place(w: number, size: number): void {
    const H = this.words;
    const header = H[w]!;
    const total = header & ~FLAGS;
    const prevBit = header & PREV_USED;
    const rest = total - size;
    if (rest >= ARENA_MIN_BLOCK) {
      H[w] = size | USED | prevBit;
      const r = w + (size >> 2);
      H[r] = rest | PREV_USED;
      H[r + (rest >> 2) - 1] = rest;
      if (this.lastFree === w) this.lastFree = r;
      this.link(r, rest);
    } else {
      H[w] = total | USED | prevBit;
      const after = w + (total >> 2);
      if (after < this.top) H[after] = H[after]! | PREV_USED;
      if (this.lastFree === w) this.lastFree = NIL;
    }
    this.setLive(w);
    this.liveBlocks++;
    this.livePayload += (H[w]! & ~FLAGS) - ARENA_HEADER;
  }

  /**
   * Makes `start` (not in any list, `total` bytes, predecessor used) a free block: merges the
   * free block after it, clears the follower's PREV_USED, and gives whole pages at the top back.
   */
  private releaseBlock(start: number, total: number, prevBit: number): void {
    const H = this.words;
    let end = start + (total >> 2);
    if (end < this.top) {
      const nextHeader = H[end]!;
      if ((nextHeader & USED) === 0) {
        const nextSize = nextHeader & ~FLAGS;
        this.unlink(end, nextSize);
        total += nextSize;
        end += nextSize >> 2;
      } else {
        H[end] = nextHeader & ~PREV_USED;
      }
    }
    if (end === this.top) {
      this.lastFree = start;
      // Give back every whole page above the block's start (keeping a tail of ≥ 16 bytes or none).
      const startByte = start * 4;
      let keep = Math.ceil(startByte / this.pageSize) * this.pageSize;
      if (keep - startByte > 0 && keep - startByte < ARENA_MIN_BLOCK) keep += this.pageSize;
      const topByte = this.top * 4;
      if (keep < topByte) {
        this.region.shrink((topByte - keep) / this.pageSize);
        this.top = keep >> 2;
        total = keep - startByte;
        if (total === 0) {
          this.lastFree = NIL;
          if (this.rover === start) this.rover = NIL;
          return;
        }
      }
    }
    H[start] = total | prevBit;
    H[start + (total >> 2) - 1] = total;
    this.link(start, total);
  }

  /** Grows the region for a block of `size`, merging the wilderness; returns the block (not in a list). */
  private extend(size: number): number {
    const last = this.lastFree;
    const have = last === NIL ? 0 : this.words[last]! & ~FLAGS;
    const pages = Math.ceil((size - have) / this.pageSize);
    if (!this.growRegion(pages)) return NIL;
    const H = this.words;
    const added = pages * this.pageSize;
    let w: number;
    if (last !== NIL) {
      this.unlink(last, have);
      w = last;
      H[w] = (have + added) | (H[w]! & PREV_USED);
    } else {
      w = this.top;
      H[w] = added | PREV_USED;
      this.lastFree = w;
    }
    this.top += added >> 2;
    this.growLiveStarts();
    return w;
  }

  private growRegion(pages: number): boolean {
    if (!this.region.grow(pages)) {
      this.lastError = `out of memory: cannot map ${pages} more page(s)`;
      return false;
    }
    if (this.region.bytes !== this.bytes) {
      this.bytes = this.region.bytes;
      this.words = new Int32Array(this.bytes.buffer);
    }
    return true;
  }

  private growLiveStarts(): void {
    const needed = (this.top >>> 5) + 1;
    if (needed > this.liveStarts.length) {
      const bigger = new Uint32Array(Math.max(needed, this.liveStarts.length * 2));
      bigger.set(this.liveStarts);
      this.liveStarts = bigger;
    }
  }

  // ------------------------------------------------------------------ free lists

  private binOf(size: number): number {
    if (!this.binned) return 0;
    if (size < LINEAR_LIMIT) return size >> 2;
    const fl = 31 - Math.clz32(size);
    return 32 + (fl - 7) * 16 + ((size >>> (fl - SUB_BITS)) & 15);
  }

  private link(w: number, size: number): void {
    const H = this.words;
    const bin = this.binOf(size);
    const head = this.heads[bin]!;
    H[w + 1] = head;
    H[w + 2] = NIL;
    if (head !== NIL) H[head + 2] = w;
    else this.nonEmpty[bin >>> 5] = this.nonEmpty[bin >>> 5]! | (1 << (bin & 31));
    this.heads[bin] = w;
  }

  private unlink(w: number, size: number): void {
    const H = this.words;
    const next = H[w + 1]!;
    const prev = H[w + 2]!;
    if (this.rover === w) this.rover = next;
    if (prev !== NIL) H[prev + 1] = next;
    else {
      const bin = this.binOf(size);
      this.heads[bin] = next;
      if (next === NIL) this.nonEmpty[bin >>> 5] = this.nonEmpty[bin >>> 5]! & ~(1 << (bin & 31));
    }
    if (next !== NIL) H[next + 2] = prev;
  }

  /** The first non-empty bin at or above `from`, or -1. */
  private nextBin(from: number): number {
    const map = this.nonEmpty;
    let i = from >>> 5;
    if (i >= map.length) return -1;
    let bits = map[i]! & (~0 << (from & 31));
    while (bits === 0) {
      if (++i >= map.length) return -1;
      bits = map[i]!;
    }
    return (i << 5) + 31 - Math.clz32(bits & -bits);
  }

  private find(size: number): number {
    const H = this.words;
    switch (this.strategy) {
      case 'first':
        for (let w = this.heads[0]!; w !== NIL; w = H[w + 1]!) if ((H[w]! & ~FLAGS) >= size) return w;
        return NIL;
      case 'next': {
        const start = this.rover === NIL ? this.heads[0]! : this.rover;
        for (let w = start; w !== NIL; w = H[w + 1]!) if ((H[w]! & ~FLAGS) >= size) return (this.rover = w);
        for (let w = this.heads[0]!; w !== start; w = H[w + 1]!) if ((H[w]! & ~FLAGS) >= size) return (this.rover = w);
        return NIL;
      }
      case 'best': {
        let bin = this.binOf(size);
        const best = this.smallestFit(this.heads[bin]!, size);
        if (best !== NIL) return best;
        bin = this.nextBin(bin + 1);
        return bin < 0 ? NIL : this.smallestFit(this.heads[bin]!, size);
      }
      case 'good': {
        // TLSF: round the request up to its sub-bin's upper bound so any block of the bin found fits.
        let bin: number;
        if (size < LINEAR_LIMIT) bin = size >> 2;
        else {
          const rounded = size + (1 << (31 - Math.clz32(size) - SUB_BITS)) - 1;
          bin = this.binOf(rounded);
        }
        bin = this.nextBin(bin);
        return bin < 0 ? NIL : this.heads[bin]!;
      }
    }
  }

  /** The smallest block of one free list that holds `size` bytes (an exact fit ends the walk). */
  private smallestFit(head: number, size: number): number {
    const H = this.words;
    let best = NIL;
    let bestSize = Infinity;
    for (let w = head; w !== NIL; w = H[w + 1]!) {
      const s = H[w]! & ~FLAGS;
      if (s >= size && s < bestSize) {
        best = w;
        bestSize = s;
        if (s === size) break;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------ live-block bits

  /** The header word of the live block whose payload is at `address`, or NIL (with `lastError`). */
  private liveBlockAt(address: number): number {
    const offset = address - this.base;
    const w = (offset >> 2) - 1;
    // The range test comes first: the shifts below see only 32 bits of an address far outside.
    if (!(offset >= 4 && offset < this.top * 4) || !Number.isInteger(offset) || (offset & 3) !== 0 || !this.isLive(w)) {
      this.lastError = `invalid free or realloc: 0x${address.toString(16)} is not a live block`;
      return NIL;
    }
    return w;
  }

  private isLive(w: number): boolean {
    return (this.liveStarts[w >>> 5]! & (1 << (w & 31))) !== 0;
  }

  private setLive(w: number): void {
    this.liveStarts[w >>> 5] = this.liveStarts[w >>> 5]! | (1 << (w & 31));
  }

  private clearLive(w: number): void {
    this.liveStarts[w >>> 5] = this.liveStarts[w >>> 5]! & ~(1 << (w & 31));
  }

  // ------------------------------------------------------------------ views and checks

  /** The blocks in address order (offsets from `base`). */
  blocks(): PolicyBlock[] {
    const H = this.words;
    const blocks: PolicyBlock[] = [];
    for (let w = 0; w < this.top;) {
      const size = H[w]! & ~FLAGS;
      if (size < ARENA_MIN_BLOCK) break;
      const used = (H[w]! & USED) !== 0;
      blocks.push({
        offset: w * 4,
        header: ARENA_HEADER,
        size: size - ARENA_HEADER,
        state: used ? 'used' : 'free',
        family: null,
      });
      w += size >> 2;
    }
    return blocks;
  }

  check(name: string): string[] {
    const problems: string[] = [];
    const H = this.words;
    const free = new Set<number>();
    let w = 0;
    let prevUsed = true;
    let lastBlock = NIL;
    let live = 0;
    let payload = 0;
    while (w < this.top) {
      const header = H[w]!;
      const size = header & ~FLAGS;
      const used = (header & USED) !== 0;
      if (size < ARENA_MIN_BLOCK || w + (size >> 2) > this.top) {
        problems.push(`${name}: block at word ${w} has an impossible size ${size}`);
        return problems;
      }
      if (((header & PREV_USED) !== 0) !== prevUsed) problems.push(`${name}: block at word ${w} has a wrong PREV_USED bit`);
      if (used !== this.isLive(w)) problems.push(`${name}: block at word ${w} disagrees with the live-block bits`);
      if (used) {
        live++;
        payload += size - ARENA_HEADER;
      } else {
        if (!prevUsed) problems.push(`${name}: adjacent free blocks at word ${w}`);
        if (H[w + (size >> 2) - 1] !== size) problems.push(`${name}: free block at word ${w} has a wrong footer`);
        free.add(w);
      }
      prevUsed = used;
      lastBlock = w;
      w += size >> 2;
    }
    if (w !== this.top) problems.push(`${name}: blocks end at word ${w}, the top is ${this.top}`);
    if (this.top * 4 !== this.region.usedBytes)
      problems.push(`${name}: top ${this.top * 4} ≠ used region bytes ${this.region.usedBytes}`);
    const expectedLast = lastBlock !== NIL && free.has(lastBlock) ? lastBlock : NIL;
    if (this.lastFree !== expectedLast)
      problems.push(`${name}: wilderness is ${this.lastFree}, the last free block is ${expectedLast}`);
    if (live !== this.liveBlocks || payload !== this.livePayload) {
      problems.push(
        `${name}: counters say ${this.liveBlocks} blocks / ${this.livePayload} bytes, a recount ${live} / ${payload}`,
      );
    }
    let bits = 0;
    for (const word of this.liveStarts) for (let x = word; x !== 0; x &= x - 1) bits++;
    if (bits !== live) problems.push(`${name}: ${bits} live-block bits for ${live} live blocks`);
    let listed = 0;
    for (let bin = 0; bin < this.heads.length; bin++) {
      let prev = NIL;
      const nonEmpty = (this.nonEmpty[bin >>> 5]! & (1 << (bin & 31))) !== 0;
      if (nonEmpty !== (this.heads[bin] !== NIL)) problems.push(`${name}: bin ${bin} bitmap bit is wrong`);
      for (let f = this.heads[bin]!; f !== NIL; f = H[f + 1]!) {
        if (!free.has(f)) {
          problems.push(`${name}: bin ${bin} lists word ${f}, which is not a free block`);
          break;
        }
        if (this.binOf(H[f]! & ~FLAGS) !== bin) problems.push(`${name}: free block at word ${f} is in the wrong bin`);
        if (H[f + 2] !== prev) problems.push(`${name}: free block at word ${f} has a wrong back link`);
        free.delete(f);
        listed++;
        prev = f;
      }
    }
    for (const f of free) problems.push(`${name}: free block at word ${f} is in no free list`);
    if (this.rover !== NIL && (this.rover >= this.top || (H[this.rover]! & USED) !== 0)) {
      problems.push(`${name}: next-fit's rover ${this.rover} is not a free block`);
    }
    void listed;
    return problems;
  }

  /** Word offsets in blocks are bytes ÷ 4; exposed for tests. */
  get topBytes(): number {
    return this.top * 4;
  }
}
