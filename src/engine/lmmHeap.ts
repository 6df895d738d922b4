/**
 * LMM classic, byte for byte (docs/allocator-model.md): page families, block meta data in
 * the page bytes, split / merge / hard-fragment absorption, pages returned as soon as they empty,
 * and each request served from the family's largest free block.
 *
 * Blocks are named by the address of their meta data (`meta`) inside the engine and by their
 * data address (meta + 48) outside it. Nothing is kept per block outside the page bytes.
 * Every failed request is a value (0 / false plus `lastError`) and an `error` event; it never
 * throws and never leaves the heap half-changed.
 */
import {
  DATA_START,
  DEFAULT_PAGE_SIZE,
  FAMILY_RECORD,
  FAMILY_RECORD_SIZE,
  FIRST_META_OFFSET,
  MAX_PAGE_SIZE,
  META,
  META_SIZE,
  MIN_PAGE_SIZE,
  PAGE_HEADER,
  REGISTRY_FIRST_RECORD,
  REGISTRY_NEXT,
  STRUCT_NAME_MAX,
  familiesPerRegistryPage,
  maxAllocatable,
} from './constants';
import { emptyCounters, type Family, type FamilyCounters } from './family';
import { AllocatedBlocks } from './allocatedBlocks';
import { FreeBlockQueue } from './freeBlockQueue';
import type { HeapError, HeapErrorKind } from './heapErrors';
import type { HeapEventListener, SplitKind } from './heapEvents';
import { addressOf, handleOf, inWindow, readHandle, readLink, writeHandle, writeLink } from './pointers';
import { DEFAULT_MEMORY_CAP, SimulatedKernel, type KernelState, type ReservoirOptions } from './simulatedKernel';

export interface HeapOptions {
  /** VM page size in bytes (default 4096). */
  pageSize?: number;
  /** Cap on mapped bytes; mmap fails like ENOMEM past it (default 1 GiB). */
  memoryCap?: number;
  /** Keep emptied pages mapped for reuse (default off: LMM classic unmaps a page as it empties). */
  reservoir?: ReservoirOptions;
}

/** The built-in family of 1-byte units that serves `xcalloc_buf` (registered on first use). */
export const BUF_FAMILY_NAME = 'buf';

/** Whether a family is the one `xcalloc_buf` serves: its blocks' units are their bytes. */
export function isBufferFamily(family: { name: string; structSize: number }): boolean {
  return family.name === BUF_FAMILY_NAME && family.structSize === 1;
}

/** Which family a mapped page belongs to, by kernel slot. */
const REGISTRY_PAGE = -1;
const UNMAPPED = -2;
const TWO_32 = 4294967296;

export class LmmHeap {
  readonly kernel: SimulatedKernel;
  readonly pageSize: number;
  /** The largest request (units × struct size) a page can serve. */
  readonly maxRequest: number;
  readonly families: Family[] = [];
  /** Registry pages in chain order. */
  readonly registryPages: number[] = [];
  /** The error of the last failed call, or null after a call that succeeded. */
  lastError: HeapError | null = null;
  /** Failed calls so far, by kind. */
  readonly errorCounts = new Map<HeapErrorKind, number>();
  /** Σ application memory over all families, now and at most so far. */
  appMemory = 0;
  peakAppMemory = 0;
  /** Receives every event; null (the default) makes recording free. */
  listener: HeapEventListener | null = null;

  private readonly byName = new Map<string, Family>();
  private readonly slotFamily: number[] = [];
  /** Allocated blocks by the low 32 bits of their meta address: O(1) validation of frees. */
  private allocated = new AllocatedBlocks();
  /** The family that serves `xcalloc_buf`, once a buffer was asked for. */
  private bufFamilyId = -1;

  /**
   * A deep copy of the whole heap (pages, families, counters), without the listener: time travel
   * keeps such copies as snapshots and replays operations on them.
   */
  clone(): LmmHeap {
    const copy = new LmmHeap({ pageSize: this.pageSize, memoryCap: this.kernel.memoryCap }, this.kernel.clone());
    for (const family of this.families) {
      const twin: Family = {
        ...family,
        freeBlocks: family.freeBlocks.cloneFor(copy.kernel),
        counters: { ...family.counters },
      };
      copy.families.push(twin);
      copy.byName.set(twin.name, twin);
    }
    for (const page of this.registryPages) copy.registryPages.push(page);
    for (let slot = 0; slot < this.slotFamily.length; slot++) copy.slotFamily[slot] = this.slotFamily[slot]!;
    copy.lastError = this.lastError;
    for (const [kind, count] of this.errorCounts) copy.errorCounts.set(kind, count);
    copy.appMemory = this.appMemory;
    copy.peakAppMemory = this.peakAppMemory;
    copy.allocated = this.allocated.clone();
    copy.bufFamilyId = this.bufFamilyId;
    return copy;
  }

