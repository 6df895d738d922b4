/**
 * One run inside the harness worker: the runtime, the `lmm-studio` module and the analyses, in
 * the worker's own (locked-down) realm. The harness runs in a Compartment and reaches only the
 * hardened `lmm-studio` module this returns; the records the verdicts are computed from (the
 * heap, the allocation log, the memory errors, the leak checks) are the runtime's, which the
 * harness can call into but never hold. `mm_leak_check()` still answers synchronously: the
 * analyses run here, where the heap is.
 */
import type { RunData, Site } from '../../analysis/analysisInput';
import { checkLeaks, type LeakCheckResult } from '../../analysis/leakCheck';
import { leakCheckReport, type LeakCheckReport } from '../../analysis/runReport';
import { matchErrorSuppression, parseSuppressions, type Suppression } from '../../analysis/suppressions';
import { siteText } from '../../analysis/siteText';
import { compilerHooks, createHarnessConsole, createLmmStudioModule } from '../api/lmmStudioModule';
import { HOOK_ORDER } from '../compile/compartmentScript';
import { HarnessLocator, type LocatorData } from '../compile/harnessLocator';
import {
  HarnessExit,
  HarnessRuntime,
  TimeLimitExceeded,
  type LeakCheckPoint,
  type MemoryErrorsUpdate,
  type RuntimeBatch,
} from '../runtime/harnessRuntime';
import { ownStackFrames } from '../runtime/callPaths';
import { finishRun, type FinishedRun } from './finishRun';
import { fullStackOf, showOnlyHarnessFrames } from './harnessStacks';

export interface SandboxRunOptions {
  harnessFile: string;
  /** HarnessRuntimeOptions' `unknownSiteFile`. */
  unknownSiteFile?: string;
  sites: Site[];
  structSites: Record<string, Site>;
  pageSize?: number;
  memoryCap?: number;
  /** memcheck's `--num-callers` (HarnessRuntimeOptions' `numCallers`). */
  numCallers?: number;
  deadline: number;
  batchIntervalMs: number;
  suppressionsText?: string;
  suppressionsFile?: string;
  locator: LocatorData;
  /** The file name the harness script's stack frames carry. */
  harnessScriptName: string;
  /** Keep every frame of the errors the run ends with, the runtime's too (for maintainers: LMM_DEBUG). */
  debugStacks?: boolean;
  /** Stream the classic text reports of the final heap to `onClassicText` (only `lmm run`'s text prints them). */
  classicText?: boolean;
}

export interface SandboxCallbacks {
  /** `forCheck`: the batch a check the user asked for (`Check Leaks Now`) flushes before its result. */
  onBatch(batch: RuntimeBatch, forCheck?: boolean): void;
  onOutput(text: string): void;
  onLeakCheck?(check: LeakCheckReport): void;
  onMemoryErrors?(update: MemoryErrorsUpdate): void;
  /** With `classicText`: the classic text reports of the final heap, in chunks (finishRun). */
  onClassicText?(chunk: string): void;
  /** Element 0 is set by the parent to ask for a leak check at the next heap call (or, in a loop that makes none, a loop turn). */
  leakCheckRequests?: Int32Array;
  /** Shared with the harness host: the runtime writes each heap operation's steps and site there. */
  lastOperation?: Int32Array;
  /** Polled every few loop turns: true once the parent asked the run to stop. */
  stopRequested(): boolean;
  /** Element 0 is the flag `stopRequested` reads (shared with the parent), read plainly at every loop turn. */
  stopFlag: Int32Array;
}

export interface SandboxRun {
  /** The hardened `lmm-studio` module: what `require('lmm-studio')` answers in the harness. */
  lmmStudio: object;
  /** The hardened `console` global of the harness (it prints to the run's output, values as util.inspect has them: printedText.ts). */
  console: object;
  /** The compiler's hooks, in the order the compiled script's outer function takes them. */
  hooks: readonly unknown[];
  /** Streams what is left and computes the end-of-run results from the runtime's records. */
  finish(): FinishedRun;
  /** The harness call stack where the run is now (for a crash or time limit). */
  currentStack(): Site[];
  /** Where the harness threw `value` (a `throw` statement of its own), when it was the last thing thrown. */
  thrownSite(value: unknown): Site | undefined;
  /** The loop site of the runtime's time-limit stop, null for a stop without one, undefined when `error` is not one. */
  timeLimitSite(error: unknown): Site | null | undefined;
  /** Whether `error` is the harness calling `exit(status)` (a normal end). */
  isExit(error: unknown): boolean;
  /** The time-limit stop thrown into the harness, if one was (the harness may have caught it). */
  stopThrown(): unknown;
  /** Ends the run at the harness's next loop turn, as the time limit does (the heap is reported). */
  stop(): void;
  /** Every frame of `error`'s stack, the runtime's and the worker's too, when `debugStacks` is on. */
  hostStack(error: unknown): string | undefined;
}

