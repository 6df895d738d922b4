/**
 * `lmm run`'s text report: LMM's classic reports (the C implementation's format), then a leak
 * summary in memcheck's spirit (loss records with stacks, LEAK SUMMARY), memory errors, the peak
 * (like massif) and the hints.
 */
import { blockUsageReport, memoryUsageReport, registeredPageFamiliesReport } from '../engine/classicReport';
import { reportedRecords } from './leakCheckDeltas';
import { DEFAULT_LEAK_REPORT_OPTIONS, type LeakReportOptions } from './leakReportOptions';
import { stepNumber } from './stepNumber';
import type { LmmHeap } from '../engine/lmmHeap';
import type { Site } from './analysisInput';
import type { LossRecord, RootPathStep } from './leakCheck';
import type { RunReport } from './runReport';
import { siteText } from './siteText';

const KIND_WORDS: Record<LossRecord['kind'], string> = {
  'definitely-lost': 'definitely lost',
  'indirectly-lost': 'indirectly lost',
  'possibly-lost': 'possibly lost',
  'still-reachable': 'still reachable',
};

/**
 * @param classic the heap (its classic reports are written here) or those reports as text, for
 *   callers outside the worker that holds the heap.
 * @param complete false for a run that ended early (a throw, a limit): its leak summary is the
 *   check of the heap when it stopped, said so, and never memcheck's "no leaks are possible".
 * @param leakOptions memcheck's leak-report options (`lmm run --leak-check=summary`, …).
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
 */
export function textAfterClassic(
  report: RunReport,
  classicEndsWithBlankLine: boolean,
  complete = true,
  leakOptions: LeakReportOptions = DEFAULT_LEAK_REPORT_OPTIONS,
): string {
  return (classicEndsWithBlankLine ? '' : '\n') + afterLeaks(report, complete, leakOptions);
}

