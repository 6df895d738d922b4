/**
 * Starts and stops runs and feeds the RunStore: trace replays (`LMM: Open Trace`) and harness
 * runs (through the harness runtime, in a worker). Nothing here runs user code on the extension
 * host's thread; a trace is data, replayed by the engine in slices so the host stays responsive.
 */
import * as vscode from 'vscode';
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { HeapReplay } from './model/heapReplay';
import { lmmSetting } from './settings';
import type { RunState, RunStore } from './model/runState';
import { freeSiteFigures, siteFigures } from './model/siteFigures';
import { traceRun, type TraceRunResult } from './model/traceRun';
import { mallocLabRun } from './model/mallocLabRun';
import { MallocLabSyntaxError } from '../policies/mallocLabTrace';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceWorkerOutput } from './traceWorker';
import { asReport, type InterimErrors, type LmmReport, type ReportLeakCheck, type ReportSite } from './model/runReport';
import type { HeapOpBatch } from '../engine/heapOps';
import { TraceSyntaxError } from '../trace/traceProgram';

/** What a harness runtime gives back while and after it runs a harness. */
export interface HarnessRunSink {
  sites(firstId: number, sites: ReportSite[]): void;
  /** `shape`: the run's heap page size and memory cap (a harness's `mm_init()` may change them). */
  batch(batch: HeapOpBatch, shape?: HeapShape): void;
  /** A leak check ran while the harness goes on (Check Leaks Now or `mm_leak_check()`), after the batch with its mark. */
  leakCheck?(check: ReportLeakCheck): void;
  /** Memory errors so far while the harness goes on (after the batch with their failing steps). */
  memoryErrors?(errors: InterimErrors): void;
}

export interface HeapShape {
  pageSize: number;
  memoryCap: number;
}

export interface HarnessRunOutcome {
  status: 'finished' | 'failed' | 'stopped';
  report?: unknown;
  message?: string;
}

export interface HarnessRunOptions {
  timeLimitMs: number;
  pageSize: number;
  suppressions?: string;
}

export interface HarnessRunHandle {
  done: Promise<HarnessRunOutcome>;
  stop(): void;
  /**
   * Asks the running harness for a leak check at its next heap call: it streams as a leak-check
   * mark and lands in the report's leakChecks like an `mm_leak_check()`. False when it cannot be asked.
   */
  checkLeaksNow?(): boolean;
}

/** The harness runtime seen from the extension: `start` compiles and runs one harness in a worker. */
export interface HarnessRunner {
  start(file: string, options: HarnessRunOptions, sink: HarnessRunSink): HarnessRunHandle;
}

