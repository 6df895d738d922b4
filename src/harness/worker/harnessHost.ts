/**
 * The harness host: a child process (forked by runHarness) that starts the harness's worker thread
 * and relays messages both ways over IPC. It holds the shared arrays the worker waits on, so
 * the parent's stop, leak-check requests and acknowledgements become Atomics operations here.
 * If V8 aborts this process (the worker's heap limit hit inside one built-in call), the parent
 * sees the exit and reports it; nothing else is lost.
 */
import { Worker } from 'node:worker_threads';
import { HOST_MEMORY_SAMPLE_MS, type HostToParentMessage, type ParentToHostMessage } from './hostProtocol';
import { CONTROL, type WorkerInput, type WorkerMessage } from './workerProtocol';

const send = (message: HostToParentMessage) => {
  // The parent is gone (it killed us, or it exited): nothing left to tell.
  if (process.connected) process.send!(message);
};

const control = new Int32Array(new SharedArrayBuffer(CONTROL.length * Int32Array.BYTES_PER_ELEMENT));
const leakCheckRequests = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
const batchCounters = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
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
// The parent went away without killing us (it crashed): the run has no one to report to.
process.on('disconnect', () => process.exit(0));

function start({ worker: entry, input, jsHeapMb, leakCheckRequested }: Extract<ParentToHostMessage, { type: 'start' }>) {
  if (worker) return;
  if (leakCheckRequested) Atomics.store(leakCheckRequests, 0, 1);
  const { maxBatchesInFlight, ...rest } = input;
  const workerData: WorkerInput = {
    ...rest,
    control: control.buffer as SharedArrayBuffer,
    leakCheckRequests: leakCheckRequests.buffer as SharedArrayBuffer,
    ...(maxBatchesInFlight !== undefined
      ? { batchFlow: { counters: batchCounters.buffer as SharedArrayBuffer, maxBatchesInFlight } }
      : {}),
  };
  const options = { workerData, resourceLimits: { maxOldGenerationSizeMb: jsHeapMb }, env: {}, stdout: true, stderr: true };
  const baselineRss = process.memoryUsage.rss();
  worker = 'file' in entry ? new Worker(entry.file, options) : new Worker(entry.code, { ...options, eval: true });
  const memoryWatch = setInterval(
    () => send({ type: 'memory', grownBytes: process.memoryUsage.rss() - baselineRss }),
    HOST_MEMORY_SAMPLE_MS,
  );
  worker.on('message', (message: WorkerMessage) => send({ type: 'worker', message }));
  worker.on('error', (error: Error & { code?: string }) =>
    send({ type: 'workerError', ...(error.code !== undefined ? { code: error.code } : {}), message: error.message }),
  );
  worker.on('exit', (code) => {
    clearInterval(memoryWatch);
    // The host stays until the parent kills it: leaving now could cut off messages still queued.
    send({ type: 'workerExit', code });
  });
}
