/**
 * Time travel over a run: the heap as it was after any step, and per-step series for charts.
 *
 * The timeline replays the operation log (`heapOps.ts`) on its own engine, which is
 * deterministic, so the addresses it produces are the run's. It begins a snapshot every
 * `snapshotEvery` steps (`heapSnapshot.ts`: the non-zero words of all pages in one buffer, about
 * a fifth of the pages' bytes, plus the bookkeeping arrays), taken a few pages per step so no
 * append pays for the whole heap at once. `heapAt(step)` restores the nearest snapshot before the
 * step in place into one scratch heap (no allocation per page) and replays the rest, or keeps
 * replaying from where the last call left it when that is closer. A caller that must keep each
 * task short restores the snapshot a few pages at a time first (`restoreSlice`); the heap is at
 * no step until the last page is written, and heapAt finishes (or starts over) such a restore.
 *
 * Snapshots are bounded by a byte budget. Over it, the snapshot whose removal leaves the
 * smallest gap goes (never the first or the newest), and new snapshots come at the run's average
 * gap: the budget stays full and the gaps even, so the longest replay stays close to
 * steps ÷ (budget ÷ snapshot size). (Halving the snapshots and doubling the interval would use
 * between half and all of the budget, and replay up to twice as far.)
 *
 * The program's writes to block bytes (`HeapWrites`) are kept in step order and applied after
 * their step, on the live heap and on every replay, so snapshots hold them and any step shows
 * the bytes as the program had left them. A snapshot begins only when the next operation arrives:
 * writes after a batch's last operation may come with the next batch.
 *
 * Series are typed arrays indexed by step (value after that step), so a chart of 1,000,000 steps
 * is a few typed-array reads.
 *
 * A timeline may hold only the last part of a run (a window): it can begin at a snapshot of the
 * heap after step `firstStep − 1` (`TimelineOptions.start`, e.g. sent by the host that kept only
 * the last operations), and slide as steps arrive (`snapshotNow` where the host took a snapshot,
 * `slideTo` where its window begins), dropping the steps, series, markers, writes and snapshots
 * before the window, so its memory stays bounded however long the run.
 * Step numbers stay the run's own: per-step columns hold the steps from `origin` on, and
 * `seriesWindow`/`seriesIndex` say where a step is in them.
 */
import { HeapOpKind, type HeapOpBatch, type HeapWrites } from './heapOps';
import { HeapSnapshot, PendingSnapshot, type SnapshotScratch } from './heapSnapshot';
import { LmmHeap } from './lmmHeap';
import { copyBytes, writeBytesAt } from './writeBytesAt';

export interface TimelineOptions {
  /** Steps between snapshots to start with (it doubles when the budget is reached). */
  snapshotEvery?: number;
  /** Most bytes kept in snapshots (default 256 MiB; ~10 MB per snapshot of a 10,000-page heap). */
  snapshotBudgetBytes?: number;
  memoryCap?: number;
  /** Begin at `snapshot`, the heap after step `firstStep − 1`: the steps before are not part of this timeline. */
  start?: { firstStep: number; snapshot: HeapSnapshot };
}

/** A step worth a marker on the timeline. */
export interface TimelineMarker {
  step: number;
  kind: 'error' | 'mark';
  /** For errors: the failed operation; for marks: the marker id. */
  detail: number;
}

/** Per-step values, each the state after that step. */
export interface TimelineSeries {
  appMemory: Float64Array;
  mappedBytes: Float64Array;
  pages: Uint32Array;
  mmap: Uint32Array;
  munmap: Uint32Array;
  /** Over all families: 1 − Σ largest free block ÷ Σ free bytes (0 with no free bytes). */
  externalFragmentation: Float32Array;
  hardFragmentBytes: Float64Array;
  softFragmentBytes: Float64Array;
}

const SERIES_KEYS = [
  'appMemory',
  'mappedBytes',
  'pages',
  'mmap',
  'munmap',
  'externalFragmentation',
  'hardFragmentBytes',
  'softFragmentBytes',
] as const;

type StepColumn = Uint8Array | Int32Array | Uint32Array | Float32Array | Float64Array;
/** Capacity from which columns grow ahead instead of at once (smaller copies are quick). */
const GROW_AHEAD_FROM = 1 << 16;

/** The scratch kernel's watch only clears marks: nothing to save. */
const NOTHING = (): void => {};