  /**
   * Everything but the page bytes, for time-travel snapshots (`heapSnapshot.ts` adds the
   * bytes): typed arrays and a few scalars, no per-page or per-block objects.
   */
  saveState(): HeapState {
    const counters = new Float64Array(this.families.length * COUNTER_KEYS.length);
    this.families.forEach((family, i) => {
      COUNTER_KEYS.forEach((key, k) => (counters[i * COUNTER_KEYS.length + k] = family.counters[key]));
    });
    const slotFamily = new Int32Array(this.slotFamily.length);
    for (let slot = 0; slot < slotFamily.length; slot++) slotFamily[slot] = this.slotFamily[slot] ?? UNMAPPED;
    return {
      kernel: this.kernel.saveState(),
      families: this.families.map(({ id, name, structSize, recordAddress }) => ({ id, name, structSize, recordAddress })),
      counters,
      queues: this.families.map((family) => family.freeBlocks.saveState()),
      registryPages: Float64Array.from(this.registryPages),
      slotFamily,
      allocated: this.allocated.saveState(),
      lastError: this.lastError,
      errorCounts: [...this.errorCounts],
      appMemory: this.appMemory,
      peakAppMemory: this.peakAppMemory,
      bufFamilyId: this.bufFamilyId,
    };
  }

  /**
   * Returns to a state saved (by a heap of the same page size and run) in place. Page bytes are
   * not part of `state`: the caller writes them into the mapped pages afterwards. Family objects
   * and page views present before and after are kept (a family's record page is never unmapped).
   */
  restoreState(state: HeapState): void {
    this.kernel.restoreState(state.kernel);
    const saved = state.families;
    while (this.families.length > saved.length) this.byName.delete(this.families.pop()!.name);
    for (let id = this.families.length; id < saved.length; id++) {
      const { name, structSize, recordAddress } = saved[id]!;
      this.addFamily(id, name, structSize, recordAddress);
    }
    this.families.forEach((family, i) => {
      COUNTER_KEYS.forEach((key, k) => (family.counters[key] = state.counters[i * COUNTER_KEYS.length + k]!));
      family.freeBlocks.restoreState(state.queues[i]!);
    });
    this.registryPages.length = 0;
    for (const page of state.registryPages) this.registryPages.push(page);
    this.slotFamily.length = state.slotFamily.length;
    for (let slot = 0; slot < state.slotFamily.length; slot++) this.slotFamily[slot] = state.slotFamily[slot]!;
    this.allocated.restoreState(state.allocated);
    this.lastError = state.lastError;
    this.errorCounts.clear();
    for (const [kind, count] of state.errorCounts) this.errorCounts.set(kind, count);
    this.appMemory = state.appMemory;
    this.peakAppMemory = state.peakAppMemory;
    this.bufFamilyId = state.bufFamilyId;
  }

