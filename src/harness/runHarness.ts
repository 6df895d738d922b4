/**
 * Runs a harness: compile (esbuild + instrumentation), then a worker thread with the sandbox,
 * a time limit, the engine's memory cap, a JS heap limit, and cancellation. Whatever the harness
 * does (syntax error, throw, endless loop, memory exhaustion), the result is a value with a clear
 * message pointing at the harness line; the calling process is never blocked or brought down.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Site } from '../analysis/analysisInput';
import type { LeakCheckReport } from '../analysis/runReport';
import { compileHarness, HarnessCompileError, siteText, type CompiledHarness } from './compile/compileHarness';
import { harnessBundles } from './harnessBundles';
import type { MemoryErrorsUpdate, RuntimeBatch } from './runtime/harnessRuntime';
import type { FinishedRun } from './sandbox/finishRun';
import type { WorkerInput, WorkerMessage, WorkerOutcome } from './worker/workerProtocol';

export const DEFAULT_TIME_LIMIT_MS = 10_000;
/** The worker's JS heap (the simulated pages are outside it, bounded by the engine's memory cap). */
export const DEFAULT_JS_HEAP_MB = 2048;
/** After the time limit, how long the worker gets to stop by itself before it is terminated. */
const TERMINATE_GRACE_MS = 1500;
const SCRIPT_NAME = 'lmm-harness.js';
/**
 * Batches posted by the worker and not yet taken in by `onBatch`, at most (a batch holds up to
 * one batch interval of the harness's operations).
 */
export const MAX_BATCHES_IN_FLIGHT = 4;

export interface HarnessRunOptions {
  timeLimitMs?: number;
  pageSize?: number;
  memoryCap?: number;
  jsHeapMb?: number;
  /** Call stacks for every allocation and free (default true). */
  attribution?: boolean;
  /** Suppressions for the leak checks and the report. */
  suppressions?: { text: string; file: string };
  batchIntervalMs?: number;
  /**
   * Receives heap operations while the harness runs. When it returns a promise, the batch counts
   * as taken in once that settles, and the harness waits while `MAX_BATCHES_IN_FLIGHT` batches are
   * not: a consumer slower than the harness slows the harness down instead of queueing without bound.
   */
  onBatch?: (batch: HarnessBatch) => unknown;
  /** Receives what the harness prints (`print`, `mm_print_memory_usage` …), as it prints it. */
  onOutput?: (text: string) => void;
  /**
   * Receives each leak check the moment it runs (`mm_leak_check()`, or `requested` by
   * `requestLeakCheck()`), after the batch holding its Mark: what the report's leakChecks will list.
   */
  onLeakCheck?: (check: LeakCheckReport) => void;
  /**
   * Receives the memory errors recorded so far whenever there are new ones (or new occurrences),
   * after the batch holding their failing steps: at most one call per batch interval.
   */
  onMemoryErrors?: (errors: MemoryErrorsSoFar) => void;
  /** How files are named in sites (default: the path as given, for the harness; absolute for others). */
  displayName?: (absolutePath: string) => string;
}

/**
 * The memory errors of a run that goes on: the first `MAX_POSTED_ERRORS` records (de-duplicated
 * per kind and site, as the report lists them, with their counts so far) and the totals.
 */
export interface MemoryErrorsSoFar {
  /** With `suppressed` / `suppressedBy` on those a suppression silences (as in the report). */
  errors: MemoryErrorsUpdate['records'];
  /** Every occurrence so far (records past the cap included). */
  occurrences: number;
  /** Records so far (distinct kind and site); more than `errors.length` once past the cap. */
  distinct: number;
}

/** Heap operations streamed while the run goes on, with the site table to read their `site` ids. */
export interface HarnessBatch extends RuntimeBatch {
  sites: readonly Site[];
}

export type RunOutcome = 'completed' | 'compile-error' | 'crashed' | 'timed-out' | 'out-of-memory' | 'cancelled';

