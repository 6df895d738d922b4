/**
 * Replays incoming batches in slices of a few milliseconds each, yielding to the browser in
 * between, so a backlog of a million steps (a panel opened late, a trace replayed at once) never
 * blocks the UI thread for long: rendering and input run between slices.
 */
import { HeapOpKind, writesBetween, type HeapOpBatch, type WritesCursor } from '../../src/engine/heapOps';

/**
 * Steps replayed per slice before checking the clock. A slice cannot stop part way, and a step
 * may also encode pages of the snapshot being taken: 512 keeps a slice to a millisecond or two,
 * so a task overruns its budget by that much at most (2,048 let a loaded machine's task run 50 ms
 * past it).
 */
const SLICE_STEPS = 512;
/** Time budget of one task. */
const BUDGET_MS = 8;

export class IngestQueue {
  private readonly pending: HeapOpBatch[] = [];
  /** What to do once each pending batch is all applied (parallel to `pending`). */
  private readonly whenApplied: Array<(() => void) | undefined> = [];
  /** Index of the next operation to apply in `pending[0]`, and of its next struct name. */
  private offset = 0;
  private nameOffset = 0;
  /** How far the slices of `pending[0]` have taken its writes. */
  private writesCursor: WritesCursor = { index: 0, byte: 0 };
  private scheduled = false;
  private readonly channel = new MessageChannel();
  /** The longest single slice so far (ms): the replay's share of any long task. */
  longestSliceMs = 0;
  /** Time spent in tasks of this queue so far (ms). */
  busyMs = 0;

  constructor(
    /** Applies a slice; returns false when it does not continue the run (a gap). */
    private readonly apply: (batch: HeapOpBatch) => boolean,
    /** Steps the run has now (slices before it are skipped, so a resent batch may overlap). */
    private readonly length: () => number,
    private readonly onProgress: () => void,
    private readonly onGap: (expected: number) => void,
  ) {
    this.channel.port1.onmessage = () => this.work();
  }

  get busy(): boolean {
    return this.pending.length > 0;
  }

  /** Queues `batch`; `then` runs once all of it is applied. */
  push(batch: HeapOpBatch, then?: () => void): void {
    this.pending.push(batch);
    this.whenApplied.push(then);
    this.schedule();
  }

  clear(): void {
    this.pending.length = 0;
    this.whenApplied.length = 0;
    this.offset = 0;
    this.nameOffset = 0;
    this.writesCursor = { index: 0, byte: 0 };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.channel.port2.postMessage(0);
  }

  /** Runs slices until the budget is spent; reschedules itself when work remains. */
  private work(): void {
    this.scheduled = false;
    const started = performance.now();
    try {
      this.workFor(started);
    } finally {
      this.busyMs += performance.now() - started;
    }
  }

  private workFor(started: number): void {
    while (this.pending.length > 0 && performance.now() - started < BUDGET_MS) {
      const batch = this.pending[0]!;
      const have = this.length();
      // Skip what the run already has (a resent, overlapping batch).
      while (this.offset < batch.count && batch.firstStep + this.offset < have) this.advance(batch, 1);
      if (batch.count === 0 && batch.writes !== undefined && batch.firstStep === have) {
        // Only writes, after the run's last step: they still change the bytes it shows.
        const then = this.next();
        if (!this.apply(batch)) {
          this.clear();
          this.onGap(have);
          return;
        }
        then?.();
        continue;
      }
      if (this.offset >= batch.count) {
        this.next();
        continue;
      }
      const from = this.offset;
      const to = Math.min(batch.count, from + SLICE_STEPS);
      const nameFrom = this.nameOffset;
      this.advance(batch, to - from);
      const slice: HeapOpBatch = {
        firstStep: batch.firstStep + from,
        count: to - from,
        kind: batch.kind.subarray(from, to),
        a: batch.a.subarray(from, to),
        b: batch.b.subarray(from, to),
        c: batch.c.subarray(from, to),
        site: batch.site.subarray(from, to),
        names: batch.names.slice(nameFrom, this.nameOffset),
      };
      if (batch.fields !== undefined) slice.fields = batch.fields.slice(nameFrom, this.nameOffset);
      // A write belongs to the slice of its step; writes after the previous batch's last step, to the first.
      const first = from === 0 ? batch.firstStep - 1 : batch.firstStep + from;
      const writes = writesBetween(batch.writes, first, batch.firstStep + to - 1, this.writesCursor);
      if (writes !== undefined) slice.writes = writes;
      const sliceStarted = performance.now();
      const applied = this.apply(slice);
      this.longestSliceMs = Math.max(this.longestSliceMs, performance.now() - sliceStarted);
      if (!applied) {
        const expected = this.length();
        this.clear();
        this.onGap(expected);
        return;
      }
      if (this.offset >= batch.count) this.next()?.();
    }
    this.onProgress();
    if (this.pending.length > 0) this.schedule();
  }

  private advance(batch: HeapOpBatch, steps: number): void {
    for (let i = 0; i < steps; i++) {
      if (batch.kind[this.offset] === HeapOpKind.Register) this.nameOffset++;
      this.offset++;
    }
  }

  /** Moves on to the next batch; returns what to do now that the one before is applied (a batch skipped whole has nothing to do). */
  private next(): (() => void) | undefined {
    const then = this.whenApplied.shift();
    this.pending.shift();
    this.offset = 0;
    this.nameOffset = 0;
    this.writesCursor = { index: 0, byte: 0 };
    return then;
  }
}
