/**
 * Rebuilds a run's heap on the extension host from its operation log (`HeapOpBatch`es streamed
 * by the worker or made from a trace). The engine is deterministic, so every address matches the
 * run's; the trees read this heap, the webview replays the same batches on its own copy.
 * Per live block it remembers only the operation's site id (an Int32 per block, in a Map keyed
 * by data address), so the Leaks and Page Families trees can name the allocating line.
 * The program's writes in the batches are applied too, between the operations where they happened,
 * so the bytes of this heap's blocks are the program's at the replayed step (not zeros).
 */
import { LmmHeap } from '../../engine/lmmHeap';
import { HeapOpKind, type HeapOpBatch, type HeapWrites } from '../../engine/heapOps';

export interface ReplayOptions {
  pageSize: number;
  memoryCap?: number;
  /** Batches kept for the Memory Map timeline; past this many operations, later ones are not kept. */
  eventsKept: number;
  /** Called after every operation with the heap and the step it ends (from 1): for a series over the run. */
  afterEachStep?: (heap: LmmHeap, step: number) => void;
}

/** Where the scan of a batch's writes has got to: the next write and where its bytes begin. */
interface WriteCursor {
  index: number;
  byte: number;
}

export class HeapReplay {
  readonly heap: LmmHeap;
  /** Site id of the operation that allocated each live block, by data address. */
  readonly blockSite = new Map<number, number>();
  /** Kept batches, in order (for a Memory Map opened after the run began). */
  readonly batches: HeapOpBatch[] = [];
  steps = 0;
  keptSteps = 0;
  /** True once operations were dropped from `batches` because of `eventsKept`. */
  truncated = false;
  /** Failed operations so far (errors are timeline markers). */
  failedSteps = 0;
  private readonly eventsKept: number;
  private readonly afterEachStep: ((heap: LmmHeap, step: number) => void) | undefined;
  /** Per allocation site id: blocks allocated, freed, live now and at most (for code lenses and hovers). */
  siteAllocated = new Int32Array(64);
  siteFreed = new Int32Array(64);
  siteLive = new Int32Array(64);
  sitePeakLive = new Int32Array(64);
  /** Per XFREE site id: [blocks freed, frees refused (double or invalid)]. */
  readonly freeSiteCounts = new Map<number, [number, number]>();
  /** Family id allocated by each site, plus one (0: none yet; a site allocates one struct). */
  siteFamilyPlusOne = new Int32Array(64);

  constructor(options: ReplayOptions) {
    const heapOptions: { pageSize: number; memoryCap?: number } = { pageSize: options.pageSize };
    if (options.memoryCap !== undefined) heapOptions.memoryCap = options.memoryCap;
    this.heap = new LmmHeap(heapOptions);
    this.eventsKept = options.eventsKept;
    this.afterEachStep = options.afterEachStep;
  }

