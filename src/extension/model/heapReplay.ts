/**
 * Rebuilds a run's heap on the extension host from its operation log (`HeapOpBatch`es streamed
 * by the worker or made from a trace). The engine is deterministic, so every address matches the
 * run's; the trees read this heap, the webview replays the same batches on its own copy.
 * Per live block it remembers only the operation's site id (an Int32 per block, in a Map keyed
 * by data address), so the Leaks and Page Families trees can name the allocating line.
 * The program's writes in the batches are applied too, between the operations where they happened,
 * so the bytes of this heap's blocks are the program's at the replayed step (not zeros).
 *
 * For the Memory Map it keeps the LAST `eventsKept` operations or so (whole batches: a window) and
 * the heap as it was just before them. It takes a snapshot of its own heap every quarter of
 * `eventsKept` steps, after a batch, a few pages per step (`PendingSnapshot`: the kernel saves a
 * page before its first change, so a snapshot is the heap as it was when it began). Once a
 * newer snapshot leaves `eventsKept` steps after it, the oldest snapshot and the batches before
 * the newer one go. So it holds at most about 1.25 × `eventsKept` operations and six snapshots
 * (each about a fifth of the heap's bytes), however long the run.
 */
import { LmmHeap } from '../../engine/lmmHeap';
import { HeapOpKind, type HeapOpBatch, type HeapWrites, type RecordedField } from '../../engine/heapOps';
import { PendingSnapshot, type HeapSnapshot, type SnapshotScratch } from '../../engine/heapSnapshot';
import { writeBytesAt } from '../../engine/writeBytesAt';
import { BlockSites } from './blockSites';