export interface HarnessRunResult {
  outcome: RunOutcome;
  /** For every outcome but `completed`: what went wrong, with the harness position (FILE:LINE:COL: …). */
  message?: string;
  /** The harness position of the problem, when known, and the harness call stack there. */
  site?: Site;
  stack?: Site[];
  /** The run's facts and report (also after a crash or a time limit: the heap is intact). */
  finished?: FinishedRun;
  sites: readonly Site[];
  timings: { compileMs: number; runMs: number };
}

export interface HarnessRunHandle {
  result: Promise<HarnessRunResult>;
  /** Stops the run (the worker is terminated); the result's outcome is `cancelled`. */
  cancel(): void;
  /**
   * Asks the running harness for a leak check at its next heap call (XCALLOC / XFREE /
   * MM_REG_STRUCT), kept like an `mm_leak_check()` with `requested: true`. False once the run has ended.
   */
  requestLeakCheck(): boolean;
}

export function runHarness(file: string, options: HarnessRunOptions = {}): HarnessRunHandle {
  let cancelled = false;
  let ended = false;
  let stop: (() => void) | undefined;
  // The worker is busy running the harness (synchronously), so a message would wait for the end:
  // a shared flag is read by the runtime at each heap call instead.
  const leakCheckRequests = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const requestFlag = new Int32Array(leakCheckRequests);
  const result = (async (): Promise<HarnessRunResult> => {
    const started = Date.now();
    const absolute = resolve(file);
    const displayName = options.displayName ?? ((p: string) => (p === absolute ? file : p));
    let compiled: CompiledHarness;
    try {
      [compiled] = await Promise.all([
        compileHarness(absolute, { attribution: options.attribution ?? true, displayName }),
        harnessBundles(),
      ]);
    } catch (error) {
      if (error instanceof HarnessCompileError) {
        const first = error.problems[0];
        const out: HarnessRunResult = {
          outcome: 'compile-error',
          message: error.message,
          sites: [],
          timings: { compileMs: Date.now() - started, runMs: 0 },
        };
        if (first?.site) out.site = first.site;
        return out;
      }
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { outcome: 'compile-error', message: `${file}: no such file`, sites: [], timings: { compileMs: 0, runMs: 0 } };
      }
      throw error;
    }
    const compileMs = Date.now() - started;
    if (cancelled)
      return { outcome: 'cancelled', message: 'the run was cancelled', sites: compiled.sites, timings: { compileMs, runMs: 0 } };
    const runStarted = Date.now();
    const end = await runInWorker(
      compiled,
      absolute,
      options,
      leakCheckRequests,
      (s) => (stop = s),
      () => cancelled,
    );
    const timings = { compileMs, runMs: Date.now() - runStarted };
    return { ...describeEnd(end, compiled, file, options), sites: compiled.sites, timings };
  })().finally(() => {
    ended = true;
  });
  return {
    result,
    cancel() {
      cancelled = true;
      stop?.();
    },
    requestLeakCheck() {
      if (ended || cancelled) return false;
      Atomics.store(requestFlag, 0, 1);
      return true;
    },
  };
}

/** Reads and runs a harness; convenience for callers that do not stream or cancel. */
export function runHarnessFile(file: string, options: HarnessRunOptions = {}): Promise<HarnessRunResult> {
  return runHarness(file, options).result;
}

type WorkerEnd =
  | { type: 'end'; outcome: WorkerOutcome; finished?: FinishedRun; finishError?: string }
  | { type: 'killed'; reason: 'timed-out' | 'cancelled' | 'out-of-memory' | 'worker-error'; detail: string };

interface EndState {
  lastSite: Site | null;
}

