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
import type { TraceWorkerInput, TraceWorkerMessage } from './traceWorkerProtocol';
import { asReport, type InterimErrors, type LmmReport, type ReportLeakCheck, type ReportSite } from '../protocol/runReportSchema';
import type { HeapOpBatch } from '../engine/heapOps';
import { TraceSyntaxError } from '../trace/traceProgram';
import { RunPipeline, splitBatchLazily, type BatchPiece } from './model/runPipeline';
import { RUN_PACE, type LivePriority } from './model/livePacing';
import { stoppedRunMessage } from './model/stoppedRunMessage';
import { probeMark } from './features/hostProbe';
import type { IncompleteRunOutcome } from '../analysis/incompleteRunJson';
import { STOPPED_BY_REQUEST } from '../harness/earlyEndOutcome';

/** How often the trees and the status bar hear of a live run's progress. */
const PIPELINE_PROGRESS_MS = 250;

/** What a harness runtime gives back while and after it runs a harness. */
export interface HarnessRunSink {
  sites(firstId: number, sites: ReportSite[]): void;
  /**
   * `shape`: the run's heap page size and memory cap (a harness's `mm_init()` may change them).
   * The promise settles once the batch is taken in: the runtime holds the harness back meanwhile.
   */
  batch(batch: HeapOpBatch, shape?: HeapShape): void | Promise<void>;
  /** A leak check ran while the harness goes on (Check Leaks Now or `mm_leak_check()`), after the batch with its mark. */
  leakCheck?(check: ReportLeakCheck): void;
  /** Memory errors so far while the harness goes on (after the batch with their failing steps). */
  memoryErrors?(errors: InterimErrors): void;
  /** Text the harness printed (`print`, `mm_print_*`), in order, as it prints it. */
  output?(text: string): void;
}

/** Where what a harness prints goes: `open` as its run starts, `end` once the run is over. */
export interface ProgramOutput {
  open(run: RunState): { write(text: string): void; end(summary: string): void };
}

export interface HeapShape {
  pageSize: number;
  memoryCap: number;
}

export interface HarnessRunOutcome {
  status: 'finished' | 'failed' | 'stopped';
  report?: unknown;
  message?: string;
  /** How a run that did not complete ended, as `lmm run --json` states it (absent for a finished run). */
  ending?: IncompleteRunOutcome;
}

export interface HarnessRunOptions {
  timeLimitMs: number;
  pageSize: number;
  /** What the run may use in its own process (the `lmm.memoryLimit` setting), in MB. */
  memoryLimitMb?: number;
  suppressions?: string;
}

export interface HarnessRunHandle {
  done: Promise<HarnessRunOutcome>;
  stop(): void;
  /**
   * Asks the running harness for a leak check at its next heap call (or loop turn): it streams as a leak-check
   * mark and lands in the report's leakChecks like an `mm_leak_check()`. False when it cannot be asked.
   */
  checkLeaksNow?(): boolean;
}

/** The harness runtime seen from the extension: `start` compiles and runs one harness in a worker. */
export interface HarnessRunner {
  start(file: string, options: HarnessRunOptions, sink: HarnessRunSink): HarnessRunHandle;
}

interface ActiveRun {
  run: RunState;
  handle?: HarnessRunHandle;
  cancelled: boolean;
  /** Called by `stop`: a harness run's views end at once, without waiting for its worker to wind down. */
  onStop?: () => void;
  /** A harness run's stream, and the heap operations a stop left out of it. */
  pipeline?: RunPipeline;
  leftOut: number;
}

