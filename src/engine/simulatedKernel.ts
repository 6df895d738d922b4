/**
 * A simulated kernel that maps and unmaps VM pages of `pageSize` bytes at virtual addresses.
 *
 * Addresses are handed out top-down from a fixed top, lowest free slot first, the way Linux's
 * top-down mmap fills the highest free gap: the first page sits just under the top, and a page
 * that is unmapped leaves a hole the next mmap reuses. Addresses are plain numbers (well below
 * 2^53), and pointers stored in page bytes are little-endian 8-byte values, as on x86-64.
 *
 * A memory cap makes mmap fail (return 0, like MAP_FAILED/ENOMEM) instead of letting a runaway
 * program exhaust the real process.
 */

/** The top of the simulated mmap area (a typical x86-64 user-space address). */
export const MMAP_TOP = 0x7f0000000000;
/** Unmapped page buffers kept for reuse: enough to absorb map/unmap churn at a page boundary. */
const SPARE_PAGES = 8;
/** Default cap on mapped bytes: 1 GiB. */
export const DEFAULT_MEMORY_CAP = 1 << 30;

/**
 * The page reservoir: pages given back are kept mapped (no munmap) so that the next mmap costs no
 * system call. Off by default, which is LMM classic's behaviour (a page is unmapped as it empties).
 */
export interface ReservoirOptions {
  /** Keep at most this many empty pages mapped (default: unlimited when `delay` is set, else 0). */
  pages?: number;
  /** Unmap a kept page once this many operations (`tick` calls) have passed (0 = keep until reused). */
  delay?: number;
}

/** A kernel's state apart from page bytes (see `SimulatedKernel.saveState`). */
export interface KernelState {
  /** Call counters, page counts, the clock, the high water mark and the last-call flags. */
  counters: Float64Array;
  /** Mapped slots, ascending. */
  slots: Int32Array;
  freeSlots: Int32Array;
  keptSlots: Int32Array;
  keptAt: Float64Array;
}

export class SimulatedKernel {
  readonly pageSize: number;
  readonly memoryCap: number;
  /** 1 / pageSize when that is exact (a power of two), else 0. */
  private readonly inversePageSize: number;
  /** log2(pageSize) when that is a whole number, else -1. */
  private readonly pageShift: number;
  /** mmap calls that succeeded, and munmap calls. */
  mmapCalls = 0;
  munmapCalls = 0;
  /** mmap calls refused by the memory cap. */
  failedMmapCalls = 0;
  mappedPages = 0;
  peakMappedPages = 0;

  /** Page bytes by slot; `undefined` for a slot that is not mapped. */
  private readonly views: (DataView | undefined)[] = [];
  private readonly bytes: (Uint8Array | undefined)[] = [];
  /** 32-bit views of `bytes`, made on demand (wordsOfSlot). */
  private readonly words: (Uint32Array | undefined)[] = [];
  /** Unmapped slots below `highWater`, kept as a min-heap so the highest address is reused first. */
  private readonly freeSlots: number[] = [];
  private highWater = 0;
  /** Recycled page buffers, zeroed again on mmap (mmap gives zero-filled pages). */
  private readonly spare: Uint8Array[] = [];
  /** Most buffers `spare` keeps (see keepUnmappedPages). */
  private spareLimit = SPARE_PAGES;

  /** Reservoir limits (0 pages = off) and the operation clock that ages kept pages. */
  readonly reservoirLimit: number;
  readonly reservoirDelay: number;
  clock = 0;
  /** Pages kept mapped by the reservoir (single pages here plus pages parked by page regions). */
  reservoirPages = 0;
  /** Whether the last mmap reused a kept page, and whether the last munmap kept the page. */
  lastMmapReused = false;
  lastMunmapKept = false;
  /** Kept single pages, oldest first: slot and the clock when it was kept. */
  private readonly keptSlots: number[] = [];
  private readonly keptAt: number[] = [];

  constructor(pageSize: number, memoryCap: number = DEFAULT_MEMORY_CAP, reservoir: ReservoirOptions = {}) {
    this.pageSize = pageSize;
    this.inversePageSize = (pageSize & (pageSize - 1)) === 0 ? 1 / pageSize : 0;
    this.pageShift = this.inversePageSize !== 0 ? 31 - Math.clz32(pageSize) : -1;
    this.memoryCap = memoryCap;
    const delay = reservoir.delay ?? 0;
    this.reservoirDelay = Number.isInteger(delay) && delay > 0 ? delay : 0;
    const limit = reservoir.pages ?? (this.reservoirDelay > 0 ? Infinity : 0);
    this.reservoirLimit = limit > 0 ? limit : 0;
  }

