/**
 * `lmm run`'s text report: LMM's classic reports (the C implementation's format), then a leak
 * summary in memcheck's spirit (loss records with stacks, LEAK SUMMARY), memory errors, the peak
 * (like massif) and the hints.
 */
import { blockUsageReport, memoryUsageReport, registeredPageFamiliesReport } from '../engine/classicReport';
import { reportedRecords } from './leakCheckDeltas';
import { blocks, lossRecordText, n, stackLines } from './lossRecordText';
import { hiddenRecordLines, leakSummaryLines } from './leakSummaryText';
import { midRunChecksText } from './midRunCheckText';
import { DEFAULT_LEAK_REPORT_OPTIONS, type LeakReportOptions } from './leakReportOptions';
import { stepNumber } from './stepNumber';
import type { LmmHeap } from '../engine/lmmHeap';
import type { RunReport } from './runReport';
import { siteText } from './siteText';

/**
 * @param classic the heap (its classic reports are written here) or those reports as text, for
 *   callers outside the worker that holds the heap.
 * @param complete false for a run that ended early (a throw, a limit): its leak summary is the
 *   check of the heap when it stopped, said so, and never memcheck's "no leaks are possible".
 * @param leakOptions memcheck's leak-report options (`lmm run --leak-check=summary`, …).
 *   The mid-run leak checks are printed before the HEAP SUMMARY, where memcheck's came before its
 *   check at exit (`lmm run` prints them as they run instead: `textAfterClassic`).
 */
export function formatTextReport(
  report: RunReport,
  classic: LmmHeap | string,
  complete = true,
  leakOptions: LeakReportOptions = DEFAULT_LEAK_REPORT_OPTIONS,
): string {
  if (typeof classic === 'string') return classic + textAfterClassic(report, classic.endsWith('\n\n'), complete, leakOptions);
  const out: string[] = [];
  out.push(registeredPageFamiliesReport(classic), memoryUsageReport(classic), blockUsageReport(classic), '\n');
  out.push(afterLeaks(report, complete, leakOptions));
  return out.join('');
}

/**
 * What `formatTextReport` writes after classic reports given as text: a caller holding those in
 * chunks (`lmm run`: 60 MB for a full 1 GiB heap) writes them, then this, and joins nothing.
 * @param classicEndsWithBlankLine whether the classic text ends with `\n\n` (then no blank line is added).
 * @param midRunChecksPrinted the caller printed the mid-run leak checks as they ran (`MidRunCheckPrinter`).
 */
export function textAfterClassic(
  report: RunReport,
  classicEndsWithBlankLine: boolean,
  complete = true,
  leakOptions: LeakReportOptions = DEFAULT_LEAK_REPORT_OPTIONS,
  midRunChecksPrinted = false,
): string {
  return (classicEndsWithBlankLine ? '' : '\n') + afterLeaks(report, complete, leakOptions, midRunChecksPrinted);
}

/**
 * The text report of `lmm run -q`, as memcheck's `-q` leaves its output: the errors alone, that is
 * the loss records the check at exit lists (as `--leak-check` and `--show-leak-kinds` say) and the
 * memory errors, in the full report's order, each followed by its blank line. Left out, as memcheck
 * leaves them out below verbosity 1: the HEAP SUMMARY, LEAK SUMMARY and the lines after it ("All
 * heap blocks were freed", "Rerun with", "Reachable blocks"), the ERROR SUMMARY and the line said
 * when no check ran at exit; and LMM's own lines, none of them an error: the classic reports (the
 * caller does not ask for them), the suppressions used, the PEAK and the HINTS. The mid-run checks
 * are the caller's (`MidRunCheckPrinter` with `quiet`).
 */
export function quietText(report: RunReport, leakOptions: LeakReportOptions = DEFAULT_LEAK_REPORT_OPTIONS): string {
  return exitRecordsText(report, leakOptions) + memoryErrorsText(report);
}

