/**
 * The extension host's side of a harness run's stream. What the worker posts (heap operation
 * batches, mid-run leak checks, memory errors) is queued in order and taken in by slices of at
 * most `sliceMs`, with the event loop free between slices: Stop Run, Check Leaks Now, typing and
 * the views' redraws never wait on a fast harness for longer than one slice. Each item's promise
 * settles once it is taken in (or dropped by `cut`); the worker waits for its batches' promises,
 * so the queue stays a few batches long however fast the harness allocates. The pace may change
 * while the run goes on (slower while the person types, see livePacing.ts), an urgent item (a
 * leak check the person asked for) is taken in without rests before it, and the pipeline may be
 * held a moment (while VS Code fetches a view's rows) and woken early.
 * Free of vscode (unit tested).
 */
import { afterQueuedEvents, cancelTimer, monotonicMs, startTimer, type TimerHandle } from '../../engine/hostGlobals';
import { HeapOpKind, writesBetween, type HeapOpBatch, type HeapWrites, type WritesCursor } from '../../engine/heapOps';

/** How the pipeline works: its longest stretch of work, and its rest after a full one. */
export interface PipelinePace {
  sliceMs: number;
  restMs: number;
}

export interface RunPipelineOptions {
  /** Longest stretch of work between two returns to the event loop (one item may run over it). */
  sliceMs: number;
  /** `onProgress` is called at most this often, and at most this long after work was taken in. */
  progressMs: number;
  /**
   * After a slice that used its whole `sliceMs` (the queue keeps it busy), the pipeline rests this
   * long before the next one (default 0: the next turn of the event loop). The host then works
   * at most sliceMs / (sliceMs + restMs) of the time on a run, and the harness waits meanwhile:
   * on a machine with two cores, the window (the editor, the status bar) gets a core's share too.
   */
  restMs?: number;
  /** The pace now, asked before each slice: replaces `sliceMs` and `restMs` when given. */
  pace?: () => PipelinePace;
  /**
   * How long the next slice waits before it starts, asked before each slice (0: it starts now);
   * `wake()` ends the wait early. An urgent item queued is never held.
   */
  holdMs?: () => number;
  onProgress: () => void;
  /** Clock and scheduler, replaceable in tests. */
  now?: () => number;
  yieldToEventLoop?: (next: () => void) => void;
  afterMs?: (next: () => void, ms: number) => void;
}

interface QueuedWork {
  work: () => void;
  /** Heap operations the work takes in (0 for leak checks and errors): what a cut leaves out. */
  ops: number;
  /** Taken in without rests or holds before it (what is queued ahead of it is still taken in first). */
  urgent: boolean;
  done: () => void;
}

export class RunPipeline {
  private queue: QueuedWork[] = [];
  private head = 0;
  private scheduled = false;
  private lastProgress = -Infinity;
  private progressTimer: TimerHandle | undefined;
  private unreported = false;
  private idleWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly yieldToEventLoop: (next: () => void) => void;
  private readonly afterMs: (next: () => void, ms: number) => void;
  /** Urgent items queued and not yet taken in. */
  private urgentQueued = 0;
  /** Counts the waits begun: a held wait that `wake()` ended early finds a newer one and does nothing. */
  private waitGeneration = 0;
  private holding = false;
  /** The longest slice so far, in ms (for the benchmark and tests). */
  longestSliceMs = 0;

  constructor(private readonly options: RunPipelineOptions) {
    this.now = options.now ?? (() => monotonicMs());
    this.yieldToEventLoop = options.yieldToEventLoop ?? ((next) => afterQueuedEvents(next));
    this.afterMs = options.afterMs ?? ((next, ms) => startTimer(next, ms));
  }

