/** What `lmm run` prints from a finished run: the analyses' text, JSON or SARIF report. */
import { toSarif } from '../analysis/sarif';
import { formatTextReport } from '../analysis/textReport';
import type { RunReport } from '../analysis/runReport';
import { DEFAULT_LEAK_REPORT_OPTIONS, type LeakReportOptions } from '../analysis/leakReportOptions';
import { reportUnderLeakOptions, sarifInvocation, sarifLeaks } from '../analysis/leakReportDocuments';
import type { FinishedRun } from './sandbox/finishRun';

declare const LMM_VERSION: string;

/** The version SARIF logs name (the build's, or `dev` when run from source). */
export function lmmVersion(): string {
  return typeof LMM_VERSION === 'string' ? LMM_VERSION : 'dev';
}

/**
 * @param workingDirectory the run's working directory, for SARIF: the files under it are named
 *   relative to it (`toSarif`); `lmm run` gives its own.
 */
export function harnessReportOutput(
  run: FinishedRun,
  format: 'text' | 'json' | 'sarif',
  leakOptions: LeakReportOptions = DEFAULT_LEAK_REPORT_OPTIONS,
  workingDirectory?: string,
): string {
  if (format === 'json') return runReportJson(reportUnderLeakOptions(run.report, leakOptions), true);
  if (format === 'sarif') {
    const findings = { ...run.report, leaks: sarifLeaks(run.report, leakOptions) };
    const log = toSarif(findings, lmmVersion(), sarifInvocation(run.report, leakOptions), workingDirectory);
    return JSON.stringify(log, null, 2) + '\n';
  }
  return formatTextReport(run.report, classicTextOf(run), true, leakOptions);
}

/** The text report starts with the classic reports: a run must have been asked for them. */
function classicTextOf(run: FinishedRun): string {
  if (run.classicText === undefined) throw new Error('the text report needs a run started with classicText: true');
  return run.classicText;
}

/**
 * The run report as JSON, `complete` right after `schemaVersion`: true when the harness ran to its
 * end (its leaks are the verdict), false when it ended early and the report is the heap then.
 */
export function runReportJson(report: RunReport | Record<string, unknown>, complete: boolean): string {
  const { schemaVersion, ...rest } = report;
  return JSON.stringify({ schemaVersion, complete, ...rest }, null, 2) + '\n';
}