  constructor(options: HeapOptions = {}, kernel?: SimulatedKernel) {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || pageSize % 8 !== 0) {
      throw new RangeError(`page size must be a multiple of 8 from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}, not ${pageSize}`);
    }
    this.pageSize = pageSize;
    this.maxRequest = maxAllocatable(pageSize);
    const memoryCap = options.memoryCap ?? DEFAULT_MEMORY_CAP;
    // Every address must stay inside one 4 GiB window under MMAP_TOP (see pointers.ts: blocks are named by their low 32 bits).
    if (!(memoryCap > 0 && memoryCap <= TWO_32 - 2 * pageSize)) {
      throw new RangeError(`memory cap must be more than 0 and at most 4 GiB − 2 pages, not ${memoryCap}`);
    }
    this.kernel = kernel ?? new SimulatedKernel(pageSize, memoryCap, options.reservoir);
  }

  // ---------------------------------------------------------------- registration

  /** Registers a struct; returns its family id, or -1 (see `lastError`). */
  register(name: string, structSize: number): number {
    if (!isStructName(name)) {
      return this.fail(
        'invalid-name',
        `struct name must be 1 to ${STRUCT_NAME_MAX} printable ASCII characters: ${quotedName(name)}`,
        -1,
      );
    }
    if (!Number.isInteger(structSize) || structSize < 0) {
      return this.fail('invalid-units', `struct ${name} has an invalid size ${structSize}`, -1);
    }
    if (structSize > this.pageSize) {
      return this.fail(
        'struct-too-large',
        `structure ${name} size ${structSize} exceeds the system page size ${this.pageSize}`,
        -1,
      );
    }
    if (this.byName.has(name)) {
      return this.fail('duplicate-registration', `structure ${name} is already registered`, -1);
    }
    const perPage = familiesPerRegistryPage(this.pageSize);
    const id = this.families.length;
    const indexInPage = id % perPage;
    if (indexInPage === 0) {
      const page = this.kernel.mmap();
      if (page === 0) return this.fail('out-of-memory', `no memory for a registry page (registering ${name})`, -1);
      this.slotFamily[this.kernel.slotOf(page)] = REGISTRY_PAGE;
      const last = this.registryPages[this.registryPages.length - 1];
      if (last !== undefined) writeLink(this.kernel.view(last), REGISTRY_NEXT, page);
      this.registryPages.push(page);
      this.emitMmap(page, REGISTRY_PAGE);
    }
    const registryPage = this.registryPages[this.registryPages.length - 1]!;
    const recordOffset = REGISTRY_FIRST_RECORD + indexInPage * FAMILY_RECORD_SIZE;
    const view = this.kernel.view(registryPage);
    for (let i = 0; i < name.length; i++) view.setUint8(recordOffset + FAMILY_RECORD.name + i, name.charCodeAt(i));
    view.setUint32(recordOffset + FAMILY_RECORD.structSize, structSize, true);
    this.addFamily(id, name, structSize, registryPage + recordOffset);
    this.lastError = null;
    this.listener?.({ type: 'register', family: id, name, size: structSize });
    return id;
  }

  /** Files family `id` (its record already written at `recordAddress`) with an empty free list. */
  private addFamily(id: number, name: string, structSize: number, recordAddress: number): void {
    const family: Family = {
      id,
      name,
      structSize,
      recordAddress,
      freeBlocks: new FreeBlockQueue(this.kernel, recordAddress + FAMILY_RECORD.freeHeadLeft, this.pageSize - DATA_START),
      counters: emptyCounters(),
    };
    this.families.push(family);
    this.byName.set(name, family);
  }

  /** The family id of a registered struct name, or -1. */
  familyId(name: string): number {
    return this.byName.get(name)?.id ?? -1;
  }

  // ---------------------------------------------------------------- xcalloc

  /** xcalloc by struct name (for callers that have names, like traces); 0 on failure. */
  xcallocStruct(name: string, units: number): number {
    const family = this.byName.get(name);
    if (family === undefined) return this.fail('unregistered-struct', `struct ${nameInMessage(name)} is not registered`, 0);
    return this.xcalloc(family.id, units);
  }

  /**
   * Allocates a zeroed buffer of `bytes` bytes that is not a struct: units of the built-in family
   * `buf` (1-byte structs), registered on first use so that heaps that never ask for a buffer keep
   * their exact layout. Within one page's capacity, like every LMM request.
   */
  xcalloc_buf(bytes: number): number {
    let id = this.bufFamilyId;
    if (id < 0) {
      const existing = this.byName.get(BUF_FAMILY_NAME);
      if (existing !== undefined) {
        if (existing.structSize !== 1) {
          return this.fail(
            'duplicate-registration',
            `struct ${BUF_FAMILY_NAME} is registered with size ${existing.structSize}, so buffers cannot use it`,
            0,
          );
        }
        id = existing.id;
      } else {
        id = this.register(BUF_FAMILY_NAME, 1);
        if (id < 0) return 0;
      }
      this.bufFamilyId = id;
    }
    return this.xcalloc(id, bytes);
  }

  /** Allocates `units` zeroed structs of family `familyId`; returns the data address, or 0. */
  xcalloc(familyId: number, units: number): number {
    const meta = this.allocate(familyId, units);
    return meta === 0 ? 0 : addressOf(meta) + META_SIZE;
  }

  /**
   * `xcalloc` for callers that keep blocks by handle (pointers.ts: the low 32 bits of the data
   * address as an int32, which V8 never boxes): the data address's handle, or 0 on failure.
   * `addressOf` turns it into the address `xcalloc` would have returned.
   */
  xcallocHandle(familyId: number, units: number): number {
    const meta = this.allocate(familyId, units);
    return meta === 0 ? 0 : (meta + META_SIZE) | 0;
  }

  /** The work of xcalloc: the new block's meta handle, or 0 (see `lastError`). */
  private allocate(familyId: number, units: number): number {
    this.kernel.tick();
    const family = this.families[familyId];
    // The refusals live in a function of their own: the hot path stays small enough for V8 to
    // inline the helpers it calls (pointers.ts, the kernel's handle arithmetic).
    if (family === undefined || !Number.isInteger(units) || units < 0 || units * family.structSize > this.maxRequest) {
      return this.refuseAllocation(familyId, units);
    }
    const request = units * family.structSize;
    const kernel = this.kernel;
    let meta = family.freeBlocks.largestHandle();
    let slot = 0;
    let offset = 0;
    // Page bytes are reached through the kernel's arena chunks: `offset` is in the chunk's view.
    if (meta !== 0) {
      slot = kernel.slotOfHandle(meta);
      offset = kernel.chunkOffsetOfHandle(meta, slot);
    }
    if (meta === 0 || kernel.chunkViewOfSlot(slot).getInt32(offset + META.blockSize, true) < request) {
      meta = this.addDataPage(family);
      if (meta === 0) return this.refuseAllocation(familyId, units);
      slot = kernel.slotOfHandle(meta);
      offset = kernel.pageStart(slot) + FIRST_META_OFFSET;
    }
    const view = kernel.chunkViewOfSlot(slot);
    this.split(family, meta, request, view, offset, kernel.pageStart(slot));
    this.allocated.add(meta);
    zeroBytes(view, kernel.chunkBytesOfSlot(slot), offset + META_SIZE, request);
    const counters = family.counters;
    counters.appMemory += META_SIZE + request;
    if (counters.appMemory > counters.peakAppMemory) counters.peakAppMemory = counters.appMemory;
    this.appMemory += META_SIZE + request;
    if (this.appMemory > this.peakAppMemory) this.peakAppMemory = this.appMemory;
    this.lastError = null;
    if (this.listener !== null) {
      this.listener({ type: 'alloc', family: familyId, address: addressOf(meta) + META_SIZE, units, size: request });
    }
    return meta;
  }

  /** Why xcalloc of `units` of family `familyId` cannot be served (an out-of-memory when it could): 0. */
  private refuseAllocation(familyId: number, units: number): number {
    const family = this.families[familyId];
    if (family === undefined) {
      return this.fail('unregistered-struct', `no struct is registered as family ${familyId}`, 0);
    }
    if (!Number.isInteger(units) || units < 0) {
      return this.fail('invalid-units', `cannot allocate ${units} units of ${family.name}`, 0, familyId);
    }
    const request = units * family.structSize;
    if (request > this.maxRequest) {
      return this.fail(
        'too-large',
        // The page size named, as the editor's static check names it: a larger page (--page-size) may serve it.
        `${units} × ${family.name} (${request} bytes) exceeds the ${this.maxRequest} bytes one ${this.pageSize}-byte page can serve`,
        0,
        familyId,
      );
    }
    // mmap failed: only the memory cap refuses a page. Saying so tells a reader why, and what to raise.
    const cap = this.kernel.memoryCap;
    const capPages = Math.floor(cap / this.pageSize);
    return this.fail(
      'out-of-memory',
      `out of memory: no page for ${units} × ${family.name}: the memory cap (${cap} bytes, ${capPages} pages of ${this.pageSize}) is reached`,
      0,
      familyId,
    );
  }

  /** Maps a data page for `family`, puts it at the head of its page list; returns its block's meta handle or 0. */
  private addDataPage(family: Family): number {
    const kernel = this.kernel;
    const page = kernel.mmap();
    if (page === 0) return 0;
    const slot = kernel.slotOf(page);
    this.slotFamily[slot] = family.id;
    const view = kernel.chunkViewOfSlot(slot);
    const start = kernel.pageStart(slot);
    const recordView = kernel.view(family.recordAddress);
    const recordOffset = family.recordAddress - kernel.pageOf(family.recordAddress);
    const oldFirst = readLink(recordView, recordOffset + FAMILY_RECORD.firstPage);
    writeLink(view, start + PAGE_HEADER.next, oldFirst);
    writeLink(view, start + PAGE_HEADER.prev, 0);
    writeLink(view, start + PAGE_HEADER.family, family.recordAddress);
    if (oldFirst !== 0) this.writePageLink(oldFirst, PAGE_HEADER.prev, page);
    writeLink(recordView, recordOffset + FAMILY_RECORD.firstPage, page);
    const offset = start + FIRST_META_OFFSET;
    const size = this.pageSize - DATA_START;
    view.setUint32(offset + META.isFree, 1, true);
    view.setUint32(offset + META.blockSize, size, true);
    view.setUint32(offset + META.offset, FIRST_META_OFFSET, true);
    const counters = family.counters;
    counters.mmap++;
    counters.pages++;
    if (counters.pages > counters.peakPages) counters.peakPages = counters.pages;
    counters.totalBlocks++;
    counters.freeBlocks++;
    this.emitMmap(page, family.id);
    const meta = handleOf(page + FIRST_META_OFFSET);
    this.enterFreeList(family, meta, size, view, offset);
    return meta;
  }

  /**
   * Cuts the free block `meta` (a handle; at `offset` in the chunk `view` shows, whose page starts
   * at `pageStart`) to `request` bytes and marks it allocated (docs/allocator-model.md, Allocating, step 3).
   */
  private split(family: Family, meta: number, request: number, view: DataView, offset: number, pageStart: number): void {
    const before = view.getInt32(offset + META.blockSize, true);
    this.leaveFreeList(family, meta, before, view, offset);
    view.setUint32(offset + META.isFree, 0, true);
    view.setUint32(offset + META.blockSize, request, true);
    const counters = family.counters;
    counters.freeBlocks--;
    const remaining = before - request;
    let remainder = 0;
    let remainderSize = 0;
    let hardBytes = 0;
    if (remaining === 0) {
      // An exact fit: nothing is left.
    } else if (remaining < META_SIZE) {
      hardBytes = remaining;
      counters.hardFragmentBytes += remaining;
    } else {
      const newOffset = offset + META_SIZE + request;
      remainder = (meta + META_SIZE + request) | 0;
      remainderSize = remaining - META_SIZE;
      const next = readHandle(view, offset + META.nextBlock);
      view.setUint32(newOffset + META.isFree, 1, true);
      view.setUint32(newOffset + META.blockSize, remainderSize, true);
      view.setUint32(newOffset + META.offset, newOffset - pageStart, true);
      // The free-list links are written as the remainder enters the list, below.
      writeHandle(view, newOffset + META.prevBlock, meta);
      writeHandle(view, newOffset + META.nextBlock, next);
      // Blocks of one page are less than a page apart: their handles' difference is their distance.
      if (next !== 0) writeHandle(view, offset + ((next - meta) | 0) + META.prevBlock, remainder);
      writeHandle(view, offset + META.nextBlock, remainder);
      counters.totalBlocks++;
      counters.freeBlocks++;
      this.enterFreeList(family, remainder, remainderSize, view, newOffset);
    }
    if (this.listener !== null) {
      this.listener({
        type: 'split',
        family: family.id,
        block: addressOf(meta),
        before,
        size: request,
        kind: splitKind(remaining, family.structSize),
        remainder: addressOf(remainder),
        remainderSize,
        hardBytes,
      });
    }
  }

  // ---------------------------------------------------------------- xfree

  /** Frees the block whose data address is `address`; false (see `lastError`) when it cannot. */
  xfree(address: number): boolean {
    const meta = address - META_SIZE;
    if (inWindow(meta)) return this.release(handleOf(meta), address, false);
    this.kernel.tick();
    return this.fail('invalid-free', `invalid free: 0x${hex(address)} is not the data address of a block`, false, -1, address);
  }

  /** `xfree` for callers that keep blocks by handle (see `xcallocHandle`). */
  xfreeHandle(handle: number): boolean {
    return this.release((handle - META_SIZE) | 0, 0, false);
  }

  /**
   * `xfreeHandle` for a caller that itself knows the block is live: `handle` is one that
   * `xcallocHandle` returned and that was not freed since (the trace replayer's ID table keeps
   * exactly that). The free is not proven against the allocated-block marks, as C's xfree proves
   * nothing either: on a heap of ~100,000 blocks reading the mark is a cache miss on every free,
   * beside the block's own meta data. A block that stands free is still refused (its meta says
   * so); a handle that names no block is the caller's bug, and the heap is then undefined.
   */
  xfreeLiveHandle(handle: number): boolean {
    return this.release((handle - META_SIZE) | 0, 0, true);
  }

  /**
   * The work of xfree, on the block whose meta handle is `meta`; `address` is the data address
   * the caller gave (0: the one the handle names), for messages. `known`: the caller vouches that
   * `meta` is a block's (see `xfreeLiveHandle`).
   */
  private release(meta: number, address: number, known: boolean): boolean {
    this.kernel.tick();
    // One probe of the marks both proves the block allocated and takes it out.
    if (!known && (meta === 0 || !this.allocated.delete(meta))) return this.refuseFree(meta, address);
    const kernel = this.kernel;
    const slot = kernel.slotOfHandle(meta);
    const view = kernel.chunkViewOfSlot(slot);
    const offset = kernel.chunkOffsetOfHandle(meta, slot);
    if (known) {
      // Only the block's own meta data, which the free reads anyway, is checked; the mark is
      // written, not read: a store that misses the cache does not hold the free up.
      if (view.getInt32(offset + META.isFree, true) !== 0) return this.refuseFree(meta, address);
      this.allocated.forget(meta);
    }
    const family = this.families[this.slotFamily[slot]!]!;
    const pageStart = kernel.pageStart(slot);
    const counters = family.counters;
    let size = view.getInt32(offset + META.blockSize, true);
    counters.appMemory -= META_SIZE + size;
    this.appMemory -= META_SIZE + size;
    counters.freeBlocks++;
    view.setUint32(offset + META.isFree, 1, true);

    // Take back the hard fragment behind the block, if a split left one. Blocks of one page are
    // less than a page apart: their handles' difference is their distance.
    const next = readHandle(view, offset + META.nextBlock);
    const end = offset + META_SIZE + size;
    const nextOffset = next === 0 ? pageStart + this.pageSize : offset + ((next - meta) | 0);
    const absorbed = nextOffset - end;
    if (absorbed > 0) {
      size += absorbed;
      view.setUint32(offset + META.blockSize, size, true);
      counters.hardFragmentBytes -= absorbed;
    }
    if (this.listener !== null) {
      this.listener({
        type: 'free',
        family: family.id,
        address: addressOf(meta) + META_SIZE,
        size: size - absorbed,
        absorbed,
      });
    }

    let block = meta;
    let blockOffset = offset;
    if (next !== 0 && view.getInt32(nextOffset + META.isFree, true) === 1) {
      size = this.mergeIntoPrevious(family, view, block, blockOffset, next, nextOffset);
    }
    const prev = readHandle(view, offset + META.prevBlock);
    if (prev !== 0) {
      const prevOffset = offset + ((prev - meta) | 0);
      if (view.getInt32(prevOffset + META.isFree, true) === 1) {
        size = this.mergeIntoPrevious(family, view, prev, prevOffset, block, blockOffset);
        block = prev;
        blockOffset = prevOffset;
      }
    }

    if (blockOffset === pageStart + FIRST_META_OFFSET && readHandle(view, blockOffset + META.nextBlock) === 0) {
      this.releasePage(family, kernel.pageAddress(slot));
    } else {
      this.enterFreeList(family, block, size, view, blockOffset);
    }
    this.lastError = null;
    return true;
  }

  /** Why the block whose meta handle is `meta` cannot be freed (see `release`): false. */
  private refuseFree(meta: number, address: number): boolean {
    // Not an allocated block: find out what it is, for the error (the exact walk, off the hot path).
    const data = address !== 0 ? address : addressOf((meta + META_SIZE) | 0);
    const family = this.blockFamily(data - META_SIZE);
    if (family === undefined) {
      return this.fail('invalid-free', `invalid free: 0x${hex(data)} is not the data address of a block`, false, -1, data);
    }
    return this.fail('double-free', `double free: the block at 0x${hex(data)} is already free`, false, family.id, data);
  }

  /**
   * Merges the free block `absorbed` into the block `into` right before it (both handles, at
   * their offsets in the chunk `view` shows). `into` may be the block being freed (not in the
   * list) or a free block (in the list). Returns `into`'s new size.
   */
  private mergeIntoPrevious(
    family: Family,
    view: DataView,
    into: number,
    intoOffset: number,
    absorbed: number,
    absorbedOffset: number,
  ): number {
    const absorbedSize = view.getInt32(absorbedOffset + META.blockSize, true);
    const intoInList = readHandle(view, intoOffset + META.freeLinkPrev) !== 0;
    const before = view.getInt32(intoOffset + META.blockSize, true);
    if (intoInList) this.leaveFreeList(family, into, before, view, intoOffset);
    const absorbedInList = readHandle(view, absorbedOffset + META.freeLinkPrev) !== 0;
    if (absorbedInList) this.leaveFreeList(family, absorbed, absorbedSize, view, absorbedOffset);
    const after = before + META_SIZE + absorbedSize;
    view.setUint32(intoOffset + META.blockSize, after, true);
    const next = readHandle(view, absorbedOffset + META.nextBlock);
    writeHandle(view, intoOffset + META.nextBlock, next);
    if (next !== 0) writeHandle(view, absorbedOffset + ((next - absorbed) | 0) + META.prevBlock, into);
    const counters = family.counters;
    counters.totalBlocks--;
    counters.freeBlocks--;
    if (this.listener !== null) {
      this.listener({
        type: 'merge',
        family: family.id,
        into: addressOf(into),
        absorbed: addressOf(absorbed),
        absorbedSize,
        before,
        after,
      });
    }
    return after;
  }

  /** Unmaps a page whose only block is free, taking it out of the family's page list. */
  private releasePage(family: Family, page: number): void {
    const kernel = this.kernel;
    const slot = kernel.slotOf(page);
    const view = kernel.chunkViewOfSlot(slot);
    const start = kernel.pageStart(slot);
    const next = readLink(view, start + PAGE_HEADER.next);
    const prev = readLink(view, start + PAGE_HEADER.prev);
    if (prev !== 0) this.writePageLink(prev, PAGE_HEADER.next, next);
    else {
      const recordOffset = family.recordAddress - kernel.pageOf(family.recordAddress);
      writeLink(kernel.view(family.recordAddress), recordOffset + FAMILY_RECORD.firstPage, next);
    }
    if (next !== 0) this.writePageLink(next, PAGE_HEADER.prev, prev);
    const counters = family.counters;
    counters.totalBlocks--;
    counters.freeBlocks--;
    counters.pages--;
    counters.munmap++;
    this.slotFamily[slot] = UNMAPPED;
    kernel.munmap(page);
    if (this.listener !== null) {
      if (kernel.lastMunmapKept) this.listener({ type: 'munmap', page, family: family.id, after: prev, kept: true });
      else this.listener({ type: 'munmap', page, family: family.id, after: prev });
    }
  }

  /** Writes the link `value` into the header field at `field` of the data page `page`. */
  private writePageLink(page: number, field: number, value: number): void {
    const slot = this.kernel.slotOf(page);
    writeLink(this.kernel.chunkViewOfSlot(slot), this.kernel.pageStart(slot) + field, value);
  }

  // ---------------------------------------------------------------- free list bookkeeping

  /** Files the free block `meta` (a handle, at `offset` in `view`'s chunk) of `size` bytes. */
  private enterFreeList(family: Family, meta: number, size: number, view: DataView, offset: number): void {
    family.freeBlocks.insert(meta, view, offset);
    const counters = family.counters;
    counters.freeBytes += size;
    if (size < family.structSize) {
      counters.softFragments++;
      counters.softFragmentBytes += size;
    }
  }

  private leaveFreeList(family: Family, meta: number, size: number, view: DataView, offset: number): void {
    family.freeBlocks.remove(meta, view, offset);
    const counters = family.counters;
    counters.freeBytes -= size;
    if (size < family.structSize) {
      counters.softFragments--;
      counters.softFragmentBytes -= size;
    }
  }

  // ---------------------------------------------------------------- queries

  /**
   * The family of the block whose meta data is at `meta`, or undefined when `meta` is not the
   * meta address of a block. Exact: it walks the page's block list from its first block, since
   * the bytes in front of an arbitrary address may be anything a program wrote.
   */
  blockFamily(meta: number): Family | undefined {
    if (!Number.isInteger(meta) || !this.kernel.isMapped(meta)) return undefined;
    const kernel = this.kernel;
    const slot = kernel.slotOf(meta);
    const familyId = this.slotFamily[slot]!;
    if (familyId < 0) return undefined;
    const page = kernel.pageAddress(slot);
    const view = kernel.viewOfSlot(slot);
    const target = meta - page;
    // A link inside a page is less than a page past the page's address, so the offset follows
    // from the link's low 32 bits alone (modulo 2^32): one u32 read per hop.
    const pageLow = page % TWO_32;
    let offset = FIRST_META_OFFSET;
    while (offset < target) {
      const nextLow = view.getUint32(offset + META.nextBlock, true);
      if (nextLow === 0 && view.getUint32(offset + META.nextBlock + 4, true) === 0) return undefined;
      offset = nextLow >= pageLow ? nextLow - pageLow : nextLow + TWO_32 - pageLow;
      if (offset <= FIRST_META_OFFSET || offset >= this.pageSize) return undefined;
    }
    return offset === target ? this.families[familyId] : undefined;
  }

  /** The family of the block whose data address is `address`, when it is allocated. */
  allocatedBlockFamily(address: number): Family | undefined {
    const meta = address - META_SIZE;
    if (!(inWindow(meta) && this.allocated.has(handleOf(meta)))) {
      return undefined;
    }
    return this.families[this.slotFamily[this.kernel.slotOf(meta)]!];
  }

  /** How many blocks are allocated now, and the bytes of the set that tracks them. */
  allocatedBlocks(): { count: number; bookkeepingBytes: number } {
    return { count: this.allocated.size, bookkeepingBytes: this.allocated.byteLength };
  }

  /** Meta addresses of every allocated block, in no particular order (for the invariant checker). */
  *allocatedMetas(): IterableIterator<number> {
    for (const handle of this.allocated.values()) yield addressOf(handle);
  }

  /** The family a mapped data page belongs to (-1 registry, -2 unmapped). */
  pageFamilyId(page: number): number {
    if (!this.kernel.isMapped(page)) return UNMAPPED;
    return this.slotFamily[this.kernel.slotOf(page)]!;
  }

  /** The family's data pages in list order (head first). */
  *familyPages(family: Family): IterableIterator<number> {
    const kernel = this.kernel;
    const recordOffset = family.recordAddress - kernel.pageOf(family.recordAddress);
    let page = readLink(kernel.peekView(family.recordAddress), recordOffset + FAMILY_RECORD.firstPage);
    while (page !== 0) {
      yield page;
      page = readLink(kernel.peekView(page), PAGE_HEADER.next);
    }
  }

  /** The blocks of one data page in address order. */
  *pageBlocks(page: number): IterableIterator<BlockInfo> {
    const view = this.kernel.peekView(page);
    let offset = FIRST_META_OFFSET;
    for (;;) {
      const next = readLink(view, offset + META.nextBlock);
      yield {
        meta: page + offset,
        offset,
        size: view.getUint32(offset + META.blockSize, true),
        free: view.getUint32(offset + META.isFree, true) === 1,
      };
      if (next === 0) return;
      offset = next - page;
    }
  }

  /** One block, read from its meta data. */
  block(meta: number): BlockInfo {
    const page = this.kernel.pageOf(meta);
    const view = this.kernel.peekView(page);
    const offset = meta - page;
    return {
      meta,
      offset,
      size: view.getUint32(offset + META.blockSize, true),
      free: view.getUint32(offset + META.isFree, true) === 1,
    };
  }

  /** The counters of one family (live object: copy it to keep a value). */
  counters(familyId: number): FamilyCounters {
    return this.families[familyId]!.counters;
  }

  // ---------------------------------------------------------------- plumbing

  private emitMmap(page: number, family: number): void {
    if (this.listener === null) return;
    if (this.kernel.lastMmapReused) this.listener({ type: 'mmap', page, family, reused: true });
    else this.listener({ type: 'mmap', page, family });
  }

  private fail<T>(kind: HeapErrorKind, message: string, result: T, family = -1, address?: number): T {
    const error: HeapError = { kind, message };
    if (family >= 0) error.family = family;
    if (address !== undefined) error.address = address;
    this.lastError = error;
    this.errorCounts.set(kind, (this.errorCounts.get(kind) ?? 0) + 1);
    this.listener?.({ type: 'error', error });
    return result;
  }
}

