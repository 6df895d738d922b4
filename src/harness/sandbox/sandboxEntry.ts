/**
 * What runs inside the harness's vm context, next to the harness: the runtime, the
 * `lmm-studio` module and the analyses (so `mm_leak_check()` answers synchronously, and the end
 * of run report is computed where the heap is). Bundled as one script (`globalName` __lmmSandbox);
 * the worker evaluates it in the context, so every object the harness can reach belongs to
 * the context's realm, whose globals are only the JavaScript built-ins.
 */
import type { RunData, Site } from '../../analysis/analysisInput';
import { checkLeaks, type LeakCheckResult } from '../../analysis/leakCheck';
import { leakCheckReport, type LeakCheckReport } from '../../analysis/runReport';
import { matchErrorSuppression, parseSuppressions, type Suppression } from '../../analysis/suppressions';
import { createLmmStudioModule } from '../api/lmmStudioModule';
import { HarnessLocator, type LocatorData } from '../compile/harnessLocator';
import {
  HarnessExit,
  HarnessRuntime,
  TimeLimitExceeded,
  type LeakCheckPoint,
  type MemoryErrorsUpdate,
  type RuntimeBatch,
} from '../runtime/harnessRuntime';
import { finishRun } from './finishRun';

export interface SandboxRunOptions {
  harnessFile: string;
  sites: Site[];
  structSites: Record<string, Site>;
  pageSize?: number;
  memoryCap?: number;
  deadline: number;
  batchIntervalMs: number;
  suppressionsText?: string;
  suppressionsFile?: string;
  locator: LocatorData;
  /** The file name the harness script's stack frames carry. */
  harnessScriptName: string;
}

export interface SandboxRun {
  require(name: string): unknown;
  /** Streams what is left and returns the end-of-run results as JSON text. */
  finish(): string;
  /** The harness call stack where the run is now (for a crash or time limit). */
  currentStack(): string;
  /** Whether `error` is the loop check's time-limit stop; its loop site as JSON, or null. */
  timeLimitSite(error: unknown): string | null;
  /** Whether `error` is the harness calling `exit(status)` (a normal end). */
  isExit(error: unknown): boolean;
}

export function startRun(
  optionsJson: string,
  onBatch: (batch: RuntimeBatch) => void,
  onOutput: (text: string) => void,
  leakCheckRequests?: Int32Array,
  onLeakCheck?: (check: LeakCheckReport) => void,
  onMemoryErrors?: (update: MemoryErrorsUpdate) => void,
): SandboxRun {
  const options = JSON.parse(optionsJson) as SandboxRunOptions;
  const suppressions: Suppression[] =
    options.suppressionsText !== undefined
      ? parseSuppressions(options.suppressionsText, options.suppressionsFile ?? '.lmmsupp')
      : [];
  const locator = new HarnessLocator(options.locator);
  // Enough frames to get past the runtime's own into the harness's 8.
  Error.stackTraceLimit = 24;
  const runtime = new HarnessRuntime({
    stackFrames: (stack) => locator.framesOf(stack, options.harnessScriptName, 8),
    harnessFile: options.harnessFile,
    sites: options.sites,
    structSites: options.structSites,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...(options.memoryCap !== undefined ? { memoryCap: options.memoryCap } : {}),
    deadline: options.deadline,
    batchIntervalMs: options.batchIntervalMs,
    onBatch,
    onOutput: (text) => {
      // What was recorded before the print streams first, so output and heap ops stay in order.
      runtime.flush();
      onOutput(String(text));
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
    // The check's records (one per kind × allocation stack) go out at once, for the views to show
    // mid-run; the heap ops recorded before it stream first, so its Mark is already on the timeline.
    ...(onLeakCheck !== undefined
      ? {
          onLeakCheck: (point: LeakCheckPoint) => {
            runtime.flush();
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
  const lmmStudio = createLmmStudioModule(runtime);
  return {
    require(name: string) {
      if (name === 'lmm-studio') return lmmStudio;
      throw new Error(`a harness can import only 'lmm-studio' and its own files, not '${name}'`);
    },
    finish() {
      runtime.flush();
      return JSON.stringify(finishRun(runtime, suppressions), (_key, value) =>
        typeof value === 'bigint' ? String(value) : value,
      );
    },
    currentStack() {
      return JSON.stringify(runtime.currentStack());
    },
    isExit(error: unknown) {
      return error instanceof HarnessExit;
    },
    timeLimitSite(error: unknown) {
      if (!(error instanceof TimeLimitExceeded)) return null;
      return JSON.stringify(error.site ?? null);
    },
  };
}
