/**
 * Simple segregated storage (size classes, as in Wilson et al.'s survey and the small-object
 * heaps of jemalloc or Hoard): every page holds blocks of one size class only, so a block needs
 * no header at all; the page header says the class and keeps a bitmap of the live slots.
 * Requests above the largest class get a run of their own pages with a 16-byte run header.
 * A page whose last block is freed goes back to the kernel (or to the reservoir).
 *
 * With `large`, it is the hybrid of jemalloc or Hoard: size-class pages for small requests and
 * a boundary-tag arena (best fit, 4-byte headers) for the rest, so that small objects never sit
 * between large ones (no hole a large request cannot use) and a growing block finds room.
 *
 * Page header, in the page bytes: u16 class, u16 live slots, u16 free-list head (slot + 1, 0 =
 * none), u16 slots ever handed out; then the live-slot bitmap. A free slot's first two bytes
 * hold the next free slot + 1.
 */
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { DEFAULT_MEMORY_CAP, SimulatedKernel } from '../engine/simulatedKernel';
import {
  reallocByMoving,
  kernelStatistics,
  type AllocatorPolicy,
  type PolicyBlock,
  type PolicyMapping,
  type PolicyOptions,
  type PolicyStatistics,
} from './allocatorPolicy';
import { BoundaryTagArena, type FitStrategy } from './boundaryTagArena';
import { RunPool, RunTable } from './pageRegion';

export interface SegregatedOptions {
  name?: string;
  /** Requests above this many bytes leave the size classes (default: the largest class). */
  smallLimit?: number;
  /** Serve those from a boundary-tag arena with this strategy instead of runs of their own. */
  large?: FitStrategy;
}

const CLASS = 0;
const LIVE = 2;
const FREE_HEAD = 4;
const HANDED_OUT = 6;
const BITMAP = 8;
/** A large request's run: 16 bytes of header (its size and a magic word) before the payload. */
export const RUN_HEADER = 16;
const GRANULE = 16;

export class SegregatedPolicy implements AllocatorPolicy {
  readonly name: string;
  readonly kernel: SimulatedKernel;
  readonly maxRequest = Infinity;
  lastError: string | null = null;
  /** Class sizes, ascending; `classFor[ceil(bytes / 16)]` is the class of a request. */
  readonly classSizes: number[];
  readonly pageHeader: number;
  private readonly classFor: Uint8Array;
  private readonly slotsPerPage: number[];
  /** Per class, pages with at least one free slot (the last one is used first). */
  private readonly partial: number[][];
  /** 1 for each kernel slot that holds one of the policy's size-class pages; and how many there are. */
  private ownedSlots = new Uint8Array(64);
  /** The same slots as a set, for walks (the array may be long: slots are numbered across regions). */
  private readonly ownedSlotSet = new Set<number>();
  /** The runs by payload address. */
  private readonly runs: RunTable;
  private readonly runPool: RunPool;
  private liveBlocks = 0;
  private livePayload = 0;
  private readonly pageSize: number;
  private readonly smallLimit: number;
  private readonly arena: BoundaryTagArena | null;
  private readonly delayed: boolean;

  constructor(options: PolicyOptions = {}, shape: SegregatedOptions = {}) {
    this.name = shape.name ?? 'segregated';
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.pageSize = pageSize;
    const cap = options.memoryCap ?? DEFAULT_MEMORY_CAP;
    this.kernel = new SimulatedKernel(pageSize, cap, options.reservoir);
    this.delayed = this.kernel.reservoirDelay > 0;
    this.runPool = new RunPool(this.kernel);
    this.runs = new RunTable(this.kernel, RUN_HEADER);
    this.arena = shape.large ? new BoundaryTagArena(this.kernel, shape.large, Math.floor(cap / pageSize)) : null;
    // A header of 8 bytes plus one bit per 16-byte granule, rounded up to 16 bytes.
    this.pageHeader = Math.ceil((BITMAP + Math.ceil(pageSize / GRANULE / 8)) / GRANULE) * GRANULE;
    const room = pageSize - this.pageHeader;
    const sizes = new Set<number>();
    for (let s = GRANULE; s <= 128; s += GRANULE) sizes.add(s);
    for (let s = 160; s <= 256; s += 32) sizes.add(s);
    for (let s = 320; s <= 512; s += 64) sizes.add(s);
    // Above that, classes that fill a page exactly k times: no page ends with a useless tail.
    for (let k = 1; k <= 8; k++) sizes.add(Math.floor(room / k / GRANULE) * GRANULE);
    this.classSizes = [...sizes].filter((s) => s <= room).sort((a, b) => a - b);
    const largest = this.classSizes[this.classSizes.length - 1]!;
    this.classFor = new Uint8Array(largest / GRANULE + 1);
    let c = 0;
    for (let g = 0; g <= largest / GRANULE; g++) {
      while (this.classSizes[c]! < g * GRANULE) c++;
      this.classFor[g] = c;
    }
    this.slotsPerPage = this.classSizes.map((s) => Math.floor(room / s));
    this.partial = this.classSizes.map(() => []);
    this.smallLimit = Math.min(shape.smallLimit ?? largest, largest);
  }

