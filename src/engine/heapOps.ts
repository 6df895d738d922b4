/**
 * The heap's operation log: every register / xcalloc / xfree call with its result, in columnar
 * typed arrays. It is the one stream that crosses runtimes: the harness worker records it, the
 * extension host forwards it in batches, and the webview replays it on its own engine (the engine
 * is deterministic, so every address matches) to show the heap at any step (time travel).
 *
 * A step is one operation. Failed calls are steps too (errors are markers on the timeline).
 */

export const enum HeapOpKind {
  /** a = struct size, c = family id or -1; the name is in `names` (one per Register, in order). */
  Register = 1,
  /** a = family id, b = units, c = data address or 0. */
  Alloc = 2,
  /** a = data address, c = 1 freed / 0 refused (invalid or double free). */
  Free = 3,
  /** A named moment that changes nothing (leak check, harness marker): a = marker id. */
  Mark = 4,
}

/** A batch of operations, columnar so it posts between threads and to a webview cheaply. */
export interface HeapOpBatch {
  /** Step number of the batch's first operation. */
  firstStep: number;
  count: number;
  kind: Uint8Array;
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
  /** Call-site id of each operation (an index into the run's site table), or -1. */
  site: Int32Array;
  /** The struct names of this batch's Register operations, in order. */
  names: string[];
}

/** Collects operations and hands them out in batches (for live streaming). */
export class HeapOpRecorder {
  private capacity: number;
  private batch: HeapOpBatch;
  /** Steps recorded so far, over all batches. */
  steps = 0;

  constructor(capacity = 4096) {
    this.capacity = capacity;
    this.batch = newBatch(0, capacity);
  }

  record(kind: HeapOpKind, a: number, b: number, c: number, site: number, name?: string): void {
    const batch = this.batch;
    if (batch.count === this.capacity) this.grow();
    const i = this.batch.count++;
    this.batch.kind[i] = kind;
    this.batch.a[i] = a;
    this.batch.b[i] = b;
    this.batch.c[i] = c;
    this.batch.site[i] = site;
    if (name !== undefined) this.batch.names.push(name);
    this.steps++;
  }

  /** Operations recorded since the last call (trimmed to their count), or null when none. */
  flush(): HeapOpBatch | null {
    const batch = this.batch;
    if (batch.count === 0) return null;
    this.batch = newBatch(this.steps, this.capacity);
    return trimBatch(batch);
  }

  private grow(): void {
    const old = this.batch;
    this.capacity *= 2;
    const bigger = newBatch(old.firstStep, this.capacity);
    bigger.kind.set(old.kind);
    bigger.a.set(old.a);
    bigger.b.set(old.b);
    bigger.c.set(old.c);
    bigger.site.set(old.site);
    bigger.count = old.count;
    bigger.names = old.names;
    this.batch = bigger;
  }
}

export function newBatch(firstStep: number, capacity: number): HeapOpBatch {
  return {
    firstStep,
    count: 0,
    kind: new Uint8Array(capacity),
    a: new Float64Array(capacity),
    b: new Float64Array(capacity),
    c: new Float64Array(capacity),
    site: new Int32Array(capacity),
    names: [],
  };
}

function trimBatch(batch: HeapOpBatch): HeapOpBatch {
  const n = batch.count;
  return {
    firstStep: batch.firstStep,
    count: n,
    kind: batch.kind.slice(0, n),
    a: batch.a.slice(0, n),
    b: batch.b.slice(0, n),
    c: batch.c.slice(0, n),
    site: batch.site.slice(0, n),
    names: batch.names,
  };
}
