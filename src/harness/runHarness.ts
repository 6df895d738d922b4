/**
 * Runs a harness: compile (esbuild + instrumentation), then a worker thread with the sandbox,
 * a time limit, a memory limit, the engine's memory cap, and cancellation. Whatever the harness
 * does (syntax error, throw, endless loop, memory exhaustion, an output flood), the result is a
 * value with a clear message pointing at the harness line; the calling process is never blocked
 * or brought down.
 *
 * Stopping (Stop Run, the time limit, the memory limit) is cooperative first: a shared flag the
 * harness's next loop turn sees, which ends the run with its heap reported; if the worker has not
 * ended `STOP_GRACE_MS` later (a loop-free recursion, a long native call), it is terminated.
 *
 * The worker runs inside a harness host, a child process of its own (worker/harnessHost.ts): one
 * built-in call that grows the JS heap past the worker's limit makes V8 abort the whole process,
 * and that process is then the host, not the caller. The run ends `out-of-memory` (on SIGABRT) or
 * `crashed`, with a message naming how the host ended.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Site } from '../analysis/analysisInput';
import type { LeakCheckReport } from '../analysis/runReport';
import { parseSuppressions, SuppressionSyntaxError } from '../analysis/suppressions';
import { stepNumber } from '../analysis/stepNumber';
import { compileHarness, HarnessCompileError, siteText, type CompiledHarness } from './compile/compileHarness';
import { harnessBundles } from './harnessBundles';
import type { MemoryErrorsUpdate, RuntimeBatch } from './runtime/harnessRuntime';
import type { FinishedRun } from './sandbox/finishRun';
import { LmmHeap } from '../engine/lmmHeap';
import {
  HARD_BOUND_MARK,
  type HostedWorkerInput,
  type HostToParentMessage,
  type ParentToHostMessage,
} from './worker/hostProtocol';
import { WORKER_START_MB, type WorkerMessage, type WorkerOutcome } from './worker/workerProtocol';
import { LastOperationSeen } from './runtime/lastOperation';
import { MAX_NUM_CALLERS, MIN_NUM_CALLERS, ownStackFrames } from './runtime/callPaths';

export const DEFAULT_TIME_LIMIT_MS = 10_000;
/** The longest time limit: what `setTimeout` can wait (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIME_LIMIT_MS = 2 ** 31 - 1;
/** Everything a run may add to the process's memory (JS heap, buffers, the simulated pages). */
export const DEFAULT_MEMORY_LIMIT_MB = 2048;
/** The smallest memory limit: a worker with SES and the runtime needs about 40 MB to start. */
export const MIN_MEMORY_LIMIT_MB = 64;
/** @deprecated the JS heap is bounded by the memory limit (`memoryLimitMb`). */
export const DEFAULT_JS_HEAP_MB = DEFAULT_MEMORY_LIMIT_MB;
/**
 * How long the end-of-run report may take once the harness is done. The report is the runtime's
 * work, not the harness's: a time limit that falls while it is written waits for it (a run of
 * millions of allocations takes seconds to report), up to this bound.
 */
export const REPORT_TIME_LIMIT_MS = 60_000;
/**
 * How long the harness process and its worker may take to start, on top of the time limit, which
 * counts from the worker's start (half a second on a busy machine): past it, the run is stopped.
 */
export const WORKER_START_LIMIT_MS = 30_000;
/** After a stop was asked for, how long the worker gets to end by itself before it is terminated. */
export const STOP_GRACE_MS = 500;

/**
 * How long a memory error that came before the batch with its operation waits for it before it
 * is told anyway (the harness may be inside one long call, which streams nothing).
 */
const ERRORS_WAIT_FOR_OPERATIONS_MS = 100;

/** A time limit met while main's promise waited with no harness code running: nothing could settle it. */
const NEVER_SETTLED = " while main's promise was pending, with no harness code left to run: nothing settles it";
const SCRIPT_NAME = 'lmm-harness.js';
/**
 * Batches posted by the worker and not yet taken in by `onBatch`, at most (a batch holds up to
 * one batch interval of the harness's operations).
 */
export const MAX_BATCHES_IN_FLIGHT = 4;