  /** Items queued and not yet taken in. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /**
   * Queues `work`; the promise settles once it ran (or was dropped by `cut`). An `urgent` item
   * still comes after everything queued before it, but the pipeline neither rests nor holds until
   * it is taken in.
   */
  push(work: () => void, ops = 0, urgent = false): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ work, ops, urgent, done: resolve });
      if (urgent) {
        this.urgentQueued++;
        // A rest or a hold already begun ends now: the item waits for no timer.
        this.wakeFromWait(true);
      }
      this.schedule();
    });
  }

  /** Ends a hold (`holdMs`) now: the next slice runs at the next turn of the event loop. */
  wake(): void {
    if (this.holding) this.wakeFromWait(false);
  }

  private wakeFromWait(restsToo: boolean): void {
    if (!this.scheduled || !(this.holding || restsToo) || this.waiting === 'turn') return;
    this.waitGeneration++;
    this.holding = false;
    this.scheduled = false;
    this.schedule();
  }

  /** Resolves once every item queued so far is taken in (or dropped). */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Drops what is queued (a stopped run's views keep the heap as far as it was taken in) and
   * returns how many heap operations were left out.
   */
  cut(): number {
    let ops = 0;
    const dropped = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.urgentQueued = 0;
    for (const item of dropped) {
      ops += item.ops;
      item.done();
    }
    this.settleIdle();
    return ops;
  }

  /** Stops the trailing progress call (the run ended; its end redraws everything). */
  dispose(): void {
    cancelTimer(this.progressTimer);
    this.progressTimer = undefined;
    this.unreported = false;
  }

  /** What the scheduled next slice waits for: the event loop's next turn, or a timer (a rest or a hold). */
  private waiting: 'turn' | 'timer' = 'turn';

  /** The next slice after `ms` (a rest after a full slice, or a hold). */
  private wait(ms: number, hold: boolean): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.waiting = 'timer';
    this.holding = hold;
    const generation = ++this.waitGeneration;
    this.afterMs(() => {
      if (generation !== this.waitGeneration) return;
      this.holding = false;
      this.runSlice();
    }, ms);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.waiting = 'turn';
    const generation = ++this.waitGeneration;
    this.yieldToEventLoop(() => {
      if (generation === this.waitGeneration) this.runSlice();
    });
  }

  private runSlice(): void {
    this.scheduled = false;
    if (this.pending > 0 && this.urgentQueued === 0) {
      const hold = this.options.holdMs?.() ?? 0;
      if (hold > 0) {
        this.wait(hold, true);
        return;
      }
    }
    const { sliceMs, restMs } = this.options.pace?.() ?? { sliceMs: this.options.sliceMs, restMs: this.options.restMs ?? 0 };
    const start = this.now();
    while (this.head < this.queue.length) {
      const item = this.queue[this.head++]!;
      if (item.urgent) this.urgentQueued--;
      try {
        item.work();
      } catch {
        // Each item guards its own view (the controller stops a run whose heap diverged): one that
        // throws anyway must not stop the items after it, nor escape into the event loop.
      }
      item.done();
      this.unreported = true;
      if (this.now() - start >= sliceMs) break;
    }
    const end = this.now();
    this.longestSliceMs = Math.max(this.longestSliceMs, end - start);
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    this.report(end);
    if (this.pending === 0) this.settleIdle();
    else if (this.urgentQueued === 0 && restMs > 0 && end - start >= sliceMs) this.wait(restMs, false);
    else this.schedule();
  }

  private report(now: number): void {
    if (!this.unreported) return;
    if (now - this.lastProgress >= this.options.progressMs) {
      this.lastProgress = now;
      this.unreported = false;
      cancelTimer(this.progressTimer);
      this.progressTimer = undefined;
      this.options.onProgress();
      return;
    }
    // Work taken in since the last call: told when the interval is up, even if nothing else comes.
    this.progressTimer ??= startTimer(
      () => {
        this.progressTimer = undefined;
        this.report(this.now());
      },
      Math.max(0, this.lastProgress + this.options.progressMs - now),
    );
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The writes of `batch`'s steps `from … to − 1` (the first piece also takes those before its first step). */
function writesOf(batch: HeapOpBatch, from: number, to: number, cursor: WritesCursor): { writes?: HeapWrites } {
  const first = from === 0 ? batch.firstStep - 1 : batch.firstStep + from;
  const writes = writesBetween(batch.writes, first, batch.firstStep + to - 1, cursor);
  return writes === undefined ? {} : { writes };
}

/** Operations per piece when a batch is split so that applying one piece stays short. */
export const MAX_OPS_PER_PIECE = 1024;

/**
 * `batch` cut into consecutive batches of at most `maxOps` operations (copies, so each posts to
 * the webview without the rest), with each Register's struct name in its piece.
 */
export function splitBatch(batch: HeapOpBatch, maxOps = MAX_OPS_PER_PIECE): HeapOpBatch[] {
  return splitBatchLazily(batch, maxOps).map((piece) => piece.take());
}

/** One piece of a batch, copied out when it is taken (pieces are taken in order, each once). */
export interface BatchPiece {
  readonly count: number;
  take(): HeapOpBatch;
}

/**
 * `splitBatch`, each piece copied only when it is taken: a live run's worker posts batches of
 * tens of thousands of operations, several in one turn of the extension host's event loop, and
 * copying them all out there made one task of tens of ms; taken one by one, each copy falls in the
 * pipeline slice that applies its piece. Pieces must be taken in order (each once): the
 * struct names and writes of a piece begin where the piece before ended.
 */
export function splitBatchLazily(batch: HeapOpBatch, maxOps = MAX_OPS_PER_PIECE): BatchPiece[] {
  if (batch.count <= maxOps) {
    let taken = false;
    return [
      {
        count: batch.count,
        take: () => {
          if (taken) throw new Error('a batch piece taken twice');
          taken = true;
          return batch;
        },
      },
    ];
  }
  const pieces: BatchPiece[] = [];
  let nameIndex = 0;
  let nextFrom = 0;
  const cursor: WritesCursor = { index: 0, byte: 0 };
  for (let start = 0; start < batch.count; start += maxOps) {
    const from = start;
    const to = Math.min(batch.count, from + maxOps);
    pieces.push({
      count: to - from,
      take: () => {
        if (from !== nextFrom)
          throw new Error(`batch pieces taken out of order: step ${batch.firstStep + from} before ${batch.firstStep + nextFrom}`);
        nextFrom = to;
        let registers = 0;
        for (let i = from; i < to; i++) if (batch.kind[i] === HeapOpKind.Register) registers++;
        const piece: HeapOpBatch = {
          firstStep: batch.firstStep + from,
          count: to - from,
          kind: batch.kind.slice(from, to),
          a: batch.a.slice(from, to),
          b: batch.b.slice(from, to),
          c: batch.c.slice(from, to),
          site: batch.site.slice(from, to),
          names: batch.names.slice(nameIndex, nameIndex + registers),
          ...(batch.fields === undefined ? {} : { fields: batch.fields.slice(nameIndex, nameIndex + registers) }),
          ...writesOf(batch, from, to, cursor),
        };
        nameIndex += registers;
        return piece;
      },
    });
  }
  return pieces;
}

/**
 * Consecutive batches joined into one (the inverse of `splitBatch`): the webview is sent fewer,
 * larger messages. Throws when a batch does not start where the one before it ended.
 */
export function concatBatches(batches: readonly HeapOpBatch[]): HeapOpBatch {
  if (batches.length === 1) return batches[0]!;
  if (batches.length === 0) throw new Error('no batch to join');
  let count = 0;
  let writeCount = 0;
  let writeBytes = 0;
  let withFields = false;
  for (const batch of batches) {
    const expected = batches[0]!.firstStep + count;
    if (batch.firstStep !== expected) {
      throw new Error(`batches to join are not consecutive: expected step ${expected}, got ${batch.firstStep}`);
    }
    count += batch.count;
    writeCount += batch.writes?.count ?? 0;
    writeBytes += writtenBytes(batch.writes);
    if (batch.fields !== undefined) withFields = true;
  }
  const joined: HeapOpBatch = {
    firstStep: batches[0]!.firstStep,
    count,
    kind: new Uint8Array(count),
    a: new Float64Array(count),
    b: new Float64Array(count),
    c: new Float64Array(count),
    site: new Int32Array(count),
    names: [],
  };
  const writes =
    writeCount === 0
      ? undefined
      : {
          count: writeCount,
          step: new Int32Array(writeCount),
          address: new Float64Array(writeCount),
          length: new Uint32Array(writeCount),
          bytes: new Uint8Array(writeBytes),
        };
  const fields: HeapOpBatch['fields'] = withFields ? [] : undefined;
  let at = 0;
  let writeAt = 0;
  let byteAt = 0;
  for (const batch of batches) {
    joined.kind.set(batch.kind.subarray(0, batch.count), at);
    joined.a.set(batch.a.subarray(0, batch.count), at);
    joined.b.set(batch.b.subarray(0, batch.count), at);
    joined.c.set(batch.c.subarray(0, batch.count), at);
    joined.site.set(batch.site.subarray(0, batch.count), at);
    joined.names.push(...batch.names);
    // Parallel to the names: a batch recorded without fields has none for its structs.
    if (fields) fields.push(...(batch.fields ?? batch.names.map(() => [])));
    const w = batch.writes;
    if (writes && w && w.count > 0) {
      writes.step.set(w.step.subarray(0, w.count), writeAt);
      writes.address.set(w.address.subarray(0, w.count), writeAt);
      writes.length.set(w.length.subarray(0, w.count), writeAt);
      const n = writtenBytes(w);
      writes.bytes.set(w.bytes.subarray(0, n), byteAt);
      writeAt += w.count;
      byteAt += n;
    }
    at += batch.count;
  }
  if (writes) joined.writes = writes;
  if (fields) joined.fields = fields;
  return joined;
}

/** The bytes a batch's writes stored (its `bytes` column may be longer). */
function writtenBytes(writes: HeapWrites | undefined): number {
  let n = 0;
  for (let i = 0; i < (writes?.count ?? 0); i++) n += writes!.length[i]!;
  return n;
}