function afterLeaks(report: RunReport, complete: boolean, leakOptions: LeakReportOptions, midRunChecksPrinted = false): string {
  const parts = [
    midRunChecksPrinted ? '' : midRunChecksText(report.leakChecks, leakOptions),
    leakText(report, complete, leakOptions),
    '\n',
    errorText(report, leakOptions),
    '\n',
  ];
  parts.push(peakText(report), '\n', hintText(report));
  return parts.join('');
}

function leakText(report: RunReport, complete: boolean, options: LeakReportOptions): string {
  const out: string[] = ['HEAP SUMMARY:\n'];
  const t = report.totals;
  out.push(`    in use at exit: ${n(t.liveBytes)} bytes in ${blocks(t.liveBlocks)}\n`);
  // Counted as memcheck counts calls: a realloc is an alloc and a free even when it kept its block.
  const usage = t.heapUsage;
  out.push(`  total heap usage: ${n(usage.allocs)} allocs, ${n(usage.frees)} frees, ${n(usage.bytes)} bytes allocated\n\n`);
  // memcheck's --leak-check=no: no check at exit, so nothing here may read as a verdict.
  if (options.leakCheck === 'no') return out.join('') + NO_LEAK_CHECK_LINE;
  out.push(exitRecordsText(report, options));
  const unsuppressed = report.leaks.filter((r) => !r.suppressed);
  const s = report.leakSummary;
  out.push('LEAK SUMMARY:\n');
  if (!complete) out.push(`   (the leak check when the run stopped, at step ${n(t.steps)}: no end-of-run leak check ran)\n`);
  out.push(...leakSummaryLines(s));
  if (unsuppressed.length === 0 && t.liveBlocks === 0)
    out.push(complete ? 'All heap blocks were freed -- no leaks are possible\n' : 'No block was live when the run stopped\n');
  out.push(...hiddenRecordLines(s, options.leakCheck === 'summary', options.showLeakKinds.has('still-reachable')));
  for (const use of report.suppressionsUsed) {
    out.push(`used suppression: ${use.records} record(s) ${use.name} (${use.file}:${use.line})\n`);
  }
  return out.join('');
}

/** The loss records the check at exit lists: with `--leak-check=full`, those of the kinds shown. */
function exitRecordsText(report: RunReport, options: LeakReportOptions): string {
  if (options.leakCheck !== 'full') return '';
  const unsuppressed = report.leaks.filter((r) => !r.suppressed);
  // A record keeps its number among all of them when its kind is not shown, as memcheck's does.
  return unsuppressed
    .map((record, i) => (options.showLeakKinds.has(record.kind) ? lossRecordText(record, i + 1, unsuppressed.length) : ''))
    .join('');
}

/** The report's leak part under --leak-check=no: no verdict (the mid-run checks came before). */
const NO_LEAK_CHECK_LINE =
  'No leak check ran at exit (--leak-check=no): for a detailed leak analysis, rerun with: --leak-check=full\n';

function errorText(report: RunReport, leakOptions: LeakReportOptions): string {
  const out: string[] = [memoryErrorsText(report)];
  const s = memcheckErrorSummary(report, leakOptions);
  out.push(
    `ERROR SUMMARY: ${n(s.errors)} error${s.errors === 1 ? '' : 's'} from ${n(s.contexts)} context${s.contexts === 1 ? '' : 's'}`,
  );
  out.push(` (suppressed: ${n(s.suppressed)})\n`);
  return out.join('');
}

/**
 * Each unsuppressed memory error, its stack and its block's stacks, then a blank line. The block's
 * stacks come in memcheck's order and shape: the free stack first (a freed block), then the
 * allocation stack, each under its heading and indented as the error's own stack is.
 */
