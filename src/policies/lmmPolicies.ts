/**
 * LMM as policies: lmm-classic is the engine as it is (exact; requests above one page's capacity
 * are rejected and counted), lmm-extended adds multi-page requests, each served by a run of its
 * own pages that carries LMM's page header and block meta data in front of the payload.
 * Requests that are not structs come from the engine's built-in `buf` family (`xcalloc_buf`).
 */
import { DATA_START, DEFAULT_PAGE_SIZE, FIRST_META_OFFSET, META_SIZE, PAGE_HEADER_SIZE } from '../engine/constants';
import { checkHeap } from '../engine/invariants';
import { LmmHeap } from '../engine/lmmHeap';
import { DEFAULT_MEMORY_CAP, type SimulatedKernel } from '../engine/simulatedKernel';
import {
  reallocByMoving,
  kernelStatistics,
  type AllocatorPolicy,
  type PolicyBlock,
  type PolicyMapping,
  type PolicyOptions,
  type PolicyStatistics,
} from './allocatorPolicy';
import { RunPool, RunTable } from './pageRegion';

export class LmmPolicy implements AllocatorPolicy {
  readonly heap: LmmHeap;
  readonly kernel: SimulatedKernel;
  readonly maxRequest: number;
  lastError: string | null = null;
  /** Requests refused because they exceed one page's capacity (lmm-classic). */
  rejected = 0;
  /** lmm-extended's multi-page runs by payload address. */
  private readonly runs: RunTable;
  private readonly runPool: RunPool;
  private runPayload = 0;
  /**
   * The heap's id of each family in the order they were declared (a workload's family index), -1
   * for one LMM refused: a refused `reg` (too big for a page) takes no id, so the families after
   * it have ids one lower than their index.
   */
  private readonly familyIds: number[] = [];

  constructor(
    readonly name: string,
    private readonly multiPage: boolean,
    options: PolicyOptions = {},
  ) {
    this.heap = new LmmHeap({
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      memoryCap: options.memoryCap ?? DEFAULT_MEMORY_CAP,
      ...(options.reservoir ? { reservoir: options.reservoir } : {}),
    });
    this.kernel = this.heap.kernel;
    this.runPool = new RunPool(this.kernel);
    this.runs = new RunTable(this.kernel, DATA_START);
    this.maxRequest = multiPage ? Infinity : this.heap.maxRequest;
  }

  registerFamily(name: string, size: number): number {
    const id = this.heap.register(name, size);
    this.lastError = this.heap.lastError?.message ?? null;
    this.familyIds.push(id);
    return id;
  }

  allocate(bytes: number, family = -1, units = 0): number {
    if (bytes > this.heap.maxRequest) {
      if (!this.multiPage) {
        this.rejected++;
        this.lastError = `${bytes} bytes exceed the ${this.heap.maxRequest} bytes one LMM page can serve`;
        return 0;
      }
      return this.allocateRun(bytes);
    }
    if (family >= 0 && this.familyIds[family] === -1) {
      this.lastError = `struct family ${family} was not registered (LMM refused it)`;
      return 0;
    }
    const heapFamily = family >= 0 ? (this.familyIds[family] ?? family) : -1;
    const address = heapFamily >= 0 ? this.heap.xcalloc(heapFamily, units) : this.heap.xcalloc_buf(bytes);
    this.lastError = this.heap.lastError?.message ?? null;
    return address;
  }

  free(address: number): boolean {
    const run = this.runs.get(address);
    if (run !== undefined) {
      this.kernel.tick();
      this.runPool.tick();
      this.runPayload -= run.usedBytes - DATA_START;
      this.runs.delete(address);
      this.runPool.give(run);
      this.lastError = null;
      return true;
    }
    const ok = this.heap.xfree(address);
    this.lastError = this.heap.lastError?.message ?? null;
    return ok;
  }

  realloc(address: number, bytes: number): number {
    // LMM blocks never grow; a block that already holds `bytes` stays where it is.
    return reallocByMoving(this, address, bytes, this.capacityOf(address));
  }

  payload(address: number, length: number): Uint8Array {
    const run = this.runs.get(address);
    if (run !== undefined) return run.bytes.subarray(DATA_START, DATA_START + length);
    const page = this.kernel.pageOf(address);
    const from = address - page;
    return this.kernel.pageBytes(page)!.subarray(from, from + length);
  }