export class HeapTimeline {
  readonly pageSize: number;
  /** The run's steps so far: the next step appended is `length`. */
  length = 0;
  /** The first step whose operation this timeline holds; `heapAt` reaches back to `firstStep − 1`. */
  firstStep = 0;
  /** The step at index 0 of the per-step columns and series (at most `firstStep`). */
  private origin = 0;
  /** The step with the highest application memory (first reached), -1 before any step. */
  peakStep = -1;
  peakAppMemory = 0;
  readonly markers: TimelineMarker[] = [];
  /** Steps whose replayed result differed from the recorded one (should stay empty). */
  readonly divergences: number[] = [];
  series: TimelineSeries;

  private capacity = 1024;
  private kind: Uint8Array = new Uint8Array(this.capacity);
  private argA: Float64Array = new Float64Array(this.capacity);
  private argB: Float64Array = new Float64Array(this.capacity);
  private siteIds: Int32Array = new Int32Array(this.capacity);
  /** Each step's recorded result (an allocation's address, 1 for a free that was done, …). */
  private results: Float64Array = new Float64Array(this.capacity);
  /** The doubled columns being filled ahead of the switch (see growAhead), and how far. */
  private bigger: StepColumn[] | null = null;
  private copied = 0;
  /** Register names, indexed by the `b` column of Register steps. */
  private readonly names: string[] = [];
  /** The heap after the last appended step. */
  private readonly live: LmmHeap;
  private snapshotEvery: number;
  private readonly budget: number;
  /** Snapshots in step order; snapshots[i] is the heap after step snapshotSteps[i] (−1: before any). */
  private readonly snapshots: HeapSnapshot[] = [];
  private readonly snapshotSteps: number[] = [];
  private snapshotBytes = 0;
  /** The snapshot being taken, a few pages per step, and the step it is the heap after. */
  private pending: PendingSnapshot | null = null;
  private pendingStep = -1;
  /** `length` at which the next snapshot begins. */
  private nextSnapshotAt: number;
  private pendingPagesPerStep = 1;
  /** Work buffer of snapshot taking (reused: one allocation per snapshot, its exact size). */
  private readonly snapshotScratch: SnapshotScratch = { buffer: new Uint32Array(0) };
  /** The one heap heapAt restores snapshots into and replays on (made on first use). */
  private scratch: LmmHeap | null = null;
  private readonly heapOptions: { pageSize: number; memoryCap?: number };
  /** The snapshot the scratch heap was last restored from, and its slots untouched since. */
  private restored: HeapSnapshot | null = null;
  private untouched = new Uint8Array(0);
  /** A restore into the scratch heap under way (restoreSlice): its snapshot, the next page, the pages to skip. */
  private partial: { snapshot: HeapSnapshot; next: number; unchanged: Uint8Array | undefined } | null = null;
  /** Stages of prepareTimeTravel done, and the length they were done at. */
  private preparedStages = 0;
  private preparedLength = -1;
  /** The step the scratch heap is at (−2: none), for cheap forward stepping. */
  private cursorStep = -2;
  /** The program's writes, in step order: after step writeStep[i], writeLength[i] bytes of writeBytes from writeStart[i]. */
  private writeCount = 0;
  /** Writes before `writeFirst` were dropped with the steps they followed. */
  private writeFirst = 0;
  private writeStep = new Int32Array(0);
  private writeAddress = new Float64Array(0);
  private writeStart = new Float64Array(0);
  private writeLength = new Uint32Array(0);
  private writeBytes = new Uint8Array(0);
  private writeByteCount = 0;
  /** Where the bytes of the next write to take begin in the batch being appended. */
  private writeByte = 0;

  constructor(pageSize: number, options: TimelineOptions = {}) {
    this.pageSize = pageSize;
    this.snapshotEvery = options.snapshotEvery ?? 20000;
    this.budget = options.snapshotBudgetBytes ?? 256 * 1024 * 1024;
    this.heapOptions = options.memoryCap === undefined ? { pageSize } : { pageSize, memoryCap: options.memoryCap };
    this.live = new LmmHeap(this.heapOptions);
    const start = options.start;
    if (start !== undefined) {
      if (!Number.isSafeInteger(start.firstStep) || start.firstStep < 0) {
        throw new RangeError(`a timeline cannot begin at step ${start.firstStep}`);
      }
      start.snapshot.restoreInto(this.live);
      this.snapshots.push(start.snapshot);
      this.snapshotBytes = start.snapshot.byteLength;
      this.length = this.firstStep = this.origin = start.firstStep;
    } else this.snapshots.push(new PendingSnapshot(this.live, this.snapshotScratch, false).finish());
    this.snapshotSteps.push(this.firstStep - 1);
    this.nextSnapshotAt = this.firstStep + this.snapshotEvery;
    this.series = {
      appMemory: new Float64Array(this.capacity),
      mappedBytes: new Float64Array(this.capacity),
      pages: new Uint32Array(this.capacity),
      mmap: new Uint32Array(this.capacity),
      munmap: new Uint32Array(this.capacity),
      externalFragmentation: new Float32Array(this.capacity),
      hardFragmentBytes: new Float64Array(this.capacity),
      softFragmentBytes: new Float64Array(this.capacity),
    };
  }

