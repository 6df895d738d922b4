/**
 * The binary buddy system: every block is a power of two (16 bytes at least) at an offset that is a
 * multiple of its size, so a block's buddy is at `offset XOR size` and merging is O(1) per level.
 * Requests are rounded up to a power of two: the price of fast merging is internal fragmentation.
 *
 * The heap is one block of 2^order bytes in a page region: it doubles (one mmap) when a request
 * does not fit and halves (one munmap) when its upper half is one free block.
 *
 * Layout, in the region's bytes: a 4-byte header per block, `order << 1 | USED`; a free block
 * also holds its free-list links (next, prev: byte offsets ÷ 4, −1 = none) after the header.
 */
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { DEFAULT_MEMORY_CAP, SimulatedKernel } from '../engine/simulatedKernel';
import {
  kernelStatistics,
  type AllocatorPolicy,
  type PolicyBlock,
  type PolicyMapping,
  type PolicyOptions,
  type PolicyStatistics,
} from './allocatorPolicy';
import { PageRegion } from './pageRegion';

const USED = 1;
const NIL = -1;
export const BUDDY_HEADER = 4;
const MIN_ORDER = 4;
const MAX_ORDER = 30;

export class BuddyPolicy implements AllocatorPolicy {
  readonly name = 'buddy';
  readonly kernel: SimulatedKernel;
  readonly maxRequest = Infinity;
  lastError: string | null = null;
  private readonly region: PageRegion;
  private readonly pageOrder: number;
  /** The heap is one block of 2^heapOrder bytes (0 pages: heapOrder = -1). */
  private heapOrder = -1;
  private words: Int32Array;
  private bytes: Uint8Array;
  /** Free-list heads per order (word index of the header). */
  private readonly heads = new Int32Array(MAX_ORDER + 1).fill(NIL);
  /** One bit per 16-byte granule: set where a live block starts (catches bad frees). */
  private live = new Uint32Array(1);
  private liveBlocks = 0;
  private livePayload = 0;
  private readonly delayed: boolean;

  constructor(options: PolicyOptions = {}) {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const cap = options.memoryCap ?? DEFAULT_MEMORY_CAP;
    this.kernel = new SimulatedKernel(pageSize, cap, options.reservoir);
    this.region = new PageRegion(this.kernel, Math.floor(cap / pageSize));
    this.pageOrder = 31 - Math.clz32(pageSize);
    this.bytes = this.region.bytes;
    this.words = new Int32Array(this.bytes.buffer);
    this.delayed = this.kernel.reservoirDelay > 0;
  }

  registerFamily(): number {
    return -1;
  }

  /** The order of the block that serves `bytes`, or -1. */
  static orderFor(bytes: number): number {
    if (!(bytes >= 0) || bytes > 2 ** MAX_ORDER - BUDDY_HEADER) return -1;
    const need = bytes + BUDDY_HEADER;
    const order = need <= 1 << MIN_ORDER ? MIN_ORDER : 32 - Math.clz32(need - 1);
    return order;
  }

  allocate(bytes: number): number {
    this.tick();
    const order = BuddyPolicy.orderFor(bytes);
    if (order < 0) {
      this.lastError = `cannot allocate ${bytes} bytes`;
      return 0;
    }
    let k = order;
    while (k <= this.heapOrder && this.heads[k] === NIL) k++;
    if (k > this.heapOrder) {
      if (!this.growFor(order)) return 0;
      k = order;
      while (this.heads[k] === NIL) k++;
    }
    const H = this.words;
    const w = this.heads[k]!;
    this.unlink(w, k);
    // Split down to the order asked for: the upper halves go to the free lists.
    while (k > order) {
      k--;
      const buddy = w + ((1 << k) >> 2);
      H[buddy] = k << 1;
      this.link(buddy, k);
    }
    H[w] = (order << 1) | USED;
    this.setLive(w, true);
    this.liveBlocks++;
    this.livePayload += (1 << order) - BUDDY_HEADER;
    this.lastError = null;
    return this.region.base + (w + 1) * 4;
  }

  free(address: number): boolean {
    this.tick();
    const w = this.liveBlockAt(address);
    if (w === NIL) return false;
    const H = this.words;
    let k = H[w]! >> 1;
    this.setLive(w, false);
    this.liveBlocks--;
    this.livePayload -= (1 << k) - BUDDY_HEADER;
    let start = w;
    while (k < this.heapOrder) {
      const buddy = start ^ ((1 << k) >> 2);
      if (H[buddy] !== k << 1) break; // used, or split into smaller blocks
      this.unlink(buddy, k);
      start = Math.min(start, buddy);
      k++;
    }
    H[start] = k << 1;
    this.link(start, k);
    this.shrink();
    this.lastError = null;
    return true;
  }