async function runInWorker(
  compiled: CompiledHarness,
  harnessFile: string,
  options: HarnessRunOptions,
  leakCheckRequests: SharedArrayBuffer,
  setStop: (stop: () => void) => void,
  isCancelled: () => boolean,
): Promise<WorkerEnd & EndState> {
  const bundles = await harnessBundles();
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const flowCounters = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const batchesTaken = new Int32Array(flowCounters);
  const takeBatch = () => {
    Atomics.add(batchesTaken, 1, 1);
    Atomics.notify(batchesTaken, 1);
  };
  const input: WorkerInput = {
    sandboxSource: bundles.sandboxSource,
    harnessCode: compiled.code,
    harnessScriptName: SCRIPT_NAME,
    leakCheckRequests,
    ...(options.onBatch ? { batchFlow: { counters: flowCounters, maxBatchesInFlight: MAX_BATCHES_IN_FLIGHT } } : {}),
    runOptions: {
      harnessFile,
      sites: compiled.sites,
      structSites: compiled.structSites,
      locator: compiled.locatorData,
      harnessScriptName: SCRIPT_NAME,
      timeLimitMs,
      batchIntervalMs: options.batchIntervalMs ?? 50,
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.memoryCap !== undefined ? { memoryCap: options.memoryCap } : {}),
      ...(options.suppressions
        ? { suppressionsText: options.suppressions.text, suppressionsFile: options.suppressions.file }
        : {}),
    },
  };
  const workerOptions = {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: options.jsHeapMb ?? DEFAULT_JS_HEAP_MB },
    env: {},
    stdout: true,
    stderr: true,
  };
  const worker =
    'file' in bundles.worker
      ? new Worker(bundles.worker.file, workerOptions)
      : new Worker(bundles.worker.code, { ...workerOptions, eval: true });
  const state: EndState = { lastSite: null };
  // The worker posts each error record once, then only its count: the run's records so far.
  const errorsSoFar: MemoryErrorsUpdate['records'] = [];
  return new Promise((resolvePromise) => {
    let settled = false;
    const finish = (end: WorkerEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolvePromise({ ...end, ...state });
    };
    const timer = setTimeout(
      () => finish({ type: 'killed', reason: 'timed-out', detail: `the harness did not stop within ${timeLimitMs} ms` }),
      timeLimitMs + TERMINATE_GRACE_MS,
    );
    setStop(() => finish({ type: 'killed', reason: 'cancelled', detail: 'the run was cancelled' }));
    if (isCancelled()) finish({ type: 'killed', reason: 'cancelled', detail: 'the run was cancelled' });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'batch') {
        const batch = message.batch;
        const n = batch.ops.count;
        if (n > 0) {
          const siteId = batch.ops.site[n - 1]!;
          if (siteId >= 0) state.lastSite = compiled.sites[siteId] ?? state.lastSite;
        }
        let taken: unknown;
        try {
          taken = options.onBatch?.({ ...batch, sites: compiled.sites });
        } catch {
          // A consumer that fails on a batch must not hold the harness up: the batch counts as taken.
        }
        if (taken instanceof Promise) taken.then(takeBatch, takeBatch);
        else takeBatch();
      } else if (message.type === 'output') options.onOutput?.(message.text);
      else if (message.type === 'leakCheck') {
        try {
          options.onLeakCheck?.(message.check);
        } catch {
          // A view that fails to take in a mid-run check must not end the run: the report has it too.
        }
      } else if (message.type === 'memoryErrors') {
        const { first, records, counts, occurrences, distinct } = message.update;
        errorsSoFar.length = Math.min(errorsSoFar.length, first);
        errorsSoFar.push(...records);
        for (let i = 0; i < errorsSoFar.length && i < counts.length; i++) errorsSoFar[i]!.count = counts[i]!;
        try {
          options.onMemoryErrors?.({ errors: errorsSoFar.map((e) => ({ ...e })), occurrences, distinct });
        } catch {
          // As for leak checks: the report has the errors too.
        }
      } else if (message.type === 'end') finish(message);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') finish({ type: 'killed', reason: 'out-of-memory', detail: error.message });
      else finish({ type: 'killed', reason: 'worker-error', detail: error.message });
    });
    worker.on('exit', (code) =>
      finish({ type: 'killed', reason: 'worker-error', detail: `the harness worker exited (code ${code})` }),
    );
  });
}

