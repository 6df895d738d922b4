/**
 * Worker thread for `LMM: Open Trace`: parses and replays a `.trace` / `.rep` file off the
 * extension host's thread (a large malloc-lab trace takes seconds), and posts back the operation
 * log, site table and report. The batches' typed arrays are transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MallocLabSyntaxError } from '../policies/mallocLabTrace';
import { TraceSyntaxError } from '../trace/traceProgram';
import { mallocLabRun } from './model/mallocLabRun';
import { traceRun } from './model/traceRun';
import type { TraceWorkerInput, TraceWorkerMessage, TraceWorkerOutput } from './traceWorkerProtocol';

const { file, text } = workerData as TraceWorkerInput;
let output: TraceWorkerOutput;
const transfer: ArrayBuffer[] = [];
try {
  // Batches of 1,024 operations: the host replays one batch per slice and stays responsive.
  const result = /\.rep$/i.test(file) ? mallocLabRun(file, text, 1024) : traceRun(file, text, 1024);
  for (const batch of result.batches) {
    for (const column of [batch.kind, batch.a, batch.b, batch.c, batch.site]) transfer.push(column.buffer as ArrayBuffer);
  }
  output = { ok: true, result };
} catch (error) {
  output =
    error instanceof TraceSyntaxError || error instanceof MallocLabSyntaxError
      ? { ok: false, message: error.message, line: error.line, reason: error.reason }
      : { ok: false, message: (error as Error).message };
}
const message: TraceWorkerMessage = { type: 'end', output };
parentPort!.postMessage(message, transfer);
