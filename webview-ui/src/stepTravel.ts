/**
 * Time travel cut into short tasks. `HeapTimeline.heapAt(step)` restores the newest snapshot at or
 * before `step` and replays the steps after it: on a heap of 10,000 pages that is a restore of a
 * few milliseconds and up to one snapshot interval (20,000 steps) of replay, 20–40 ms in one call.
 * heapAt goes on from where its previous call left the heap when that is nearer than the snapshot,
 * so the same journey made as calls at intermediate steps (the snapshot's own step first: the
 * restore alone; then a few thousand steps per call) reaches the same heap, one short task per
 * call, and the browser paints and handles input between them. A newer request (the pointer moved
 * on) takes over at the next task: the latest step wins and stale work is dropped.
 *
 * The restore itself writes back every page of the snapshot (13,000 pages of a big run take
 * 20–90 ms at once), so it is cut too: a few hundred to a few thousand pages per task
 * (`HeapTimeline.restoreSlice`, the count adapting to the speed measured), then the call at the
 * snapshot's step, which only finishes the bookkeeping.
 *
 * Correctness never depends on this object's idea of where the heap is: heapAt returns the heap at
 * the step asked whatever came before. A wrong idea (someone else moved the time-travel heap) only
 * costs one longer call.
 */
import type { RunModel } from './runModel';

/** Time one call should take; the steps per call adapt to the replay speed measured. */
const CHUNK_BUDGET_MS = 6;
const MIN_CHUNK_STEPS = 256;
const MAX_CHUNK_STEPS = 16384;
const FIRST_CHUNK_STEPS = 2048;
/** Pages one restore slice writes back, to begin with and at most/least as the speed measured adapts it. */
const FIRST_SLICE_PAGES = 1024;
const MIN_SLICE_PAGES = 64;
const MAX_SLICE_PAGES = 8192;
/** Steps replayed in the frame itself (well under a millisecond), as stepping forward does. */
const NEAR_STEPS = 256;

export class StepTravel {
  private model: RunModel | null = null;
  /** The model's timeline the position refers to (a window's start replaces the model's timeline). */
  private timeline: RunModel['timeline'] | null = null;
  /** The step asked for (-2: none in flight). */
  private target = -2;
  /** The step the time-travel heap was left at by this object's last heapAt call (-2: unknown). */
  private position = -2;
  private stepsPerChunk: number;
  private pagesPerSlice = FIRST_SLICE_PAGES;
  private scheduled = false;
  private readonly channel = new MessageChannel();
  private requestedAt = 0;
  /** The longest single call (ms) and how long the last journey took from request to arrival. */
  longestChunkMs = 0;
  lastJourneyMs = 0;
  lastJourneyChunks = 0;
  private chunks = 0;

  /**
   * `arrived(step)`: the heap at `step` can now be had at once (heapAt(step) replays nothing).
   * `maxChunkSteps`: the most steps one call replays (the count adapts below it).
   */
  constructor(
    private readonly arrived: (step: number) => void,
    private readonly maxChunkSteps = MAX_CHUNK_STEPS,
  ) {
    this.stepsPerChunk = Math.min(FIRST_CHUNK_STEPS, maxChunkSteps);
    this.channel.port1.onmessage = () => this.work();
  }

  /** True while a journey is under way (the time-travel heap is between two steps). */
  get busy(): boolean {
    return this.target !== -2;
  }

  /**
   * True when `model.heapAt(step)` costs next to nothing: the last step (the live heap), where the
   * heap was left, or a few steps after it within the same snapshot interval (stepping forward).
   */
  ready(model: RunModel, step: number): boolean {
    if (step === model.length - 1) return true;
    if (model !== this.model || model.timeline !== this.timeline || this.target !== -2 || this.position < -1) return false;
    if (step === this.position) return true;
    if (step < this.position || step - this.position > NEAR_STEPS) return false;
    return model.timeline.snapshotStepAtOrBefore(step) <= this.position;
  }

  /** Travels to `step` of `model` in short tasks; `arrived` is called when it is there. */
  request(model: RunModel, step: number): void {
    if (model !== this.model || model.timeline !== this.timeline) {
      this.model = model;
      this.timeline = model.timeline;
      this.position = -2;
      this.stepsPerChunk = Math.min(FIRST_CHUNK_STEPS, this.maxChunkSteps);
    }
    if (this.target === -2) {
      this.requestedAt = performance.now();
      this.chunks = 0;
    }
    this.target = step;
    this.schedule();
  }

