/**
 * The JSON document of a harness run that did not complete, written once for `lmm run --json`
 * and `LMM: Export Report` (as `incompleteRunSarif` is for SARIF): `"complete": false`, the
 * outcome, and the report of the heap when the run ended with its leak verdict left out. The
 * blocks live when a run is stopped are no leak verdict (a program stopped mid-way had not yet
 * freed what it would have): `leaks`, `leakSummary` and `suppressionsUsed` are null, and the
 * sites lose their leaked figures. What is true whatever the harness would have done next stays:
 * the heap's figures, the memory errors found before, the mid-run leak checks that ran.
 *
 * Its `errors` say "N of M": `errorRecordsTotal` is how many error records (distinct kind and
 * site) the run had found and `errorsTotal` every occurrence. A run that ended with its heap lists
 * them all; one whose worker was killed lists those it streamed (at most its first 1,000, counted
 * so far), and the totals are the last it told, or that the harness host read after it.
 */
import type { Site } from './analysisInput';
import { errorSummaryOf } from './runReport';
import { REPORT_SCHEMA_VERSION } from '../protocol/runReportSchema';

/** How a run that did not complete ended, as its documents state it. */
export interface IncompleteRunOutcome {
  /** The runtime's outcome: `timed-out`, `out-of-memory`, `crashed`, `compile-error`, `cancelled`. */
  kind: string;
  message: string;
  site?: Site;
  stack?: Site[];
}

/** The report's fields that would make it a leak verdict: null in a run that did not complete. */
const LEAK_VERDICT_FIELDS = new Set<string>(['leaks', 'leakSummary', 'suppressionsUsed']);

/**
 * The document of a run that ended early with its heap: the report's own fields in their order,
 * after `schemaVersion`, `complete: false` and `outcome`. A `complete` the report carries (the
 * extension's copy says false already) is not repeated.
 */
export function incompleteRunJson(
  report: { readonly schemaVersion: number },
  outcome: IncompleteRunOutcome,
): Record<string, unknown> {
  const document: Record<string, unknown> = { schemaVersion: report.schemaVersion, complete: false, outcome };
  for (const [key, value] of Object.entries(report)) {
    if (key in document) continue;
    if (LEAK_VERDICT_FIELDS.has(key)) document[key] = null;
    // A site's leaked blocks come from the leak check the report would be a verdict with.
    else if (key === 'sites' && Array.isArray(value)) document[key] = value.map(withoutLeakedFigures);
    else document[key] = value;
    if (key === 'errors' && Array.isArray(value)) Object.assign(document, errorTotals(value as { count: number }[]));
  }
  return document;
}

/** How many memory errors a run that did not complete had found, past those its documents list. */
export interface StreamedErrorTotals {
  /** Every occurrence. */
  occurrences: number;
  /** Error records (distinct kind and site). */
  distinct: number;
}

/** `errorRecordsTotal` and `errorsTotal` of `errors`, or of the totals the run told when they count more. */
export function errorTotals(
  errors: readonly { count: number }[],
  told?: StreamedErrorTotals,
): { errorRecordsTotal: number; errorsTotal: number } {
  let occurrences = 0;
  for (const e of errors) occurrences += e.count;
  return {
    errorRecordsTotal: Math.max(errors.length, told?.distinct ?? 0),
    errorsTotal: Math.max(occurrences, told?.occurrences ?? 0),
  };
}

/**
 * The words that say a list of memory errors is cut ("N of M"), for text and SARIF; undefined
 * when it is whole.
 */
export function errorsCutText(errors: readonly { count: number }[], told?: StreamedErrorTotals): string | undefined {
  const { errorRecordsTotal, errorsTotal } = errorTotals(errors, told);
  if (errorRecordsTotal === errors.length && errorsTotal === errorTotals(errors).errorsTotal) return undefined;
  const count = (n: number) => n.toLocaleString('en-US');
  return (
    `${count(errors.length)} of the ${count(errorRecordsTotal)} error records the run had found are listed ` +
    `(${count(errorsTotal)} errors in all), with their counts as last received: ` +
    'the others reach LMM only with the end-of-run report, which this run did not make'
  );
}

/** A site's figures without those of a leak check (`leakedBlocks`, `leakedBytes`). */
export function withoutLeakedFigures(site: unknown): unknown {
  if (typeof site !== 'object' || site === null) return site;
  const { leakedBlocks: _blocks, leakedBytes: _bytes, ...rest } = site as Record<string, unknown>;
  return rest;
}

/**
 * The document of a run that ended with no heap (a compile error, a missing file, a worker killed
 * past its caps): its figures are unknown, not zero (`totals` null), and its memory errors and
 * leak checks are those it streamed before it ended. `errors` as streamed: `suppressed` may be absent;
 * `told`: the totals the run told with them. (`errorSummary` counts the listed errors: whether the
 * others are suppressed is not known.)
 */
export function noHeapRunJson<E extends { count: number; suppressed?: boolean }>(
  harnessFile: string,
  outcome: IncompleteRunOutcome,
  errors: readonly E[],
  leakChecks: readonly unknown[],
  told?: StreamedErrorTotals,
): Record<string, unknown> {
  const listed = listedErrors(errors);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    complete: false,
    outcome,
    harnessFile,
    totals: null,
    leaks: null,
    leakSummary: null,
    errors: listed,
    ...errorTotals(listed, told),
    errorSummary: errorSummaryOf(listed),
    leakChecks,
  };
}

/** Errors as the worker streamed them (`suppressed` may be absent), as a report lists them. */
export function listedErrors<E extends { suppressed?: boolean }>(errors: readonly E[]): (E & { suppressed: boolean })[] {
  return errors.map((e) => ({ ...e, suppressed: e.suppressed === true }));
}