  /** Appends a batch of recorded operations (batches must arrive in step order). */
  append(batch: HeapOpBatch): void {
    if (batch.firstStep !== this.length) {
      throw new RangeError(`batch starts at step ${batch.firstStep}, the timeline is at ${this.length}`);
    }
    const writes = batch.writes;
    let writeIndex = 0;
    this.writeByte = 0;
    let nameIndex = 0;
    for (let i = 0; i < batch.count; i++) {
      if (writes !== undefined) writeIndex = this.takeWrites(writes, writeIndex);
      if (this.pending === null && this.length >= this.nextSnapshotAt) this.beginSnapshot();
      const step = this.length;
      let index = step - this.origin;
      if (
        index >= this.capacity - (this.capacity >>> 2) &&
        this.capacity >= GROW_AHEAD_FROM &&
        (index & 1023) === 0 &&
        !this.compacts()
      ) {
        this.growAhead(index);
      }
      if (index === this.capacity) {
        this.grow();
        index = step - this.origin;
      }
      const kind = batch.kind[i]! as HeapOpKind;
      let b = batch.b[i]!;
      if (kind === HeapOpKind.Register) {
        b = this.names.length;
        this.names.push(batch.names[nameIndex++] ?? '?');
      }
      this.kind[index] = kind;
      this.argA[index] = batch.a[i]!;
      this.argB[index] = b;
      this.siteIds[index] = batch.site[i]!;
      this.results[index] = batch.c[i]!;
      const result = this.apply(this.live, kind, batch.a[i]!, b);
      if (kind !== HeapOpKind.Mark && result !== batch.c[i]) this.divergences.push(step);
      if (kind === HeapOpKind.Mark) this.markers.push({ step, kind: 'mark', detail: batch.a[i]! });
      else if ((kind === HeapOpKind.Alloc || kind === HeapOpKind.Free) && result === 0) {
        this.markers.push({ step, kind: 'error', detail: kind });
      } else if (kind === HeapOpKind.Register && result < 0) this.markers.push({ step, kind: 'error', detail: kind });
      this.recordSeries(step, index);
      this.length++;
      if (this.pending !== null) {
        if (this.length >= this.nextSnapshotAt) this.finishSnapshot();
        else {
          this.pending.advance(this.pendingPagesPerStep);
          // Done early: stop watching the kernel (every touch pays for the watch).
          if (this.pending.remaining === 0) this.finishSnapshot();
        }
      }
    }
    if (writes !== undefined) writeIndex = this.takeWrites(writes, writeIndex);
    if (writes !== undefined && writeIndex < writes.count) {
      throw new RangeError(`a write of the batch at step ${batch.firstStep} is out of step order`);
    }
  }

  /**
   * Begins a snapshot of the heap after the last step appended, unless one is there already: a
   * window may begin after this step later (`slideTo`). The host marks the batches after which it
   * took its own, so that the webview's window can begin exactly where the host's does.
   */
  snapshotNow(): void {
    const last = this.length - 1;
    if (this.snapshotSteps[this.snapshotSteps.length - 1] === last) return;
    if (this.pending !== null) {
      if (this.pendingStep === last) return;
      this.finishSnapshot();
    }
    this.beginSnapshot();
  }

  /**
   * Drops the steps before `firstStep`: the window then begins at the snapshot of step
   * `firstStep − 1` (`snapshotNow`), or at the newest one before it when there is none.
   */
  slideTo(firstStep: number): void {
    if (firstStep <= this.firstStep || firstStep > this.length) return;
    if (this.pending !== null && this.pendingStep <= firstStep - 1) this.finishSnapshot();
    const steps = this.snapshotSteps;
    let keep = 0;
    for (let i = steps.length - 1; i > 0; i--) {
      if (steps[i]! <= firstStep - 1) {
        keep = i;
        break;
      }
    }
    if (keep > 0) this.dropSnapshotsBefore(keep);
  }

