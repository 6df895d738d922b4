/**
 * The harness worker: one run per worker. The worker's realm is locked down first (SES), then
 * the runtime and the analyses start in it, and the compiled harness is evaluated in a
 * Compartment: its globals are the JavaScript built-ins (frozen, shared) and a Compartment's
 * own `eval`/`Function`; its only way out is `require('lmm-studio')`, the hardened module of
 * this run. No `require`, `process`, fs or network, and nothing reachable leads to them. It runs
 * `main` under the time limit, streams heap operations and output to the parent (output with
 * back-pressure and a bound), and ends with one `end` message (or the parent terminates it).
 */
import { collectGarbage } from '../sandbox/lockdownRealm';
import { parentPort, workerData } from 'node:worker_threads';
import type { Site } from '../../analysis/analysisInput';
import { HARNESS_GLOBALS } from '../compile/compartmentScript';
import type { FinishedRun } from '../sandbox/finishRun';
import { fullStackOf } from '../sandbox/harnessStacks';
import { startRun, type SandboxRun } from '../sandbox/sandboxEntry';
import { boundedBufferConstructors, MemoryBudget } from '../sandbox/boundedBuffers';
import { hostGlobals } from '../sandbox/hostGlobals';
import { describeThrown } from './describeThrown';
import { OutputGate } from './outputGate';
import { CONTROL, WORKER_START_MB, type WorkerInput, type WorkerMessage, type WorkerOutcome } from './workerProtocol';

const input = workerData as WorkerInput;
// A promise the harness rejected and never awaited is its own business, not a reason to kill the run.
process.on('unhandledRejection', () => undefined);
const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);

async function runHarness(): Promise<void> {
  const { timeLimitMs, memoryLimitBytes, ...options } = input.runOptions;
  const debugStacks = options.debugStacks === true;
  const deadline = Date.now() + timeLimitMs;
  post({ type: 'started' });
  const control = new Int32Array(input.control);
  const stopRequested = () => Atomics.load(control, CONTROL.stop) !== 0;
  const output = new OutputGate(control, deadline, (text) => post({ type: 'output', text }));
  const leakCheckRequests = input.leakCheckRequests !== undefined ? new Int32Array(input.leakCheckRequests) : undefined;
  const waitForRoom = batchFlowGate(
    input.batchFlow,
    deadline,
    () => leakCheckRequests !== undefined && Atomics.load(leakCheckRequests, 0) !== 0,
  );
  const run = startRun(
    { ...options, deadline },
    {
      onBatch: (batch, forCheck) => {
        waitForRoom(forCheck === true);
        post({ type: 'batch', batch });
      },
      onOutput: (text) => output.write(text),
      ...(leakCheckRequests !== undefined ? { leakCheckRequests } : {}),
      ...(input.lastOperation !== undefined ? { lastOperation: new Int32Array(input.lastOperation) } : {}),
      onLeakCheck: (check) => post({ type: 'leakCheck', check }),
      onMemoryErrors: (update) => post({ type: 'memoryErrors', update }),
      onClassicText: (text) => post({ type: 'classicText', text }),
      stopRequested,
      stopFlag: new Int32Array(input.control, CONTROL.stop * Int32Array.BYTES_PER_ELEMENT, 1),
    },
  );

  // Buffers are charged to the run's memory limit as they are made, with the heap in use.
  const budget = new MemoryBudget(
    memoryLimitBytes,
    {
      inUse: () => {
        const usage = process.memoryUsage();
        // The heap as committed (what the process holds for it), not only what is in use in it.
        return usage.arrayBuffers + usage.heapTotal;
      },
      ...(collectGarbage ? { collect: collectGarbage } : {}),
    },
    // Refused once, stopped at the next loop turn: catching the RangeError does not go on.
    () => run.stop(),
    WORKER_START_MB * 2 ** 20,
  );
  let failure: unknown;
  let failed = false;
  let thrownAt: Site | undefined;
  try {
    // SES's Compartments have no clock and no randomness; a harness may time itself or shuffle,
    // so it gets this realm's (frozen) Date and Math, performance.now() and Intl. Its buffers are
    // bounded one by one. Its `console` is the run's own, printing to the run's output. A host global
    // it cannot have (timers, process, fetch …) fails by name at its first use (hostGlobals).
    const compartment = new Compartment({
      __options__: true,
      name: 'lmm harness',
      // SES takes a plain object here (its .d.ts says Map).
      globals: {
        Date,
        Math,
        console: run.console,
        ...hostGlobals(() => performance.now(), Intl),
        ...boundedBufferConstructors(budget),
      } as unknown as Map<string, unknown>,
    });
    const withHooks = compartment.evaluate(`${input.harnessCode}\n//# sourceURL=${input.harnessScriptName}\n`, {
      // SES's direct-eval check is a text search: it would refuse `eval(` inside a string. The
      // compiler has made every eval of the harness an indirect one already.
      __rejectSomeDirectEvalExpressions__: false,
    }) as (...hooks: unknown[]) => (...args: unknown[]) => void;
    const harnessFunction = withHooks(...run.hooks);
    const globals = compartment.globalThis;
    const module = { exports: {} as Record<string, unknown> };
    const require = harden((name: unknown) => {
      if (name === 'lmm-studio') return run.lmmStudio;
      throw new Error(`a harness can import only 'lmm-studio' and its own files, not '${String(name)}'`);
    });
    harnessFunction(require, module, module.exports, ...HARNESS_GLOBALS.map((name) => globals[name]));
    const exports = module.exports;
    const main = exports.default !== undefined ? exports.default : exports.main;
    if (typeof main !== 'function') throw new TypeError('the harness has no main: export default function main() { … }');
    const result: unknown = (main as () => unknown)();
    // Calling a generator function runs none of its body: the run would report a heap nothing touched.
    if (isGenerator(result)) {
      throw new TypeError(
        'main is a generator function (function*), so none of its body runs: write export default function main() { … }',
      );
    }
    if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
      await withDeadline(result as Promise<unknown>, deadline, stopRequested);
    }
  } catch (error) {
    // Where the harness's own `throw` threw it, first: anything that reads the value (a Proxy's
    // traps, getters) may run harness code that throws again and moves the last throw on.
    thrownAt = run.thrownSite(error);
    // exit(status) ends the run as main's return does. (Asking may run a thrown Proxy's traps,
    // which may throw: then it is not exit.)
    let exited = false;
    try {
      exited = run.isExit(error);
    } catch {
      // not exit()
    }
    if (!exited) {
      failed = true;
      failure = error;
    }
  }
  // The time limit ended the run even when the harness caught its stop and returned, or a promise
  // job of its own met it after main had returned: the run did not complete within the limit.
  const stop = run.stopThrown();
  if (stop !== undefined && !(failed && failure === stop)) {
    failed = true;
    failure = stop;
  }
  // The verdicts first, from the runtime's own records, before any more harness code can run
  // (reading a thrown object's `message` may call the harness's getters).
  let finished: FinishedRun | undefined;
  let finishError: string | undefined;
  post({ type: 'reporting' });
  try {
    finished = run.finish();
  } catch (error) {
    const message = error instanceof Error ? error.message : 'the end-of-run report failed';
    finishError = debugStacks ? `${message}\n${run.hostStack(error) ?? (error as Error).stack ?? ''}` : message;
  }
  post({ type: 'reported' });
  const outcome: WorkerOutcome = failed ? describeFailure(failure, thrownAt, run, debugStacks) : { kind: 'completed' };
  const message: WorkerMessage = { type: 'end', outcome };
  if (finished) message.finished = finished;
  if (finishError) message.finishError = finishError;
  if (budget.refusal !== undefined) message.memoryLimitHit = budget.refusal;
  if (output.dropped > 0) message.outputDropped = { lines: output.dropped, reason: output.dropReason };
  post(message);
}