  get largestClass(): number {
    return this.classSizes[this.classSizes.length - 1]!;
  }

  registerFamily(): number {
    return -1;
  }

  allocate(bytes: number): number {
    this.tick();
    if (!(bytes >= 0)) {
      this.lastError = `cannot allocate ${bytes} bytes`;
      return 0;
    }
    if (bytes > this.smallLimit) {
      if (this.arena === null) return this.allocateRun(bytes);
      const address = this.arena.malloc(bytes);
      this.lastError = this.arena.lastError;
      return address;
    }
    const c = this.classFor[(bytes + GRANULE - 1) >> 4]!;
    const partial = this.partial[c]!;
    let page = partial.length > 0 ? partial[partial.length - 1]! : 0;
    if (page === 0) {
      page = this.kernel.mmap();
      if (page === 0) {
        this.lastError = 'out of memory: no page for a new size-class page';
        return 0;
      }
      this.kernel.view(page).setUint16(CLASS, c, true);
      this.own(this.kernel.slotOf(page), 1);
      partial.push(page);
    }
    const view = this.kernel.view(page);
    const head = view.getUint16(FREE_HEAD, true);
    let slot: number;
    const size = this.classSizes[c]!;
    if (head !== 0) {
      slot = head - 1;
      view.setUint16(FREE_HEAD, view.getUint16(this.pageHeader + slot * size, true), true);
    } else {
      slot = view.getUint16(HANDED_OUT, true);
      view.setUint16(HANDED_OUT, slot + 1, true);
    }
    const live = view.getUint16(LIVE, true) + 1;
    view.setUint16(LIVE, live, true);
    view.setUint8(BITMAP + (slot >> 3), view.getUint8(BITMAP + (slot >> 3)) | (1 << (slot & 7)));
    if (live === this.slotsPerPage[c]) partial.pop();
    this.liveBlocks++;
    this.livePayload += size;
    this.lastError = null;
    return page + this.pageHeader + slot * size;
  }

  free(address: number): boolean {
    this.tick();
    if (this.arena !== null && this.arena.contains(address)) {
      const ok = this.arena.free(address);
      this.lastError = this.arena.lastError;
      return ok;
    }
    const run = this.runs.get(address);
    if (run !== undefined) {
      this.liveBlocks--;
      this.livePayload -= run.usedBytes - RUN_HEADER;
      this.runs.delete(address);
      this.runPool.give(run);
      this.lastError = null;
      return true;
    }
    const located = this.locate(address);
    if (located < 0) return false;
    const kernelSlot = this.kernel.slotOf(address);
    const page = this.kernel.pageAddress(kernelSlot);
    const view = this.kernel.viewOfSlot(kernelSlot);
    const c = view.getUint16(CLASS, true);
    const size = this.classSizes[c]!;
    const slot = located;
    view.setUint8(BITMAP + (slot >> 3), view.getUint8(BITMAP + (slot >> 3)) & ~(1 << (slot & 7)));
    const live = view.getUint16(LIVE, true) - 1;
    view.setUint16(LIVE, live, true);
    this.liveBlocks--;
    this.livePayload -= size;
    const partial = this.partial[c]!;
    if (live === 0) {
      const at = partial.lastIndexOf(page);
      if (at >= 0) partial.splice(at, 1);
      this.own(this.kernel.slotOf(page), 0);
      this.kernel.munmap(page);
    } else {
      view.setUint16(this.pageHeader + slot * size, view.getUint16(FREE_HEAD, true), true);
      view.setUint16(FREE_HEAD, slot + 1, true);
      if (live === this.slotsPerPage[c]! - 1) partial.push(page);
    }
    this.lastError = null;
    return true;
  }

