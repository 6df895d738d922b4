/**
 * The JSON and SARIF documents of a run under memcheck's leak-report options. JSON is the data:
 * it keeps every loss record and marks those a text report would leave out (`"shown": false`),
 * and says which options made it (`leakReport`; absent under LMM's defaults, whose documents are
 * unchanged). SARIF is what a reader is shown: its leak results are the shown records alone, and
 * a note says what was left out. Under `--leak-check=no` no check ran at exit: JSON's leak verdict
 * fields are null (never an empty list, which would read as "no leaks") and SARIF has no leak
 * result and a note saying no leak check ran.
 */
import { withoutLeakedFigures } from './incompleteRunJson';
import { isDefaultLeakReport, kindsInOrder, type LeakReportOptions } from './leakReportOptions';
import type { LossRecord } from './leakCheck';
import { LEAK_KIND_SHORT } from './leakKinds';
import type { RunReport } from './runReport';
import type { SarifInvocation, SarifNotification } from './sarif';
import type { ReportLeakOptions } from '../protocol/runReportSchema';

/** The report's fields that are the verdict of the check at exit. */
const EXIT_CHECK_FIELDS = new Set<string>(['leaks', 'leakSummary', 'suppressionsUsed']);

/** `report` as `lmm run --json` prints it under `options` (the report itself when they are LMM's defaults). */
export function reportUnderLeakOptions(report: RunReport, options: LeakReportOptions): Record<string, unknown> {
  if (isDefaultLeakReport(options)) return { ...report };
  const document: Record<string, unknown> = {};
  const shownAtExit: ReadonlySet<string> = options.leakCheck === 'full' ? options.showLeakKinds : new Set<string>();
  for (const [key, value] of Object.entries(report)) {
    if (options.leakCheck === 'no' && EXIT_CHECK_FIELDS.has(key)) document[key] = null;
    else if (options.leakCheck === 'no' && key === 'sites') document[key] = report.sites.map(withoutLeakedFigures);
    else if (key === 'leaks') document[key] = report.leaks.map((record) => marked(record, shownAtExit));
    // A mid-run check is a full one whatever --leak-check says (memcheck's VALGRIND_DO_LEAK_CHECK).
    else if (key === 'leakChecks')
      document[key] = report.leakChecks.map((check) => ({
        ...check,
        leaks: check.leaks.map((record) => marked(record, options.showLeakKinds)),
      }));
    else document[key] = value;
  }
  const leakReport: ReportLeakOptions = {
    leakCheck: options.leakCheck,
    showLeakKinds: kindsInOrder(options.showLeakKinds),
    errorsForLeakKinds: kindsInOrder(options.errorsForLeakKinds),
  };
  document.leakReport = leakReport;
  return document;
}

function marked(record: LossRecord, shown: ReadonlySet<string>): LossRecord | (LossRecord & { shown: false }) {
  return shown.has(record.kind) ? record : { ...record, shown: false };
}

/** The leak records a SARIF log lists under `options`: those a text report shows. */
export function sarifLeaks(report: RunReport, options: LeakReportOptions): RunReport['leaks'] {
  if (options.leakCheck !== 'full') return [];
  return report.leaks.filter((record) => options.showLeakKinds.has(record.kind));
}

/** The invocation of a finished run's SARIF log, with a note when options left leak records out. */
export function sarifInvocation(report: RunReport, options: LeakReportOptions): SarifInvocation {
  const invocation: SarifInvocation = { executionSuccessful: true };
  const left = options.leakCheck === 'full' ? report.leaks.filter((r) => !options.showLeakKinds.has(r.kind)).length : 0;
  let text: string | undefined;
  if (options.leakCheck === 'no') text = 'No leak check ran at exit (--leak-check=no): the results are the memory errors alone.';
  else if (options.leakCheck === 'summary')
    text = `--leak-check=summary: the ${report.leaks.length} loss record(s) of the check at exit are not listed.`;
  else if (left > 0)
    text = `--show-leak-kinds=${memcheckKindSet(options.showLeakKinds)}: ${left} loss record(s) of other kinds are not listed.`;
  if (text !== undefined) {
    const note: SarifNotification = { level: 'note', message: { text }, properties: { leakCheck: options.leakCheck } };
    invocation.toolExecutionNotifications = [note];
  }
  return invocation;
}

/** A set of kinds in memcheck's words, as its option is written (`definite,possible`, or `none`). */
function memcheckKindSet(kinds: ReadonlySet<string>): string {
  const words = Object.entries(LEAK_KIND_SHORT)
    .filter(([, kind]) => kinds.has(kind))
    .map(([word]) => word);
  return words.join(',') || 'none';
}