  /** Counts one operation; with a delay, unmaps the kept pages that have waited long enough. */
  tick(): void {
    this.clock++;
    if (this.reservoirDelay > 0 && this.keptSlots.length > 0 && this.clock - this.keptAt[0]! >= this.reservoirDelay) {
      while (this.keptSlots.length > 0 && this.clock - this.keptAt[0]! >= this.reservoirDelay) {
        this.keptAt.shift();
        this.unmapSlot(this.keptSlots.shift()!);
        this.reservoirPages--;
      }
    }
  }

  /** Whether the reservoir may keep one more page now. */
  reservoirHasRoom(): boolean {
    return this.reservoirPages < this.reservoirLimit;
  }

  /**
   * Slot bookkeeping for page regions (`src/policies/pageRegion.ts`): reserves `count`
   * contiguous slots (address space only, no system call); returns the first slot.
   */
  reserveSlots(count: number): number {
    const first = this.highWater;
    this.highWater += count;
    return first;
  }

  /** Counts one mmap call of `pages` pages made by a page region; false (and nothing counted) past the cap. */
  accountMap(pages: number): boolean {
    if ((this.mappedPages + pages) * this.pageSize > this.memoryCap) {
      this.failedMmapCalls++;
      return false;
    }
    this.mmapCalls++;
    this.mappedPages += pages;
    if (this.mappedPages > this.peakMappedPages) this.peakMappedPages = this.mappedPages;
    return true;
  }

  /** Counts one munmap call of `pages` pages made by a page region. */
  accountUnmap(pages: number): void {
    this.munmapCalls++;
    this.mappedPages -= pages;
  }

  /** Maps one zero-filled page; returns its address, or 0 when the memory cap is reached. */
  mmap(): number {
    if (this.keptSlots.length > 0) {
      // The newest kept page: still mapped, so no system call; zero it as a fresh mapping would be.
      const slot = this.keptSlots.pop()!;
      this.keptAt.pop();
      this.reservoirPages--;
      if (this.watched !== null) this.touch(slot);
      this.bytes[slot]!.fill(0);
      this.lastMmapReused = true;
      return this.pageAddress(slot);
    }
    this.lastMmapReused = false;
    if ((this.mappedPages + 1) * this.pageSize > this.memoryCap) {
      this.failedMmapCalls++;
      return 0;
    }
    const slot = this.freeSlots.length > 0 ? popMin(this.freeSlots) : this.highWater++;
    let page = this.spare.pop();
    if (page) page.fill(0);
    else page = new Uint8Array(this.pageSize);
    this.bytes[slot] = page;
    this.views[slot] = new DataView(page.buffer, page.byteOffset, page.byteLength);
    this.words[slot] = undefined;
    this.mmapCalls++;
    this.mappedPages++;
    if (this.mappedPages > this.peakMappedPages) this.peakMappedPages = this.mappedPages;
    return this.pageAddress(slot);
  }

  /** Unmaps the page at `address` (a page address returned by mmap). */
  munmap(address: number): void {
    const slot = this.slotOf(address);
    if (this.watched !== null) this.touch(slot);
    const page = this.bytes[slot];
    if (!page || this.pageAddress(slot) !== address) {
      throw new Error(`munmap of an address that is not a mapped page: 0x${address.toString(16)}`);
    }
    if (this.reservoirPages < this.reservoirLimit) {
      this.keptSlots.push(slot);
      this.keptAt.push(this.clock);
      this.reservoirPages++;
      this.lastMunmapKept = true;
      return;
    }
    this.lastMunmapKept = false;
    this.unmapSlot(slot);
  }

  private unmapSlot(slot: number): void {
    if (this.watched !== null) this.touch(slot);
    const page = this.bytes[slot]!;
    this.bytes[slot] = undefined;
    this.views[slot] = undefined;
    this.words[slot] = undefined;
    if (this.spare.length < this.spareLimit) this.spare.push(page);
    pushMin(this.freeSlots, slot);
    this.munmapCalls++;
    this.mappedPages--;
  }

  /** The slot (page number, counted down from the top) that holds `address`. */
  slotOf(address: number): number {
    // With a power-of-two page size the reciprocal is exact, so a multiplication gives the same
    // quotient as the (slower) division.
    const distance = MMAP_TOP - 1 - address;
    return Math.floor(this.inversePageSize !== 0 ? distance * this.inversePageSize : distance / this.pageSize);
  }

  /**
   * The slot of the address whose handle (low 32 bits as an int32, see pointers.ts) is `handle`,
   * in int32 arithmetic: (-handle) >>> 0 is the distance from the top, whatever the sign.
   */
  slotOfHandle(handle: number): number {
    const below = ((-handle >>> 0) - 1) >>> 0;
    return this.pageShift >= 0 ? below >>> this.pageShift : Math.floor(below / this.pageSize);
  }

