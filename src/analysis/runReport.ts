/**
 * Builds the run report: everything `lmm run --json` prints and the VS Code views draw, as one
 * JSON-ready object. Its shape is the protocol's `LmmReport` (`src/protocol/runReportSchema.ts`),
 * with the analyses' own, more precise types; `ReportBuiltHereIsTheSchema` below stops the build
 * when the two drift apart.
 */
import { heapStatistics, type FamilyStatistics, type TotalStatistics } from '../engine/statistics';
import {
  forEachAllocation,
  type HeapUsageCalls,
  type MemoryErrorKind,
  type MemoryErrorRecord,
  type RunData,
  type Site,
  type StructLayout,
} from './analysisInput';
import { allocationTimeline, type PeakReport, type SiteStatistics } from './allocationTimeline';
import { computeHints, type Hint } from './hints';
import {
  applyLeakSuppressions,
  checkLeaks,
  ROOT_PATH_ENDS,
  type LeakCheckResult,
  type LeakSummary,
  type LossRecord,
  type SuppressionUse,
} from './leakCheck';
import { REPORT_SCHEMA_VERSION, type LeakCheckMode, type LmmReport } from '../protocol/runReportSchema';
import { LEAK_KINDS, leakKindOfShortName, type LeakKind } from './leakKinds';
import { stepNumber } from './stepNumber';
import { matchErrorSuppression, MEMORY_ERROR_KINDS, type Suppression } from './suppressions';

/** A mid-run `mm_leak_check()` as the harness runtime records it. */
export interface LeakCheckInput {
  /** The 0-based index of the heap operation the check ran after. */
  event: number;
  site: Site;
  stack?: Site[];
  /** The result `checkLeaks` gave at that moment. */
  result: unknown;
  /** Asked for by the user (`LMM: Check Leaks Now`) rather than by the harness's `mm_leak_check()`. */
  requested?: true;
  /** The kind of check `mm_leak_check(mode)` asked for; absent for a `full` one. */
  mode?: Exclude<LeakCheckMode, 'full'>;
}

export interface RunReportOptions {
  suppressions?: readonly Suppression[];
  leakChecks?: readonly LeakCheckInput[];
  /** The end-of-run leak check, when the caller already ran it (otherwise it runs here). */
  finalLeakCheck?: LeakCheckResult;
}

export interface ErrorReport extends MemoryErrorRecord {
  /** The step of its first occurrence, as every text names it: `event + 1` (see `stepNumber`). */
  step: number;
  suppressed: boolean;
  suppressedBy?: string;
}

/** Steps kept at each end of a longer root path (the leak check cuts its paths; see `leakCheckReport`). */
export const CHECK_ROOT_PATH_ENDS = ROOT_PATH_ENDS;

export interface LeakCheckReport {
  /** The 0-based index of the heap operation the check ran after. */
  event: number;
  /** The step the check ran at, as every text names it: `event + 1`. */
  step: number;
  site: Site;
  stack: Site[];
  /** `rootPathElided`: steps cut from the middle of the record's `rootPath` (its two ends are kept). */
  leaks: LossRecord[];
  summary: LeakSummary;
  /** Asked for by the user (`LMM: Check Leaks Now`, at the heap call `site`); absent for `mm_leak_check()`. */
  requested?: true;
  /** The kind of check `mm_leak_check(mode)` asked for; absent for a `full` one. */
  mode?: Exclude<LeakCheckMode, 'full'>;
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  harnessFile: string;
  pageSize: number;
  families: FamilyStatistics[];
  totals: TotalStatistics & {
    allocations: number;
    frees: number;
    liveBlocks: number;
    liveBytes: number;
    bytesAllocated: number;
    steps: number;
    /**
     * memcheck's "total heap usage": the allocs, frees and bytes allocated above, with the calls
     * that allocated or freed no block (a realloc that kept its block or was refused, a refused free).
     */
    heapUsage: HeapUsageCalls;
  };
  structs: StructLayout[];
  sites: SiteStatistics[];
  leaks: LossRecord[];
  leakSummary: LeakSummary;
  errors: ErrorReport[];
  errorSummary: { errors: number; contexts: number; suppressed: number };
  leakChecks: LeakCheckReport[];
  suppressionsUsed: SuppressionUse[];
  /** `step`: the step of the peak as every text names it, `event + 1` (0 when nothing was allocated). */
  peak: PeakReport & { step: number };
  hints: Hint[];
}

/** Compiles only while every report built here is a valid `LmmReport` for its readers. */
type Assignable<T extends U, U> = T;
export type ReportBuiltHereIsTheSchema = Assignable<RunReport, LmmReport>;