/** A heap's state apart from page bytes (see `LmmHeap.saveState`). */
export interface HeapState {
  kernel: KernelState;
  families: ReadonlyArray<Pick<Family, 'id' | 'name' | 'structSize' | 'recordAddress'>>;
  /** `COUNTER_KEYS.length` values per family. */
  counters: Float64Array;
  queues: Uint32Array[];
  registryPages: Float64Array;
  slotFamily: Int32Array;
  allocated: Int32Array;
  lastError: HeapError | null;
  errorCounts: Array<[HeapErrorKind, number]>;
  appMemory: number;
  peakAppMemory: number;
  bufFamilyId: number;
}

const COUNTER_KEYS = Object.keys(emptyCounters()) as Array<keyof FamilyCounters>;

export interface BlockInfo {
  /** Address of the block's meta data (its data is at meta + 48). */
  meta: number;
  /** Offset of the meta data in its page. */
  offset: number;
  size: number;
  free: boolean;
}

/**
 * Zeroes `length` bytes from `start`: 8 bytes at a time through the DataView for small blocks
 * (TypedArray#fill has a fixed call cost that dominates below ~128 bytes), fill() above.
 */
function zeroBytes(view: DataView, bytes: Uint8Array, start: number, length: number): void {
  const end = start + length;
  if (length > 128) {
    bytes.fill(0, start, end);
    return;
  }
  let i = start;
  for (; i + 8 <= end; i += 8) view.setFloat64(i, 0);
  for (; i < end; i++) bytes[i] = 0;
}