  /** The offset inside its page (in `slot`) of the address whose handle is `handle`. */
  offsetOfHandle(handle: number, slot: number): number {
    return (slot + 1) * this.pageSize - (-handle >>> 0);
  }

  pageAddress(slot: number): number {
    return MMAP_TOP - (slot + 1) * this.pageSize;
  }

  /** The address of the page that holds `address`. */
  pageOf(address: number): number {
    return this.pageAddress(this.slotOf(address));
  }

  isMapped(address: number): boolean {
    if (!(address > 0 && address < MMAP_TOP)) return false;
    return this.views[this.slotOf(address)] !== undefined;
  }

  /** The DataView of a mapped page by slot (callers check `isMapped` for untrusted input). */
  viewOfSlot(slot: number): DataView {
    if (this.watched !== null) this.touch(slot);
    return this.views[slot]!;
  }

  /**
   * A mapped page's bytes as 32-bit words, by slot (made on first use and kept while the slot
   * holds the same buffer: a time-travel restore writes every page through one, each time).
   */
  wordsOfSlot(slot: number): Uint32Array {
    if (this.watched !== null) this.touch(slot);
    let words = this.words[slot];
    if (words === undefined) {
      const page = this.bytes[slot]!;
      words = this.words[slot] = new Uint32Array(page.buffer, page.byteOffset, page.byteLength >>> 2);
    }
    return words;
  }

  /** The bytes of a mapped page by slot. */
  bytesOfSlot(slot: number): Uint8Array {
    if (this.watched !== null) this.touch(slot);
    return this.bytes[slot]!;
  }

  /** The DataView of the page that holds `address`. */
  view(address: number): DataView {
    const slot = this.slotOf(address);
    if (this.watched !== null) this.touch(slot);
    return this.views[slot]!;
  }

  /** The bytes of a mapped page by slot, for reading only (no touch: see `peekView`). */
  peekBytesOfSlot(slot: number): Uint8Array {
    return this.bytes[slot]!;
  }

  /**
   * The DataView of the page that holds `address`, for reading only: unlike `view` it does not
   * count as a touch of a watched page (queries that draw a heap must not copy it).
   */
  peekView(address: number): DataView {
    return this.views[this.slotOf(address)]!;
  }

  /** The bytes of the page that holds `address`, or undefined when it is not mapped. */
  pageBytes(address: number): Uint8Array | undefined {
    if (!(address > 0 && address < MMAP_TOP)) return undefined;
    const slot = this.slotOf(address);
    if (this.watched !== null) this.touch(slot);
    return this.bytes[slot];
  }

  /**
   * Copy-before-touch, for snapshots taken a few pages at a time (`heapSnapshot.ts`): until
   * `unwatch`, the first access to a slot marked 1 in `watched` (through view, viewOfSlot,
   * bytesOfSlot, pageBytes, munmap or a reservoir reuse) first calls `beforeTouch(slot)`, which
   * can still read the page as it was. Only for heaps whose views are not kept across calls
   * (the time-travel replica: a harness keeps views of user structs).
   */
  watch(watched: Uint8Array, beforeTouch: (slot: number) => void): void {
    this.watched = watched;
    this.beforeTouch = beforeTouch;
  }

  unwatch(): void {
    this.watched = null;
    this.beforeTouch = null;
  }

  private watched: Uint8Array | null = null;
  private beforeTouch: ((slot: number) => void) | null = null;

  private touch(slot: number): void {
    if (this.watched![slot] === 1) {
      this.watched![slot] = 0;
      this.beforeTouch!(slot);
    }
  }

  mappedBytes(): number {
    return this.mappedPages * this.pageSize;
  }

  /** A deep copy: the same pages (bytes copied), slots and counters (for time-travel snapshots). */
  clone(): SimulatedKernel {
    const copy = new SimulatedKernel(this.pageSize, this.memoryCap, {
      pages: this.reservoirLimit,
      delay: this.reservoirDelay,
    });
    copy.clock = this.clock;
    copy.reservoirPages = this.reservoirPages;
    copy.keptSlots.push(...this.keptSlots);
    copy.keptAt.push(...this.keptAt);
    copy.mmapCalls = this.mmapCalls;
    copy.munmapCalls = this.munmapCalls;
    copy.failedMmapCalls = this.failedMmapCalls;
    copy.mappedPages = this.mappedPages;
    copy.peakMappedPages = this.peakMappedPages;
    for (let slot = 0; slot < this.bytes.length; slot++) {
      const page = this.bytes[slot];
      if (page === undefined) continue;
      const bytes = page.slice();
      copy.bytes[slot] = bytes;
      copy.views[slot] = new DataView(bytes.buffer);
    }
    for (const slot of this.freeSlots) copy.freeSlots.push(slot);
    copy.highWater = this.highWater;
    return copy;
  }