  /**
   * Drops the snapshots before index `keep` and every step before the one at `keep`. The columns
   * are compacted when they would otherwise grow, the writes once most of them are dropped.
   */
  private dropSnapshotsBefore(keep: number): void {
    const steps = this.snapshotSteps;
    for (let i = 0; i < keep; i++) {
      this.snapshotBytes -= this.snapshots[i]!.byteLength;
      if (this.restored === this.snapshots[i]) this.restored = null;
      // The half-restored heap is at no step (the cursor is −2): the next heapAt restores in full.
      if (this.partial?.snapshot === this.snapshots[i]) this.partial = null;
    }
    this.snapshots.splice(0, keep);
    steps.splice(0, keep);
    const first = steps[0]! + 1;
    this.firstStep = first;
    if (this.cursorStep < first - 1) this.cursorStep = -2;
    let marker = 0;
    while (marker < this.markers.length && this.markers[marker]!.step < first) marker++;
    this.markers.splice(0, marker);
    while (this.divergences.length > 0 && this.divergences[0]! < first) this.divergences.shift();
    // Writes after the window's first snapshot are replayed; those of its own step it holds already.
    this.writeFirst = this.firstWriteFrom(first - 1);
    if (this.writeFirst > 4096 && this.writeFirst * 2 > this.writeCount) this.compactWrites();
    if (this.peakStep < first) this.findPeak();
  }

  /** The highest application memory in the window, after the old peak slid out of it. */
  private findPeak(): void {
    const values = this.series.appMemory;
    let peak = -1;
    let most = -Infinity;
    for (let s = this.firstStep; s < this.length; s++) {
      const value = values[s - this.origin]!;
      if (value > most) {
        most = value;
        peak = s;
      }
    }
    this.peakStep = peak;
    this.peakAppMemory = peak < 0 ? 0 : most;
  }

  private compactWrites(): void {
    const from = this.writeFirst;
    const count = this.writeCount - from;
    const byteFrom = count > 0 ? this.writeStart[from]! : this.writeByteCount;
    this.writeStep.copyWithin(0, from, this.writeCount);
    this.writeAddress.copyWithin(0, from, this.writeCount);
    this.writeLength.copyWithin(0, from, this.writeCount);
    this.writeStart.copyWithin(0, from, this.writeCount);
    for (let i = 0; i < count; i++) this.writeStart[i] = this.writeStart[i]! - byteFrom;
    this.writeBytes.copyWithin(0, byteFrom, this.writeByteCount);
    this.writeByteCount -= byteFrom;
    this.writeCount = count;
    this.writeFirst = 0;
  }

  /** The heap after step `firstStep − 1`, where the window begins (read only). */
  get windowSnapshot(): HeapSnapshot {
    return this.snapshots[0]!;
  }

  /** Steps this timeline holds (`length − firstStep`). */
  get keptSteps(): number {
    return this.length - this.firstStep;
  }

  /** Where `step` is in the series' arrays (`series.appMemory[seriesIndex(step)]`). */
  seriesIndex(step: number): number {
    return step - this.origin;
  }

  /** The values of one series from `firstStep` to the last step, index 0 being `firstStep`. */
  seriesWindow(key: keyof TimelineSeries): TimelineSeries[keyof TimelineSeries] {
    return this.series[key].subarray(this.firstStep - this.origin, this.length - this.origin);
  }

  /** The operation kind of `step` (a step this timeline holds). */
  kindAt(step: number): HeapOpKind {
    return this.kind[step - this.origin]! as HeapOpKind;
  }

  /** The recorded result of `step`: an allocation's address (0: refused), 1 for a free done, a family id. */
  resultAt(step: number): number {
    return this.results[step - this.origin]!;
  }

  /** Number of the program's writes received (for diagnostics and tests). */
  get writesReceived(): number {
    return this.writeCount;
  }

  /**
   * Stores and applies to the live heap the writes of `writes` from `index` on whose step is the
   * last appended one; returns the index of the first write not taken.
   */
  private takeWrites(writes: HeapWrites, index: number): number {
    const step = this.length - 1;
    let byte = this.writeByte;
    while (index < writes.count && writes.step[index] === step) {
      const length = writes.length[index]!;
      const address = writes.address[index]!;
      this.storeWrite(step, address, writes.bytes, byte, length);
      writeBytesAt(this.live, address, writes.bytes, byte, length);
      byte += length;
      index++;
    }
    this.writeByte = byte;
    return index;
  }

