/**
 * Messages between the extension host and the trace worker (`traceWorker.ts`), in the style of
 * every LMM worker protocol: the input goes in as `workerData`, the worker posts messages told
 * apart by `type`, and its last message is `end` (here the only one). The batches' typed arrays
 * are transferred, not copied.
 */
import type { traceRun } from './model/traceRun';

export interface TraceWorkerInput {
  file: string;
  text: string;
}

/** The replay (operation log, site table, report), or why the trace could not be read. */
export type TraceWorkerOutput =
  { ok: true; result: ReturnType<typeof traceRun> } | { ok: false; message: string; line?: number; reason?: string };

export type TraceWorkerMessage = { type: 'end'; output: TraceWorkerOutput };