export function buildRunReport(data: RunData, options: RunReportOptions = {}): RunReport {
  const suppressions = options.suppressions ?? [];
  const leaks = options.finalLeakCheck ?? checkLeaks(data, { suppressions });
  const leakSuppression = applyLeakSuppressions(leaks.records, suppressions);
  const timeline = allocationTimeline(data, leaks);
  const stats = heapStatistics(data.heap);

  let frees = 0;
  let bytesAllocated = 0;
  forEachAllocation(data.allocations, (a) => {
    if (a.freeStep !== -1) frees++;
    bytesAllocated += a.bytes;
  });

  const errors: ErrorReport[] = data.errors.map((e) => {
    const suppression = matchErrorSuppression(suppressions, e.kind, e.stack);
    const step = stepNumber(e.event);
    return suppression === undefined
      ? { ...e, step, suppressed: false }
      : { ...e, step, suppressed: true, suppressedBy: suppression.name };
  });
  const errorSummary = errorSummaryOf(errors);

  const leakChecks = (options.leakChecks ?? []).map((point) => leakCheckReport(point, suppressions));

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    harnessFile: data.harnessFile,
    pageSize: data.heap.pageSize,
    families: stats.families,
    totals: {
      ...stats.totals,
      allocations: data.allocations.length,
      frees,
      liveBlocks: leaks.liveBlocks,
      liveBytes: leaks.liveBytes,
      bytesAllocated,
      steps: data.steps,
      heapUsage: {
        allocs: data.allocations.length + (data.callsWithoutBlocks?.allocs ?? 0),
        frees: frees + (data.callsWithoutBlocks?.frees ?? 0),
        bytes: bytesAllocated + (data.callsWithoutBlocks?.bytes ?? 0),
      },
    },
    structs: data.structs,
    sites: timeline.sites,
    leaks: leaks.records,
    leakSummary: leakSuppression.summary,
    errors,
    errorSummary,
    leakChecks,
    suppressionsUsed: leakSuppression.suppressionsUsed,
    peak: { ...timeline.peak, step: stepNumber(timeline.peak.event) },
    hints: computeHints(data, timeline),
  };
}

/**
 * One mid-run leak check as the report lists it: its loss records (copies, suppressions applied)
 * and summary. Also what the harness worker posts the moment a check runs, so it costs the records
 * (one per kind × allocation stack), never a pass over the blocks. A record's path from a root is
 * cut to its two ends: the first block of a rooted list of a million nodes is a million steps from
 * its root, and a server loop checking leaks a thousand times would carry each path a thousand
 * times. The leak check cuts its paths the same way (end of run too); cutting again here keeps
 * that bound for any result the worker posts.
 */
export function leakCheckReport(point: LeakCheckInput, suppressions: readonly Suppression[] = []): LeakCheckReport {
  const result = asLeakCheckResult(point.result);
  const leaks: LeakCheckReport['leaks'] = result === null ? [] : result.records.map((r) => ({ ...r }));
  for (const record of leaks) {
    const path = record.rootPath;
    if (path.length <= 2 * CHECK_ROOT_PATH_ENDS) continue;
    record.rootPath = [...path.slice(0, CHECK_ROOT_PATH_ENDS), ...path.slice(path.length - CHECK_ROOT_PATH_ENDS)];
    record.rootPathElided = path.length - 2 * CHECK_ROOT_PATH_ENDS;
  }
  const { summary } = applyLeakSuppressions(leaks, suppressions);
  const check: LeakCheckReport = {
    event: point.event,
    step: stepNumber(point.event),
    site: point.site,
    stack: point.stack ?? [point.site],
    leaks,
    summary,
  };
  if (point.requested) check.requested = true;
  if (point.mode !== undefined) check.mode = point.mode;
  return check;
}

function asLeakCheckResult(value: unknown): LeakCheckResult | null {
  if (typeof value !== 'object' || value === null) return null;
  const records = (value as { records?: unknown }).records;
  return Array.isArray(records) ? (value as LeakCheckResult) : null;
}

/** What `--fail-on` accepts: leak kinds, error kinds, `error` (any error) and `leak` (any lost block). */
export type FailOnKind = LeakKind | MemoryErrorKind | 'error' | 'leak';

/**
 * Parses `definitely-lost,indirectly-lost,error`; memcheck's leak kind words (`definite,possible`)
 * name the same kinds, as in a suppression's `match-leak-kinds:`. Throws with the list of valid
 * kinds on a bad one.
 */
export function parseFailOn(text: string): FailOnKind[] {
  const valid = new Set<string>([...LEAK_KINDS, ...MEMORY_ERROR_KINDS, 'error', 'leak']);
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
    .map((k) => leakKindOfShortName(k) ?? k);
  for (const k of kinds) {
    if (!valid.has(k)) throw new Error(`--fail-on: unknown kind '${k}' (one of ${[...valid].join(', ')})`);
  }
  return [...new Set(kinds)] as FailOnKind[];
}

/**
 * The kinds among `kinds` that occurred in the report and were not suppressed: a CI gate like
 * Valgrind's --error-exitcode (`lmm run --fail-on KINDS` exits 1 when this is not empty).
 * `leak` means any definitely, indirectly or possibly lost block.
 */
export function failingKinds(report: RunReport, kinds: readonly FailOnKind[] | string): FailOnKind[] {
  const wanted = typeof kinds === 'string' ? parseFailOn(kinds) : kinds;
  const occurred = new Set<FailOnKind>();
  for (const record of report.leaks) {
    if (record.suppressed || record.blocks === 0) continue;
    occurred.add(record.kind);
    if (record.kind !== 'still-reachable') occurred.add('leak');
  }
  for (const error of report.errors) {
    if (error.suppressed || error.count === 0) continue;
    occurred.add(error.kind);
    occurred.add('error');
  }
  return wanted.filter((k) => occurred.has(k));
}

/** The memory errors' line of ERROR SUMMARY: errors and contexts not suppressed, and the suppressed ones. */
export function errorSummaryOf(errors: readonly Pick<ErrorReport, 'count' | 'suppressed'>[]): RunReport['errorSummary'] {
  const summary = { errors: 0, contexts: 0, suppressed: 0 };
  for (const e of errors) {
    if (e.suppressed) summary.suppressed += e.count;
    else {
      summary.errors += e.count;
      summary.contexts++;
    }
  }
  return summary;
}