  private storeWrite(step: number, address: number, bytes: Uint8Array, from: number, length: number): void {
    const i = this.writeCount;
    if (i === this.writeStep.length) {
      const n = Math.max(256, i * 2);
      const grow = <T extends Int32Array | Float64Array | Uint32Array>(old: T, make: (n: number) => T): T => {
        const bigger = make(n);
        bigger.set(old as never);
        return bigger;
      };
      this.writeStep = grow(this.writeStep, (k) => new Int32Array(k));
      this.writeAddress = grow(this.writeAddress, (k) => new Float64Array(k));
      this.writeStart = grow(this.writeStart, (k) => new Float64Array(k));
      this.writeLength = grow(this.writeLength, (k) => new Uint32Array(k));
    }
    const at = this.writeByteCount;
    if (at + length > this.writeBytes.length) {
      const bigger = new Uint8Array(Math.max(4096, at + length, this.writeBytes.length * 2));
      bigger.set(this.writeBytes.subarray(0, at));
      this.writeBytes = bigger;
    }
    copyBytes(bytes, from, length, this.writeBytes, at);
    this.writeStep[i] = step;
    this.writeAddress[i] = address;
    this.writeStart[i] = at;
    this.writeLength[i] = length;
    this.writeByteCount = at + length;
    this.writeCount = i + 1;
  }

  /** Index of the first stored write whose step is `step` or later (binary search). */
  private firstWriteFrom(step: number): number {
    let low = this.writeFirst;
    let high = this.writeCount;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.writeStep[middle]! < step) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private beginSnapshot(): void {
    this.pending = new PendingSnapshot(this.live, this.snapshotScratch);
    this.pendingStep = this.length - 1;
    this.nextSnapshotAt = this.length + this.snapshotEvery;
    // Encoded within half an interval at an even pace: no step pays for the whole heap.
    this.pendingPagesPerStep = Math.ceil((2 * this.pending.remaining) / this.snapshotEvery);
  }

  /**
   * The heap as it was after `step` (−1: before the first step). The returned heap belongs to
   * the timeline and is valid until the next call (of this or `restoreSlice`); read it, don't
   * change it.
   */
  heapAt(step: number): LmmHeap {
    this.checkStep(step);
    if (step === this.length - 1) return this.live;
    const heap = this.scratchHeap();
    const snapshotIndex = this.restoreNeeded(step);
    if (snapshotIndex >= 0) {
      const snapshot = this.snapshots[snapshotIndex]!;
      // A restore begun by restoreSlice is finished if it is this snapshot's, else started over.
      if (this.partial === null || this.partial.snapshot !== snapshot) this.beginRestore(snapshot);
      this.continueRestore(Infinity);
      this.completeRestore(snapshotIndex);
    }
    // The cursor is where the heap is: the snapshot's step after a restore.
    const from = this.cursorStep + 1;
    let write = this.firstWriteFrom(from);
    this.cursorStep = -2; // in case a replay below throws
    const origin = this.origin;
    for (let s = from; s <= step; s++) {
      this.apply(heap, this.kind[s - origin]! as HeapOpKind, this.argA[s - origin]!, this.argB[s - origin]!);
      while (write < this.writeCount && this.writeStep[write] === s) {
        writeBytesAt(heap, this.writeAddress[write]!, this.writeBytes, this.writeStart[write]!, this.writeLength[write]!);
        write++;
      }
    }
    this.cursorStep = step;
    return heap;
  }

  /**
   * Does a bounded part of the snapshot restore `heapAt(step)` would do, so that a caller can cut
   * time travel into short tasks: writes back at most `maxPages` pages (at least 1) of the snapshot
   * heapAt(step) would restore, and returns how many it wrote; −1 when heapAt(step) has no restore
   * left to do (it only replays from where the heap is). Once every page is written the restore is
   * complete, and heapAt(step) replays from the snapshot. Until then the heap is between two
   * states, and no step is read from it: heapAt finishes the restore when it needs this snapshot,
   * and starts over from another one when not.
   */
  restoreSlice(step: number, maxPages: number): number {
    this.checkStep(step);
    if (!(maxPages >= 1)) throw new RangeError(`a restore slice of ${maxPages} pages writes nothing`);
    if (step === this.length - 1) return -1;
    this.scratchHeap();
    const snapshotIndex = this.restoreNeeded(step);
    if (snapshotIndex < 0) return -1;
    const snapshot = this.snapshots[snapshotIndex]!;
    if (this.partial === null || this.partial.snapshot !== snapshot) this.beginRestore(snapshot);
    const written = this.continueRestore(maxPages);
    if (this.partial!.next === snapshot.pageCount) this.completeRestore(snapshotIndex);
    return written;
  }