  /**
   * Applies one batch. Batches must come in step order; a gap or overlap means a lost message,
   * and the heap would silently diverge from the run's, so it is an error.
   */
  apply(batch: HeapOpBatch): void {
    if (batch.firstStep !== this.steps) {
      throw new Error(`heap operations out of order: expected step ${this.steps}, got a batch from step ${batch.firstStep}`);
    }
    const heap = this.heap;
    const { kind, a, b, c, site, count } = batch;
    const afterEachStep = this.afterEachStep;
    const writes = batch.writes;
    const bytes: WriteCursor = { index: 0, byte: 0 };
    // Writes made after the previous batch's last operation come first.
    if (writes !== undefined) this.applyWrites(writes, batch.firstStep - 1, bytes);
    let nameIndex = 0;
    for (let i = 0; i < count; i++) {
      switch (kind[i] as HeapOpKind) {
        case HeapOpKind.Register: {
          const name = batch.names[nameIndex++] ?? `struct${this.steps + i}`;
          // A registration that failed in the run changed nothing there: skip it here too.
          if (c[i]! < 0 || heap.register(name, a[i]!) < 0) this.failedSteps++;
          break;
        }
        case HeapOpKind.Alloc: {
          const address = c[i]! === 0 ? 0 : heap.xcalloc(a[i]!, b[i]!);
          if (address === 0) this.failedSteps++;
          else {
            if (address !== c[i]) {
              throw new Error(`step ${this.steps + i}: the replayed heap gave address ${address}, the run gave ${c[i]}`);
            }
            this.blockSite.set(address, site[i]!);
            this.countAlloc(site[i]!, a[i]!);
          }
          break;
        }
        case HeapOpKind.Free: {
          const freed = c[i]! === 1 && heap.xfree(a[i]!);
          if (freed) {
            this.countFree(this.blockSite.get(a[i]!));
            this.blockSite.delete(a[i]!);
          } else this.failedSteps++;
          if (site[i]! >= 0) {
            const counts = this.freeSiteCounts.get(site[i]!) ?? [0, 0];
            counts[freed ? 0 : 1]++;
            this.freeSiteCounts.set(site[i]!, counts);
          }
          break;
        }
        case HeapOpKind.Mark:
          break;
      }
      if (writes !== undefined) this.applyWrites(writes, this.steps + i, bytes);
      if (afterEachStep) afterEachStep(heap, this.steps + i + 1);
    }
    if (writes !== undefined && bytes.index < writes.count) {
      throw new Error(`a write of the batch at step ${batch.firstStep} is out of step order (step ${writes.step[bytes.index]})`);
    }
    this.steps += count;
    if (!this.truncated && this.keptSteps + count <= this.eventsKept) {
      this.batches.push(batch);
      this.keptSteps += count;
    } else this.truncated = true;
  }

  /** Applies the writes from `at.index` on made after operation `step`, and moves `at` past them. */
  private applyWrites(writes: HeapWrites, step: number, at: WriteCursor): void {
    const kernel = this.heap.kernel;
    while (at.index < writes.count && writes.step[at.index] === step) {
      const length = writes.length[at.index]!;
      const address = writes.address[at.index]!;
      // Page by page (a struct copy may cross a page end); bytes on no mapped page are skipped.
      for (let done = 0; done < length;) {
        const where = address + done;
        const pageStart = kernel.pageOf(where);
        const n = Math.min(length - done, pageStart + this.heap.pageSize - where);
        const page = kernel.isMapped(where) ? kernel.pageBytes(where) : undefined;
        const from = at.byte + done;
        if (page !== undefined) page.set(writes.bytes.subarray(from, from + n), where - pageStart);
        done += n;
      }
      at.byte += length;
      at.index++;
    }
  }

  /** The family a site allocates, or -1. */
  siteFamily(siteId: number): number {
    return siteId >= 0 && siteId < this.siteFamilyPlusOne.length ? this.siteFamilyPlusOne[siteId]! - 1 : -1;
  }

  private countAlloc(siteId: number, familyId: number): void {
    if (siteId < 0) return;
    if (siteId >= this.siteAllocated.length) {
      const size = Math.max(siteId + 1, this.siteAllocated.length * 2);
      const grow = (old: Int32Array) => {
        const bigger = new Int32Array(size);
        bigger.set(old);
        return bigger;
      };
      this.siteAllocated = grow(this.siteAllocated);
      this.siteFreed = grow(this.siteFreed);
      this.siteLive = grow(this.siteLive);
      this.sitePeakLive = grow(this.sitePeakLive);
      this.siteFamilyPlusOne = grow(this.siteFamilyPlusOne);
    }
    if (this.siteFamilyPlusOne[siteId] === 0) this.siteFamilyPlusOne[siteId] = familyId + 1;
    this.siteAllocated[siteId]!++;
    const live = ++this.siteLive[siteId]!;
    if (live > this.sitePeakLive[siteId]!) this.sitePeakLive[siteId] = live;
  }

  private countFree(siteId: number | undefined): void {
    if (siteId === undefined || siteId < 0 || siteId >= this.siteLive.length) return;
    this.siteFreed[siteId]!++;
    this.siteLive[siteId]!--;
  }
}
