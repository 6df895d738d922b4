/**
 * The harness worker: one run per worker. It evaluates the sandbox bundle and the compiled
 * harness in a fresh vm context whose globals are only the JavaScript built-ins (no require,
 * process, fs or network; code generation from strings off), runs `main` under the time limit,
 * and streams heap operations to the parent. Whatever the harness does, it ends with one `end`
 * message (or the parent terminates it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import vm from 'node:vm';
import type { LeakCheckReport } from '../../analysis/runReport';
import type { MemoryErrorsUpdate, RuntimeBatch } from '../runtime/harnessRuntime';
import type { SandboxRun } from '../sandbox/sandboxEntry';
import type { FinishedRun } from '../sandbox/finishRun';
import type { WorkerInput, WorkerMessage, WorkerOutcome } from './workerProtocol';

const input = workerData as WorkerInput;
// A promise the harness rejected and never awaited is its own business, not a reason to kill the run.
process.on('unhandledRejection', () => undefined);
const VM_TIMEOUT_MARGIN_MS = 250;
const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);

async function runHarness(): Promise<void> {
  // A null-prototype sandbox object: the context's global inherits nothing from this realm.
  const context = vm.createContext(Object.create(null), {
    name: 'lmm harness',
    codeGeneration: { strings: false, wasm: false },
  });
  // Global lookups in a vm context go through the contextified global's interceptors, which
  // costs V8 ~100 ns each (Math, Map, DataView … in every hot function). Both scripts get the
  // built-ins as function-scope locals instead: same values, plain variable reads.
  const builtins = (vm.runInContext('Object.getOwnPropertyNames(globalThis)', context) as string[]).filter(
    (name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'globalThis' && name !== 'eval',
  );
  const locals = `var ${builtins.map((name) => `${name} = globalThis.${name}`).join(', ')};`;
  const startRun = new vm.Script(`(function () {${locals}\n${input.sandboxSource}\nreturn __lmmSandbox.startRun;\n})()`, {
    filename: 'lmm-studio-runtime.js',
  }).runInContext(context) as (
    options: string,
    onBatch: (batch: RuntimeBatch) => void,
    onOutput: (text: string) => void,
    leakCheckRequests?: Int32Array,
    onLeakCheck?: (check: LeakCheckReport) => void,
    onMemoryErrors?: (update: MemoryErrorsUpdate) => void,
  ) => SandboxRun;

  const { timeLimitMs, ...options } = input.runOptions;
  const deadline = Date.now() + timeLimitMs;
  const waitForRoom = batchFlowGate(input.batchFlow, deadline);
  const run = startRun(
    JSON.stringify({ ...options, deadline }),
    (batch) => {
      waitForRoom();
      post({ type: 'batch', batch });
    },
    (text) => post({ type: 'output', text: String(text) }),
    input.leakCheckRequests !== undefined ? new Int32Array(input.leakCheckRequests) : undefined,
    (check) => post({ type: 'leakCheck', check }),
    (update) => post({ type: 'memoryErrors', update }),
  );

  let outcome: WorkerOutcome;
  try {
    // The harness's code is one function further in, so its own top-level names may shadow the locals.
    const factory = new vm.Script(
      `(function () { ${locals} return function (require) { var module = { exports: {} }; var exports = module.exports;\n${input.harnessCode}\n;return module.exports; }; })()`,
      { filename: input.harnessScriptName, lineOffset: -1 },
    ).runInContext(context);
    // The harness's top level and main run inside one script, so vm's timeout covers both; the
    // values are handed over through context globals that the script deletes before running them.
    const go = vm.runInContext(
      `(function (factory, require) {
        var exports = factory(require);
        var main = exports.default !== undefined ? exports.default : exports.main;
        if (typeof main !== 'function') throw new TypeError('the harness has no main: export default function main() { … }');
        return main();
      })`,
      context,
    );
    Object.assign(context, { __lmmGo: go, __lmmFactory: factory, __lmmRequire: run.require });
    let result = vm.runInContext(
      `(function () { var go = __lmmGo, f = __lmmFactory, r = __lmmRequire;
        delete globalThis.__lmmGo; delete globalThis.__lmmFactory; delete globalThis.__lmmRequire;
        return go(f, r); })()`,
      context,
      // A little after the deadline: the loop checks stop the run first, with the loop's position.
      { timeout: Math.max(1, deadline - Date.now() + VM_TIMEOUT_MARGIN_MS), filename: 'lmm-main.js' },
    );
    if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
      result = await withDeadline(result as Promise<unknown>, deadline);
    }
    outcome = { kind: 'completed' };
  } catch (error) {
    outcome = describeFailure(error, run);
  }
  let finished: FinishedRun | undefined;
  let finishError: string | undefined;
  try {
    finished = JSON.parse(run.finish()) as FinishedRun;
  } catch (error) {
    finishError = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  }
  const message: WorkerMessage = { type: 'end', outcome };
  if (finished) message.finished = finished;
  if (finishError) message.finishError = finishError;
  post(message);
}

/** How long one wait for the parent lasts before the deadline is looked at again. */
const FLOW_WAIT_SLICE_MS = 50;

/**
 * Before each batch: when the parent paces the run, wait (blocking this thread, which only runs
 * the harness) until fewer than `maxBatchesInFlight` posted batches are not yet taken in, or the
 * run's deadline passes (the time limit then stops the harness at its next loop check).
 */
function batchFlowGate(flow: WorkerInput['batchFlow'], deadline: number): () => void {
  if (!flow) return () => undefined;
  const counters = new Int32Array(flow.counters);
  return () => {
    for (;;) {
      const taken = Atomics.load(counters, 1);
      if (Atomics.load(counters, 0) - taken < flow.maxBatchesInFlight || Date.now() >= deadline) break;
      Atomics.wait(counters, 1, taken, FLOW_WAIT_SLICE_MS);
    }
    Atomics.add(counters, 0, 1);
  };
}

const TIMED_OUT = Symbol('timed out');

function withDeadline(promise: Promise<unknown>, deadline: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(TIMED_OUT), Math.max(0, deadline - Date.now()));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function describeFailure(error: unknown, run: SandboxRun): WorkerOutcome {
  const harnessStack = JSON.parse(run.currentStack());
  const loopSite = run.timeLimitSite(error);
  if (loopSite !== null) return { kind: 'timed-out', site: JSON.parse(loopSite), harnessStack };
  if (error === TIMED_OUT || (error as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
    return { kind: 'timed-out', site: null, harnessStack };
  }
  let name = 'Error';
  let message = String(error);
  let stack = '';
  try {
    if (error !== null && typeof error === 'object') {
      const e = error as { name?: unknown; message?: unknown; stack?: unknown };
      name = typeof e.name === 'string' ? e.name : 'Error';
      message = typeof e.message === 'string' ? e.message : String(error);
      stack = typeof e.stack === 'string' ? e.stack : '';
    } else {
      name = 'thrown value';
    }
  } catch {
    // A throwing getter on the error: keep what we have.
  }
  return { kind: 'crashed', name, message, stack, harnessStack };
}

runHarness().catch((error: unknown) => {
  post({
    type: 'end',
    outcome: {
      kind: 'crashed',
      name: 'InternalError',
      message: `the harness runner failed: ${error instanceof Error ? error.message : String(error)}`,
      stack: error instanceof Error ? (error.stack ?? '') : '',
      harnessStack: [],
    },
  });
});