/** How long one wait for the parent lasts before the deadline is looked at again. */
const FLOW_WAIT_SLICE_MS = 50;

/**
 * Before each batch: when the parent paces the run, wait (blocking this thread, which only runs
 * the harness) until fewer than `maxBatchesInFlight` posted batches are not yet taken in, or the
 * run's deadline passes (the time limit then stops the harness at its next loop check). A leak
 * check the person asked for does not wait: a request ends the wait (the harness goes on to its
 * next heap call, where the check runs), and the batch the check flushes before its result goes
 * out at once; so a check passes the limit by two batches at most, and reaches the parent without
 * waiting for the batches ahead of it to be taken in.
 */
function batchFlowGate(
  flow: WorkerInput['batchFlow'],
  deadline: number,
  checkRequested: () => boolean,
): (forCheck: boolean) => void {
  if (!flow) return () => undefined;
  const counters = new Int32Array(flow.counters);
  return (forCheck) => {
    for (;;) {
      const taken = Atomics.load(counters, 1);
      if (forCheck || checkRequested()) break;
      if (Atomics.load(counters, 0) - taken < flow.maxBatchesInFlight || Date.now() >= deadline) break;
      Atomics.wait(counters, 1, taken, FLOW_WAIT_SLICE_MS);
    }
    Atomics.add(counters, 0, 1);
  };
}

/** A generator object (sync or async), as main returns when it is declared `function*`. */
function isGenerator(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const tag = Object.prototype.toString.call(value);
  return tag === '[object Generator]' || tag === '[object AsyncGenerator]';
}

const TIMED_OUT = Symbol('timed out');

/** Waits for the harness's promise until the deadline (or a stop request). */
function withDeadline(promise: Promise<unknown>, deadline: number, stopRequested: () => boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (Date.now() >= deadline || stopRequested()) {
        clearInterval(poll);
        reject(TIMED_OUT);
      }
    }, 20);
    promise.then(
      (value) => {
        clearInterval(poll);
        resolve(value);
      },
      (error: unknown) => {
        clearInterval(poll);
        reject(error);
      },
    );
  });
}

function describeFailure(error: unknown, thrownAt: Site | undefined, run: SandboxRun, debugStacks: boolean): WorkerOutcome {
  const harnessStack: Site[] = run.currentStack();
  if (error === TIMED_OUT) return { kind: 'timed-out', site: null, harnessStack, pending: true };
  let loopSite: Site | null | undefined;
  try {
    loopSite = run.timeLimitSite(error);
  } catch {
    // A Proxy's getPrototypeOf trap threw: not the runtime's stop.
  }
  if (loopSite !== undefined) return { kind: 'timed-out', site: loopSite, harnessStack };
  // A value thrown by the harness's own `throw` is placed there (it may have no stack of its own).
  const hostStack = debugStacks ? run.hostStack(error) : undefined;
  return {
    kind: 'crashed',
    ...describeThrown(error),
    harnessStack: thrownAt ? [thrownAt, ...harnessStack] : harnessStack,
    ...(hostStack !== undefined ? { hostStack } : {}),
  };
}

runHarness().catch((error: unknown) => {
  post({
    type: 'end',
    outcome: {
      kind: 'crashed',
      name: 'InternalError',
      message: `the harness runner failed: ${error instanceof Error ? error.message : 'an unknown error'}`,
      stack: '',
      harnessStack: [],
      // Thrown by the worker's own code (before the harness ran, or after): its stack is all host frames.
      ...(input.runOptions.debugStacks && error instanceof Error ? { hostStack: fullStackOf(error) ?? error.stack ?? '' } : {}),
    },
  });
});