  /** The time-travel heap was just moved to `step` by a direct heapAt call. */
  settledAt(model: RunModel, step: number): void {
    if (model !== this.model || model.timeline !== this.timeline) this.position = -2;
    this.model = model;
    this.timeline = model.timeline;
    this.target = -2;
    this.position = step === model.length - 1 ? this.position : step;
  }

  /** Someone else moved the time-travel heap: where it is is no longer known. */
  forget(): void {
    this.position = -2;
  }

  /** Drops the journey under way (a new run). */
  cancel(): void {
    this.target = -2;
    this.position = -2;
    this.model = null;
    this.timeline = null;
  }

  /** Stops for good: no journey goes on, and the task channel is closed (it would keep Node's tests alive). */
  dispose(): void {
    this.cancel();
    this.channel.port1.close();
    this.channel.port2.close();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.channel.port2.postMessage(0);
  }

  private work(): void {
    this.scheduled = false;
    const model = this.model;
    if (!model || this.target === -2) return;
    if (model.timeline !== this.timeline) {
      // A window started: the heap is a new timeline's, wherever the old one stood.
      this.timeline = model.timeline;
      this.position = -2;
    }
    // A live run's window may slide past the target while the journey goes on: its first heap is
    // then the nearest (and the only) one there is, so the journey ends rather than restore forever.
    const target = Math.max(model.firstStep - 1, Math.min(this.target, model.length - 1));
    const from = this.position;
    let stop = this.nextStop(model, target);
    const started = performance.now();
    // A restore goes a slice at a time; the heap is at no step until its last page is written.
    const written = stop === model.length - 1 ? -1 : model.timeline.restoreSlice(stop, this.pagesPerSlice);
    if (written >= 0) {
      const ms = performance.now() - started;
      this.chunks++;
      this.longestChunkMs = Math.max(this.longestChunkMs, ms);
      if (written >= MIN_SLICE_PAGES && ms > 0) {
        const fitting = Math.round((written * CHUNK_BUDGET_MS) / ms);
        this.pagesPerSlice = Math.max(MIN_SLICE_PAGES, Math.min(MAX_SLICE_PAGES, fitting));
      }
      this.position = -2;
      this.schedule();
      return;
    }
    // No restore: heapAt replays from where the heap is. Behind the snapshot (by up to its page
    // count, which heapAt weighs as one restore) that is thousands of steps: a chunk at a time too.
    const behind = stop !== model.length - 1 && this.position >= model.firstStep - 1 && this.position < stop;
    if (behind && stop - this.position > this.stepsPerChunk) stop = this.position + this.stepsPerChunk;
    model.heapAt(stop);
    const ms = performance.now() - started;
    this.chunks++;
    this.longestChunkMs = Math.max(this.longestChunkMs, ms);
    const replayed = from >= -1 && from <= stop ? stop - from : 0;
    if (replayed >= MIN_CHUNK_STEPS && ms > 0) {
      const fitting = Math.round((replayed * CHUNK_BUDGET_MS) / ms);
      this.stepsPerChunk = Math.min(this.maxChunkSteps, Math.max(MIN_CHUNK_STEPS, fitting));
    }
    this.position = stop === model.length - 1 ? this.position : stop;
    if (stop !== target) {
      this.schedule();
      return;
    }
    this.target = -2;
    this.position = stop;
    this.lastJourneyMs = performance.now() - this.requestedAt;
    this.lastJourneyChunks = this.chunks;
    this.arrived(stop);
  }

  /**
   * Where the next call goes: on from where the heap is when it lies between the target's
   * snapshot and the target, else the snapshot's own step (a restore and nothing replayed).
   */
  private nextStop(model: RunModel, target: number): number {
    if (target === model.length - 1) return target;
    const snapshot = model.timeline.snapshotStepAtOrBefore(target);
    const position = this.position;
    if (position >= snapshot && position <= target) return Math.min(target, position + this.stepsPerChunk);
    return Math.min(snapshot, target);
  }
}