export interface HarnessRunOptions {
  timeLimitMs?: number;
  pageSize?: number;
  /**
   * memcheck's `--num-callers` (1 to 500): the frames every stack of the report keeps, counted as
   * memcheck counts them (`callPathFrames`); unset, 8.
   */
  numCallers?: number;
  memoryCap?: number;
  /**
   * Megabytes the run may add to the process's resident memory: the worker's JS heap, its
   * ArrayBuffers and typed arrays, the simulated pages, queued messages (default 2048).
   * Past it the run is stopped (outcome `out-of-memory`).
   */
  memoryLimitMb?: number;
  /** The worker's JS heap alone (default: the memory limit). */
  jsHeapMb?: number;
  /** How long a time limit waits for the end-of-run report (default `REPORT_TIME_LIMIT_MS`; tests try it shorter). */
  reportTimeLimitMs?: number;
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
   * Receives the memory errors recorded so far whenever there are new ones (or new occurrences):
   * a new record once the batch holding its failing step has gone to `onBatch`, new counts after
   * the batch their flush brings (so up to two calls a batch). A record whose batch is late (the
   * harness inside one long call: no message and no operation for 100 ms) or never comes (the
   * run was stopped or killed first) is told without it: its `event` may be past every step streamed.
   */
  onMemoryErrors?: (errors: MemoryErrorsSoFar) => void;
  /** How files are named in sites (default: the path as given, for the harness; absolute for others). */
  displayName?: (absolutePath: string) => string;
  /**
   * The OS scheduling niceness of the harness's process and worker (1–19; default: this process's).
   * The extension asks for `BACKGROUND_NICENESS`: when the cores are contended, the window (the
   * editor, VS Code's own processes) runs first and the harness waits, never the other way round.
   */
  niceness?: number;
  /**
   * Write LMM's classic text reports of the final heap into `finished.classicText` (default
   * false): only `lmm run`'s text output prints them, and they are a line per page and per block
   * (60 MB of text for a full 1 GiB heap of page-sized blocks, streamed from the worker in chunks).
   */
  classicText?: boolean;
  /**
   * With `classicText`: receives the classic text reports as the worker streams them, in chunks
   * of at most CLASSIC_TEXT_CHUNK_CHARS characters, and `finished.classicText` stays unset (a
   * caller that writes the chunks out holds no joined copy: `lmm run`).
   */
  onClassicText?: (chunk: string) => void;
}

/** The niceness the extension runs harnesses at: the window's threads go first when cores are contended. */
export const BACKGROUND_NICENESS = 10;

/**
 * The memory errors of a run that goes on: the first `MAX_POSTED_ERRORS` records (de-duplicated
 * per kind and site, as the report lists them, with their counts so far) and the totals.
 */
export interface MemoryErrorsSoFar {
  /**
   * With `suppressed` / `suppressedBy` on those a suppression silences, and `step` (the step of
   * the first occurrence, `event + 1`), as in the report.
   */
  errors: (MemoryErrorsUpdate['records'][number] & { step: number })[];
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
  /** Prints that did not reach `onOutput` (bounded output, or the deadline while they waited). */
  outputDropped?: { lines: number; reason: string };
  sites: readonly Site[];
  timings: { compileMs: number; runMs: number };
  /**
   * The most the run grew the harness process's resident memory (bytes, from just before its
   * worker started): the kernel's high-water mark on Linux, the largest 5 ms sample elsewhere or
   * when the process was already gone. What `memoryLimitMb` is measured against.
   */
  memoryPeakBytes?: number;
}

export interface HarnessRunHandle {
  result: Promise<HarnessRunResult>;
  /**
   * Stops the run: at the harness's next loop turn (its heap is then reported), or by terminating
   * the worker at most `STOP_GRACE_MS` later. The result's outcome is `cancelled`.
   */
  cancel(): void;
  /**
   * Asks the running harness for a leak check at its next heap call, or a turn of a loop that makes none (XCALLOC / XFREE /
   * MM_REG_STRUCT), kept like an `mm_leak_check()` with `requested: true`. False once the run has ended.
   */
  requestLeakCheck(): boolean;
}