  private checkStep(step: number): void {
    if (!Number.isInteger(step) || step < this.firstStep - 1 || step >= this.length) {
      throw new RangeError(`step ${step} is outside the timeline (${this.firstStep - 1} … ${this.length - 1})`);
    }
  }

  /**
   * The index of the snapshot heapAt(step) restores, or −1 when it goes on from the heap's step.
   * Finishes the snapshot being taken when it is needed (which may drop another).
   */
  private restoreNeeded(step: number): number {
    if (this.pending !== null && this.pendingStep <= step) this.finishSnapshot();
    const snapshotIndex = this.snapshotIndexAt(step);
    const snapshotStep = this.snapshotSteps[snapshotIndex]!;
    // From the cursor when it is no further back than the snapshot plus the restore's cost (a
    // page restored costs about what a step replayed does): dragging forward across a snapshot
    // keeps replaying instead of restoring.
    const restoreCost = this.snapshots[snapshotIndex]!.mappedBytes / this.pageSize;
    const cursor = this.cursorStep;
    if (cursor <= step && cursor >= this.firstStep - 1 && step - cursor <= step - snapshotStep + restoreCost) return -1;
    return snapshotIndex;
  }

  /** Puts the snapshot's bookkeeping into the scratch heap; its pages are written by continueRestore. */
  private beginRestore(snapshot: HeapSnapshot): void {
    const heap = this.scratch!;
    // The heap is at no step until the restore is complete.
    this.cursorStep = -2;
    heap.kernel.unwatch();
    // Pages the scratch heap has not touched since it was restored from this same snapshot
    // still hold it: dragging back within an interval re-decodes only what replays changed. (A
    // restore interrupted by another one leaves `restored` null: every page is written again.)
    const unchanged = this.restored === snapshot ? this.untouched : undefined;
    this.restored = null;
    this.partial = null; // in case the line below throws
    snapshot.restoreStateInto(heap);
    this.partial = { snapshot, next: 0, unchanged };
  }

  /** Writes back up to `maxPages` more pages of the restore under way; returns how many. */
  private continueRestore(maxPages: number): number {
    const partial = this.partial!;
    const { next, written } = partial.snapshot.restorePagesInto(this.scratch!, partial.next, maxPages, partial.unchanged);
    partial.next = next;
    return written;
  }

  /** The restore's pages are all written: the scratch heap is the snapshot's step, watched from now on. */
  private completeRestore(snapshotIndex: number): void {
    const snapshot = this.partial!.snapshot;
    this.partial = null;
    const heap = this.scratch!;
    const kernel = heap.kernel;
    this.restored = snapshot;
    const slots = snapshot.slots;
    const untouched = new Uint8Array(slots.length > 0 ? slots[slots.length - 1]! + 1 : 0);
    for (let i = 0; i < slots.length; i++) untouched[slots[i]!] = 1;
    // Free-list heads are written through views the queues keep, unseen by the watch.
    for (const page of heap.registryPages) untouched[kernel.slotOf(page)] = 0;
    this.untouched = untouched;
    kernel.watch(untouched, NOTHING);
    const snapshotStep = this.snapshotSteps[snapshotIndex]!;
    // A snapshot a window began with may lack the writes made after its step's operation
    // (they came with the next batch); applying them again is harmless for the others.
    let write = this.firstWriteFrom(snapshotStep);
    while (write < this.writeCount && this.writeStep[write] === snapshotStep) {
      writeBytesAt(heap, this.writeAddress[write]!, this.writeBytes, this.writeStart[write]!, this.writeLength[write]!);
      write++;
    }
    this.cursorStep = snapshotStep;
  }

  /**
   * Gets time travel ready before it is first asked for, one stage per call; true while stages
   * remain (call again, e.g. in the next idle callback). 1: make the scratch heap and map its
   * pages by restoring the newest snapshot (the first restore maps every page). 2: replay a few
   * thousand steps on it (the first replay on a new heap runs about five times slower than the
   * next ones while the JIT adapts to it). Call it when idle, e.g. once a run has been received.
   */
  prepareTimeTravel(): boolean {
    if (this.length < 2) return false;
    if (this.preparedLength !== this.length) this.preparedStages = 0;
    this.preparedLength = this.length;
    if (this.pending !== null) this.finishSnapshot();
    const steps = this.snapshotSteps;
    const newest = steps[steps.length - 1]!;
    if (this.preparedStages === 0) {
      this.heapAt(newest);
      this.preparedStages = 1;
      return true;
    }
    if (this.preparedStages === 1) {
      const from = steps.length > 1 ? steps[steps.length - 2]! : this.firstStep - 1;
      this.heapAt(Math.min(from + 3000, Math.max(from, newest - 1), this.length - 2));
      this.preparedStages = 2;
    }
    return false;
  }

