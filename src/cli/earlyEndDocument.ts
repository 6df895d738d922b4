/**
 * What `lmm run --json` and `--sarif` print for a run that did not complete (a throw, the time
 * limit, the memory limit, a crash, a compile error): a document a CI job can parse and cannot
 * take for a verdict. The JSON says `"complete": false` and the outcome, and keeps what is true
 * whatever the harness would have done next: the heap's figures when it ended, the memory errors
 * found before, the mid-run leak checks that ran. Its `leaks`, `leakSummary` and
 * `suppressionsUsed` are null: the blocks live when a run is stopped are no leak verdict (a
 * program stopped mid-way had not yet freed what it would have), so they are counted
 * (`totals.liveBlocks`) but not classified (one builder with Export Report: `incompleteRunJson`);
 * the text report shows the check at the stop, with the locals still in scope as roots (the
 * runtime keeps them when it stops the harness). The SARIF log says `executionSuccessful: false`
 * with the outcome as an error notification, and its results are the memory errors alone.
 */
import { errorsCutText, errorTotals, incompleteRunJson, listedErrors, noHeapRunJson } from '../analysis/incompleteRunJson';
import type { ErrorReport, LeakCheckReport } from '../analysis/runReport';
import { incompleteRunSarif } from '../analysis/sarif';
import { earlyEndOutcome } from '../harness/earlyEndOutcome';
import { lmmVersion } from '../harness/harnessReportOutput';
import type { HarnessRunResult, MemoryErrorsSoFar } from '../harness/runHarness';

/**
 * What the run streamed before it ended: all there is of its findings when its worker was killed
 * and no report came (a crash of the process, the JS heap's cap).
 */
export interface StreamedFindings {
  errors?: MemoryErrorsSoFar;
  leakChecks: LeakCheckReport[];
}

/** `lmm run --json` of a run that did not complete. */
export function earlyEndJson(result: HarnessRunResult, file: string, streamed: StreamedFindings): string {
  const outcome = earlyEndOutcome(result, file);
  const report = result.finished?.report;
  const document = report
    ? incompleteRunJson(report, outcome)
    : noHeapRunJson(file, outcome, streamed.errors?.errors ?? [], streamed.leakChecks, streamed.errors);
  return JSON.stringify(document, null, 2) + '\n';
}

/** `lmm run --sarif` of a run that did not complete. */
export function earlyEndSarif(result: HarnessRunResult, file: string, streamed: StreamedFindings): string {
  const errors = result.finished?.report.errors ?? streamedErrors(streamed);
  const harnessFile = result.finished?.report.harnessFile ?? file;
  const told = result.finished ? undefined : streamed.errors;
  const log = incompleteRunSarif({ harnessFile, errors }, earlyEndOutcome(result, file), lmmVersion(), told, process.cwd());
  return JSON.stringify(log, null, 2) + '\n';
}

/**
 * `lmm run`'s text for a run that ended with no report: the memory errors its worker had found,
 * suppressed ones included (the totals count them, as the JSON's `errorsTotal` does), and how many
 * of the listed ones are suppressed (of the others it is not known); "N of M" when not all of them
 * reached LMM (the JSON lists them). Empty when it found none.
 */
export function earlyEndErrorsText(streamed: StreamedFindings): string {
  const errors = streamed.errors;
  if (errors === undefined || errors.distinct === 0) return '';
  const { errorRecordsTotal, errorsTotal } = errorTotals(errors.errors, errors);
  let found = `${errorsCount(errorsTotal)} in ${recordsCount(errorRecordsTotal)}`;
  const suppressed = errors.errors.filter((e) => e.suppressed === true);
  if (suppressed.length > 0) {
    const occurrences = suppressed.reduce((sum, e) => sum + e.count, 0);
    const listed = errors.errors.length < errorRecordsTotal ? 'of those listed, ' : '';
    found += ` (${listed}${errorsCount(occurrences, '')} in ${recordsCount(suppressed.length)} suppressed)`;
  }
  const cut = errorsCutText(errors.errors, errors);
  return `\nThe run ended with no report; it had found ${found}. lmm run --json lists them${cut !== undefined ? `: ${cut}` : ''}.\n`;
}

function errorsCount(n: number, adjective = 'memory '): string {
  return `${n.toLocaleString('en-US')} ${adjective}${n === 1 ? 'error' : 'errors'}`;
}

function recordsCount(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'record' : 'records'}`;
}

/** The memory errors the worker posted before it was killed (its first records, counted so far). */
function streamedErrors(streamed: StreamedFindings): ErrorReport[] {
  return listedErrors(streamed.errors?.errors ?? []);
}