/** What a split that leaves `remaining` bytes of a block of a family of `structSize`-byte structs is. */
function splitKind(remaining: number, structSize: number): SplitKind {
  if (remaining === 0) return 'exact';
  if (remaining < META_SIZE) return 'hard';
  return remaining > META_SIZE && remaining < META_SIZE + structSize ? 'soft' : 'full';
}

function hex(n: number): string {
  return Number.isFinite(n) ? n.toString(16) : String(n);
}

/** Whether LMM registers a struct by this name: 1 to STRUCT_NAME_MAX printable ASCII characters. */
export function isStructName(name: string): boolean {
  return name.length >= 1 && name.length <= STRUCT_NAME_MAX && /^[\x21-\x7e]+$/.test(name);
}

/** How many characters of a name a message shows (a trace line may be megabytes long). */
const SHOWN_NAME = 64;

/**
 * A name as a quoted, printable-ASCII string for messages: a struct name is the harness's text,
 * and raw control characters (a newline, a terminal escape) would let it rewrite what a terminal
 * shows around the message. A name longer than SHOWN_NAME is cut, with its length.
 */
export function quotedName(name: string): string {
  const cut = name.length > SHOWN_NAME;
  const quoted = JSON.stringify(cut ? name.slice(0, SHOWN_NAME) : name).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${quoted.slice(0, -1)}..." (${name.length} characters)` : quoted;
}

/** A name (a struct's, a trace's ID) as it is when it is 1 to SHOWN_NAME printable ASCII characters, else as quotedName shows it. */
export function nameInMessage(name: string): string {
  return name.length <= SHOWN_NAME && /^[\x21-\x7e]+$/.test(name) ? name : quotedName(name);
}
