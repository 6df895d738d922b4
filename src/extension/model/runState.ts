/**
 * One run (a harness run or a trace replay) as every view sees it: its replayed heap, site table,
 * state and, once finished, its report. The RunStore holds the current run and a short history
 * (for Compare Runs) and tells views when something changed. Free of vscode, so it is unit tested.
 */
import { cancelTimer, logError, startTimer, type TimerHandle } from '../../engine/hostGlobals';
import type { IncompleteRunOutcome } from '../../analysis/incompleteRunJson';
import type { HeapReplay } from './heapReplay';
import type { InterimErrors, LmmReport, ReportLeakCheck, ReportSite } from '../../protocol/runReportSchema';

export type RunStatus = 'running' | 'finished' | 'failed' | 'stopped';
export type RunKind = 'harness' | 'trace';

export interface RunState {
  id: number;
  kind: RunKind;
  /** The harness or trace file (absolute path). */
  file: string;
  label: string;
  status: RunStatus;
  /** Why a run failed or stopped (syntax error, time limit …), with the harness line when known. */
  message?: string;
  /**
   * How a harness run that did not complete ended (the time limit, the memory limit, a throw, a
   * compile error, a killed worker, a stop), as `lmm run --json` states it; absent while it runs
   * and for a finished run. Export Report writes it; the views say no end-of-run check ran.
   */
  ending?: IncompleteRunOutcome;
  replay: HeapReplay;
  /** Site table: operation site ids index it. */
  sites: ReportSite[];
  report?: LmmReport;
  /**
   * The latest leak check while the run went on (Check Leaks Now or `mm_leak_check()`): views show
   * it until the run's report replaces it (or, when a stopped run has no report, from then on).
   */
  interimLeakCheck?: ReportLeakCheck;
  /**
   * Every leak check made while the run went on, in order, until its report (which lists them)
   * comes: when none comes (a killed worker), Export Report lists them as `lmm run --json` lists
   * those the run streamed.
   */
  leakChecksDuringRun?: ReportLeakCheck[];
  /**
   * The step at which Check Leaks Now was asked, while its check has not come yet: the harness
   * runs it at its next heap call (or, in a loop that makes none, a loop turn 100 ms on), and a
   * huge live set takes a while to check; the Leaks view says it is on its way meanwhile.
   */
  leakCheckAskedAt?: number;
  /**
   * The memory errors recorded so far while the run went on: views show them until the run's
   * report replaces them (or, when a stopped run has no report, from then on).
   */
  interimErrors?: InterimErrors;
  startedAt: number;
  /** When the views last took in one of its heap operations (Date.now()); `startedAt` before the first. */
  lastOperationAt?: number;
  finishedAt?: number;
}

/**
 * `leakCheck`: a leak check ran while the run goes on (`run.interimLeakCheck`); `memoryErrors`:
 * memory errors were recorded while it goes on (`run.interimErrors`).
 */
export type RunChange = 'started' | 'progress' | 'leakCheckAsked' | 'leakCheck' | 'memoryErrors' | 'finished';
/** What a run finds while it goes on, told (throttled) before its report. */
type InterimChange = 'leakCheck' | 'memoryErrors';
export type RunListener = (run: RunState, change: RunChange) => void;

export class RunStore {
  private readonly history: RunState[] = [];
  private readonly listeners = new Set<RunListener>();
  private nextId = 1;
  /** Finishing work not done yet (publishing diagnostics …); whenRunFinished waits for it. */
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  /** `leakCheck` / `memoryErrors` changes held back by the throttle, and when the last one went out. */
  private held: { run: RunState; changes: Set<InterimChange>; timer: TimerHandle } | undefined;
  private lastInterimAt = -Infinity;

  /**
   * `leakCheckThrottleMs`: `leakCheck` and `memoryErrors` changes, together, go out at most this
   * often (a harness may call `mm_leak_check()` or fail in a loop; each change redraws views and
   * republishes diagnostics).
   */
  constructor(
    private readonly historySize = 4,
    private readonly leakCheckThrottleMs = 250,
  ) {}

  get current(): RunState | undefined {
    return this.history[this.history.length - 1];
  }

  /** Runs kept, oldest first. */
  get runs(): readonly RunState[] {
    return this.history;
  }

  get running(): boolean {
    return this.current?.status === 'running';
  }

