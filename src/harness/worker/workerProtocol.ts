/** Messages between the harness runner (parent) and its worker thread. */
import type { Site } from '../../analysis/analysisInput';
import type { LeakCheckReport } from '../../analysis/runReport';
import type { LocatorData } from '../compile/harnessLocator';
import type { MemoryErrorsUpdate, RuntimeBatch } from '../runtime/harnessRuntime';
import type { FinishedRun } from '../sandbox/finishRun';

/**
 * What the worker's start (SES, the runtime, its thread) adds to the process besides its JS heap
 * and buffers, in MB: the heap's cap and the buffer budget leave it room within the memory limit.
 */
export const WORKER_START_MB = 16;

/** Elements of the shared `control` array (Int32) between the parent and the worker. */
export const CONTROL = {
  /** Set to 1 by the parent to stop the run (Stop Run, time or memory limit): it ends at the next loop turn. */
  stop: 0,
  /** Output messages the parent has taken in (it adds 1 each and notifies): the worker's back-pressure. */
  outputTaken: 1,
  length: 2,
} as const;

export interface WorkerInput {
  /** The compiled harness (the Compartment script of compartmentScript.ts), and the file name its stack frames carry. */
  harnessCode: string;
  harnessScriptName: string;
  /** Shared with the parent: it sets element 0 (Int32) to ask for a leak check while the harness runs. */
  leakCheckRequests?: SharedArrayBuffer;
  /** `LAST_OPERATION.length` Int32 elements the runtime writes and the harness host reads (lastOperation.ts). */
  lastOperation?: SharedArrayBuffer;
  /** `CONTROL.length` Int32 elements shared with the parent. */
  control: SharedArrayBuffer;
  /**
   * Shared with the parent when it paces the run: Int32 element 0 counts the batches the worker
   * posted, element 1 those the parent has taken in. The worker waits while `maxBatchesInFlight`
   * are not taken in yet, so a harness faster than its consumer slows down instead of flooding it.
   */
  batchFlow?: { counters: SharedArrayBuffer; maxBatchesInFlight: number };
  /** JSON of `SandboxRunOptions` (the deadline is set by the worker when it starts). */
  runOptions: {
    harnessFile: string;
    unknownSiteFile?: string;
    sites: Site[];
    structSites: Record<string, Site>;
    pageSize?: number;
    memoryCap?: number;
    numCallers?: number;
    /** The run's memory limit: no single buffer the harness makes may be larger. */
    memoryLimitBytes: number;
    timeLimitMs: number;
    batchIntervalMs: number;
    suppressionsText?: string;
    suppressionsFile?: string;
    locator: LocatorData;
    harnessScriptName: string;
    /** Internal errors and crashes keep the runtime's and the worker's frames (LMM_DEBUG is set). */
    debugStacks?: boolean;
    /** Write the classic text reports of the final heap (HarnessRunOptions.classicText). */
    classicText?: boolean;
  };
}

export type WorkerMessage =
  /** The worker is up and the harness about to run: its time limit counts from here. */
  | { type: 'started' }
  /** Heap operations recorded since the previous batch. */
  | { type: 'batch'; batch: RuntimeBatch }
  /** Text the harness printed (the parent adds 1 to `CONTROL.outputTaken` once it has taken it in). */
  | { type: 'output'; text: string }
  /**
   * A leak check that just ran (`mm_leak_check()`, or `requested` by Check Leaks Now): its loss
   * records and summary as the report will list them, posted at once so views can show them mid-run.
   */
  | { type: 'leakCheck'; check: LeakCheckReport }
  /**
   * Memory errors recorded since the last such message (new records, capped per run, and every
   * count so far), posted after the batch holding their failing steps so views show them mid-run.
   */
  | { type: 'memoryErrors'; update: MemoryErrorsUpdate }
  /**
   * The harness is done (returned, threw or stopped) and the runtime writes the end-of-run report:
   * no harness code runs until `reported`, so the time limit waits for the report.
   */
  | { type: 'reporting' }
  /** The report is written; what follows (reading a thrown value) may run harness code again. */
  | { type: 'reported' }
  /**
   * A chunk of the classic text reports of the final heap (`classicText` runs), posted while the
   * report is written: the parent joins them into the `end` message's `finished.classicText`.
   */
  | { type: 'classicText'; text: string }
  /** The run ended; `finished` is present whenever the heap could still be reported. */
  | {
      type: 'end';
      outcome: WorkerOutcome;
      finished?: FinishedRun;
      finishError?: string;
      /** Prints that did not go out (the output bound or the deadline), and why the first did not. */
      outputDropped?: { lines: number; reason: string };
      /** A buffer was refused for the run's memory limit (the run was then stopped): the refusal. */
      memoryLimitHit?: string;
    };

export type WorkerOutcome =
  | { kind: 'completed' }
  /** The harness threw (or did not load): its error and raw stack (positions in the compiled code). */
  | {
      kind: 'crashed';
      name: string;
      message: string;
      stack: string;
      harnessStack: Site[];
      /** Every frame, the runtime's and the worker's too: only when `debugStacks` is on. */
      hostStack?: string;
    }
  /**
   * The time limit stopped the run; `site` is the loop it was in, when known. `pending`: main's
   * promise had not settled and no harness code was running (a harness has no timers or I/O, so
   * nothing was left that could settle it).
   */
  | { kind: 'timed-out'; site: Site | null; harnessStack: Site[]; pending?: true };
