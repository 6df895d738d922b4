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
export type HostedWorkerInput = Omit<WorkerInput, 'control' | 'leakCheckRequests' | 'batchFlow'> & {
  maxBatchesInFlight?: number;
};

export type ParentToHostMessage =
  | {
      type: 'start';
      /** The worker entry: a file path, or code to run with `eval: true`. */
      worker: { file: string } | { code: string };
      input: HostedWorkerInput;
      jsHeapMb: number;
      /** Whether a leak check was requested before the host started. */
      leakCheckRequested: boolean;
    }
  /** Stop the run at the harness's next loop turn. */
  | { type: 'stop' }
  /** A leak check at the harness's next heap call. */
  | { type: 'requestLeakCheck' }
  /** The parent took in one output message / one batch: the worker may go on. */
  | { type: 'outputTaken' }
  | { type: 'batchTaken' };

export type HostToParentMessage =
  | { type: 'worker'; message: WorkerMessage }
  /** How much the host process has grown since before its worker started (sampled). */
  | { type: 'memory'; grownBytes: number }
  /** The worker failed (`ERR_WORKER_OUT_OF_MEMORY` when its JS heap limit stopped it). */
  | { type: 'workerError'; code?: string; message: string }
  | { type: 'workerExit'; code: number };

/** How often the host samples its resident memory while the worker runs. */
export const HOST_MEMORY_SAMPLE_MS = 20;