export function runHarness(file: string, options: HarnessRunOptions = {}): HarnessRunHandle {
  let cancelled = false;
  let ended = false;
  let stop: (() => void) | undefined;
  // A request made before the harness host started is handed to it when it starts.
  const leakChecks: LeakCheckRelay = { pending: false };
  validateRunOptions(options);
  const result = (async (): Promise<HarnessRunResult> => {
    const started = Date.now();
    // A malformed suppressions file is the user's to fix, at its line, before anything runs.
    const suppressionsProblem = suppressionsSyntaxProblem(options.suppressions);
    if (suppressionsProblem !== undefined) {
      return { outcome: 'compile-error', message: suppressionsProblem, sites: [], timings: { compileMs: 0, runMs: 0 } };
    }
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
      displayName(absolute),
      options,
      leakChecks,
      (s) => (stop = s),
      () => cancelled,
    );
    const timings = { compileMs, runMs: Date.now() - runStarted };
    const described: HarnessRunResult = { ...describeEnd(end, compiled, file, options), sites: compiled.sites, timings };
    if (end.memoryPeakBytes !== undefined) described.memoryPeakBytes = end.memoryPeakBytes;
    if (end.type === 'end' && end.outputDropped) {
      const { lines, reason } = end.outputDropped;
      described.outputDropped = end.outputDropped;
      options.onOutput?.(`[lmm: ${lines} line${lines === 1 ? '' : 's'} of output dropped: ${reason}]\n`);
    }
    return described;
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
      if (leakChecks.send) leakChecks.send();
      else leakChecks.pending = true;
      return true;
    },
  };
}

/** Reads and runs a harness; convenience for callers that do not stream or cancel. */
export function runHarnessFile(file: string, options: HarnessRunOptions = {}): Promise<HarnessRunResult> {
  return runHarness(file, options).result;
}

/**
 * Options a caller could get wrong (a CLI flag, a setting): a RangeError naming the option, before
 * anything starts. The page size is checked by the engine (LmmHeap), the first thing the worker makes.
 */
export function validateRunOptions(options: HarnessRunOptions): void {
  const { timeLimitMs, memoryLimitMb, pageSize, numCallers } = options;
  if (
    numCallers !== undefined &&
    !(Number.isInteger(numCallers) && numCallers >= MIN_NUM_CALLERS && numCallers <= MAX_NUM_CALLERS)
  )
    throw new RangeError(
      `numCallers must be a whole number from ${MIN_NUM_CALLERS} to ${MAX_NUM_CALLERS}, not ${String(numCallers)}`,
    );
  if (timeLimitMs !== undefined && !(Number.isInteger(timeLimitMs) && timeLimitMs >= 1 && timeLimitMs <= MAX_TIME_LIMIT_MS)) {
    throw new RangeError(
      `timeLimitMs must be a whole number of milliseconds from 1 to ${MAX_TIME_LIMIT_MS}, not ${String(timeLimitMs)}`,
    );
  }
  if (
    memoryLimitMb !== undefined &&
    !(Number.isFinite(memoryLimitMb) && memoryLimitMb >= MIN_MEMORY_LIMIT_MB && memoryLimitMb <= 1024 * 1024)
  ) {
    throw new RangeError(
      `memoryLimitMb must be from ${MIN_MEMORY_LIMIT_MB} to 1048576 (megabytes), not ${String(memoryLimitMb)}`,
    );
  }
  if (pageSize !== undefined) {
    const problem = pageSizeProblem(pageSize);
    if (problem) throw new RangeError(`pageSize ${problem}`);
  }
}

/** `FILE:LINE: what is wrong` with a suppressions text, or undefined when it parses. */
function suppressionsSyntaxProblem(suppressions: HarnessRunOptions['suppressions']): string | undefined {
  if (suppressions === undefined) return undefined;
  try {
    parseSuppressions(suppressions.text, suppressions.file);
    return undefined;
  } catch (error) {
    if (error instanceof SuppressionSyntaxError) return error.message;
    throw error;
  }
}

/** Why LMM cannot use `pageSize`, or undefined when it can. */
export function pageSizeProblem(pageSize: number): string | undefined {
  try {
    new LmmHeap({ pageSize });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^pageSize:?\s*/, '') : 'is not a page size LMM accepts';
  }
}

/**
 * V8's caps on the worker's heap, its old and young generations, within the memory limit: room is
 * left for the worker's start and for what V8 holds besides the heap it counts (measured: a heap
 * flood at its cap grows the process by the caps plus about 30 MB).
 */
export function heapLimits(memoryLimitMb: number, jsHeapMb?: number): { jsHeapMb: number; youngGenerationMb: number } {
  const youngGenerationMb = Math.min(16, Math.max(4, Math.floor(memoryLimitMb / 16)));
  const rest = memoryLimitMb - youngGenerationMb - 2 * WORKER_START_MB;
  return { jsHeapMb: jsHeapMb ?? Math.max(24, rest), youngGenerationMb };
}

type StopReason = 'timed-out' | 'cancelled' | 'out-of-memory';

