/**
 * A page region: contiguous address space reserved in the simulated kernel that a policy maps
 * page by page at its top (like brk, or one mmap per multi-page block) and gives back at its
 * top. One growth is one mmap call and one shrink one munmap call, whatever the page count.
 *
 * Its bytes are one buffer (not one per page) so that a block may span pages and the policy can
 * read headers through one typed array. The page reservoir applies: pages given back stay
 * mapped (parked right above the used top) while the kernel's reservoir has room, and the next
 * growth takes them back without a system call.
 *
 * Like the malloc-lab driver, which allocates its heap area once and resets it between runs,
 * a released region's buffer goes to a small pool that the next region starts from, and pages
 * are not zeroed again when a region grows: a policy never reads bytes it has not written.
 */
import type { SimulatedKernel } from '../engine/simulatedKernel';

const INITIAL_BUFFER_PAGES = 16;
/** Unmapped runs a pool keeps for reuse. */
const MAX_DEAD_RUNS = 64;
/** Released buffers, kept for the next regions (at most a few, at most 256 MiB together). */
const bufferPool: Uint8Array[] = [];
const POOL_COUNT = 4;
const POOL_BYTES = 256 << 20;

function takeBuffer(minimum: number, maximum: number): Uint8Array {
  let best = -1;
  for (let i = 0; i < bufferPool.length; i++) {
    const length = bufferPool[i]!.length;
    if (length >= minimum && length <= maximum && (best < 0 || length > bufferPool[best]!.length)) best = i;
  }
  if (best < 0) return new Uint8Array(minimum);
  return bufferPool.splice(best, 1)[0]!;
}

/** Keeps the largest released buffers: they are the ones a whole run grows into. */
function giveBack(buffer: Uint8Array): void {
  if (buffer.length === 0 || buffer.length > POOL_BYTES) return;
  bufferPool.push(buffer);
  bufferPool.sort((a, b) => b.length - a.length);
  let total = 0;
  let keep = 0;
  while (keep < bufferPool.length && keep < POOL_COUNT && total + bufferPool[keep]!.length <= POOL_BYTES) {
    total += bufferPool[keep]!.length;
    keep++;
  }
  bufferPool.length = keep;
}

export class PageRegion {
  /** The lowest address; page i of the region starts at base + i × pageSize. */
  readonly base: number;
  readonly capacityPages: number;
  readonly pageSize: number;
  /** Pages the owner uses, from the base up. */
  usedPages = 0;
  /** The region's bytes, made on first use (a run nobody reads or writes costs no host memory). */
  private buffer: Uint8Array | null = null;
  /** Clock of each parked page, topmost (oldest) first; they sit right above the used pages. */
  private readonly parkedAt: number[] = [];

  constructor(
    private readonly kernel: SimulatedKernel,
    capacityPages: number,
  ) {
    this.pageSize = kernel.pageSize;
    this.capacityPages = capacityPages;
    const first = kernel.reserveSlots(capacityPages);
    this.base = kernel.pageAddress(first + capacityPages - 1);
  }

  /** The region's bytes; replaced (contents kept) when the region grows past them. */
  get bytes(): Uint8Array {
    if (this.buffer === null) {
      const minimum = Math.max(this.usedPages, Math.min(this.capacityPages, INITIAL_BUFFER_PAGES)) * this.pageSize;
      this.buffer = takeBuffer(minimum, this.capacityPages * this.pageSize);
    }
    return this.buffer;
  }

  get parkedPages(): number {
    return this.parkedAt.length;
  }

  /** Used plus parked pages: what this region has mapped. */
  get mappedPages(): number {
    return this.usedPages + this.parkedAt.length;
  }

  get usedBytes(): number {
    return this.usedPages * this.pageSize;
  }

  contains(address: number): boolean {
    return address >= this.base && address < this.base + this.usedPages * this.pageSize;
  }

  /** Maps `pages` more pages at the top; false (nothing changed) past the cap or capacity. */
  grow(pages: number): boolean {
    if (pages <= 0) return true;
    if (this.usedPages + pages > this.capacityPages) return false;
    const reused = Math.min(pages, this.parkedAt.length);
    const fresh = pages - reused;
    if (fresh > 0 && !this.kernel.accountMap(fresh)) return false;
    for (let i = 0; i < reused; i++) this.parkedAt.pop();
    this.kernel.reservoirPages -= reused;
    const from = this.usedPages * this.pageSize;
    this.usedPages += pages;
    const end = this.usedPages * this.pageSize;
    const old = this.buffer;
    if (old !== null && end > old.length) {
      let length = old.length * 2;
      while (length < end) length *= 2;
      const bigger = takeBuffer(Math.min(length, this.capacityPages * this.pageSize), this.capacityPages * this.pageSize);
      bigger.set(old.subarray(0, from));
      giveBack(old);
      this.buffer = bigger;
    }
    return true;
  }

  /** Zeroes the used bytes when the region holds bytes from an earlier use (fresh ones are zero). */
  zeroIfReused(): void {
    if (this.buffer !== null) this.buffer.fill(0, 0, Math.min(this.buffer.length, this.usedPages * this.pageSize));
  }

  /** Gives back the top `pages` pages: parked while the reservoir has room, else unmapped. */
  shrink(pages: number): void {
    if (pages <= 0) return;
    this.usedPages -= pages;
    const kernel = this.kernel;
    const clock = kernel.clock;
    let kept = 0;
    for (let i = 0; i < pages; i++) {
      if (kernel.reservoirPages >= kernel.reservoirLimit) break;
      kernel.reservoirPages++;
      kept++;
    }
    // Pages parked now are the lowest, so they go at the end (the newest end) of the list.
    for (let i = 0; i < kept; i++) this.parkedAt.push(clock);
    const unmapped = pages - kept;
    if (unmapped > 0) kernel.accountUnmap(unmapped);
  }