  realloc(address: number, bytes: number): number {
    if (this.arena !== null && this.arena.contains(address)) {
      this.tick();
      const moved = this.arena.realloc(address, bytes);
      this.lastError = this.arena.lastError;
      return moved;
    }
    return reallocByMoving(this, address, bytes, this.capacityOf(address));
  }

  payload(address: number, length: number): Uint8Array {
    if (this.arena !== null && this.arena.contains(address)) return this.arena.payload(address, length);
    const run = this.runs.get(address);
    if (run !== undefined) return run.bytes.subarray(RUN_HEADER, RUN_HEADER + length);
    const page = this.kernel.pageOf(address);
    return this.kernel.pageBytes(page)!.subarray(address - page, address - page + length);
  }

  statistics(): PolicyStatistics {
    const arena = this.arena;
    return kernelStatistics(
      this.kernel,
      this.liveBlocks + (arena?.liveBlocks ?? 0),
      this.livePayload + (arena?.livePayload ?? 0),
      0,
    );
  }

  check(): string[] {
    const problems: string[] = [];
    let live = 0;
    let payload = 0;
    for (const page of this.ownedPageAddresses()) {
      const at = `${this.name}: page 0x${page.toString(16)}`;
      if (!this.kernel.isMapped(page)) {
        problems.push(`${at} is not mapped`);
        continue;
      }
      const view = this.kernel.view(page);
      const c = view.getUint16(CLASS, true);
      if (c >= this.classSizes.length) {
        problems.push(`${at} has an unknown class ${c}`);
        continue;
      }
      const size = this.classSizes[c]!;
      const slots = this.slotsPerPage[c]!;
      const handedOut = view.getUint16(HANDED_OUT, true);
      let bits = 0;
      for (let s = 0; s < slots; s++) if (view.getUint8(BITMAP + (s >> 3)) & (1 << (s & 7))) bits++;
      const count = view.getUint16(LIVE, true);
      if (bits !== count) problems.push(`${at}: ${count} live slots, the bitmap has ${bits}`);
      if (count === 0) problems.push(`${at} is empty and still mapped`);
      if (handedOut > slots) problems.push(`${at}: ${handedOut} slots handed out of ${slots}`);
      let freeListed = 0;
      for (let f = view.getUint16(FREE_HEAD, true); f !== 0; f = view.getUint16(this.pageHeader + (f - 1) * size, true)) {
        const s = f - 1;
        if (s >= handedOut || freeListed > slots) {
          problems.push(`${at}: the free list is broken at slot ${s}`);
          break;
        }
        if (view.getUint8(BITMAP + (s >> 3)) & (1 << (s & 7))) problems.push(`${at}: live slot ${s} is on the free list`);
        freeListed++;
      }
      if (freeListed + count !== handedOut) problems.push(`${at}: ${freeListed} free + ${count} live ≠ ${handedOut} handed out`);
      const inPartial = this.partial[c]!.includes(page);
      if (inPartial !== count < slots)
        problems.push(`${at}: ${inPartial ? 'full page on' : 'page with room missing from'} the partial list`);
      live += count;
      payload += count * size;
    }
    let runPages = 0;
    for (const [address, run] of this.runs) {
      live++;
      payload += run.usedBytes - RUN_HEADER;
      runPages += run.usedPages;
      if (address !== run.base + RUN_HEADER) problems.push(`${this.name}: run 0x${address.toString(16)} is not at its base`);
    }
    if (live !== this.liveBlocks || payload !== this.livePayload) {
      problems.push(
        `${this.name}: counters say ${this.liveBlocks} blocks / ${this.livePayload} bytes, a recount ${live} / ${payload}`,
      );
    }
    if (this.arena !== null) problems.push(...this.arena.check(`${this.name} (arena)`));
    const mapped = this.ownedSlotSet.size + runPages + (this.arena?.region.usedPages ?? 0) + this.kernel.reservoirPages;
    if (mapped !== this.kernel.mappedPages)
      problems.push(`${this.name}: ${this.kernel.mappedPages} pages mapped, ${mapped} accounted for`);
    return problems;
  }