  /**
   * The heap lookups restore into and replay on. It keeps the buffers of pages it unmaps, and
   * has as many as the run's peak at hand: a restore then never allocates or faults in memory.
   */
  private scratchHeap(): LmmHeap {
    if (this.scratch === null) this.scratch = new LmmHeap(this.heapOptions);
    this.scratch.kernel.keepUnmappedPages(this.live.kernel.peakMappedPages);
    return this.scratch;
  }

  /** The call-site id recorded with a step (−1 when none). */
  siteOf(step: number): number {
    return step >= this.firstStep && step < this.length ? this.siteIds[step - this.origin]! : -1;
  }

  /** The operation of a step: kind and its two arguments (for labels). */
  opAt(step: number): { kind: HeapOpKind; a: number; b: number; name?: string } {
    const index = step - this.origin;
    const kind = this.kind[index]! as HeapOpKind;
    const op = { kind, a: this.argA[index]!, b: this.argB[index]! };
    return kind === HeapOpKind.Register ? { ...op, name: this.names[op.b]! } : op;
  }

  /**
   * Snapshots for diagnostics and benchmarks: the steps between new ones, how many, their bytes,
   * and the most steps a lookup replays (the widest gap, or from the newest to the end).
   */
  snapshotInfo(): {
    every: number;
    count: number;
    bytes: number;
    longestReplay: number;
    steps: number[];
    /** Steps the per-step columns have room for, and the program's writes held. */
    columns: number;
    writes: number;
  } {
    const steps = this.snapshotSteps;
    let longestReplay = this.length - 1 - steps[steps.length - 1]!;
    for (let i = 1; i < steps.length; i++) longestReplay = Math.max(longestReplay, steps[i]! - steps[i - 1]! - 1);
    const { snapshotEvery: every, snapshotBytes: bytes, capacity: columns, writeCount: writes } = this;
    return { every, count: this.snapshots.length, bytes, longestReplay, steps: steps.slice(), columns, writes };
  }

  /** Step of the newest snapshot at or before `step` (the first, the window's first heap, always is). */
  snapshotStepAtOrBefore(step: number): number {
    return this.snapshotSteps[this.snapshotIndexAt(step)] ?? -1;
  }