function describeEnd(
  end: WorkerEnd & EndState,
  compiled: CompiledHarness,
  file: string,
  options: HarnessRunOptions,
): Omit<HarnessRunResult, 'sites' | 'timings'> {
  const name = basename(file);
  const where = (site: Site | null | undefined) => (site ? `${siteText(site)}: ` : `${file}: `);
  if (end.type === 'killed') {
    switch (end.reason) {
      case 'cancelled':
        return { outcome: 'cancelled', message: `${name}: the run was cancelled` };
      case 'timed-out':
        return withSite(
          {
            outcome: 'timed-out',
            message: `${where(end.lastSite)}time limit of ${options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS} ms exceeded (the harness was stopped; last heap operation here)`,
          },
          end.lastSite,
        );
      case 'out-of-memory':
        return withSite(
          {
            outcome: 'out-of-memory',
            message: `${where(end.lastSite)}the harness ran out of JavaScript memory (limit ${options.jsHeapMb ?? DEFAULT_JS_HEAP_MB} MB; last heap operation here)`,
          },
          end.lastSite,
        );
      default:
        return withSite({ outcome: 'crashed', message: `${where(end.lastSite)}${end.detail}` }, end.lastSite);
    }
  }
  const finished = end.finished;
  const outcome = end.outcome;
  const base: Omit<HarnessRunResult, 'sites' | 'timings'> = finished
    ? { outcome: 'completed', finished }
    : { outcome: 'completed' };
  if (outcome.kind === 'completed') {
    if (end.finishError) return { ...base, outcome: 'crashed', message: `${name}: the report failed: ${end.finishError}` };
    return base;
  }
  if (outcome.kind === 'timed-out') {
    const site = outcome.site ?? outcome.harnessStack[0] ?? end.lastSite;
    const limit = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    const out = withSite(
      {
        ...base,
        outcome: 'timed-out',
        message: `${where(site)}time limit of ${limit} ms exceeded${outcome.site ? ' in this loop' : ''} (the harness was stopped)`,
      },
      site,
    );
    if (outcome.harnessStack.length > 0) out.stack = outcome.harnessStack;
    return out;
  }
  const frames = harnessFrames(outcome.stack, compiled);
  const site = frames[0] ?? outcome.harnessStack[0] ?? null;
  const isMemory =
    outcome.name === 'RangeError' &&
    /call stack|allocation failed|Invalid array length|Array buffer allocation/i.test(outcome.message);
  const lines = [`${where(site)}${outcome.name}: ${outcome.message}`];
  for (const frame of frames.slice(1)) lines.push(`    at ${siteText(frame)}`);
  const kind: RunOutcome = isMemory && !/call stack/i.test(outcome.message) ? 'out-of-memory' : 'crashed';
  const out = withSite({ ...base, outcome: kind, message: lines.join('\n') }, site);
  if (frames.length > 0) out.stack = frames;
  return out;
}

type RunEnd = Omit<HarnessRunResult, 'sites' | 'timings'>;

function withSite(value: RunEnd, site: Site | null | undefined): RunEnd {
  if (site) value.site = site;
  return value;
}

/** The harness frames of a V8 stack trace, mapped to the .ts source. */
export function harnessFrames(stack: string, compiled: CompiledHarness): Site[] {
  const frames: Site[] = [];
  const pattern = new RegExp(`${SCRIPT_NAME.replace('.', '\\.')}:(\\d+):(\\d+)`, 'g');
  for (const match of stack.matchAll(pattern)) {
    const site = compiled.locator.locate(Number(match[1]) - 1, Number(match[2]) - 1);
    if (site) frames.push(site);
  }
  return frames;
}

/** Reads the `.lmmsupp` file beside a harness, if there is one. */
export async function suppressionsBeside(file: string): Promise<{ text: string; file: string } | undefined> {
  const path = resolve(file).replace(/(\.lmm)?\.tsx?$/, '') + '.lmmsupp';
  const candidates = [path, resolve(file, '..', '.lmmsupp')];
  for (const candidate of candidates) {
    try {
      return { text: await readFile(candidate, 'utf8'), file: candidate };
    } catch {
      // not there
    }
  }
  return undefined;
}