  mappings(): PolicyMapping[] {
    const mappings: PolicyMapping[] = [];
    for (const page of this.ownedPageAddresses()) {
      const view = this.kernel.view(page);
      const c = view.getUint16(CLASS, true);
      const size = this.classSizes[c]!;
      const handedOut = view.getUint16(HANDED_OUT, true);
      const blocks: PolicyBlock[] = [{ offset: 0, header: 0, size: this.pageHeader, state: 'overhead', family: null }];
      for (let s = 0; s < handedOut; s++) {
        const used = (view.getUint8(BITMAP + (s >> 3)) & (1 << (s & 7))) !== 0;
        blocks.push({ offset: this.pageHeader + s * size, header: 0, size, state: used ? 'used' : 'free', family: null });
      }
      mappings.push({ address: page, pages: 1, kind: 'page', blocks });
    }
    for (const run of this.runs.values()) {
      mappings.push({
        address: run.base,
        pages: run.usedPages,
        kind: 'run',
        blocks: [{ offset: 0, header: RUN_HEADER, size: run.usedBytes - RUN_HEADER, state: 'used', family: null }],
      });
    }
    const arena = this.arena;
    if (arena !== null && arena.region.usedPages > 0) {
      mappings.push({ address: arena.base, pages: arena.region.usedPages, kind: 'arena', blocks: arena.blocks() });
    }
    return mappings.sort((a, b) => a.address - b.address);
  }

  dispose(): void {
    for (const run of this.runs.values()) run.release();
    this.runs.clear();
    this.runPool.clear();
    this.arena?.region.release();
  }

  private tick(): void {
    this.kernel.tick();
    if (this.delayed) {
      this.arena?.region.tick();
      this.runPool.tick();
    }
  }

  /** The slot of the live block at `address`, or -1 (with `lastError`). */
  private locate(address: number): number {
    const bad = (): number => {
      this.lastError = `invalid free: 0x${address.toString(16)} is not a live block`;
      return -1;
    };
    if (!(address > 0) || !Number.isInteger(address)) return bad();
    const kernelSlot = this.kernel.slotOf(address);
    if (!(this.ownedSlots[kernelSlot] === 1)) return bad(); // also outside the array (negative, past its end)
    const page = this.kernel.pageAddress(kernelSlot);
    const view = this.kernel.viewOfSlot(kernelSlot);
    const size = this.classSizes[view.getUint16(CLASS, true)]!;
    const offset = address - page - this.pageHeader;
    if (offset < 0 || offset % size !== 0) return bad();
    const slot = offset / size;
    if (!(view.getUint8(BITMAP + (slot >> 3)) & (1 << (slot & 7)))) return bad();
    return slot;
  }

  private own(slot: number, owned: 0 | 1): void {
    if (slot >= this.ownedSlots.length) {
      const bigger = new Uint8Array(Math.max(slot + 1, this.ownedSlots.length * 2));
      bigger.set(this.ownedSlots);
      this.ownedSlots = bigger;
    }
    this.ownedSlots[slot] = owned;
    if (owned === 1) this.ownedSlotSet.add(slot);
    else this.ownedSlotSet.delete(slot);
  }

  private *ownedPageAddresses(): IterableIterator<number> {
    for (const slot of [...this.ownedSlotSet].sort((a, b) => a - b)) yield this.kernel.pageAddress(slot);
  }

  private capacityOf(address: number): number {
    const run = this.runs.get(address);
    if (run !== undefined) return run.usedBytes - RUN_HEADER;
    if (this.locate(address) < 0) return -1;
    return this.classSizes[this.kernel.view(address).getUint16(CLASS, true)]!;
  }

  private allocateRun(bytes: number): number {
    const pages = Math.ceil((bytes + RUN_HEADER) / this.pageSize);
    const run = this.runPool.take(pages);
    if (run === null) {
      this.lastError = `out of memory: no ${pages} pages for ${bytes} bytes`;
      return 0;
    }
    const address = run.base + RUN_HEADER;
    this.runs.set(address, run);
    this.liveBlocks++;
    this.livePayload += run.usedBytes - RUN_HEADER;
    this.lastError = null;
    return address;
  }
}