export class RunController {
  private active: { run: RunState; handle?: HarnessRunHandle; cancelled: boolean } | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly settle: (run: RunState) => Promise<void>,
    private readonly log: vscode.OutputChannel,
    private readonly harnessRunner: HarnessRunner | undefined,
  ) {}

  get running(): boolean {
    return this.active !== undefined;
  }

  /** Replays a `.trace` (or malloc-lab `.rep`) file into the views. Returns the run (finished, or failed with the line). */
  async openTrace(uri: vscode.Uri): Promise<RunState> {
    this.stop('a new run started');
    const file = uri.fsPath;
    const label = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const eventsKept = lmmSetting('eventsKept', uri);
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (error) {
      throw new Error(`${file}: cannot read: ${(error as Error).message}`, { cause: error });
    }
    let result: TraceRunResult;
    try {
      result = await replayOffThread(file, text);
    } catch (error) {
      const line = (error as { line?: number }).line;
      const message =
        line !== undefined ? `${label}:${line}: ${(error as { reason?: string }).reason}` : (error as Error).message;
      const replay = new HeapReplay({ pageSize: DEFAULT_PAGE_SIZE, eventsKept });
      const run = this.store.begin({ kind: 'trace', file, label, replay, sites: [] });
      await this.store.end(run, 'failed', { message }, () => this.settle(run));
      return run;
    }
    const replay = new HeapReplay({ pageSize: result.pageSize, eventsKept });
    const run = this.store.begin({ kind: 'trace', file, label, replay, sites: result.sites });
    const active = { run, cancelled: false };
    this.active = active;
    try {
      // Slices keep the host responsive on a 1,000,000-operation trace.
      let sliceStart = Date.now();
      for (const batch of result.batches) {
        if (active.cancelled) break;
        replay.apply(batch);
        if (Date.now() - sliceStart > 30) {
          this.store.progress(run);
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = Date.now();
        }
      }
      if (active.cancelled) await this.store.end(run, 'stopped', { message: 'stopped by request' }, () => this.settle(run));
      else {
        result.report.freeSites ??= freeSiteFigures(replay, result.sites);
        await this.store.end(run, 'finished', { report: result.report }, () => this.settle(run));
      }
    } catch (error) {
      await this.store.end(run, 'failed', { message: (error as Error).message }, () => this.settle(run));
    } finally {
      if (this.active === active) this.active = undefined;
    }
    return run;
  }

  /** Runs a harness file in the harness runtime's worker. */
  async runHarness(uri: vscode.Uri): Promise<RunState> {
    this.stop('a new run started');
    const file = uri.fsPath;
    const label = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const pageSize = lmmSetting('pageSize', uri);
    const eventsKept = lmmSetting('eventsKept', uri);
    let replay = new HeapReplay({ pageSize, eventsKept });
    const run = this.store.begin({ kind: 'harness', file, label, replay, sites: [] });
    if (this.harnessRunner === undefined) {
      await this.store.end(run, 'failed', { message: 'the harness runtime is not part of this build' }, () => this.settle(run));
      return run;
    }
    const active: { run: RunState; handle?: HarnessRunHandle; cancelled: boolean } = { run, cancelled: false };
    this.active = active;
    let lastProgress = 0;
    let broken: Error | undefined;
    try {
      const options: HarnessRunOptions = { timeLimitMs: Math.round(1000 * lmmSetting('timeLimit', uri)), pageSize };
      const suppressions = lmmSetting('suppressions', uri);
      if (suppressions) options.suppressions = suppressions;
      active.handle = this.harnessRunner.start(file, options, {
        sites: (firstId, sites) => {
          run.sites.length = firstId;
          run.sites.push(...sites);
        },
        batch: (batch, shape) => {
          if (broken) return;
          if (
            shape &&
            replay.steps === 0 &&
            (shape.pageSize !== replay.heap.pageSize || shape.memoryCap !== replay.heap.kernel.memoryCap)
          ) {
            // mm_init() chose another page size or memory cap: replay on the heap the run used
            // (the Memory Map hears of it through the feed's runStarted).
            replay = new HeapReplay({ pageSize: shape.pageSize, memoryCap: shape.memoryCap, eventsKept });
            run.replay = replay;
          }
          try {
            replay.apply(batch);
          } catch (error) {
            // The views would diverge from the run: stop rather than show a wrong heap.
            broken = error as Error;
            active.handle?.stop();
            return;
          }
          const now = Date.now();
          if (now - lastProgress > 100) {
            lastProgress = now;
            this.store.progress(run);
          }
        },
        leakCheck: (check) => {
          if (!broken) this.store.leakCheckDuringRun(run, check);
        },
        memoryErrors: (errors) => {
          if (!broken) this.store.memoryErrorsDuringRun(run, errors);
        },
      });
      const outcome = await active.handle.done;
      if (broken) {
        await this.store.end(run, 'failed', { message: `internal error: ${broken.message}` }, () => this.settle(run));
      } else {
        let report: LmmReport | undefined;
        let message = outcome.message;
        if (outcome.report !== undefined) {
          try {
            report = asReport(outcome.report);
          } catch (error) {
            message = `the run's report is malformed: ${(error as Error).message}`;
            this.log.appendLine(message);
          }
        }
        const status = active.cancelled ? 'stopped' : outcome.status;
        const end: { report?: LmmReport; message?: string } = {};
        // Reports without per-site figures get them from the operation log (same counts).
        if (report && report.sites.length === 0) report.sites = siteFigures(replay, run.sites, report);
        if (report) report.freeSites ??= freeSiteFigures(replay, run.sites);
        if (report) end.report = report;
        if (message !== undefined) end.message = message;
        else if (active.cancelled) end.message = 'stopped by request';
        await this.store.end(run, status, end, () => this.settle(run));
      }
    } catch (error) {
      await this.store.end(run, 'failed', { message: (error as Error).message }, () => this.settle(run));
    } finally {
      if (this.active === active) this.active = undefined;
    }
    return run;
  }

  /** Stops the current run (the worker is terminated); its views keep what it did so far. */
  stop(reason = 'stopped by request'): boolean {
    const active = this.active;
    if (!active) return false;
    active.cancelled = true;
    this.log.appendLine(`Stopping ${active.run.label}: ${reason}`);
    active.handle?.stop();
    return true;
  }

  checkLeaksNow(): boolean {
    const handle = this.active?.handle;
    return handle?.checkLeaksNow?.() ?? false;
  }
}

/**
 * Parses and replays a trace in a worker thread (dist/extension/trace-worker.js), so a large one
 * never blocks the extension host; in place when the worker script is not there (tests from sources).
 * Syntax errors come back as { line, reason }.
 */
function replayOffThread(file: string, text: string): Promise<TraceRunResult> {
  const script = join(__dirname, 'trace-worker.js');
  if (!existsSync(script)) {
    try {
      return Promise.resolve(/\.rep$/i.test(file) ? mallocLabRun(file, text) : traceRun(file, text));
    } catch (error) {
      if (error instanceof TraceSyntaxError || error instanceof MallocLabSyntaxError) {
        return Promise.reject(Object.assign(new Error(error.message), { line: error.line, reason: error.reason }));
      }
      return Promise.reject(error as Error);
    }
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { file, text } });
    worker.once('message', (output: TraceWorkerOutput) => {
      void worker.terminate();
      if (output.ok) resolve(output.result);
      else
        reject(
          Object.assign(new Error(output.message), output.line !== undefined ? { line: output.line, reason: output.reason } : {}),
        );
    });
    worker.once('error', (error) => reject(error));
    worker.once('exit', (code) => reject(new Error(`the trace worker stopped (exit code ${code})`)));
  });
}
