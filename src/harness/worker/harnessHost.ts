/**
 * The harness host: a child process (forked by runHarness) that starts the harness's worker thread
 * and relays messages both ways over IPC. It holds the shared arrays the worker waits on, so
 * the parent's stop, leak-check requests and acknowledgements become Atomics operations here.
 * If V8 aborts this process (the worker's heap limit hit inside one built-in call), the parent
 * sees the exit and reports it; nothing else is lost.
 */
import { Worker } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import { setPriority } from 'node:os';
import {
  HARD_BOUND_MARK,
  HOST_HARD_MARGIN_BYTES,
  HOST_MEMORY_REPORT_EVERY,
  HOST_MEMORY_SAMPLE_MS,
  type HostToParentMessage,
  type ParentToHostMessage,
} from './hostProtocol';
import { CONTROL, type WorkerInput, type WorkerMessage } from './workerProtocol';
import { lastOperationArray, readErrorTotals, readLastOperation } from '../runtime/lastOperation';

const send = (message: HostToParentMessage) => {
  // The parent is gone (it killed us, or it exited): nothing left to tell.
  if (process.connected) process.send!(message);
};

const control = new Int32Array(new SharedArrayBuffer(CONTROL.length * Int32Array.BYTES_PER_ELEMENT));
const leakCheckRequests = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
const batchCounters = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
const lastOperation = lastOperationArray();
let worker: Worker | undefined;

process.on('message', (message: ParentToHostMessage) => {
  switch (message.type) {
    case 'start':
      start(message);
      break;
    case 'stop':
      Atomics.store(control, CONTROL.stop, 1);
      Atomics.notify(control, CONTROL.outputTaken);
      break;
    case 'requestLeakCheck':
      Atomics.store(leakCheckRequests, 0, 1);
      // A worker waiting for its batches to be taken in goes on to the check now.
      Atomics.notify(batchCounters, 1);
      break;
    case 'outputTaken':
      Atomics.add(control, CONTROL.outputTaken, 1);
      Atomics.notify(control, CONTROL.outputTaken);
      break;
    case 'batchTaken':
      Atomics.add(batchCounters, 1, 1);
      Atomics.notify(batchCounters, 1);
      break;
  }
});
/**
 * Past the hard bound: the worker may be inside a native call that will not return before it has
 * filled gigabytes, so the process ends now, saying why on stderr (see HARD_BOUND_MARK).
 */
function endPastHardBound(grownBytes: number): void {
  try {
    writeSync(2, `${HARD_BOUND_MARK} ${grownBytes}\n`);
  } finally {
    process.kill(process.pid, 'SIGKILL');
  }
}

/** Characters of output relayed between two collections of this process's own heap. */
const OUTPUT_BETWEEN_COLLECTIONS = 8 << 20;
let outputSinceCollection = 0;
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * Each relayed print leaves its text behind in this process's heap (large strings go straight to
 * the old generation, collected only by a full collection V8 is in no hurry to run): an output
 * flood would grow the process by a hundred megabytes of garbage, counted against the run's
 * memory limit. Collected every few megabytes relayed (a millisecond or two, this heap is small).
 */
function collectRelayedOutput(chars: number): void {
  outputSinceCollection += chars;
  if (outputSinceCollection < OUTPUT_BETWEEN_COLLECTIONS || collectGarbage === undefined) return;
  outputSinceCollection = 0;
  collectGarbage();
}

// The parent went away without killing us (it crashed): the run has no one to report to.
process.on('disconnect', () => process.exit(0));

function start(message: Extract<ParentToHostMessage, { type: 'start' }>) {
  const { worker: entry, input, jsHeapMb, youngGenerationMb, memoryLimitBytes, leakCheckRequested, niceness } = message;
  if (worker) return;
  // On Linux a niceness belongs to a thread: this one's, set before the worker's thread is made
  // from it, is the worker's too. Lowering one's own priority is always allowed; where it is not
  // (another OS's rules), the run goes on at the usual priority.
  if (niceness !== undefined) {
    try {
      setPriority(niceness);
    } catch {
      // The usual priority.
    }
  }
  if (leakCheckRequested) Atomics.store(leakCheckRequests, 0, 1);
  const { maxBatchesInFlight, ...rest } = input;
  const workerData: WorkerInput = {
    ...rest,
    control: control.buffer as SharedArrayBuffer,
    leakCheckRequests: leakCheckRequests.buffer as SharedArrayBuffer,
    lastOperation: lastOperation.buffer as SharedArrayBuffer,
    ...(maxBatchesInFlight !== undefined
      ? { batchFlow: { counters: batchCounters.buffer as SharedArrayBuffer, maxBatchesInFlight } }
      : {}),
  };
  const resourceLimits = { maxOldGenerationSizeMb: jsHeapMb, maxYoungGenerationSizeMb: youngGenerationMb };
  const options = { workerData, resourceLimits, env: {}, stdout: true, stderr: true };
  const baselineRss = process.memoryUsage.rss();
  send({ type: 'memoryBaseline', rssBytes: baselineRss });
  worker = 'file' in entry ? new Worker(entry.file, options) : new Worker(entry.code, { ...options, eval: true });
  let samples = 0;
  let stepsSent = 0;
  let occurrencesSent = 0;
  // This thread is idle while the worker runs: it sees the process grow even while the worker is
  // inside one long native call, which nothing else can interrupt (and, for the same reason, the
  // worker's last heap operation, which such a call keeps from streaming).
  const memoryWatch = setInterval(() => {
    const grownBytes = process.memoryUsage.rss() - baselineRss;
    if (grownBytes > memoryLimitBytes + HOST_HARD_MARGIN_BYTES) return endPastHardBound(grownBytes);
    const reportDue = ++samples % HOST_MEMORY_REPORT_EVERY === 0;
    if (grownBytes > memoryLimitBytes || reportDue) send({ type: 'memory', grownBytes });
    if (!reportDue) return;
    const last = readLastOperation(lastOperation);
    const errors = readErrorTotals(lastOperation);
    if (last.steps === stepsSent && errors.errorOccurrences === occurrencesSent) return;
    stepsSent = last.steps;
    occurrencesSent = errors.errorOccurrences;
    send({ type: 'lastOperation', ...last, ...errors });
  }, HOST_MEMORY_SAMPLE_MS);
  worker.on('message', (message: WorkerMessage) => {
    send({ type: 'worker', message });
    if (message.type === 'output') collectRelayedOutput(message.text.length);
  });
  worker.on('error', (error: Error & { code?: string }) =>
    send({ type: 'workerError', ...(error.code !== undefined ? { code: error.code } : {}), message: error.message }),
  );
  worker.on('exit', (code) => {
    clearInterval(memoryWatch);
    // The host stays until the parent kills it: leaving now could cut off messages still queued.
    send({ type: 'workerExit', code });
  });
}