type WorkerEnd =
  | {
      type: 'end';
      outcome: WorkerOutcome;
      finished?: FinishedRun;
      finishError?: string;
      outputDropped?: { lines: number; reason: string };
      memoryLimitHit?: string;
      /** Why the parent asked the run to stop, when it did before the worker ended by itself. */
      stoppedFor?: StopReason;
    }
  | { type: 'killed'; reason: StopReason | 'js-heap' | 'worker-error' | 'host-aborted'; detail: string };

/** Leak-check requests on their way to the harness host: held until it starts, then sent. */
interface LeakCheckRelay {
  pending: boolean;
  send?: () => void;
}

interface EndState {
  lastSite: Site | null;
  memoryPeakBytes?: number;
  /** Ended (killed) while the runtime wrote the end-of-run report, after the harness was done. */
  whileReporting?: true;
  /** The parent asked the run to stop before that report began: the limit was met by the harness, not by the report. */
  stoppedBeforeReport?: true;
}

async function runInWorker(
  compiled: CompiledHarness,
  harnessFile: string,
  /** The harness as its sites name it: where a heap call of no known line is (at line 0). */
  unknownSiteFile: string,
  options: HarnessRunOptions,
  leakChecks: LeakCheckRelay,
  setStop: (stop: () => void) => void,
  isCancelled: () => boolean,
): Promise<WorkerEnd & EndState> {
  const bundles = await harnessBundles();
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const input: HostedWorkerInput = {
    harnessCode: compiled.code,
    harnessScriptName: SCRIPT_NAME,
    ...(options.onBatch ? { maxBatchesInFlight: MAX_BATCHES_IN_FLIGHT } : {}),
    runOptions: {
      harnessFile,
      unknownSiteFile,
      sites: compiled.sites,
      structSites: compiled.structSites,
      locator: compiled.locatorData,
      harnessScriptName: SCRIPT_NAME,
      memoryLimitBytes: memoryLimitMb * 2 ** 20,
      timeLimitMs,
      batchIntervalMs: options.batchIntervalMs ?? 50,
      // For maintainers: a crash or an internal error shows the runtime's and the worker's frames too.
      ...(process.env['LMM_DEBUG'] ? { debugStacks: true } : {}),
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.memoryCap !== undefined ? { memoryCap: options.memoryCap } : {}),
      ...(options.numCallers !== undefined ? { numCallers: options.numCallers } : {}),
      ...(options.classicText === true ? { classicText: true } : {}),
      ...(options.suppressions
        ? { suppressionsText: options.suppressions.text, suppressionsFile: options.suppressions.file }
        : {}),
    },
  };
  // `advanced` serialization: the batches' typed arrays cross intact. The host gets no inherited
  // Node flags (a test runner's loaders); in VS Code, execPath is its Electron binary run as Node.
  const host = fork(bundles.hostFile, [], {
    serialization: 'advanced',
    // `--expose-gc`: the worker's memory budget collects before it refuses a buffer (lockdownRealm.ts).
    execArgv: ['--expose-gc'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  // What V8 prints when it aborts ("FATAL ERROR: … heap limit") tells out-of-memory from other aborts.
  let hostStderr = '';
  host.stderr?.on('data', (chunk: Buffer) => {
    if (hostStderr.length < 4096) hostStderr += chunk.toString('utf8');
  });
  const tell = (message: ParentToHostMessage) => {
    if (host.connected) host.send(message, (error) => void error); // a host that died is reported by 'exit'
  };
  tell({
    type: 'start',
    worker: bundles.worker,
    input,
    ...heapLimits(memoryLimitMb, options.jsHeapMb),
    memoryLimitBytes: memoryLimitMb * 2 ** 20,
    leakCheckRequested: leakChecks.pending,
    ...(options.niceness !== undefined ? { niceness: options.niceness } : {}),
  });
  leakChecks.send = () => tell({ type: 'requestLeakCheck' });
  const takeBatch = () => tell({ type: 'batchTaken' });
  const state: EndState = { lastSite: null };
  const lastOperation = new LastOperationSeen();
  let baselineRss: number | undefined;
  let sampledPeak: number | undefined;
  // The worker posts each error record once, then only its count: the run's records so far.
  const errorsSoFar: MemoryErrorsUpdate['records'] = [];
  /** The chunks of the classic text reports the worker has posted (`classicText` runs). */
  const classicText: string[] = [];
  /** The totals the last update told (the worker's, or the host's for a killed one). */
  let errorTotalsTold = { occurrences: 0, distinct: 0 };
  const tellErrors = (occurrences: number, distinct: number) => {
    errorTotalsTold = { occurrences, distinct };
    try {
      options.onMemoryErrors?.({ errors: errorsSoFar.map((e) => ({ ...e, step: stepNumber(e.event) })), occurrences, distinct });
    } catch {
      // As for leak checks: the report has the errors too.
    }
  };
  // A new record comes from the worker at once, before the batch with its operation (so a worker
  // killed later has sent it): it is told once the operations up to it have arrived, with the
  // batch that brings them, so consumers see a record after its step; or, when that batch is
  // late (the harness is inside one long call, not waiting for the consumer to take batches in),
  // after ERRORS_WAIT_FOR_OPERATIONS_MS, and at the end.
  let stepsReceived = 0;
  let batchesWithConsumer = 0;
  /** When the worker last posted, or the host last saw its step count change (sampled every 20 ms). */
  let workerActiveAt = 0;
  let stepsSeenByHost = 0;
  let errorsWaitForStep = -1;
  let errorTotalsWaiting: { occurrences: number; distinct: number } | undefined;
  let errorsWaitTimer: NodeJS.Timeout | undefined;
  const tellWaitingErrors = () => {
    clearTimeout(errorsWaitTimer);
    errorsWaitTimer = undefined;
    if (errorTotalsWaiting === undefined) return;
    const { occurrences, distinct } = errorTotalsWaiting;
    errorTotalsWaiting = undefined;
    errorsWaitForStep = -1;
    tellErrors(occurrences, distinct);
  };
  /**
   * The batch is late. While the consumer holds batches the worker waits for it, and while the
   * worker posts messages or the host sees its steps move, it runs on and will flush: the batch comes.
   */
  const tellErrorsIfStuck = () => {
    const moving = Date.now() - workerActiveAt < ERRORS_WAIT_FOR_OPERATIONS_MS;
    if (batchesWithConsumer === 0 && !moving) tellWaitingErrors();
    else errorsWaitTimer = setTimeout(tellErrorsIfStuck, ERRORS_WAIT_FOR_OPERATIONS_MS);
  };
  /** A killed worker's totals, as the host read them, when they are past its last update's. */
  const tellUnstreamedErrorTotals = () => {
    const { errorRecords, errorOccurrences } = lastOperation.errorTotals;
    if (errorRecords <= errorTotalsTold.distinct && errorOccurrences <= errorTotalsTold.occurrences) return;
    tellErrors(Math.max(errorOccurrences, errorTotalsTold.occurrences), Math.max(errorRecords, errorTotalsTold.distinct));
  };
  return new Promise((resolvePromise) => {
    let settled = false;
    let stopReason: StopReason | undefined;
    let backstop: NodeJS.Timeout | undefined;
    /** Between the worker's `reporting` and `reported`: no harness code runs, the report is written. */
    let reporting = false;
    let timeLimitWhileReporting = false;
    const finish = (end: WorkerEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(backstop);
      leakChecks.send = undefined;
      if (reporting) state.whileReporting = true;
      // A worker killed inside one long call never streamed its last operations: the host saw them.
      const unstreamed = lastOperation.unstreamedSite();
      if (unstreamed >= 0) state.lastSite = compiled.sites[unstreamed] ?? state.lastSite;
      // The records whose operations never came (the worker was stopped before its next batch).
      tellWaitingErrors();
      // And the errors it found after its last update: their records are not here, their totals are.
      if (end.type === 'killed') tellUnstreamedErrorTotals();
      const peak = baselineRss !== undefined ? residentPeak(host.pid) : undefined;
      const measured = peak !== undefined ? peak - baselineRss! : sampledPeak;
      if (measured !== undefined) state.memoryPeakBytes = Math.max(measured, sampledPeak ?? 0);
      host.kill('SIGKILL');
      resolvePromise({ ...end, ...state });
    };
    /** After this long, the run ends as `end` whatever the worker does (it is killed). */
    const armBackstop = (ms: number, end: WorkerEnd) => {
      clearTimeout(backstop);
      backstop = setTimeout(() => finish(end), ms);
    };
    const stop = (reason: StopReason, detail: string) => {
      if (settled || stopReason !== undefined) return;
      // The harness is done: the limit it did not pass waits for the report (see `reported`), for
      // a bounded time (a report of many records against a large suppressions file took minutes).
      if (reason === 'timed-out' && reporting) {
        if (!timeLimitWhileReporting) armBackstop(reportTimeLimitMs, reportTooLong);
        timeLimitWhileReporting = true;
        return;
      }
      stopReason = reason;
      tell({ type: 'stop' });
      armBackstop(STOP_GRACE_MS, { type: 'killed', reason, detail });
    };
    const timedOutDetail = `the harness did not stop within ${timeLimitMs} ms`;
    const reportTimeLimitMs = options.reportTimeLimitMs ?? REPORT_TIME_LIMIT_MS;
    const reportTooLong: WorkerEnd = { type: 'killed', reason: 'timed-out', detail: 'the end-of-run report took too long' };
    const onReporting = () => {
      reporting = true;
      if (stopReason !== undefined) state.stoppedBeforeReport = true;
      // Stopped by the time limit at a loop turn: the report of the heap as it was gets its own bound.
      if (stopReason === 'timed-out') armBackstop(reportTimeLimitMs, reportTooLong);
    };
    const onReported = () => {
      reporting = false;
      // Reading a thrown value may run harness code again: the usual grace from here.
      if (stopReason === 'timed-out') {
        armBackstop(STOP_GRACE_MS, { type: 'killed', reason: 'timed-out', detail: timedOutDetail });
      } else if (timeLimitWhileReporting) stop('timed-out', timedOutDetail);
    };
    // The limit is the harness's: it counts from the worker's start, not from the process's (a
    // start of half a second on a busy machine left a 200 ms limit no time to run). The start
    // itself is bounded too.
    const armTimeLimit = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => stop('timed-out', timedOutDetail), Math.min(ms, MAX_TIME_LIMIT_MS));
    };
    let timer: NodeJS.Timeout | undefined;
    armTimeLimit(timeLimitMs + WORKER_START_LIMIT_MS);
    // The worker's buffers are charged when they are made and its JS heap is capped by V8; the
    // host's resident memory covers everything else (what built-ins allocate on their own), sampled
    // every 5 ms. Past the limit, the run stops at its next loop turn; past the hard bound above it,
    // the host ends itself (memoryHardBound).
    const watchMemory = (grown: number) => {
      sampledPeak = Math.max(sampledPeak ?? 0, grown);
      if (grown <= memoryLimitMb * 2 ** 20) return;
      stop('out-of-memory', `the run grew the process by ${Math.round(grown / 2 ** 20)} MB`);
    };
    setStop(() => stop('cancelled', 'the run was cancelled'));
    if (isCancelled()) stop('cancelled', 'the run was cancelled');
    const onWorkerMessage = (message: WorkerMessage) => {
      if (settled) return;
      workerActiveAt = Date.now();
      // After Stop, what the worker streams while it winds down is not delivered: a cancelled run
      // is what streamed until Stop (as when its worker is terminated at once).
      if (stopReason === 'cancelled' && message.type === 'batch') {
        takeBatch();
        return;
      }
      if (stopReason === 'cancelled' && (message.type === 'leakCheck' || message.type === 'memoryErrors')) return;
      if (message.type === 'started') armTimeLimit(timeLimitMs);
      else if (message.type === 'reporting') onReporting();
      else if (message.type === 'reported') onReported();
      else if (message.type === 'classicText') {
        if (options.onClassicText) options.onClassicText(message.text);
        else classicText.push(message.text);
      } else if (message.type === 'batch') {
        const batch = message.batch;
        const n = batch.ops.count;
        lastOperation.batch(batch.ops);
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
        if (taken instanceof Promise) {
          batchesWithConsumer++;
          const taking = () => {
            batchesWithConsumer--;
            takeBatch();
          };
          taken.then(taking, taking);
        } else takeBatch();
        stepsReceived += n;
        if (errorTotalsWaiting !== undefined && stepsReceived > errorsWaitForStep) tellWaitingErrors();
      } else if (message.type === 'output') {
        try {
          options.onOutput?.(message.text);
        } finally {
          // Taken in: the worker may post the next line (the output gate's back-pressure).
          tell({ type: 'outputTaken' });
        }
      } else if (message.type === 'leakCheck') {
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
        for (const record of records) errorsWaitForStep = Math.max(errorsWaitForStep, record.event);
        errorTotalsWaiting = { occurrences, distinct };
        if (stepsReceived > errorsWaitForStep) tellWaitingErrors();
        else errorsWaitTimer ??= setTimeout(tellErrorsIfStuck, ERRORS_WAIT_FOR_OPERATIONS_MS);
      } else if (message.type === 'end') {
        // The classic text streamed before the end is the finished run's (a run asked for it).
        if (message.finished && options.classicText === true && !options.onClassicText)
          message.finished.classicText = classicText.join('');
        classicText.length = 0;
        finish(stopReason ? { ...message, stoppedFor: stopReason } : message);
      }
    };
    host.on('message', (message: HostToParentMessage) => {
      if (message.type === 'worker') onWorkerMessage(message.message);
      else if (message.type === 'memory') watchMemory(message.grownBytes);
      else if (message.type === 'memoryBaseline') baselineRss = message.rssBytes;
      else if (message.type === 'lastOperation') {
        // Sent when the steps or the error totals changed.
        if (message.steps !== stepsSeenByHost) workerActiveAt = Date.now();
        stepsSeenByHost = message.steps;
        lastOperation.report(message.steps, message.site);
        // A cancelled run's errors are those found until Stop, as its streamed ones are.
        if (stopReason !== 'cancelled')
          lastOperation.errorTotals = { errorRecords: message.errorRecords, errorOccurrences: message.errorOccurrences };
      } else if (message.type === 'workerError') {
        if (message.code === 'ERR_WORKER_OUT_OF_MEMORY') finish({ type: 'killed', reason: 'js-heap', detail: message.message });
        else finish({ type: 'killed', reason: 'worker-error', detail: message.message });
      } else finish({ type: 'killed', reason: 'worker-error', detail: `the harness worker exited (code ${message.code})` });
    });
    host.on('error', (error) =>
      finish({ type: 'killed', reason: 'worker-error', detail: `the harness process failed: ${error.message}` }),
    );
    // 'close', not 'exit': every message the host sent before it ended has been delivered by then.
    // A host that died after a stop was asked for ends the run for that stop's reason.
    host.on('close', (code, signal) => {
      const hardBound = hostStderr.indexOf(HARD_BOUND_MARK);
      if (hardBound >= 0) {
        const grown = Number.parseInt(hostStderr.slice(hardBound + HARD_BOUND_MARK.length), 10);
        if (Number.isFinite(grown)) sampledPeak = Math.max(sampledPeak ?? 0, grown);
        finish({ type: 'killed', reason: 'out-of-memory', detail: 'the harness process passed the hard bound' });
      }
      finish({ type: 'killed', reason: stopReason ?? 'host-aborted', detail: hostEndText(code, signal, hostStderr) });
    });
  });
}