  realloc(address: number, bytes: number): number {
    const w = this.liveBlockAt(address);
    if (w === NIL) return 0;
    const capacity = (1 << (this.words[w]! >> 1)) - BUDDY_HEADER;
    if (bytes <= capacity) {
      this.lastError = null;
      return address;
    }
    const moved = this.allocate(bytes);
    if (moved === 0) return 0;
    const from = address - this.region.base;
    this.bytes.copyWithin(moved - this.region.base, from, from + capacity);
    this.free(address);
    return moved;
  }

  payload(address: number, length: number): Uint8Array {
    const from = address - this.region.base;
    return this.bytes.subarray(from, from + length);
  }

  statistics(): PolicyStatistics {
    return kernelStatistics(this.kernel, this.liveBlocks, this.livePayload, 0);
  }

  check(): string[] {
    const problems: string[] = [];
    const H = this.words;
    const heapWords = this.heapOrder < 0 ? 0 : (1 << this.heapOrder) >> 2;
    if (heapWords * 4 !== this.region.usedBytes)
      problems.push(`buddy: heap of ${heapWords * 4} B, region uses ${this.region.usedBytes} B`);
    const free = new Map<number, number>();
    let blocks = 0;
    let payload = 0;
    for (let w = 0; w < heapWords;) {
      const k = H[w]! >> 1;
      const used = (H[w]! & USED) !== 0;
      if (k < MIN_ORDER || k > this.heapOrder || (w * 4) % (1 << k) !== 0) {
        problems.push(`buddy: block at byte ${w * 4} has an impossible order ${k}`);
        return problems;
      }
      if (used !== this.isLive(w)) problems.push(`buddy: block at byte ${w * 4} disagrees with the live bits`);
      if (used) {
        blocks++;
        payload += (1 << k) - BUDDY_HEADER;
      } else {
        free.set(w, k);
        const buddy = w ^ ((1 << k) >> 2);
        if (k < this.heapOrder && H[buddy] === k << 1 && buddy < w)
          problems.push(`buddy: free buddies at bytes ${buddy * 4} and ${w * 4}`);
      }
      w += (1 << k) >> 2;
    }
    if (blocks !== this.liveBlocks || payload !== this.livePayload)
      problems.push(`buddy: counters ${this.liveBlocks}/${this.livePayload}, recount ${blocks}/${payload}`);
    for (let k = 0; k <= MAX_ORDER; k++) {
      let prev = NIL;
      for (let w = this.heads[k]!; w !== NIL; w = H[w + 1]!) {
        if (free.get(w) !== k) {
          problems.push(`buddy: order-${k} free list holds byte ${w * 4}, which is not a free block of that order`);
          break;
        }
        if (H[w + 2] !== prev) problems.push(`buddy: free block at byte ${w * 4} has a wrong back link`);
        free.delete(w);
        prev = w;
      }
    }
    for (const w of free.keys()) problems.push(`buddy: free block at byte ${w * 4} is in no free list`);
    if (this.heapOrder > this.pageOrder && H[0]! >> 1 < this.heapOrder && H[heapWords >> 1] === (this.heapOrder - 1) << 1) {
      problems.push('buddy: the upper half of the heap is free and was not given back');
    }
    if (this.region.mappedPages !== this.kernel.mappedPages)
      problems.push('buddy: the kernel counts pages the heap does not hold');
    return problems;
  }

  mappings(): PolicyMapping[] {
    if (this.heapOrder < 0) return [];
    const H = this.words;
    const blocks: PolicyBlock[] = [];
    for (let w = 0; w < (1 << this.heapOrder) >> 2;) {
      const k = H[w]! >> 1;
      if (k < MIN_ORDER) break;
      blocks.push({
        offset: w * 4,
        header: BUDDY_HEADER,
        size: (1 << k) - BUDDY_HEADER,
        state: H[w]! & USED ? 'used' : 'free',
        family: null,
      });
      w += (1 << k) >> 2;
    }
    return [{ address: this.region.base, pages: this.region.usedPages, kind: 'arena', blocks }];
  }

  dispose(): void {
    this.region.release();
  }

  // ------------------------------------------------------------------ heap size