export class RunController {
  private active: ActiveRun | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly settle: (run: RunState) => Promise<void>,
    private readonly log: vscode.OutputChannel,
    private readonly harnessRunner: HarnessRunner | undefined,
    private readonly programOutput?: ProgramOutput,
    /** The person before the run: the pipeline's pace while they type, a check they asked for, a view being fetched. */
    private readonly priority?: LivePriority,
  ) {}

  get running(): boolean {
    return this.active !== undefined;
  }

  /** The live run's step and its pipeline's queue (for the host probe). */
  liveFigures(): { steps: number; queued: number; longestSliceMs: number } | undefined {
    const active = this.active;
    if (!active) return undefined;
    const pipeline = active.pipeline;
    return {
      steps: active.run.replay.steps,
      queued: pipeline?.pending ?? 0,
      longestSliceMs: +(pipeline?.longestSliceMs ?? 0).toFixed(1),
    };
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
        // FILE:LINE as `lmm trace` prints it and a harness's errors say it (the language server puts the error on that line).
        line !== undefined ? `${file}:${line}: ${(error as { reason?: string }).reason}` : (error as Error).message;
      const replay = new HeapReplay({ pageSize: DEFAULT_PAGE_SIZE, eventsKept });
      const run = this.store.begin({ kind: 'trace', file, label, replay, sites: [] });
      await this.store.end(run, 'failed', { message }, () => this.settle(run));
      return run;
    }
    const replay = new HeapReplay({ pageSize: result.pageSize, eventsKept });
    const run = this.store.begin({ kind: 'trace', file, label, replay, sites: result.sites });
    const active: ActiveRun = { run, cancelled: false, leftOut: 0 };
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
        // The report crossed a worker boundary: checked like a harness's before any view uses it.
        const report = asReport(result.report);
        report.freeSites ??= freeSiteFigures(replay, result.sites);
        await this.store.end(run, 'finished', { report }, () => this.settle(run));
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
    probeMark('run asked', { label });
    let replay = new HeapReplay({ pageSize, eventsKept });
    const run = this.store.begin({ kind: 'harness', file, label, replay, sites: [] });
    if (this.harnessRunner === undefined) {
      await this.store.end(run, 'failed', { message: 'the harness runtime is not part of this build' }, () => this.settle(run));
      probeMark('run ended');
      return run;
    }
    const pipeline = new RunPipeline({
      // The run's pace (livePacing.ts): slices of 20 ms, well under the 50 ms a key press may take,
      // and a rest as long after each full one, so a harness that keeps the host busy gets at most
      // half of its time and the window (which shares the cores with the host and the harness) a
      // core's share; slower while the person types, no rests while a leak check is on its way.
      ...RUN_PACE,
      progressMs: PIPELINE_PROGRESS_MS,
      ...(this.priority ? { pace: () => this.priority!.pace(), holdMs: () => this.priority!.holdMs() } : {}),
      onProgress: () => {
        if (run.status === 'running') this.store.progress(run);
      },
    });
    if (this.priority) this.priority.onRelease = () => pipeline.wake();
    const active: ActiveRun = { run, cancelled: false, pipeline, leftOut: 0 };
    this.active = active;
    let broken: Error | undefined;
    const printed = this.programOutput?.open(run);
    const applyBatch = (piece: BatchPiece, shape: HeapShape | undefined) => {
      if (active.cancelled) active.leftOut += piece.count;
      if (broken || active.cancelled) return;
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
        replay.apply(piece.take());
        // The status bar and the trees' headers say when a live run goes quiet (quietRun.ts).
        if (piece.count > 0) run.lastOperationAt = Date.now();
      } catch (error) {
        // The views would diverge from the run: stop rather than show a wrong heap.
        broken = error as Error;
        active.handle?.stop();
      }
    };
    try {
      const options: HarnessRunOptions = {
        timeLimitMs: Math.round(1000 * lmmSetting('timeLimit', uri)),
        pageSize,
        memoryLimitMb: lmmSetting('memoryLimit', uri),
      };
      const suppressions = lmmSetting('suppressions', uri);
      if (suppressions) options.suppressions = suppressions;
      active.handle = this.harnessRunner.start(file, options, {
        sites: (firstId, sites) => {
          run.sites.length = firstId;
          run.sites.push(...sites);
        },
        batch: (batch, shape) => {
          if (replay.steps === 0) probeMark('first batch', { ops: batch.count });
          // Pieces of a thousand operations keep each step of the pipeline short; each is copied
          // out of the batch in the slice that applies it.
          let taken: Promise<void> = Promise.resolve();
          for (const piece of splitBatchLazily(batch)) taken = pipeline.push(() => applyBatch(piece, shape), piece.count);
          return taken;
        },
        leakCheck: (check) => {
          probeMark('check arrived', { step: check.event + 1, queued: pipeline.pending, steps: replay.steps });
          // Urgent: the person waits for it (the operations queued ahead of it still go first, so
          // the Leaks view never shows a check ahead of the heap it names).
          void pipeline.push(
            () => {
              probeMark('check taken in');
              this.priority?.checkTakenIn();
              if (!broken && !active.cancelled) this.store.leakCheckDuringRun(run, check);
            },
            0,
            true,
          );
        },
        memoryErrors: (errors) => {
          void pipeline.push(() => {
            if (!broken && !active.cancelled) this.store.memoryErrorsDuringRun(run, errors);
          });
        },
        // Not through the pipeline: what the program said is kept even when a stop cuts the heap's queue.
        output: (text) => printed?.write(text),
      });
      // A stopped run has no report (its worker is ended, not asked to finish): the views end it
      // now, while the worker winds down (at most the runtime's grace period) in the background.
      const stopped = new Promise<HarnessRunOutcome>((resolve) => {
        active.onStop = () => resolve({ status: 'stopped', message: 'stopped by request', ending: STOPPED_BY_REQUEST });
      });
      if (active.cancelled) active.onStop?.();
      const outcome = await Promise.race([active.handle.done, stopped]);
      probeMark('worker done', { steps: replay.steps, queued: pipeline.pending });
      // Everything the worker posted before its end is taken in first (a stop has cut it already).
      await pipeline.drained();
      probeMark('drained', { steps: replay.steps });
      pipeline.dispose();
      printed?.end(`${active.cancelled ? 'stopped' : outcome.status}${outcome.message ? `: ${outcome.message}` : ''}`);
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
        if (active.cancelled && active.leftOut > 0) message = stoppedRunMessage(message, replay.steps, active.leftOut);
        const end: { report?: LmmReport; message?: string; ending?: IncompleteRunOutcome } = {};
        // A run stopped by request ended so whatever its worker said while it wound down.
        const ending = active.cancelled ? (outcome.ending ?? STOPPED_BY_REQUEST) : outcome.ending;
        if (ending) end.ending = ending;
        // Reports without per-site figures get them from the operation log (same counts).
        if (report && report.sites.length === 0) report.sites = siteFigures(replay, run.sites, report);
        if (report) report.freeSites ??= freeSiteFigures(replay, run.sites);
        if (report) end.report = report;
        if (message !== undefined) end.message = message;
        else if (active.cancelled) end.message = 'stopped by request';
        probeMark('report taken in');
        await this.store.end(run, status, end, () => {
          probeMark('views told');
          return this.settle(run);
        });
        probeMark('settled');
      }
    } catch (error) {
      pipeline.dispose();
      printed?.end(`failed: ${(error as Error).message}`);
      await this.store.end(run, 'failed', { message: (error as Error).message }, () => this.settle(run));
    } finally {
      if (this.active === active) this.active = undefined;
      // Every way out (a broken replay, a failed start) ends a maintainer's profile of the run.
      probeMark('run ended');
    }
    return run;
  }

  /** Stops the current run (the worker is terminated); its views keep what it did so far. */
  stop(reason = 'stopped by request'): boolean {
    const active = this.active;
    if (!active) return false;
    active.cancelled = true;
    probeMark('stop asked', { steps: active.run.replay.steps, queued: active.pipeline?.pending ?? 0 });
    this.log.appendLine(`Stopping ${active.run.label}: ${reason}`);
    active.handle?.stop();
    // What the worker posted and the host has not taken in yet is left out: the stop is immediate.
    if (active.pipeline) active.leftOut += active.pipeline.cut();
    active.onStop?.();
    return true;
  }

  checkLeaksNow(): boolean {
    probeMark('check asked');
    const handle = this.active?.handle;
    const asked = handle?.checkLeaksNow?.() ?? false;
    if (asked) {
      this.priority?.checkAsked();
      this.store.leakCheckAsked(this.active!.run);
    }
    return asked;
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
    const input: TraceWorkerInput = { file, text };
    const worker = new Worker(script, { workerData: input });
    worker.once('message', ({ output }: TraceWorkerMessage) => {
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