/** A live process's resident-memory high-water mark (Linux: VmHWM), in bytes; undefined where unknown. */
function residentPeak(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    const match = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined; // already gone (an abort): the samples are all there is
  }
}

/** How the harness host ended before the run did, in a user's terms. */
function hostEndText(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const how = signal ? `by ${signal}` : `with exit code ${code}`;
  if (/heap limit|heap out of memory|allocation failed/i.test(stderr))
    return `the harness process was killed ${how}: out of memory (V8 aborted at its heap limit)`;
  return `the harness process ended ${how} before the run did`;
}

/** What a run's end is in a user's words (exported for its unit test). */
export function describeEnd(
  end: WorkerEnd & EndState,
  compiled: CompiledHarness,
  file: string,
  options: HarnessRunOptions,
): Omit<HarnessRunResult, 'sites' | 'timings'> {
  const name = basename(file);
  const limitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const where = (site: Site | null | undefined) => (site ? `${siteText(site)}: ` : `${file}: `);
  // A run stopped before its first heap operation has no such line: "here" would point at nothing.
  const lastOperationHere = (site: Site | null | undefined) => (site ? '; last heap operation here' : '');
  // The stack the run ends with is cut as an access error's own (memcheck's "Process terminating" stack).
  const keptFrames = ownStackFrames(options.numCallers);
  if (end.type === 'killed') {
    switch (end.reason) {
      case 'cancelled':
        return { outcome: 'cancelled', message: `${name}: the run was cancelled` };
      case 'timed-out':
        return withSite(
          {
            outcome: 'timed-out',
            message: end.whileReporting
              ? `${where(end.lastSite)}time limit of ${options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS} ms exceeded, and the end-of-run report was not written within ${(options.reportTimeLimitMs ?? REPORT_TIME_LIMIT_MS) / 1000} s after it (the run was stopped${lastOperationHere(end.lastSite)})`
              : `${where(end.lastSite)}time limit of ${options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS} ms exceeded (the harness was stopped${lastOperationHere(end.lastSite)})`,
          },
          end.lastSite,
        );
      case 'out-of-memory': {
        // The report met the limit only when the harness was done and no stop had been asked for.
        if (end.whileReporting && !end.stoppedBeforeReport)
          return withSite(
            {
              outcome: 'out-of-memory',
              message: `${file}: memory limit of ${limitMb} MB exceeded while the end-of-run report was written, after the harness was done (the run was stopped)`,
            },
            null,
          );
        const harnessMet = memoryLimitMessage(where(end.lastSite), options, lastOperationHere(end.lastSite));
        const message = end.whileReporting
          ? `${harnessMet}; its end-of-run report was not written within ${STOP_GRACE_MS} ms after the stop`
          : harnessMet;
        return withSite({ outcome: 'out-of-memory', message }, end.lastSite);
      }
      case 'host-aborted':
        return withSite(
          {
            outcome: /out of memory/.test(end.detail) ? 'out-of-memory' : 'crashed',
            message: `${where(end.lastSite)}${end.detail}${end.lastSite ? ' (last heap operation here)' : ''}`,
          },
          end.lastSite,
        );
      case 'js-heap':
        return withSite(
          {
            outcome: 'out-of-memory',
            message: `${where(end.lastSite)}memory limit of ${limitMb} MB exceeded (the JS heap reached its cap of ${heapLimits(limitMb, options.jsHeapMb).jsHeapMb} MB; the harness was stopped${lastOperationHere(end.lastSite)})`,
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
  // Stopped by the parent, and the worker ended by itself. A cancelled run has no report (as when
  // its worker is terminated): what streamed while it ran is all there is.
  if (end.stoppedFor === 'cancelled') return { outcome: 'cancelled', message: `${name}: the run was cancelled` };
  if (end.stoppedFor === 'out-of-memory' || (end.memoryLimitHit && end.stoppedFor === undefined)) {
    const site =
      outcome.kind === 'timed-out'
        ? (outcome.site ?? outcome.harnessStack[0] ?? end.lastSite)
        : outcome.kind === 'crashed'
          ? (harnessFrames(outcome.stack, compiled)[0] ?? outcome.harnessStack[0] ?? end.lastSite)
          : end.lastSite;
    const message = memoryLimitMessage(where(site), options);
    // What was refused, when a buffer was: the line alone may be far from the harness's mistake.
    const refusal = end.memoryLimitHit !== undefined ? `\n  (refused: ${end.memoryLimitHit})` : '';
    return withSite({ ...base, outcome: 'out-of-memory', message: message + refusal }, site);
  }
  if (outcome.kind === 'completed') {
    if (end.finishError) return { ...base, outcome: 'crashed', message: `${name}: the report failed: ${end.finishError}` };
    return base;
  }
  if (outcome.kind === 'timed-out') {
    const stoppedAt = outcome.site ?? outcome.harnessStack[0];
    const site = stoppedAt ?? end.lastSite;
    const limit = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
    // A wait has no line of its own: the line shown is then the last heap operation's, and says so.
    const here = stoppedAt === undefined ? lastOperationHere(site) : '';
    const out = withSite(
      {
        ...base,
        outcome: 'timed-out',
        message: `${where(site)}time limit of ${limit} ms exceeded${outcome.site ? ' in this loop' : ''}${outcome.pending ? NEVER_SETTLED : ''} (the harness was stopped${here})`,
      },
      site,
    );
    if (outcome.harnessStack.length > 0) out.stack = outcome.harnessStack;
    return out;
  }
  const frames = harnessFrames(outcome.stack, compiled).slice(0, keptFrames);
  const site = frames[0] ?? outcome.harnessStack[0] ?? null;
  const isMemory =
    outcome.name === 'RangeError' &&
    /call stack|allocation failed|Invalid array length|Array buffer allocation/i.test(outcome.message);
  const lines = [`${where(site)}${outcome.name}: ${outcome.message}`];
  for (const frame of frames.slice(1)) lines.push(`    at ${siteText(frame)}`);
  if (outcome.hostStack) lines.push(`[LMM_DEBUG] every frame:\n${outcome.hostStack}`);
  const kind: RunOutcome = isMemory && !/call stack/i.test(outcome.message) ? 'out-of-memory' : 'crashed';
  const out = withSite({ ...base, outcome: kind, message: lines.join('\n') }, site);
  if (frames.length > 0) out.stack = frames;
  return out;
}

type RunEnd = Omit<HarnessRunResult, 'sites' | 'timings'>;

function memoryLimitMessage(where: string, options: HarnessRunOptions, here = ''): string {
  const limit = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  return `${where}memory limit of ${limit} MB exceeded (JS heap, buffers and pages together; the harness was stopped${here})`;
}

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

/** Reads the `.lmmsupp` file beside a harness, if there is one (where a Suppress action writes). */
export { suppressionsBeside } from './suppressionFile';
