/**
 * What the extension hands the language server for a run (`lmm/runResults`): the report once the
 * run is over, and, while it goes on, the latest mid-run leak check's leaks (Check Leaks Now or
 * `mm_leak_check()`) and the memory errors so far, so the editors show them before the run ends.
 * Free of vscode (unit tested).
 */
import type { RunResultsParams } from '../../protocol/lspMessages';
import { REPORT_SCHEMA_VERSION, type InterimErrors, type LmmReport, type ReportLeakCheck } from '../../protocol/runReportSchema';
import type { RunState } from './runState';

/**
 * The params for `run` as it is now. A run without a report (going on, or stopped by request
 * before its end-of-run check) gives its latest mid-run leak check, marked with `leakCheck`, and
 * its memory errors so far, marked with `memoryErrors`.
 */
export function runResultsParams(run: RunState): RunResultsParams {
  const check = run.report ? undefined : run.interimLeakCheck;
  const errors = run.report ? undefined : run.interimErrors;
  const params: RunResultsParams = {
    runId: run.id,
    status: run.status,
    report: check || errors ? interimReport(check, errors) : (run.report ?? null),
    harnessFile: run.file,
    finishedAt: run.finishedAt ?? Date.now(),
  };
  if (check) params.leakCheck = { event: check.event, requested: check.requested === true };
  if (errors) params.memoryErrors = { occurrences: errors.occurrences, records: errors.distinct, shown: errors.errors.length };
  if (run.message !== undefined) params.message = run.message;
  // Where the runtime says the run failed (a syntax error, the line the time limit stopped): given
  // as it is, not read back out of the message, whose path may hold spaces or parentheses.
  if (run.status === 'failed' && run.ending?.site) params.failureSite = run.ending.site;
  return params;
}

/**
 * A report holding nothing but one leak check's leaks and the errors so far (no figures or hints:
 * those come at the end).
 */
function interimReport(check: ReportLeakCheck | undefined, errors: InterimErrors | undefined): LmmReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    families: [],
    totals: { pages: 0, mappedBytes: 0, appMemory: 0, mmap: 0, munmap: 0 },
    sites: [],
    leaks: check?.leaks ?? [],
    errors: errors?.errors ?? [],
    leakChecks: [],
    hints: [],
  };
}