function memoryErrorsText(report: RunReport): string {
  const out: string[] = [];
  for (const e of report.errors) {
    if (e.suppressed) continue;
    out.push(`${e.kind}: ${e.message}${e.count > 1 ? ` (${n(e.count)} times)` : ''}\n`);
    out.push(stackLines(e.stack));
    const freeStack = e.freeStack ?? (e.freeSite ? [e.freeSite] : undefined);
    if (freeStack) out.push(' Block was freed at\n', stackLines(freeStack));
    const allocStack = e.allocStack ?? (e.allocSite ? [e.allocSite] : undefined);
    if (allocStack) out.push(' Block was allocated at\n', stackLines(allocStack));
    out.push('\n');
  }
  return out.join('');
}

/**
 * The ERROR SUMMARY's figures as memcheck counts them: the memory errors, and one error in a
 * context of its own for every loss record of a kind in `--errors-for-leak-kinds` (by default
 * definitely and possibly lost) that a leak check reports, mid-run ones too: a full check (and the
 * one at exit) reports every record, an added, changed or new check those that moved so since the
 * check before, a quick check none (`reportedRecords`). The check at exit counts with
 * `--leak-check=full` only (memcheck's summary check lists no record, and `no` runs none); a
 * mid-run check counts whatever `--leak-check` says, as memcheck's `VALGRIND_DO_LEAK_CHECK` is a
 * full check always. Which kinds are shown changes nothing here. The report's `errorSummary`
 * counts the memory errors alone.
 */
export function memcheckErrorSummary(
  report: RunReport,
  leakOptions: LeakReportOptions = DEFAULT_LEAK_REPORT_OPTIONS,
): { errors: number; contexts: number; suppressed: number } {
  const { errors, contexts, suppressed } = report.errorSummary;
  const summary = { errors, contexts, suppressed };
  const checks = [...report.leakChecks, { leaks: report.leaks }];
  const counted = reportedRecords(checks);
  // The check at exit is the last one: it counts when memcheck's would list its records.
  if (leakOptions.leakCheck !== 'full') counted.pop();
  for (const reported of counted) {
    for (const { record } of reported) {
      if (!leakOptions.errorsForLeakKinds.has(record.kind)) continue;
      if (record.suppressed) summary.suppressed++;
      else {
        summary.errors++;
        summary.contexts++;
      }
    }
  }
  return summary;
}

function peakText(report: RunReport): string {
  const p = report.peak;
  if (p.event < 0) return 'PEAK: nothing was allocated\n';
  const out = [`PEAK: ${n(p.appMemory)} bytes of application memory at step ${n(stepNumber(p.event))}\n`];
  if (!p.matchesHeap)
    out.push(`   (the heap counted a peak of ${n(p.heapPeakAppMemory)} bytes: some allocations were not recorded)\n`);
  for (const s of p.byStruct) {
    out.push(`   ${s.struct.padEnd(20)} ${n(s.appMemory).padStart(12)} bytes in ${blocks(s.blocks)}\n`);
  }
  const shown = p.bySite.slice(0, 10);
  // Shares are per call path: two paths through the same XCALLOC line would read alike, so
  // those name the caller too (the frame below the allocating line).
  const sameLine = new Map<string, number>();
  for (const s of shown) sameLine.set(siteText(s.site), (sameLine.get(siteText(s.site)) ?? 0) + 1);
  for (const s of shown) {
    const from = siteText(s.site);
    const caller = sameLine.get(from)! > 1 && s.stack.length > 1 ? ` by ${siteText(s.stack[1])}` : '';
    out.push(`   ${n(s.appMemory).padStart(12)} bytes in ${blocks(s.blocks)} of ${s.struct} from ${from}${caller}\n`);
  }
  return out.join('');
}

function hintText(report: RunReport): string {
  if (report.hints.length === 0) return 'HINTS: none\n';
  const out = ['HINTS:\n'];
  report.hints.forEach((h, i) => out.push(`${i + 1}. [${h.kind}, saves ${n(h.savingBytes)} bytes] ${h.message}\n`));
  return out.join('');
}