  /** With a reservoir delay, unmaps the parked pages that waited long enough (topmost first). */
  tick(): void {
    const parked = this.parkedAt;
    if (parked.length === 0) return;
    const delay = this.kernel.reservoirDelay;
    if (delay === 0) return;
    const clock = this.kernel.clock;
    let expired = 0;
    while (expired < parked.length && clock - parked[expired]! >= delay) expired++;
    if (expired === 0) return;
    parked.splice(0, expired);
    this.kernel.reservoirPages -= expired;
    this.kernel.accountUnmap(expired);
  }

  /** Unmaps everything (one munmap call); the region keeps its address range and may grow again. */
  unmapAll(): void {
    const pages = this.mappedPages;
    this.kernel.reservoirPages -= this.parkedAt.length;
    this.parkedAt.length = 0;
    this.usedPages = 0;
    if (pages > 0) this.kernel.accountUnmap(pages);
  }

  /** Unmaps everything and hands the buffer back; the region must not be used afterwards. */
  release(): void {
    this.unmapAll();
    if (this.buffer !== null) giveBack(this.buffer);
    this.buffer = new Uint8Array(0);
  }
}

/**
 * Multi-page runs (one mapping per large block) that the page reservoir can serve: a freed run
 * keeps its pages parked while the reservoir has room, and the next run that fits takes them
 * back without a system call.
 */
export class RunPool {
  /** Runs whose pages are parked in the reservoir. */
  private readonly spare: PageRegion[] = [];
  /** Unmapped runs kept for their address range and buffer (like mmap reusing a freed range). */
  private readonly dead: PageRegion[] = [];

  constructor(private readonly kernel: SimulatedKernel) {}

  /** A run of `pages` used pages, or null past the memory cap. */
  take(pages: number): PageRegion | null {
    let best = -1;
    for (let i = 0; i < this.spare.length; i++) {
      const capacity = this.spare[i]!.capacityPages;
      if (capacity >= pages && (best < 0 || capacity < this.spare[best]!.capacityPages)) best = i;
    }
    let run: PageRegion;
    if (best >= 0) run = this.spare.splice(best, 1)[0]!;
    else {
      // The smallest unmapped range that is large enough: only its address space is reserved.
      let fit = -1;
      for (let i = 0; i < this.dead.length; i++) {
        const capacity = this.dead[i]!.capacityPages;
        if (capacity >= pages && (fit < 0 || capacity < this.dead[fit]!.capacityPages)) fit = i;
      }
      run = fit >= 0 ? this.dead.splice(fit, 1)[0]! : new PageRegion(this.kernel, pages);
    }
    if (!run.grow(pages)) {
      if (run.parkedPages > 0) this.spare.push(run);
      else this.bury(run);
      return null;
    }
    return run;
  }

  /** Gives a run back: parked when the reservoir has room for all of it, else unmapped. */
  give(run: PageRegion): void {
    // Only whole runs are kept: parking part of one would cost a second munmap for the rest later.
    if (this.kernel.reservoirLimit - this.kernel.reservoirPages >= run.usedPages) {
      run.shrink(run.usedPages);
      this.spare.push(run);
      return;
    }
    run.unmapAll();
    this.bury(run);
  }

  private bury(run: PageRegion): void {
    if (this.dead.length < MAX_DEAD_RUNS) this.dead.push(run);
    else run.release();
  }

  /** With a reservoir delay, unmaps the parked pages that waited long enough. */
  tick(): void {
    for (let i = this.spare.length - 1; i >= 0; i--) {
      const run = this.spare[i]!;
      run.tick();
      if (run.parkedPages === 0) {
        this.spare.splice(i, 1);
        this.bury(run);
      }
    }
  }

  get parkedPages(): number {
    let pages = 0;
    for (const run of this.spare) pages += run.parkedPages;
    return pages;
  }

  /** Releases every parked run (the end of a run of the policy). */
  clear(): void {
    for (const run of this.spare) run.release();
    for (const run of this.dead) run.release();
    this.spare.length = 0;
    this.dead.length = 0;
  }
}

/**
 * Live runs by payload address. Keyed by the kernel slot of the run's first page (a small
 * integer, so lookups stay on V8's fast path where address keys, past 2^31, would not).
 */
export class RunTable {
  private readonly bySlot = new Map<number, PageRegion>();

  constructor(
    private readonly kernel: SimulatedKernel,
    /** Bytes between a run's base and its payload. */
    private readonly header: number,
  ) {}

  get size(): number {
    return this.bySlot.size;
  }

  /** The run whose payload starts at `address`, if any. */
  get(address: number): PageRegion | undefined {
    if (this.bySlot.size === 0) return undefined;
    const run = this.bySlot.get(this.kernel.slotOf(address));
    return run !== undefined && run.base + this.header === address ? run : undefined;
  }

  set(address: number, run: PageRegion): void {
    this.bySlot.set(this.kernel.slotOf(address), run);
  }

  delete(address: number): void {
    this.bySlot.delete(this.kernel.slotOf(address));
  }

  values(): IterableIterator<PageRegion> {
    return this.bySlot.values();
  }

  *[Symbol.iterator](): IterableIterator<[number, PageRegion]> {
    for (const run of this.bySlot.values()) yield [run.base + this.header, run];
  }

  clear(): void {
    this.bySlot.clear();
  }
}