function afterLeaks(report: RunReport, complete: boolean, leakOptions: LeakReportOptions): string {
  const parts = [leakText(report, complete, leakOptions), '\n', errorText(report, leakOptions), '\n'];
  parts.push(peakText(report), '\n', hintText(report));
  return parts.join('');
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function blocks(count: number): string {
  return `${n(count)} block${count === 1 ? '' : 's'}`;
}

function stackLines(stack: readonly Site[], indent = '   '): string {
  if (stack.length === 0) return `${indent}at (unknown site)\n`;
  return stack.map((s, i) => `${indent}${i === 0 ? 'at' : 'by'} ${siteText(s)}\n`).join('');
}

/** A path from a root, one step a line; `elided` steps cut from its middle are named where they were. */
function pathText(path: readonly RootPathStep[], elided = 0): string {
  const lines = path.map((step, i) =>
    i === 0
      ? `root "${step.field}" → ${step.struct}${step.interior ? ' (interior pointer)' : ''} (${siteText(step.site)})`
      : `.${step.field} → ${step.struct}${step.interior ? ' (interior pointer)' : ''} (allocated at ${siteText(step.site)})`,
  );
  if (elided > 0) lines.splice(path.length / 2, 0, `… ${n(elided)} more blocks on the way …`);
  return lines.join('\n      ');
}

function leakText(report: RunReport, complete: boolean, options: LeakReportOptions): string {
  const out: string[] = ['HEAP SUMMARY:\n'];
  const t = report.totals;
  out.push(`    in use at exit: ${n(t.liveBytes)} bytes in ${blocks(t.liveBlocks)}\n`);
  // Counted as memcheck counts calls: a realloc is an alloc and a free even when it kept its block.
  const usage = t.heapUsage;
  out.push(`  total heap usage: ${n(usage.allocs)} allocs, ${n(usage.frees)} frees, ${n(usage.bytes)} bytes allocated\n\n`);
  // memcheck's --leak-check=no: no check at exit, so nothing here may read as a verdict.
  if (options.leakCheck === 'no') return out.join('') + noLeakCheckText(report);
  const unsuppressed = report.leaks.filter((r) => !r.suppressed);
  // A record keeps its number among all of them when its kind is not shown, as memcheck's does.
  unsuppressed.forEach((record, i) => {
    if (options.leakCheck !== 'full' || !options.showLeakKinds.has(record.kind)) return;
    // memcheck's words: a definitely lost block that drags others along counts their bytes too.
    const dragged = record.kind === 'definitely-lost' && record.drags.blocks > 0;
    const bytes = dragged
      ? `${n(record.bytes + record.drags.bytes)} (${n(record.bytes)} direct, ${n(record.drags.bytes)} indirect)`
      : n(record.bytes);
    out.push(
      `${bytes} bytes in ${blocks(record.blocks)} are ${KIND_WORDS[record.kind]} ` +
        `in loss record ${i + 1} of ${unsuppressed.length} (${record.struct})\n`,
    );
    out.push(stackLines(record.stack));
    if (dragged) {
      out.push(`   and drags along ${n(record.drags.bytes)} bytes in ${blocks(record.drags.blocks)} that are indirectly lost\n`);
    }
    if (record.rootPath !== undefined && record.rootPath.length > 0) {
      out.push(`   reachable through: ${pathText(record.rootPath, record.rootPathElided)}\n`);
    }
    out.push('\n');
  });
  const s = report.leakSummary;
  out.push('LEAK SUMMARY:\n');
  if (!complete) out.push(`   (the leak check when the run stopped, at step ${n(t.steps)}: no end-of-run leak check ran)\n`);
  out.push(`   definitely lost: ${n(s['definitely-lost'].bytes)} bytes in ${blocks(s['definitely-lost'].blocks)}\n`);
  out.push(`   indirectly lost: ${n(s['indirectly-lost'].bytes)} bytes in ${blocks(s['indirectly-lost'].blocks)}\n`);
  out.push(`     possibly lost: ${n(s['possibly-lost'].bytes)} bytes in ${blocks(s['possibly-lost'].blocks)}\n`);
  out.push(`   still reachable: ${n(s['still-reachable'].bytes)} bytes in ${blocks(s['still-reachable'].blocks)}\n`);
  out.push(`        suppressed: ${n(s.suppressed.bytes)} bytes in ${blocks(s.suppressed.blocks)}\n`);
  if (unsuppressed.length === 0 && t.liveBlocks === 0)
    out.push(complete ? 'All heap blocks were freed -- no leaks are possible\n' : 'No block was live when the run stopped\n');
  out.push(...hiddenRecordLines(report, options));
  for (const use of report.suppressionsUsed) {
    out.push(`used suppression: ${use.records} record(s) ${use.name} (${use.file}:${use.line})\n`);
  }
  out.push(midRunCheckLines(report));
  return out.join('');
}

/** memcheck's lines after its LEAK SUMMARY when records were left out (mc_leakcheck.c's print_results). */
function hiddenRecordLines(report: RunReport, options: LeakReportOptions): string[] {
  const s = report.leakSummary;
  const held =
    s['definitely-lost'].blocks + s['indirectly-lost'].blocks + s['possibly-lost'].blocks + s['still-reachable'].blocks;
  if (options.leakCheck === 'summary') return held > 0 ? ['Rerun with --leak-check=full to see details of leaked memory\n'] : [];
  if (s['still-reachable'].blocks > 0 && !options.showLeakKinds.has('still-reachable'))
    return [
      'Reachable blocks (those to which a pointer was found) are not shown.\n',
      'To see them, rerun with: --leak-check=full --show-leak-kinds=all\n',
    ];
  return [];
}

/** The report's leak part under --leak-check=no: what the mid-run checks found, and no verdict. */
function noLeakCheckText(report: RunReport): string {
  return (
    'No leak check ran at exit (--leak-check=no): for a detailed leak analysis, rerun with: --leak-check=full\n' +
    midRunCheckLines(report)
  );
}

function midRunCheckLines(report: RunReport): string {
  const out: string[] = [];
  report.leakChecks.forEach((check, i) => {
    const previous = i > 0 ? report.leakChecks[i - 1]!.summary : undefined;
    const kinds = (Object.keys(KIND_WORDS) as LossRecord['kind'][]).map(
      (kind) => `${KIND_WORDS[kind]} ${checkFigures(check.summary[kind], previous?.[kind])}`,
    );
    out.push(
      `leak check at ${siteText(check.site)} (step ${n(stepNumber(check.event))}${check.requested ? ', Check Leaks Now' : ''}${check.mode ? `, ${check.mode}` : ''}): ${kinds.join(', ')}\n`,
    );
  });
  return out.join('');
}

/**
 * One kind's figures at a leak check, as memcheck prints a check after the first: with what
 * changed since the check before, `10 (+10) bytes in 1 (+1) blocks`.
 */
function checkFigures(now: { bytes: number; blocks: number }, before: { bytes: number; blocks: number } | undefined): string {
  if (before === undefined) return `${n(now.bytes)} bytes in ${blocks(now.blocks)}`;
  const change = (a: number, b: number): string => (a >= b ? `+${n(a - b)}` : `-${n(b - a)}`);
  return (
    `${n(now.bytes)} (${change(now.bytes, before.bytes)}) bytes in ` +
    `${n(now.blocks)} (${change(now.blocks, before.blocks)}) block${now.blocks === 1 ? '' : 's'}`
  );
}

function errorText(report: RunReport, leakOptions: LeakReportOptions): string {
  const out: string[] = [];
  for (const e of report.errors) {
    if (e.suppressed) continue;
    out.push(`${e.kind}: ${e.message}${e.count > 1 ? ` (${n(e.count)} times)` : ''}\n`);
    out.push(stackLines(e.stack));
    if (e.allocSite) out.push(` Block was allocated at ${siteText(e.allocSite)}\n`);
    if (e.freeSite) out.push(` and freed at ${siteText(e.freeSite)}\n`);
    out.push('\n');
  }
  const s = memcheckErrorSummary(report, leakOptions);
  out.push(
    `ERROR SUMMARY: ${n(s.errors)} error${s.errors === 1 ? '' : 's'} from ${n(s.contexts)} context${s.contexts === 1 ? '' : 's'}`,
  );
  out.push(` (suppressed: ${n(s.suppressed)})\n`);
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
