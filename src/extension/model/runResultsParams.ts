/**
 * What the extension hands the language server for a run (`lmm/runResults`): the report once the
 * run is over, and, while it goes on, the latest mid-run leak check's leaks (Check Leaks Now or
 * `mm_leak_check()`), so the editors show leaks before the run ends. Free of vscode (unit tested).
 */
import type { RunResultsParams } from '../../protocol/lspMessages';
import type { LmmReport, ReportLeakCheck } from './runReport';
import type { RunState } from './runState';

/**
 * The params for `run` as it is now. A run without a report (going on, or stopped by request
 * before its end-of-run check) gives its latest mid-run leak check, marked with `leakCheck`.
 */
export function runResultsParams(run: RunState): RunResultsParams {
  const check = run.report ? undefined : run.interimLeakCheck;
  const params: RunResultsParams = {
    runId: run.id,
    status: run.status,
    report: check ? leakCheckOnlyReport(check) : (run.report ?? null),
    harnessFile: run.file,
  };
  if (check) params.leakCheck = { step: check.event, requested: check.requested === true };
  if (run.message !== undefined) params.message = run.message;
  return params;
}

/** A report holding nothing but one leak check's leaks (no figures, errors or hints: those come at the end). */
function leakCheckOnlyReport(check: ReportLeakCheck): LmmReport {
  return {
    schemaVersion: 1,
    families: [],
    totals: { pages: 0, mappedBytes: 0, appMemory: 0, mmap: 0, munmap: 0 },
    sites: [],
    leaks: check.leaks,
    errors: [],
    leakChecks: [],
    hints: [],
  };
}