  statistics(): PolicyStatistics {
    let blocks = this.runs.size;
    let payload = this.runPayload;
    for (const family of this.heap.families) {
      const c = family.counters;
      blocks += c.totalBlocks - c.freeBlocks;
      payload += c.appMemory - (c.totalBlocks - c.freeBlocks) * META_SIZE;
    }
    return kernelStatistics(this.kernel, blocks, payload, this.rejected);
  }

  check(): string[] {
    const problems = checkHeap(this.heap).filter((p) => !this.isRunAccounting(p));
    let runPages = 0;
    for (const [address, run] of this.runs) {
      runPages += run.usedPages;
      if (address !== run.base + DATA_START) problems.push(`${this.name}: run at 0x${address.toString(16)} is not at its base`);
      if (run.usedBytes - DATA_START <= this.heap.maxRequest)
        problems.push(`${this.name}: a run serves a request one page could hold`);
    }
    const kernel = this.kernel;
    let pages = this.heap.registryPages.length + kernel.reservoirPages + runPages;
    for (const family of this.heap.families) pages += family.counters.pages;
    if (pages !== kernel.mappedPages) problems.push(`${this.name}: ${kernel.mappedPages} pages mapped, ${pages} accounted for`);
    return problems;
  }

  mappings(): PolicyMapping[] {
    const heap = this.heap;
    const mappings: PolicyMapping[] = heap.registryPages.map((address) => ({
      address,
      pages: 1,
      kind: 'registry',
      blocks: [{ offset: 0, header: 0, size: heap.pageSize, state: 'overhead', family: null }],
    }));
    for (const family of heap.families) {
      for (const page of heap.familyPages(family)) {
        const blocks: PolicyBlock[] = [{ offset: 0, header: 0, size: PAGE_HEADER_SIZE, state: 'overhead', family: null }];
        for (const b of heap.pageBlocks(page)) {
          blocks.push({
            offset: b.offset,
            header: META_SIZE,
            size: b.size,
            state: b.free ? 'free' : 'used',
            family: family.name,
          });
        }
        mappings.push({ address: page, pages: 1, kind: 'page', blocks });
      }
    }
    for (const run of this.runs.values()) {
      mappings.push({
        address: run.base,
        pages: run.usedPages,
        kind: 'run',
        blocks: [
          { offset: 0, header: 0, size: PAGE_HEADER_SIZE, state: 'overhead', family: null },
          { offset: FIRST_META_OFFSET, header: META_SIZE, size: run.usedBytes - DATA_START, state: 'used', family: null },
        ],
      });
    }
    return mappings.sort((a, b) => a.address - b.address);
  }

  dispose(): void {
    for (const run of this.runs.values()) run.release();
    this.runs.clear();
    this.runPool.clear();
  }

  /** Payload bytes the block at `address` holds, or -1 when it is not a live block. */
  private capacityOf(address: number): number {
    const run = this.runs.get(address);
    if (run !== undefined) return run.usedBytes - DATA_START;
    if (this.heap.allocatedBlockFamily(address) === undefined) return -1;
    return this.heap.block(address - META_SIZE).size;
  }

  private allocateRun(bytes: number): number {
    this.kernel.tick();
    this.runPool.tick();
    const pages = Math.ceil((bytes + DATA_START) / this.heap.pageSize);
    const run = this.runPool.take(pages);
    if (run === null) {
      this.lastError = `out of memory: no ${pages} pages for ${bytes} bytes`;
      return 0;
    }
    run.zeroIfReused(); // LMM's xcalloc hands out zeroed memory
    const address = run.base + DATA_START;
    this.runs.set(address, run);
    this.runPayload += run.usedBytes - DATA_START;
    this.lastError = null;
    return address;
  }

  /**
   * checkHeap counts only family and registry pages, one page per mmap call; runs (several pages
   * in one call) are accounted for in `check` instead.
   */
  private isRunAccounting(problem: string): boolean {
    return (
      this.multiPage &&
      (/ pages are mapped but families, the registry and the page reservoir hold /.test(problem) ||
        problem === 'mmap − munmap differs from mapped pages')
    );
  }
}
