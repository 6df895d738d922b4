/**
 * What `lmm run --json` and `--sarif` print for a run that did not complete (a throw, the time
 * limit, the memory limit, a crash, a compile error): a document a CI job can parse and cannot
 * take for a verdict. The JSON says `"complete": false` and the outcome, and keeps what is true
 * whatever the harness would have done next: the heap's figures when it ended, the memory errors
 * found before, the mid-run leak checks that ran. Its `leaks`, `leakSummary` and
 * `suppressionsUsed` are null: the blocks live when a run is stopped are no leak verdict (a
 * program stopped mid-way had not yet freed what it would have), so they are counted
 * (`totals.liveBlocks`) but not classified; the text report shows the check at the stop, with the
 * locals still in scope as roots (the runtime keeps them when it stops the harness). The SARIF log says `executionSuccessful:
 * false` with the outcome as an error notification, and its results are the memory errors alone.
 */
import type { Site } from '../analysis/analysisInput';
import { errorSummaryOf, type ErrorReport, type LeakCheckReport, type RunReport } from '../analysis/runReport';
import { incompleteRunSarif } from '../analysis/sarif';
import { lmmVersion } from '../harness/harnessReportOutput';
import type { HarnessRunResult, MemoryErrorsSoFar } from '../harness/runHarness';

/** How the run ended, as the document states it. */
export interface EarlyEndOutcome {
  kind: Exclude<HarnessRunResult['outcome'], 'completed'>;
  message: string;
  site?: Site;
  stack?: Site[];
}

/**
 * What the run streamed before it ended: all there is of its findings when its worker was killed
 * and no report came (a crash of the process, the JS heap's cap).
 */
export interface StreamedFindings {
  errors?: MemoryErrorsSoFar;
  leakChecks: LeakCheckReport[];
}

export function earlyEndOutcome(result: HarnessRunResult, file: string): EarlyEndOutcome {
  const outcome: EarlyEndOutcome = { kind: 'crashed', message: earlyEndMessage(result, file) };
  // A harness that returned but left no report ended without what a completed run gives.
  if (result.outcome !== 'completed') outcome.kind = result.outcome;
  if (result.site) outcome.site = result.site;
  if (result.stack) outcome.stack = result.stack;
  return outcome;
}

/** What went wrong, as stderr says it: the runtime's message, else the file and the outcome. */
export function earlyEndMessage(result: HarnessRunResult, file: string): string {
  if (result.message !== undefined) return result.message;
  if (result.outcome === 'completed') return `${file}: the run ended without a report`;
  return `${file}: the harness did not complete (${result.outcome})`;
}

/** `lmm run --json` of a run that did not complete. */
export function earlyEndJson(result: HarnessRunResult, file: string, streamed: StreamedFindings): string {
  const outcome = earlyEndOutcome(result, file);
  const report = result.finished?.report;
  const document = report
    ? heapWhenEnded(report, outcome)
    : {
        schemaVersion: 1,
        complete: false,
        outcome,
        harnessFile: file,
        // No heap came back: its figures are unknown, not zero.
        totals: null,
        leaks: null,
        leakSummary: null,
        ...streamedErrors(streamed),
        leakChecks: streamed.leakChecks,
      };
  return JSON.stringify(document, null, 2) + '\n';
}

/** `lmm run --sarif` of a run that did not complete. */
export function earlyEndSarif(result: HarnessRunResult, file: string, streamed: StreamedFindings): string {
  const errors = result.finished?.report.errors ?? streamedErrors(streamed).errors;
  const harnessFile = result.finished?.report.harnessFile ?? file;
  const log = incompleteRunSarif({ harnessFile, errors }, earlyEndOutcome(result, file), lmmVersion());
  return JSON.stringify(log, null, 2) + '\n';
}

/** The report's fields that would make it a leak verdict: null in a run that did not complete. */
const LEAK_VERDICT_FIELDS = new Set<string>(['leaks', 'leakSummary', 'suppressionsUsed']);

/** The report of the heap when the run ended, in its own order, its leak verdict left out. */
function heapWhenEnded(report: RunReport, outcome: EarlyEndOutcome): Record<string, unknown> {
  const document: Record<string, unknown> = { schemaVersion: report.schemaVersion, complete: false, outcome };
  for (const [key, value] of Object.entries(report)) {
    if (key in document) continue;
    if (LEAK_VERDICT_FIELDS.has(key)) document[key] = null;
    // A site's leaked blocks come from the leak check the report would be a verdict with.
    else if (key === 'sites') document[key] = report.sites.map(({ leakedBlocks: _b, leakedBytes: _by, ...site }) => site);
    else document[key] = value;
  }
  return document;
}

/** The memory errors the worker posted before it was killed (its first records, counted so far). */
function streamedErrors(streamed: StreamedFindings): {
  errors: ErrorReport[];
  errorSummary: RunReport['errorSummary'];
} {
  const errors: ErrorReport[] = (streamed.errors?.errors ?? []).map((e) => ({ ...e, suppressed: e.suppressed === true }));
  return { errors, errorSummary: errorSummaryOf(errors) };
}
