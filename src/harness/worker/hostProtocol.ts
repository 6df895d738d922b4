/**
 * Messages between the harness runner (the parent: `lmm run`, the extension host) and the harness
 * host, the small child process that owns the harness's worker thread. A harness can make V8 abort
 * the process its worker lives in (one built-in call that grows the JS heap past the worker's limit
 * cannot be interrupted); with the worker in its own process, that abort ends the host only.
 *
 * The shared-memory mechanics (stop flag, output and batch acknowledgements, leak-check requests)
 * stay between the host's main thread and its worker; the parent sends them as messages, and the
 * host, whose main thread is idle while the worker runs, applies them to the shared arrays at once.
 */
import type { WorkerInput, WorkerMessage } from './workerProtocol';

/** The worker's input without its shared buffers: the host makes those. */
export type HostedWorkerInput = Omit<WorkerInput, 'control' | 'leakCheckRequests' | 'batchFlow' | 'lastOperation'> & {
  maxBatchesInFlight?: number;
};

export type ParentToHostMessage =
  | {
      type: 'start';
      /** The worker entry: a file path, or code to run with `eval: true`. */
      worker: { file: string } | { code: string };
      input: HostedWorkerInput;
      /** V8's caps on the worker's JS heap (old and young generations), in MB. */
      jsHeapMb: number;
      youngGenerationMb: number;
      /** The run's memory limit: the host ends itself when it grows past it by `HOST_HARD_MARGIN_BYTES`. */
      memoryLimitBytes: number;
      /** Whether a leak check was requested before the host started. */
      leakCheckRequested: boolean;
      /** The niceness to run at (set on the host's thread before it starts the worker, which inherits it). */
      niceness?: number;
    }
  /** Stop the run at the harness's next loop turn. */
  | { type: 'stop' }
  /** A leak check at the harness's next heap call (or loop turn, in a loop that makes no heap call). */
  | { type: 'requestLeakCheck' }
  /** The parent took in one output message / one batch: the worker may go on. */
  | { type: 'outputTaken' }
  | { type: 'batchTaken' };

export type HostToParentMessage =
  | { type: 'worker'; message: WorkerMessage }
  /** The host's resident memory just before its worker starts: what the run's growth is measured from. */
  | { type: 'memoryBaseline'; rssBytes: number }
  /** How much the host process has grown since before its worker started (sampled). */
  | { type: 'memory'; grownBytes: number }
  /**
   * The worker's last heap operation and memory-error totals when they changed (lastOperation.ts):
   * its steps (mod 2^32) and site id, the error records and occurrences so far.
   */
  | { type: 'lastOperation'; steps: number; site: number; errorRecords: number; errorOccurrences: number }

  /** The worker failed (`ERR_WORKER_OUT_OF_MEMORY` when its JS heap limit stopped it). */
  | { type: 'workerError'; code?: string; message: string }
  | { type: 'workerExit'; code: number };

/** How often the host samples its resident memory while the worker runs. */
export const HOST_MEMORY_SAMPLE_MS = 5;
/** Samples between two reports of it to the parent (unless past the limit: then each one). */
export const HOST_MEMORY_REPORT_EVERY = 4;
/**
 * How far past the memory limit the host may grow before it ends itself, without waiting for the
 * parent or the harness: room for the run to wind down and report after a stop at the limit.
 */
export const HOST_HARD_MARGIN_BYTES = 64 * 2 ** 20;
/**
 * What the host writes on its stderr, with how much it had grown, just before it ends itself past
 * the hard bound. Not an IPC message: that channel may be queued full of output and batches, and
 * the process must end now; the parent reads stderr to its end before it sees the exit.
 */
export const HARD_BOUND_MARK = 'lmm-harness-host: past the memory hard bound, grown by';