  /** Index of the newest snapshot at or before `step` (binary search; snapshot 0 is at −1). */
  private snapshotIndexAt(step: number): number {
    const steps = this.snapshotSteps;
    let low = 0;
    let high = steps.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (steps[middle]! <= step) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private apply(heap: LmmHeap, kind: HeapOpKind, a: number, b: number): number {
    switch (kind) {
      case HeapOpKind.Register:
        return heap.register(this.names[b]!, a);
      case HeapOpKind.Alloc:
        return heap.xcalloc(a, b);
      case HeapOpKind.Free:
        return heap.xfree(a) ? 1 : 0;
      default:
        return 0;
    }
  }

  private recordSeries(step: number, index: number): void {
    const heap = this.live;
    const s = this.series;
    let pages = 0;
    let hard = 0;
    let soft = 0;
    let freeBytes = 0;
    let largest = 0;
    for (const family of heap.families) {
      const c = family.counters;
      pages += c.pages;
      hard += c.hardFragmentBytes;
      soft += c.softFragmentBytes;
      if (c.freeBytes > 0) {
        freeBytes += c.freeBytes;
        const meta = family.freeBlocks.largest();
        if (meta !== 0) largest += heap.block(meta).size;
      }
    }
    s.appMemory[index] = heap.appMemory;
    s.mappedBytes[index] = heap.kernel.mappedBytes();
    s.pages[index] = pages;
    s.mmap[index] = heap.kernel.mmapCalls;
    s.munmap[index] = heap.kernel.munmapCalls;
    s.externalFragmentation[index] = freeBytes === 0 ? 0 : 1 - largest / freeBytes;
    s.hardFragmentBytes[index] = hard;
    s.softFragmentBytes[index] = soft;
    if (heap.appMemory > this.peakAppMemory) {
      this.peakAppMemory = heap.appMemory;
      this.peakStep = step;
    }
  }

  private finishSnapshot(): void {
    const snapshot = this.pending!.finish();
    this.pending = null;
    this.snapshots.push(snapshot);
    this.snapshotSteps.push(this.pendingStep);
    this.snapshotBytes += snapshot.byteLength;
    let dropped = false;
    while (this.snapshotBytes > this.budget && this.snapshots.length > 2) {
      this.dropSnapshotInNarrowestGap();
      dropped = true;
    }
    if (dropped) {
      // The budget is full: take new ones at the average gap, so each new one replaces one old.
      const span = this.snapshotSteps[this.snapshotSteps.length - 1]! - this.snapshotSteps[0]!;
      const average = Math.ceil(span / (this.snapshots.length - 1));
      this.snapshotEvery = Math.max(this.snapshotEvery, average);
      this.nextSnapshotAt = Math.max(this.nextSnapshotAt, this.pendingStep + 1 + this.snapshotEvery);
    }
  }

  /** Drops the snapshot (not the first, not the newest) whose neighbours are closest together. */
  private dropSnapshotInNarrowestGap(): void {
    const steps = this.snapshotSteps;
    let best = 1;
    for (let i = 2; i < steps.length - 1; i++) {
      if (steps[i + 1]! - steps[i - 1]! < steps[best + 1]! - steps[best - 1]!) best = i;
    }
    this.snapshotBytes -= this.snapshots[best]!.byteLength;
    if (this.restored === this.snapshots[best]) this.restored = null;
    if (this.partial?.snapshot === this.snapshots[best]) this.partial = null;
    this.snapshots.splice(best, 1);
    steps.splice(best, 1);
  }

  /**
   * The per-step columns double when full. Copying a big column at once stalls one append (about
   * 50 ms at 2^19 steps), so from three quarters full the bigger columns are filled a chunk every
   * 1,024 steps, and the switch copies only what is left.
   */
  private growAhead(step: number): void {
    if (this.bigger === null) {
      this.bigger = this.columns().map((column) => {
        const Ctor = column.constructor as new (n: number) => StepColumn;
        return new Ctor(this.capacity * 2);
      });
      this.copied = 0;
    }
    // Only steps before `step` are final; 4,096 per 1,024 steps outruns the quarter left.
    const end = Math.min(step, this.copied + 4096);
    this.copyAhead(end);
  }

  private copyAhead(end: number): void {
    const columns = this.columns();
    const bigger = this.bigger!;
    for (let i = 0; i < columns.length; i++) bigger[i]!.set(columns[i]!.subarray(this.copied, end) as never, this.copied);
    this.copied = end;
  }

  /** True when the columns' dropped steps are enough to make room by moving the rest down. */
  private compacts(): boolean {
    return this.firstStep - this.origin >= this.capacity >>> 1;
  }

  private grow(): void {
    if (this.compacts()) {
      // The window is at most half the columns: move it to their start (one copy within each).
      const drop = this.firstStep - this.origin;
      for (const column of this.columns()) column.copyWithin(0, drop, this.capacity);
      this.origin = this.firstStep;
      this.bigger = null;
      this.copied = 0;
      return;
    }
    if (this.bigger === null) {
      this.bigger = this.columns().map((column) => {
        const Ctor = column.constructor as new (n: number) => StepColumn;
        return new Ctor(this.capacity * 2);
      });
      this.copied = 0;
    }
    this.copyAhead(this.capacity);
    const [kind, argA, argB, siteIds, results, ...series] = this.bigger as [
      Uint8Array,
      Float64Array,
      Float64Array,
      Int32Array,
      Float64Array,
      ...StepColumn[],
    ];
    this.kind = kind;
    this.argA = argA;
    this.argB = argB;
    this.siteIds = siteIds;
    this.results = results;
    const next = {} as Record<(typeof SERIES_KEYS)[number], StepColumn>;
    SERIES_KEYS.forEach((key, i) => (next[key] = series[i]!));
    this.series = next as unknown as TimelineSeries;
    this.capacity *= 2;
    this.bigger = null;
    this.copied = 0;
  }

  /** Every per-step column, in the order `bigger` holds their successors. */
  private columns(): StepColumn[] {
    return [this.kind, this.argA, this.argB, this.siteIds, this.results, ...SERIES_KEYS.map((key) => this.series[key])];
  }
}