// The runtime's stop and exit() are thrown into harness code, which may catch them: their classes must not change.
harden(TimeLimitExceeded);
harden(HarnessExit);

/**
 * A stop the parent asks for is looked at every loop turn, so that a loop of slow turns (a
 * millisecond each) stops at its next one instead of running on past the grace after the stop
 * and being killed, its report lost. An atomic read costs a tight loop several times its turn, so
 * each turn reads the shared flag plainly, and every this many turns atomically (the optimizer
 * may keep a plain read out of a tight loop), with a look at a leak check the parent asked for.
 */
const ATOMIC_POLL_EVERY = 1024;
/** How long after a stop a harness call ends the run when no loop turn has (well within the 0.5 s grace). */
const CALL_STOP_AFTER_MS = 100;

export function startRun(options: SandboxRunOptions, callbacks: SandboxCallbacks): SandboxRun {
  const suppressions: Suppression[] =
    options.suppressionsText !== undefined
      ? parseSuppressions(options.suppressionsText, options.suppressionsFile ?? '.lmmsupp')
      : [];
  const locator = new HarnessLocator(options.locator);
  // Enough frames to get past the runtime's own into the harness's 8 (or --num-callers).
  const accessFrames = ownStackFrames(options.numCallers);
  Error.stackTraceLimit = accessFrames + 16;
  showOnlyHarnessFrames(options.harnessScriptName, options.debugStacks === true);
  const { onLeakCheck, onMemoryErrors, leakCheckRequests } = callbacks;
  /** True while a requested check flushes the operations before it (the person waits for it). */
  let flushingForCheck = false;
  const runtime = new HarnessRuntime({
    stackFrames: (stack) => locator.framesOf(stack, options.harnessScriptName, accessFrames),
    ...(options.numCallers !== undefined ? { numCallers: options.numCallers } : {}),
    harnessFile: options.harnessFile,
    ...(options.unknownSiteFile !== undefined ? { unknownSiteFile: options.unknownSiteFile } : {}),
    sites: options.sites,
    structSites: options.structSites,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...(options.memoryCap !== undefined ? { memoryCap: options.memoryCap } : {}),
    deadline: options.deadline,
    batchIntervalMs: options.batchIntervalMs,
    onBatch: (batch) => callbacks.onBatch(batch, flushingForCheck),
    onOutput: (text) => {
      // What was recorded before the print streams first, so output and heap ops stay in order.
      runtime.flush();
      callbacks.onOutput(String(text));
    },
    leakCheck: (data: RunData) => {
      // The per-block arrays (5 bytes a live block) are for the end-of-run analyses only; a long
      // run checking leaks often would otherwise keep them for every check until its end.
      const result: Partial<LeakCheckResult> = checkLeaks(data, { suppressions });
      delete result.liveIds;
      delete result.kinds;
      return result;
    },
    ...(leakCheckRequests !== undefined ? { leakCheckRequests } : {}),
    ...(callbacks.lastOperation !== undefined ? { lastOperation: callbacks.lastOperation } : {}),
    // The check's records (one per kind × allocation stack) go out at once, for the views to show
    // mid-run; the heap ops recorded before it stream first, so its Mark is already on the timeline.
    ...(onLeakCheck !== undefined
      ? {
          onLeakCheck: (point: LeakCheckPoint) => {
            flushingForCheck = point.requested === true;
            try {
              runtime.flush();
            } finally {
              flushingForCheck = false;
            }
            onLeakCheck(leakCheckReport(point, suppressions));
          },
        }
      : {}),
    // Memory errors go out with the flush after the batch holding their failing steps, marked
    // when a suppression silences them (as the report marks them), so views can leave them out.
    ...(onMemoryErrors !== undefined
      ? {
          onMemoryErrors: (update: MemoryErrorsUpdate) => {
            for (const record of update.records) {
              const suppression = matchErrorSuppression(suppressions, record.kind, record.stack);
              if (suppression !== undefined) Object.assign(record, { suppressed: true, suppressedBy: suppression.name });
            }
            onMemoryErrors(update);
          },
        }
      : {}),
  });
  const api = createLmmStudioModule(runtime);
  const hooks = compilerHooks(runtime);
  // A stop asked for by the parent (Stop Run, the time limit, the memory limit) ends the run at
  // the next loop turn, as the runtime's own deadline does: the heap is intact and reported.
  let turns = 0;
  const stopFlag = callbacks.stopFlag;
  const loop = hooks.loop as (site: number) => void;
  let lastThrown: { site: number; value: unknown } | undefined;
  hooks.thrown = <T>(site: number, value: T): T => {
    lastThrown = { site, value };
    return value;
  };
  hooks.loop = (site: number) => {
    if ((++turns & (ATOMIC_POLL_EVERY - 1)) === 0) {
      if (callbacks.stopRequested()) runtime.timedOut = true;
      // A loop that makes no heap call never reaches the next heap call, where Check Leaks Now runs.
      else runtime.leakCheckIfRequested(site);
    } else if (stopFlag[0] !== 0) runtime.timedOut = true;
    loop(site);
  };
  // And at a call, when no loop turn came soon after the stop (a recursion without loops has
  // none): a loop turn names its loop ("in this loop"), where a call inside the loop would not.
  let stopSeenAt: number | undefined;
  const stopAtCallUnlessALoopTurnComes = () => {
    const now = Date.now();
    stopSeenAt ??= now;
    if (now - stopSeenAt >= CALL_STOP_AFTER_MS) runtime.stopAtCall();
  };
  const enter = hooks.enter as <T>(site: number, lastArgument: T) => T;
  const enter0 = hooks.enter0 as (site: number) => readonly unknown[];
  hooks.enter = <T>(site: number, lastArgument: T): T => {
    const value = enter(site, lastArgument);
    if (stopFlag[0] !== 0 || runtime.timedOut) stopAtCallUnlessALoopTurnComes();
    return value;
  };
  hooks.enter0 = (site: number): readonly unknown[] => {
    const none = enter0(site);
    if (stopFlag[0] !== 0 || runtime.timedOut) stopAtCallUnlessALoopTurnComes();
    return none;
  };
  // And as a harness function starts: one a built-in calls (a forEach, Array.from's or a sort's
  // callback, a JSON.parse reviver, a getter, a Proxy trap) has no call site of the harness's,
  // nor has any call under --no-attribution, which inserts no call hooks.
  const called = hooks.called as () => void;
  hooks.called = (): void => {
    called();
    if (stopFlag[0] !== 0 || runtime.timedOut) stopAtCallUnlessALoopTurnComes();
  };
  const struct = api.struct as (first: unknown, context?: unknown) => unknown;
  // The struct's name goes into records the verdicts are made from: it is read once, here, and
  // must be a string (a getter or an object as a name would run harness code later).
  const named = (cls: unknown, context: unknown) => {
    const given = context as { kind?: unknown; name?: unknown; metadata?: unknown } | null | undefined;
    const kind = given?.kind;
    const name = given?.name ?? (typeof cls === 'function' ? cls.name : undefined);
    if (typeof name !== 'string' || name === '') throw new TypeError('@struct needs a named class (its name is the struct name)');
    return { kind, name, metadata: given?.metadata };
  };
  const lmmStudio = harden({
    ...api,
    struct(first: unknown, context?: unknown) {
      // `@struct({ packed: true })`: the options are checked now, the name when the decorator
      // it gives is applied to the class.
      if (context === undefined && typeof first === 'object' && first !== null) {
        const decorate = struct(first) as (cls: unknown, context: unknown) => void;
        return (cls: unknown, given: unknown) => decorate(cls, named(cls, given));
      }
      return struct(first, named(first, context));
    },
  });
  return {
    lmmStudio,
    console: harden(createHarnessConsole(runtime, (stack) => locator.framesOf(stack, options.harnessScriptName).map(siteText))),
    hooks: harden(HOOK_ORDER.map((name) => hooks[name])),
    finish() {
      runtime.flush();
      return finishRun(runtime, suppressions, options.classicText === true ? callbacks.onClassicText : undefined);
    },
    currentStack() {
      return runtime.currentStack();
    },
    thrownSite(value: unknown) {
      if (lastThrown === undefined || lastThrown.value !== value) return undefined;
      return options.sites[lastThrown.site];
    },
    isExit(error: unknown) {
      return error instanceof HarnessExit;
    },
    stopThrown() {
      return runtime.stopped;
    },
    stop() {
      runtime.timedOut = true;
    },
    hostStack(error: unknown) {
      return options.debugStacks ? fullStackOf(error) : undefined;
    },
    timeLimitSite(error: unknown) {
      if (!(error instanceof TimeLimitExceeded)) return undefined;
      return error.site ?? null;
    },
  };
}