  /**
   * Everything but the page bytes, for time-travel snapshots (`heapSnapshot.ts`): a few typed
   * arrays, so a snapshot costs no allocation per page.
   */
  saveState(): KernelState {
    const slots: number[] = [];
    for (let slot = 0; slot < this.bytes.length; slot++) if (this.bytes[slot] !== undefined) slots.push(slot);
    return {
      counters: Float64Array.of(
        this.mmapCalls,
        this.munmapCalls,
        this.failedMmapCalls,
        this.mappedPages,
        this.peakMappedPages,
        this.clock,
        this.reservoirPages,
        this.highWater,
        this.lastMmapReused ? 1 : 0,
        this.lastMunmapKept ? 1 : 0,
      ),
      slots: Int32Array.from(slots),
      freeSlots: Int32Array.from(this.freeSlots),
      keptSlots: Int32Array.from(this.keptSlots),
      keptAt: Float64Array.from(this.keptAt),
    };
  }

  /**
   * Returns to a saved state in place: exactly `state.slots` end up mapped, keeping this kernel's
   * buffer (and DataView) for every slot mapped before and after, so views held elsewhere stay
   * valid. The bytes of the mapped pages are left as they were: the caller overwrites them.
   */
  /**
   * Keeps every unmapped page's buffer for reuse, and makes sure `pages` buffers are at hand.
   * For a heap that is restored and replayed over and over (time travel): without it, a replay
   * that shrinks the heap drops buffers that the next restore must allocate and fault in again.
   */
  keepUnmappedPages(pages = 0): void {
    this.spareLimit = Infinity;
    const missing = pages - this.mappedPages - this.spare.length;
    if (missing <= 0) return;
    const arena = new Uint8Array(missing * this.pageSize);
    arena.fill(0); // fault the memory in now, not during the first restore
    for (let i = 0; i < missing; i++) this.spare.push(arena.subarray(i * this.pageSize, (i + 1) * this.pageSize));
  }

  restoreState(state: KernelState): void {
    const c = state.counters;
    this.mmapCalls = c[0]!;
    this.munmapCalls = c[1]!;
    this.failedMmapCalls = c[2]!;
    this.mappedPages = c[3]!;
    this.peakMappedPages = c[4]!;
    this.clock = c[5]!;
    this.reservoirPages = c[6]!;
    this.highWater = c[7]!;
    this.lastMmapReused = c[8] === 1;
    this.lastMunmapKept = c[9] === 1;
    const slots = state.slots;
    // Unmap (into the spare pool, unbounded here: a restore may swap thousands of pages) every
    // mapped slot the state does not map; both lists ascend.
    let next = 0;
    for (let slot = 0; slot < this.bytes.length; slot++) {
      while (next < slots.length && slots[next]! < slot) next++;
      const page = this.bytes[slot];
      if (page === undefined || (next < slots.length && slots[next] === slot)) continue;
      this.spare.push(page);
      this.bytes[slot] = undefined;
      this.views[slot] = undefined;
      this.words[slot] = undefined;
    }
    // Pages to map beyond the spare ones come from one buffer: one allocation, not thousands.
    let missing = -this.spare.length;
    for (const slot of slots) if (this.bytes[slot] === undefined) missing++;
    const arena = missing > 0 ? new Uint8Array(missing * this.pageSize) : null;
    let carved = 0;
    for (const slot of slots) {
      if (this.bytes[slot] !== undefined) continue;
      const page = this.spare.pop() ?? arena!.subarray(carved * this.pageSize, ++carved * this.pageSize);
      this.bytes[slot] = page;
      this.views[slot] = new DataView(page.buffer, page.byteOffset, page.byteLength);
      this.words[slot] = undefined;
    }
    const end = slots.length > 0 ? slots[slots.length - 1]! + 1 : 0;
    if (this.bytes.length > end) {
      this.bytes.length = end;
      this.views.length = end;
      this.words.length = Math.min(this.words.length, end);
    }
    this.freeSlots.length = 0;
    for (const slot of state.freeSlots) this.freeSlots.push(slot);
    this.keptSlots.length = 0;
    for (const slot of state.keptSlots) this.keptSlots.push(slot);
    this.keptAt.length = 0;
    for (const at of state.keptAt) this.keptAt.push(at);
  }
}

function pushMin(heap: number[], value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function popMin(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    const n = heap.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]! < heap[child]!) child++;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
  return top;
}
