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
 *
 * Page bytes live in an arena of chunks: chunk c holds the pages of slots c × chunkPages up to
 * (c + 1) × chunkPages − 1, side by side in one buffer in address order (the highest slot first),
 * and is made when the first of them is mapped and let go when the last is unmapped. With a
 * power-of-two page size a chunk is a power-of-two span of addresses aligned to its size, so an
 * address's offset in its chunk is its low bits. The engine's hot path reaches a page through its
 * chunk (`chunkViewOfSlot`, `chunkOffsetOfHandle`): a handful of objects for the whole heap, where
 * one DataView and one buffer per page cost an extra dependent load, scattered over the JS heap,
 * for every page an operation touches. Other callers keep a DataView per page (`view`,
 * `viewOfSlot`, …), made on first use over the same bytes. The price is memory: a chunk is held
 * while any of its pages is mapped (part of a buffer cannot be given back), so a heap that shrinks
 * with its survivors spread over its chunks keeps up to its peak until they go (`heldBytes`).
 */

/** The top of the simulated mmap area (a typical x86-64 user-space address). */
export const MMAP_TOP = 0x7f0000000000;
/** Empty chunks kept for reuse: enough to absorb map/unmap churn at a chunk's edge. */
const SPARE_CHUNKS = 1;
/** Bytes of page data one chunk holds, when the page size is a power of two (else one page a chunk). */
const CHUNK_BYTES = 1 << 18;
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

  /** Pages per chunk (a power of two) and its log2: slot s is in chunk s >>> chunkShift. */
  readonly chunkPages: number;
  private readonly chunkShift: number;
  /** Bytes per chunk − 1 when the page size is a power of two (an offset in a chunk is `handle & chunkMask`), else 0. */
  private readonly chunkMask: number;
  /** chunkPages − 1: a slot's page number within its chunk is `slot & lastPageInChunk`. */
  private readonly lastPageInChunk: number;
  /** Chunks by chunk number (`undefined`: none of its slots is mapped). */
  private readonly chunks: (ArenaChunk | undefined)[] = [];
  /** Each chunk's DataView and bytes, apart, for the hot path (one load, no object in between). */
  private readonly chunkViews: (DataView | undefined)[] = [];
  private readonly chunkBytes: (Uint8Array | undefined)[] = [];
  /** Unmapped slots below `highWater`, kept as a min-heap so the highest address is reused first. */
  private readonly freeSlots: number[] = [];
  private highWater = 0;
  /** Empty chunks' buffers, for the next chunk that is needed (its pages are zeroed on mmap). */
  private readonly spare: Uint8Array[] = [];
  /** Most buffers `spare` keeps (see keepUnmappedPages). */
  private spareLimit = SPARE_CHUNKS;

  /** Reservoir limits (0 pages = off) and the operation clock that ages kept pages. */
  readonly reservoirLimit: number;
  readonly reservoirDelay: number;
  /** Whether kept pages are unmapped after `reservoirDelay` operations. */
  private readonly keptPagesExpire: boolean;
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
    this.chunkShift = this.pageShift >= 0 ? Math.max(0, 31 - Math.clz32(Math.floor(CHUNK_BYTES / pageSize))) : 0;
    this.chunkPages = 1 << this.chunkShift;
    this.chunkMask = this.pageShift >= 0 ? this.chunkPages * pageSize - 1 : 0;
    this.lastPageInChunk = this.chunkPages - 1;
    this.slotOfHandle = this.pageShift >= 0 ? SimulatedKernel.slotByShift : SimulatedKernel.slotByDivision;
    this.memoryCap = memoryCap;
    const delay = reservoir.delay ?? 0;
    this.reservoirDelay = Number.isInteger(delay) && delay > 0 ? delay : 0;
    this.keptPagesExpire = this.reservoirDelay > 0;
    const limit = reservoir.pages ?? (this.reservoirDelay > 0 ? Infinity : 0);
    this.reservoirLimit = limit > 0 ? limit : 0;
  }

  /**
   * Counts one operation; with a delay, unmaps the kept pages that have waited long enough. Kept
   * tiny on purpose: every xcalloc and xfree calls it, and V8 inlines a function this small
   * without charging it to the caller's inlining budget (the free list's helpers need that budget).
   */
  tick(): void {
    this.clock++;
    if (this.keptPagesExpire) this.unmapExpired();
  }

  private unmapExpired(): void {
    while (this.keptSlots.length > 0 && this.clock - this.keptAt[0]! >= this.reservoirDelay) {
      this.keptAt.shift();
      this.unmapSlot(this.keptSlots.shift()!);
      this.reservoirPages--;
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
      this.zeroPage(slot);
      this.lastMmapReused = true;
      return this.pageAddress(slot);
    }
    this.lastMmapReused = false;
    if ((this.mappedPages + 1) * this.pageSize > this.memoryCap) {
      this.failedMmapCalls++;
      return 0;
    }
    const slot = this.freeSlots.length > 0 ? popMin(this.freeSlots) : this.highWater++;
    // A page of a new chunk buffer is zero already (and not yet faulted in: leave it so).
    if (this.mapSlot(slot)) this.zeroPage(slot);
    this.mmapCalls++;
    this.mappedPages++;
    if (this.mappedPages > this.peakMappedPages) this.peakMappedPages = this.mappedPages;
    return this.pageAddress(slot);
  }

  /** Unmaps the page at `address` (a page address returned by mmap). */
  munmap(address: number): void {
    const slot = this.slotOf(address);
    if (!(address > 0 && address < MMAP_TOP) || !this.isMappedSlot(slot) || this.pageAddress(slot) !== address) {
      throw new Error(`munmap of an address that is not a mapped page: 0x${address.toString(16)}`);
    }
    if (this.watched !== null) this.touch(slot);
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
    this.clearSlot(slot);
    pushMin(this.freeSlots, slot);
    this.munmapCalls++;
    this.mappedPages--;
  }

  /**
   * Marks `slot` mapped, making its chunk (from a spare buffer when there is one) if need be.
   * Whether the page's bytes may be other than zero (it was mapped before in this buffer).
   */
  private mapSlot(slot: number): boolean {
    const index = slot >>> this.chunkShift;
    let chunk = this.chunks[index];
    if (chunk === undefined) {
      const spare = this.spare.pop();
      chunk = new ArenaChunk(spare ?? new Uint8Array(this.chunkPages * this.pageSize), this.chunkPages);
      if (spare !== undefined) chunk.used.fill(1);
      this.chunks[index] = chunk;
      this.chunkViews[index] = chunk.view;
      this.chunkBytes[index] = chunk.bytes;
    }
    const page = slot & (this.chunkPages - 1);
    if (chunk.mapped[page] === 0) {
      chunk.mapped[page] = 1;
      chunk.mappedCount++;
    }
    const used = chunk.used[page] === 1;
    chunk.used[page] = 1;
    return used;
  }

  /** Marks `slot` unmapped; the chunk goes (its buffer to `spare`, room permitting) with its last page. */
  private clearSlot(slot: number): void {
    const index = slot >>> this.chunkShift;
    const chunk = this.chunks[index]!;
    const page = slot & (this.chunkPages - 1);
    if (chunk.mapped[page] === 0) return;
    chunk.mapped[page] = 0;
    if (--chunk.mappedCount > 0) return;
    this.chunks[index] = undefined;
    this.chunkViews[index] = undefined;
    this.chunkBytes[index] = undefined;
    if (this.spare.length < this.spareLimit) this.spare.push(chunk.bytes);
  }

  private isMappedSlot(slot: number): boolean {
    // Every mapped slot is below highWater; the range check also keeps a far slot (an address far
    // under the top) from wrapping around in the 32-bit shift onto a chunk that exists.
    if (!(slot >= 0 && slot < this.highWater)) return false;
    const chunk = this.chunks[slot >>> this.chunkShift];
    return chunk !== undefined && chunk.mapped[slot & (this.chunkPages - 1)] === 1;
  }

  /** Zero-fills the page of a mapped slot (mmap gives zero-filled pages; a chunk's buffer may be reused). */
  private zeroPage(slot: number): void {
    const start = this.pageStart(slot);
    this.chunkBytes[slot >>> this.chunkShift]!.fill(0, start, start + this.pageSize);
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
  readonly slotOfHandle: (handle: number) => number;

  // The two ways of `slotOfHandle`, one chosen per kernel by its page size: the hot path's most
  // called helper stays one expression, small enough for V8 to inline it at every call without
  // charging the caller's inlining budget (see `tick`), where a branch on the page size was not.
  private static slotByShift(this: SimulatedKernel, handle: number): number {
    return ((-handle >>> 0) - 1) >>> this.pageShift;
  }

  private static slotByDivision(this: SimulatedKernel, handle: number): number {
    return Math.floor((((-handle >>> 0) - 1) >>> 0) / this.pageSize);
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
    return this.isMappedSlot(this.slotOf(address));
  }

  // The hot path's accessors: a page through its chunk. The page of `slot` is the bytes from
  // pageStart(slot) to pageStart(slot) + pageSize of chunkViewOfSlot(slot).

  /** The DataView of the chunk that holds the mapped page of `slot`. */
  chunkViewOfSlot(slot: number): DataView {
    if (this.watched !== null) this.touch(slot);
    return this.chunkViews[slot >>> this.chunkShift]!;
  }

  /** The bytes of the chunk that holds the mapped page of `slot`. */
  chunkBytesOfSlot(slot: number): Uint8Array {
    if (this.watched !== null) this.touch(slot);
    return this.chunkBytes[slot >>> this.chunkShift]!;
  }

  /** Where the page of `slot` begins in its chunk (address order: the chunk's highest slot first). */
  pageStart(slot: number): number {
    // chunkPages − 1 − (slot & mask), for a mask of all ones below a power of two.
    return (~slot & this.lastPageInChunk) * this.pageSize;
  }

  /** The offset in its chunk (see chunkViewOfSlot) of the address whose handle is `handle`, in `slot`. */
  chunkOffsetOfHandle(handle: number, slot: number): number {
    // A chunk of a power-of-two page size spans an aligned power of two of addresses (MMAP_TOP's
    // low 40 bits are 0); otherwise a chunk is one page.
    return this.chunkMask !== 0 ? handle & this.chunkMask : this.offsetOfHandle(handle, slot);
  }

  /** The DataView of a mapped page by slot (callers check `isMapped` for untrusted input). */
  viewOfSlot(slot: number): DataView {
    if (this.watched !== null) this.touch(slot);
    return this.pageOfSlot(slot)?.view as DataView;
  }

  /**
   * A mapped page's bytes as 32-bit words, by slot (made on first use and kept while the chunk
   * lives: a time-travel restore writes every page through one, each time).
   */
  wordsOfSlot(slot: number): Uint32Array {
    if (this.watched !== null) this.touch(slot);
    return this.pageOfSlot(slot)?.words() as Uint32Array;
  }

  /** The bytes of a mapped page by slot. */
  bytesOfSlot(slot: number): Uint8Array {
    if (this.watched !== null) this.touch(slot);
    return this.pageOfSlot(slot)?.bytes as Uint8Array;
  }

  /** The DataView of the page that holds `address`. */
  view(address: number): DataView {
    return this.viewOfSlot(this.slotOf(address));
  }

  /** `chunkViewOfSlot` for reading only: no touch of a watched page (see `peekView`). */
  peekChunkViewOfSlot(slot: number): DataView {
    return this.chunkViews[slot >>> this.chunkShift]!;
  }

  /** The bytes of a mapped page by slot, for reading only (no touch: see `peekView`). */
  peekBytesOfSlot(slot: number): Uint8Array {
    return this.pageOfSlot(slot)?.bytes as Uint8Array;
  }

  /**
   * The DataView of the page that holds `address`, for reading only: unlike `view` it does not
   * count as a touch of a watched page (queries that draw a heap must not copy it).
   */
  peekView(address: number): DataView {
    return this.pageOfSlot(this.slotOf(address))?.view as DataView;
  }

  /** The bytes of the page that holds `address`, or undefined when it is not mapped. */
  pageBytes(address: number): Uint8Array | undefined {
    if (!this.isMapped(address)) return undefined;
    return this.bytesOfSlot(this.slotOf(address));
  }

  /**
   * The views of the mapped page of `slot`, or undefined when it is not mapped (the accessors
   * above then give undefined, as they always have: callers check `isMapped` for untrusted input).
   */
  private pageOfSlot(slot: number): PageViews | undefined {
    if (!(slot >= 0 && slot < this.highWater)) return undefined;
    const chunk = this.chunks[slot >>> this.chunkShift];
    const page = slot & (this.chunkPages - 1);
    if (chunk === undefined || chunk.mapped[page] !== 1) return undefined;
    return (chunk.pages[page] ??= new PageViews(chunk.bytes, this.pageStart(slot), this.pageSize));
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

  /** Bytes of page memory the kernel holds: its chunks' buffers, the spare ones included. */
  heldBytes(): number {
    let buffers = this.spare.length;
    for (const chunk of this.chunks) if (chunk !== undefined) buffers++;
    return buffers * this.chunkPages * this.pageSize;
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
    this.chunks.forEach((chunk, index) => {
      if (chunk === undefined) return;
      const twin = (copy.chunks[index] = new ArenaChunk(chunk.bytes.slice(), this.chunkPages));
      twin.mapped.set(chunk.mapped);
      twin.used.set(chunk.used);
      twin.mappedCount = chunk.mappedCount;
      copy.chunkViews[index] = twin.view;
      copy.chunkBytes[index] = twin.bytes;
    });
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
    this.chunks.forEach((chunk, index) => {
      if (chunk === undefined) return;
      const first = index << this.chunkShift;
      for (let page = 0; page < this.chunkPages; page++) if (chunk.mapped[page] === 1) slots.push(first + page);
    });
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
   * Keeps every empty chunk's buffer for reuse, and makes sure the buffers for `pages` pages are at
   * hand. For a heap that is restored and replayed over and over (time travel): without it, a
   * replay that shrinks the heap drops buffers that the next restore must allocate and fault in again.
   */
  keepUnmappedPages(pages = 0): void {
    this.spareLimit = Infinity;
    let held = this.spare.length;
    for (const chunk of this.chunks) if (chunk !== undefined) held++;
    const missing = Math.ceil(pages / this.chunkPages) - held;
    for (let i = 0; i < missing; i++) {
      const bytes = new Uint8Array(this.chunkPages * this.pageSize);
      bytes.fill(0); // fault the memory in now, not during the first restore
      this.spare.push(bytes);
    }
  }

  /**
   * Returns to a saved state in place: exactly `state.slots` end up mapped. A chunk that holds a
   * mapped page before and after keeps its buffer (and the DataViews of its pages), so views held
   * elsewhere stay valid. The bytes of the mapped pages are left as they were: the caller
   * overwrites them.
   */
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
    // Chunks the state needs are kept whole; the others go to the spare pool (unbounded here: a
    // restore may swap many chunks). Then every chunk's map is the state's.
    const needed = new Set<number>();
    for (const slot of slots) needed.add(slot >>> this.chunkShift);
    for (let index = 0; index < this.chunks.length; index++) {
      const chunk = this.chunks[index];
      if (chunk === undefined) continue;
      if (needed.has(index)) {
        chunk.mapped.fill(0);
        chunk.mappedCount = 0;
        continue;
      }
      this.spare.push(chunk.bytes);
      this.chunks[index] = undefined;
      this.chunkViews[index] = undefined;
      this.chunkBytes[index] = undefined;
    }
    for (const slot of slots) this.mapSlot(slot);
    const end = slots.length > 0 ? (slots[slots.length - 1]! >>> this.chunkShift) + 1 : 0;
    if (this.chunks.length > end) {
      this.chunks.length = end;
      this.chunkViews.length = end;
      this.chunkBytes.length = end;
    }
    this.freeSlots.length = 0;
    for (const slot of state.freeSlots) this.freeSlots.push(slot);
    this.keptSlots.length = 0;
    for (const slot of state.keptSlots) this.keptSlots.push(slot);
    this.keptAt.length = 0;
    for (const at of state.keptAt) this.keptAt.push(at);
  }
}

/** One chunk of the arena: its pages' bytes, which of them are mapped, and their DataViews once asked for. */
class ArenaChunk {
  readonly view: DataView;
  /** 1 where the chunk's page is mapped. */
  readonly mapped: Uint8Array;
  /** 1 where the page was ever mapped in this buffer (so its bytes may not be zero). */
  readonly used: Uint8Array;
  mappedCount = 0;
  /** Per-page views, made on first use (see SimulatedKernel.viewOfSlot). */
  readonly pages: (PageViews | undefined)[] = [];

  constructor(
    readonly bytes: Uint8Array,
    pages: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.mapped = new Uint8Array(pages);
    this.used = new Uint8Array(pages);
  }
}

/** A page's own views over its chunk's bytes, for callers that address a page from its start. */
class PageViews {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private wordView: Uint32Array | undefined;

  constructor(chunk: Uint8Array, start: number, pageSize: number) {
    this.bytes = chunk.subarray(start, start + pageSize);
    this.view = new DataView(chunk.buffer, chunk.byteOffset + start, pageSize);
  }

  words(): Uint32Array {
    return (this.wordView ??= new Uint32Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength >>> 2));
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