  /** Doubles the heap until a free block of `order` or more exists; false (nothing changed) past the cap. */
  private growFor(order: number): boolean {
    if (this.heapOrder < 0) {
      const first = Math.max(order, this.pageOrder);
      if (!this.mapTo(first)) return false;
      this.heapOrder = first;
      this.words[0] = first << 1;
      this.link(0, first);
      return true;
    }
    while (this.firstFree(order) === NIL) {
      // The heap [0, 2^k) becomes the lower half of a heap twice as large; the upper half is free.
      const k = this.heapOrder;
      if (k >= MAX_ORDER || !this.mapTo(k + 1)) {
        this.lastError = `out of memory: cannot grow the buddy heap past ${2 ** k} bytes`;
        return false;
      }
      this.heapOrder = k + 1;
      const upper = (1 << k) >> 2;
      this.words[upper] = k << 1;
      this.link(upper, k);
    }
    return true;
  }

  /** Halves the heap while its upper half is one free block (and frees it all when empty). */
  private shrink(): void {
    const H = this.words;
    while (this.heapOrder > this.pageOrder) {
      const k = this.heapOrder - 1;
      const upper = (1 << k) >> 2;
      // One block spanning the whole heap hides the upper half's position (its word is stale data).
      if (H[0]! >> 1 > k || H[upper] !== k << 1) break;
      this.unlink(upper, k);
      this.region.shrink((1 << k) >> this.pageOrder);
      this.heapOrder = k;
      if (H[0] === k << 1) {
        // The lower half is free too: the heap is one free block of order k.
        break;
      }
    }
    if (this.heapOrder >= 0 && H[0] === this.heapOrder << 1) {
      this.unlink(0, this.heapOrder);
      this.region.shrink(this.region.usedPages);
      this.heapOrder = -1;
    }
  }

  private mapTo(order: number): boolean {
    const pages = 2 ** (order - this.pageOrder) - this.region.usedPages;
    if (!this.region.grow(pages)) {
      this.lastError = `out of memory: cannot map ${pages} more page(s)`;
      return false;
    }
    if (this.region.bytes !== this.bytes) {
      this.bytes = this.region.bytes;
      this.words = new Int32Array(this.bytes.buffer);
    }
    const granules = 2 ** (order - MIN_ORDER);
    if (granules > this.live.length * 32) {
      const bigger = new Uint32Array(Math.ceil(granules / 32));
      bigger.set(this.live);
      this.live = bigger;
    }
    return true;
  }

  private firstFree(order: number): number {
    for (let k = order; k <= this.heapOrder; k++) if (this.heads[k] !== NIL) return this.heads[k]!;
    return NIL;
  }

  // ------------------------------------------------------------------ free lists and live bits

  private link(w: number, k: number): void {
    const H = this.words;
    const head = this.heads[k]!;
    H[w + 1] = head;
    H[w + 2] = NIL;
    if (head !== NIL) H[head + 2] = w;
    this.heads[k] = w;
  }

  private unlink(w: number, k: number): void {
    const H = this.words;
    const next = H[w + 1]!;
    const prev = H[w + 2]!;
    if (prev !== NIL) H[prev + 1] = next;
    else this.heads[k] = next;
    if (next !== NIL) H[next + 2] = prev;
  }

  private liveBlockAt(address: number): number {
    const offset = address - this.region.base;
    const w = (offset >> 2) - 1;
    if (
      !Number.isInteger(offset) ||
      offset < 0 ||
      offset >= this.region.usedBytes ||
      (offset & 3) !== 0 ||
      w < 0 ||
      (w * 4) % 16 !== 0 ||
      this.heapOrder < 0 ||
      w * 4 >= 2 ** this.heapOrder ||
      !this.isLive(w)
    ) {
      this.lastError = `invalid free or realloc: 0x${address.toString(16)} is not a live block`;
      return NIL;
    }
    return w;
  }

  private isLive(w: number): boolean {
    const g = w >> 2;
    return (this.live[g >>> 5]! & (1 << (g & 31))) !== 0;
  }

  private setLive(w: number, on: boolean): void {
    const g = w >> 2;
    if (on) this.live[g >>> 5] = this.live[g >>> 5]! | (1 << (g & 31));
    else this.live[g >>> 5] = this.live[g >>> 5]! & ~(1 << (g & 31));
  }

  private tick(): void {
    this.kernel.tick();
    if (this.delayed) this.region.tick();
  }
}
