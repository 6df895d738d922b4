/**
 * The run's last heap operation, as the parent learns it when the worker cannot tell it.
 *
 * The worker streams its operations in batches every 50 ms, from its own loop checks and calls;
 * a harness stuck in one long built-in call after a heap operation (a regular expression that
 * backtracks for ages, one that fills the JS heap) never posts the batch holding it. Killed there, its run was
 * reported at the file alone, as if no heap operation had been made. So the runtime also writes
 * each operation's step count and site into shared memory, which the harness host's idle main
 * thread reads and passes on; the parent uses that site only when it is newer than every batch.
 * The same array holds the run's memory-error totals (records, occurrences), which a worker posts
 * only with a flush: a run killed after errors its last flush did not carry still says how many.
 */
import type { HeapOpBatch } from '../../engine/heapOps';

/**
 * The Int32 elements of the shared array: operations recorded so far (mod 2^32), then two site
 * slots, the site of an operation in slot `sites + (steps & 1)`. A write puts its site in the slot
 * of its steps, which the steps before it do not read, and stores the steps last (atomically): a
 * read sees whole operations, never one operation's steps with another's site, even when the
 * worker is killed between the two writes or the host reads while they are made.
 */
export const LAST_OPERATION = { steps: 0, sites: 1, errorRecords: 3, errorOccurrences: 4, length: 5 } as const;

/** A fresh shared array for `LAST_OPERATION` (the host makes it; the worker writes it). */
export function lastOperationArray(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(LAST_OPERATION.length * Int32Array.BYTES_PER_ELEMENT));
}

/** Written by the runtime at each heap operation: the site into its slot, then the steps that publish it. */
export function writeLastOperation(shared: Int32Array, steps: number, site: number): void {
  shared[LAST_OPERATION.sites + (steps & 1)] = site;
  Atomics.store(shared, LAST_OPERATION.steps, steps);
}

/**
 * Written by the runtime at each memory error: its records (distinct kind and site) and
 * occurrences so far, each at most 2^31 - 1. Plain stores: each count only grows, and the host
 * needs them once the worker is stuck or killed, when they no longer change.
 */
export function writeErrorTotals(shared: Int32Array, records: number, occurrences: number): void {
  shared[LAST_OPERATION.errorRecords] = Math.min(records, 0x7fffffff);
  shared[LAST_OPERATION.errorOccurrences] = Math.min(occurrences, 0x7fffffff);
}

/** Read by the host: the memory-error totals the runtime last wrote. */
export function readErrorTotals(shared: Int32Array): ErrorTotals {
  return {
    errorRecords: Atomics.load(shared, LAST_OPERATION.errorRecords),
    errorOccurrences: Atomics.load(shared, LAST_OPERATION.errorOccurrences),
  };
}

/** A run's memory errors so far: records (distinct kind and site) and every occurrence. */
export interface ErrorTotals {
  errorRecords: number;
  errorOccurrences: number;
}

/** How many times a read that a write overtook is made again before it gives up on the site. */
const READ_ATTEMPTS = 64;

/**
 * Read by the host: the steps, their slot's site, and the steps again. Unchanged steps mean the
 * slot was not written since (the operation two after would write it, and it comes after the
 * one in between). A worker writing faster than every attempt gives the steps with site -1.
 */
export function readLastOperation(shared: Int32Array): { steps: number; site: number } {
  let steps = Atomics.load(shared, LAST_OPERATION.steps);
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const site = Atomics.load(shared, LAST_OPERATION.sites + (steps & 1));
    const again = Atomics.load(shared, LAST_OPERATION.steps);
    if (again === steps) return { steps, site };
    steps = again;
  }
  return { steps, site: -1 };
}

/** The parent's side: the batches taken in, and the newest operation the host reported. */
export class LastOperationSeen {
  private stepsInBatches = 0;
  private reported: { steps: number; site: number } | undefined;
  /** The worker's memory-error totals, as the host last read them. */
  errorTotals: ErrorTotals = { errorRecords: 0, errorOccurrences: 0 };

  batch(batch: HeapOpBatch): void {
    this.stepsInBatches = Math.max(this.stepsInBatches, batch.firstStep + batch.count);
  }

  report(steps: number, site: number): void {
    this.reported = { steps, site };
  }

  /** The site of an operation no batch has brought (-1 for none): the run's last one, when it never streamed. */
  unstreamedSite(): number {
    const reported = this.reported;
    if (reported === undefined) return -1;
    // Counts mod 2^32: a report ahead of the batches by less than 2^31 operations is newer.
    return ((reported.steps - (this.stepsInBatches | 0)) | 0) > 0 ? reported.site : -1;
  }
}