export interface ReplayOptions {
  pageSize: number;
  memoryCap?: number;
  /** Operations kept for the Memory Map timeline: about the last this many (0: none). */
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
  readonly blockSite = new BlockSites();
  /** Kept batches, in order: the window, from step `windowStart` to the last (for a Memory Map opened after the run began). */
  readonly batches: HeapOpBatch[] = [];
  steps = 0;
  /** The first step of the kept batches; the heap just before it is `windowSnapshot`. */
  windowStart = 0;
  /** Batches dropped from the front of `batches` so far (`batches[i]` is the run's batch `batchesDropped + i`). */
  batchesDropped = 0;
  /** The fields of each family's struct, by family id (a window may begin after the Register). */
  readonly structFields: RecordedField[][] = [];
  /** Snapshots, oldest first: `snapshots[i]` is the heap after step `snapshotSteps[i]` (−1: the empty heap, no snapshot). */
  private readonly snapshots: Array<HeapSnapshot | undefined> = [undefined];
  private readonly snapshotSteps: number[] = [-1];
  private pending: PendingSnapshot | null = null;
  private pendingStep = -1;
  private pendingPagesPerStep = 1;
  private nextSnapshotAt: number;
  private readonly snapshotEvery: number;
  private readonly snapshotScratch: SnapshotScratch = { buffer: new Uint32Array(0) };
  /** The operation log was given back (`forgetOperations`). */
  private forgotten = false;
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
    this.eventsKept = Math.max(0, options.eventsKept);
    this.afterEachStep = options.afterEachStep;
    this.snapshotEvery = Math.max(1, Math.ceil(this.eventsKept / 4));
    this.nextSnapshotAt = this.snapshotEvery;
    if (this.eventsKept === 0) this.forgotten = true;
  }

  /** The `eventsKept` this replay was made with (0: it keeps no operations). */
  get eventsKeptSetting(): number {
    return this.eventsKept;
  }

  /** Operations in `batches`. */
  get keptSteps(): number {
    return this.forgotten ? 0 : this.steps - this.windowStart;
  }

  /**
   * The kept batches for a replay on another allocator: when the window begins part way, a batch
   * registering the run's structs comes first (their Register steps may be before the window).
   */
  batchesForReplay(): HeapOpBatch[] {
    if (this.windowStart === 0) return this.batches;
    const families = this.heap.families;
    const n = families.length;
    const registrations: HeapOpBatch = {
      firstStep: this.windowStart,
      count: n,
      kind: new Uint8Array(n).fill(HeapOpKind.Register),
      a: Float64Array.from(families, (f) => f.structSize),
      b: new Float64Array(n),
      c: Float64Array.from(families, (f) => f.id),
      site: new Int32Array(n).fill(-1),
      names: families.map((f) => f.name),
    };
    return [registrations, ...this.batches];
  }

  /** Starts an empty replay at the window of `other`: its heap becomes `other`'s just before `other.windowStart`. */
  startAtWindowOf(other: HeapReplay): void {
    const snapshot = other.windowSnapshot;
    if (this.steps !== 0 || snapshot === undefined) return;
    snapshot.restoreInto(this.heap);
    this.steps = other.windowStart;
  }

  /** True when `batches` lack some of the run's operations (the window slid, or the log was given back). */
  get truncated(): boolean {
    return this.windowStart > 0 || (this.forgotten && this.steps > 0);
  }

  /** The heap just before `windowStart` (undefined when the window begins at the run's start). */
  get windowSnapshot(): HeapSnapshot | undefined {
    return this.snapshots[0];
  }

  /**
   * The newest finished snapshot and the step it is the heap after (undefined before the first):
   * a live Memory Map far behind a fast run starts over there instead of replaying the steps before.
   */
  get newestSnapshot(): { step: number; snapshot: HeapSnapshot } | undefined {
    const last = this.snapshots.length - 1;
    const snapshot = this.snapshots[last];
    return snapshot === undefined ? undefined : { step: this.snapshotSteps[last]!, snapshot };
  }

  /** True when a snapshot of this heap began right after step `step` (a window may begin after it). */
  snapshotAfter(step: number): boolean {
    return (this.pending !== null && this.pendingStep === step) || this.snapshotSteps.includes(step);
  }

  /** Snapshots held, the one being taken included (for tests: it must stay bounded). */
  get snapshotCount(): number {
    let count = this.pending ? 1 : 0;
    for (const snapshot of this.snapshots) if (snapshot !== undefined) count++;
    return count;
  }

  /** Gives back the operation log and snapshots (an older run's heap stays for the trees). */
  forgetOperations(): void {
    this.batchesDropped += this.batches.length;
    this.batches.length = 0;
    this.snapshots.length = 0;
    this.snapshotSteps.length = 0;
    // Not finished (that would encode the whole heap): given up, and the heap no longer watched.
    this.pending?.cancel();
    this.pending = null;
    this.forgotten = true;
    // Its live blocks' sites stay (the trees), in arrays sized for them, not for its peak.
    this.blockSite.trim();
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
          const family = c[i]! < 0 ? -1 : heap.register(name, a[i]!);
          if (family < 0) this.failedSteps++;
          else this.structFields[family] = batch.fields?.[nameIndex - 1] ?? [];
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
    if (!this.forgotten) this.keep(batch);
  }

  /** Adds `batch` to the window, takes snapshots as they fall due, and drops what the window left behind. */
  private keep(batch: HeapOpBatch): void {
    this.batches.push(batch);
    if (this.pending !== null) {
      if (this.steps >= this.nextSnapshotAt) this.finishSnapshot();
      else {
        this.pending.advance(Math.ceil(this.pendingPagesPerStep * Math.max(1, batch.count)));
        if (this.pending.remaining === 0) this.finishSnapshot();
      }
    }
    if (this.pending === null && this.steps >= this.nextSnapshotAt) {
      this.pending = new PendingSnapshot(this.heap, this.snapshotScratch);
      this.pendingStep = this.steps - 1;
      this.nextSnapshotAt = this.steps + this.snapshotEvery;
      // Encoded within half an interval at an even pace: no batch pays for the whole heap.
      this.pendingPagesPerStep = (2 * this.pending.remaining) / this.snapshotEvery;
    }
    const steps = this.snapshotSteps;
    while (steps.length >= 2 && this.steps - (steps[1]! + 1) >= this.eventsKept) {
      this.snapshots.shift();
      steps.shift();
    }
    const start = steps[0]! + 1;
    if (start > this.windowStart) {
      this.windowStart = start;
      let drop = 0;
      while (drop < this.batches.length && this.batches[drop]!.firstStep + this.batches[drop]!.count <= start) {
        // A writes-only batch at the window's edge carries writes after the step the snapshot
        // holds: it stays (the webview applies them to the window's first heap).
        const b = this.batches[drop]!;
        if (b.count === 0 && b.firstStep === start) break;
        drop++;
      }
      this.batches.splice(0, drop);
      this.batchesDropped += drop;
    }
  }

  private finishSnapshot(): void {
    this.snapshots.push(this.pending!.finish());
    this.snapshotSteps.push(this.pendingStep);
    this.pending = null;
  }

  /** Applies the writes from `at.index` on made after operation `step`, and moves `at` past them. */
  private applyWrites(writes: HeapWrites, step: number, at: WriteCursor): void {
    while (at.index < writes.count && writes.step[at.index] === step) {
      const length = writes.length[at.index]!;
      const address = writes.address[at.index]!;
      writeBytesAt(this.heap, address, writes.bytes, at.byte, length);
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