  onDidChange(listener: RunListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  begin(fields: Omit<RunState, 'id' | 'status' | 'startedAt'>): RunState {
    const run: RunState = { ...fields, id: this.nextId++, status: 'running', startedAt: Date.now() };
    // Only the current run feeds the Memory Map's timeline: older runs keep their heap (for
    // Compare Runs and exports) but give back their operation log, the bulk of their memory.
    for (const old of this.history) old.replay.forgetOperations();
    this.history.push(run);
    if (this.history.length > this.historySize) this.history.shift();
    this.pending++;
    this.emit(run, 'started');
    return run;
  }

  progress(run: RunState): void {
    this.emit(run, 'progress');
  }

  /**
   * A leak check ran while `run` goes on: it becomes the run's `interimLeakCheck` now, and views
   * hear `leakCheck` at once or, within the throttle interval of the last one, at its end (with
   * the latest check). Ignored once the run has ended: its report is what counts then.
   */
  leakCheckDuringRun(run: RunState, check: ReportLeakCheck): void {
    if (run.status !== 'running') return;
    run.interimLeakCheck = check;
    (run.leakChecksDuringRun ??= []).push(check);
    if (check.requested) delete run.leakCheckAskedAt;
    this.interimChange(run, 'leakCheck');
  }

  /**
   * Check Leaks Now was asked while `run` goes on: views hear `leakCheckAsked` at once (the person
   * waits for an answer), until the check comes. A second ask before then keeps the first step.
   */
  leakCheckAsked(run: RunState): void {
    if (run.status !== 'running' || run.leakCheckAskedAt !== undefined) return;
    run.leakCheckAskedAt = run.replay.steps;
    this.emit(run, 'leakCheckAsked');
  }

  /**
   * Memory errors were recorded while `run` goes on: they become its `interimErrors` now, and
   * views hear `memoryErrors` under the same throttle as leak checks. Ignored once the run has ended.
   */
  memoryErrorsDuringRun(run: RunState, errors: InterimErrors): void {
    if (run.status !== 'running') return;
    run.interimErrors = errors;
    this.interimChange(run, 'memoryErrors');
  }

  private interimChange(run: RunState, change: InterimChange): void {
    if (this.held?.run === run) {
      this.held.changes.add(change);
      return;
    }
    if (this.held) {
      // Another run's changes still held back (it was stopped, and has not ended yet): drop them.
      cancelTimer(this.held.timer);
      this.held = undefined;
    }
    const wait = this.lastInterimAt + this.leakCheckThrottleMs - Date.now();
    if (wait <= 0) {
      this.lastInterimAt = Date.now();
      this.emit(run, change);
      return;
    }
    const changes = new Set<InterimChange>([change]);
    const timer = startTimer(() => {
      this.held = undefined;
      if (run.status !== 'running') return;
      this.lastInterimAt = Date.now();
      for (const held of changes) this.emit(run, held);
    }, wait);
    this.held = { run, changes, timer };
  }

  /**
   * Ends a run. `settle` is the finishing work of the views that must be done before
   * `whenRunFinished()` resolves (e.g. the language server publishing the leak diagnostics).
   */
  async end(
    run: RunState,
    status: Exclude<RunStatus, 'running'>,
    outcome: { report?: LmmReport; message?: string; ending?: IncompleteRunOutcome },
    settle?: () => Promise<void>,
  ): Promise<void> {
    if (run.status !== 'running') return;
    if (this.held?.run === run) {
      cancelTimer(this.held.timer);
      this.held = undefined;
    }
    run.status = status;
    run.finishedAt = Date.now();
    if (outcome.report !== undefined) {
      run.report = outcome.report;
      // The report lists its leak checks: the streamed copies are needed only by a run with none.
      delete run.leakChecksDuringRun;
    }
    if (outcome.message !== undefined) run.message = outcome.message;
    if (outcome.ending !== undefined && status !== 'finished') run.ending = outcome.ending;
    try {
      this.emit(run, 'finished');
      await settle?.();
    } finally {
      this.pending--;
      if (this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  /** Resolves when no run is going on and every view has taken in the last one. */
  whenRunFinished(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The site a heap operation's site id names, if any. */
  static site(run: RunState, siteId: number | undefined): ReportSite | undefined {
    return siteId === undefined || siteId < 0 ? undefined : run.sites[siteId];
  }

  private emit(run: RunState, change: RunChange): void {
    for (const listener of this.listeners) {
      try {
        listener(run, change);
      } catch (error) {
        // One broken view must not stop the others from updating.
        logError(`LMM: a view failed to take in run ${run.id}:`, error);
      }
    }
  }
}
