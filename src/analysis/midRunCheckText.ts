/**
 * The mid-run leak checks in the text report, each as memcheck prints it where it ran
 * (mc_leakcheck.c's print_results): the loss records the check's mode reports (a full check
 * all, added / changed / new ones those `reportedAfter` picks, with memcheck's deltas since the
 * check before; a quick check, memcheck's summary-only check, none), of the kinds
 * `--show-leak-kinds` shows, then its LEAK SUMMARY (with deltas for added / changed / new checks)
 * and memcheck's lines after it. A check with no block live prints memcheck's "All heap blocks
 * were freed". A mid-run check is a full one whatever `--leak-check` says, as memcheck's
 * `VALGRIND_DO_LEAK_CHECK` is. Each check is headed by where and when it ran, which memcheck does
 * not print. Quiet (`lmm run -q`) prints the loss records alone, as memcheck's `-q` does: its
 * print_results writes the LEAK SUMMARY and "All heap blocks were freed" only at verbosity 1 or more.
 */
import { reportedAfter, type RecordsByKey, type ReportedRecord } from './leakCheckDeltas';
import type { LeakSummary } from './leakCheck';
import type { LeakReportOptions } from './leakReportOptions';
import { hiddenRecordLines, leakSummaryLines } from './leakSummaryText';
import { lossRecordText, n } from './lossRecordText';
import type { LeakCheckReport } from './runReport';
import { siteText } from './siteText';
import { stepNumber } from './stepNumber';

export function midRunChecksText(checks: readonly LeakCheckReport[], options: LeakReportOptions): string {
  const printer = new MidRunCheckPrinter(options);
  return checks.map((check) => printer.text(check)).join('');
}

/**
 * Prints the mid-run checks of one run one at a time, in run order (`lmm run` prints each as it
 * runs, among what the harness prints): it keeps what memcheck keeps from one check to the next.
 */
export class MidRunCheckPrinter {
  private records: RecordsByKey = new Map();
  /** memcheck's summary deltas compare with the last check that had a block live: one with none stops early. */
  private summary: LeakSummary | undefined;

  /** @param quiet the loss records alone (`lmm run -q`): no heading, LEAK SUMMARY or lines after it. */
  constructor(
    private readonly options: LeakReportOptions,
    private readonly quiet = false,
  ) {}

  text(check: LeakCheckReport): string {
    const heading =
      `leak check at ${siteText(check.site)} (step ${n(stepNumber(check.event))}` +
      `${check.requested ? ', Check Leaks Now' : ''}${check.mode ? `, ${check.mode}` : ''}):\n`;
    const { reported, records } = reportedAfter(check, this.records);
    this.records = records;
    // memcheck's check with no block stops before its records (and forgets them, as `records` has).
    if (check.leaks.every((record) => record.blocks === 0))
      return this.quiet ? '' : heading + 'All heap blocks were freed -- no leaks are possible\n\n';
    const recordLines = recordsText(check, reported, this.options);
    const summaryLines = summaryText(check, this.summary, this.options);
    this.summary = check.summary;
    return this.quiet ? recordLines : heading + recordLines + summaryLines;
  }
}

/** The loss records the check reports of the kinds shown, numbered as memcheck numbers them. */
function recordsText(check: LeakCheckReport, reported: readonly ReportedRecord[], options: LeakReportOptions): string {
  const mode = check.mode ?? 'full';
  if (mode === 'quick') return '';
  const out: string[] = [];
  // Numbered among the check's records; a record gone since (a changed check's) after them.
  const numbered = check.leaks.filter((record) => !record.suppressed && record.blocks > 0);
  const gone = reported.filter((r) => r.now.blocks === 0 && !r.record.suppressed).map((r) => r.record);
  const all = [...numbered, ...gone];
  const reportedBy = new Map(reported.map((r) => [r.record, r]));
  all.forEach((record, i) => {
    const report = reportedBy.get(record);
    if (report === undefined || !options.showLeakKinds.has(record.kind)) return;
    out.push(lossRecordText(record, i + 1, all.length, withDeltas(mode) ? report : undefined));
  });
  return out.join('');
}

/** memcheck prints deltas for its added, changed and new checks alone (LCD_Any prints none). */
function withDeltas(mode: string): boolean {
  return mode === 'added' || mode === 'changed' || mode === 'new';
}

/** The check's LEAK SUMMARY (with deltas since `before` for an added, changed or new check) and the lines after it. */
function summaryText(check: LeakCheckReport, before: LeakSummary | undefined, options: LeakReportOptions): string {
  const mode = check.mode ?? 'full';
  const out: string[] = ['LEAK SUMMARY:\n', ...leakSummaryLines(check.summary, withDeltas(mode) ? { before } : undefined)];
  out.push(...hiddenRecordLines(check.summary, mode === 'quick', options.showLeakKinds.has('still-reachable')));
  out.push('\n');
  return out.join('');
}
