/**
 * `LMM: Export Report`: the last run as JSON (for a harness run, the document `lmm run --json`
 * prints for it; a trace's report itself), SARIF 2.1.0 (leaks and memory
 * errors, for code-scanning tools), text (LMM's classic reports, then leaks, errors, hints) and a
 * self-contained HTML page with a picture of every page's blocks (inline SVG, no scripts: reportHtml.ts).
 * Free of vscode and Node: the command writes what these return.
 */
import { blockUsageReport, memoryUsageReport, registeredPageFamiliesReport } from '../../engine/classicReport';
import { errorsCutText, incompleteRunJson, listedErrors, noHeapRunJson } from '../../analysis/incompleteRunJson';
import { incompleteRunSarif, toSarif, type SarifFindings, type SarifLog } from '../../analysis/sarif';
import { REPORT_SCHEMA_VERSION, type LmmReport } from '../../protocol/runReportSchema';
import { formatCount } from './reportFigures';
import { NO_REPORT_NOTE, toHtml, where } from './reportHtml';
import type { RunState } from './runState';
import {
  incompleteRunLine,
  midRunChecks,
  noLeakCheckReason,
  runEnding,
  shownLeakCheck,
  shownLeakCheckName,
} from './shownLeakCheck';

export type ExportFormat = 'json' | 'sarif' | 'text' | 'html';

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = { json: 'json', sarif: 'sarif', text: 'txt', html: 'html' };

/**
 * Whether Export Report can write `run`: a run with a report, or a harness run that ended with
 * none (a compile error, a killed worker, Stop Run), which exports what `lmm run` prints for it.
 */
export function canExport(run: RunState): boolean {
  return run.report !== undefined || endedWithoutHeap(run);
}

const endedWithoutHeap = (run: RunState) =>
  run.report === undefined && run.kind === 'harness' && (run.status === 'failed' || run.status === 'stopped');

/**
 * @param workspaceFolder the workspace folder of the run's file (`workspaceFolderOf`): SARIF names
 *   the files under it relative to `%SRCROOT%`, which the log says is that folder, as `lmm run
 *   --sarif` does from its working directory (code scanning takes a relative URI from the
 *   repository's root). Without it every file is an absolute `file://` URI.
 */
export function exportReport(run: RunState, format: ExportFormat, toolVersion = 'dev', workspaceFolder?: string): string {
  if (endedWithoutHeap(run)) return exportWithoutHeap(run, format, toolVersion, workspaceFolder);
  const report = run.report;
  if (report === undefined) throw new Error(`${run.label} has no report (${run.status}${run.message ? ': ' + run.message : ''})`);
  switch (format) {
    case 'json':
      return JSON.stringify(exportJson(run, report), null, 2) + '\n';
    case 'sarif':
      return JSON.stringify(exportSarif(run, report, toolVersion, workspaceFolder), null, 2) + '\n';
    case 'text':
      return toText(run, report);
    case 'html':
      return toHtml(run, report);
  }
}

/**
 * A harness run that ended with no report: JSON and SARIF are what `lmm run --json` / `--sarif`
 * print for it (no figures, the memory errors and leak checks streamed before the end); text and
 * HTML say so, with the heap as the views replayed it and those findings.
 */
function exportWithoutHeap(run: RunState, format: ExportFormat, toolVersion: string, workspaceFolder?: string): string {
  const ending = runEnding(run);
  const errors = listedErrors(run.interimErrors?.errors ?? []);
  const leakChecks = run.leakChecksDuringRun ?? [];
  switch (format) {
    case 'json':
      return JSON.stringify(noHeapRunJson(run.file, ending, errors, leakChecks, run.interimErrors), null, 2) + '\n';
    case 'sarif':
      // Validated on its way here; the schema types a kind as a string, the writer as its union.
      return (
        JSON.stringify(
          incompleteRunSarif(
            { harnessFile: run.file, errors: errors as unknown as SarifFindings['errors'] },
            ending,
            toolVersion,
            run.interimErrors,
            workspaceFolder,
          ),
          null,
          2,
        ) + '\n'
      );
    case 'text':
    case 'html': {
      // What the run streamed, in a report's shape: the page's figures come from the replayed heap.
      const streamed: LmmReport = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        complete: false,
        families: [],
        totals: { pages: 0, mappedBytes: 0, appMemory: 0, mmap: 0, munmap: 0 },
        sites: [],
        leaks: [],
        errors,
        leakChecks,
        hints: [],
      };
      return format === 'text' ? toText(run, streamed) : toHtml(run, streamed);
    }
  }
}

export function toText(run: RunState, report: LmmReport): string {
  const heap = run.replay.heap;
  let text = `LMM Studio report: ${run.label} (${run.status})\n`;
  const incomplete = incompleteRunLine(run);
  if (incomplete) text += `${incomplete}\n`;
  if (!run.report) text += `${NO_REPORT_NOTE}\n`;
  text += '\n' + registeredPageFamiliesReport(heap) + memoryUsageReport(heap) + blockUsageReport(heap) + '\n';
  text += leakSummaryText(run, report);
  text += `\nMEMORY ERRORS\n`;
  if (report.errors.length === 0) text += '  none\n';
  for (const error of report.errors) {
    // As the HTML marks a suppressed leak: listed, and said to be silenced.
    const kind = `${error.kind}${error.suppressed === true ? ' (suppressed)' : ''}`;
    text += `  ${kind} ×${error.count}: ${error.message}\n    at ${where(error.site)}\n`;
  }
  // A run with no report lists the errors it streamed, the first of them only ("N of M").
  const cut = run.report ? undefined : errorsCutText(report.errors, run.interimErrors);
  if (cut !== undefined) text += `  (${cut})\n`;
  text += `\nHINTS\n`;
  if (report.hints.length === 0) text += '  none\n';
  for (const hint of report.hints) text += `  ${hint.message} (saves ${formatCount(hint.savingBytes)} bytes)\n`;
  return text;
}

/**
 * The leak summary, headed by the check it is from (the end of the run, or the stop of one that
 * ended early), or by why there is none; then the run's own mid-run checks, each at its step.
 */
function leakSummaryText(run: RunState, report: LmmReport): string {
  const shown = shownLeakCheck(run);
  if (shown.when === 'none') return `LEAK SUMMARY\n  ${noLeakCheckReason(run)}\n`;
  let text = `LEAK SUMMARY (${shownLeakCheckName(shown)})\n`;
  const leaks = shown.leaks.filter((l) => !l.suppressed);
  if (leaks.length === 0) text += shown.when === 'end' ? '  no leaks\n' : '  no block lost at that step\n';
  for (const leak of leaks) {
    text += `  ${leak.bytes} bytes in ${leak.blocks} ${leak.struct} blocks are ${leak.kind}`;
    if (leak.drags && leak.drags.blocks > 0) text += ` (dragging ${leak.drags.blocks} blocks, ${leak.drags.bytes} bytes)`;
    text += '\n';
    for (const [i, frame] of leak.stack.entries()) text += `    ${i === 0 ? 'at' : 'by'} ${where(frame)}\n`;
  }
  const suppressed = shown.leaks.length - leaks.length;
  if (suppressed > 0) text += `  suppressed: ${suppressed} loss records\n`;
  if (shown.when === 'stop')
    text += '  (the heap of a program stopped mid-way: not a verdict, it had not yet freed what it would have)\n';
  for (const check of midRunChecks(report)) {
    text += `  ${check.how} at step ${formatCount(check.step)}${check.site ? ` (${where(check.site)})` : ''}: ${formatCount(check.lostBlocks)} blocks lost\n`;
  }
  return text;
}

/**
 * The document `lmm run --json` prints for the same run (one builder for a run that did not
 * finish, src/analysis/incompleteRunJson.ts): a finished harness run's report; for one that ended early,
 * `complete: false`, its outcome and no leak verdict. What the extension adds to a report for its
 * own views (`freeSites`, for the XFREE hovers) is not part of it.
 */
export function exportJson(run: RunState, report: LmmReport): unknown {
  // A trace's report is the extension's own (no lmm run document to match): all of it.
  if (run.kind !== 'harness') return report;
  const { freeSites: _ownViews, ...runtimeReport } = report;
  if (run.status === 'finished') return runtimeReport;
  return incompleteRunJson(runtimeReport, runEnding(run));
}

/**
 * The SARIF log `lmm run --sarif` writes for the same run (one writer, src/analysis/sarif.ts): a
 * finished run's leaks and memory errors, `executionSuccessful: true`; a run that did not finish
 * (stopped, time limit, crash) says so in an error notification and lists its memory errors only,
 * as its blocks are no leak verdict.
 */
export function exportSarif(run: RunState, report: LmmReport, toolVersion: string, workspaceFolder?: string): SarifLog {
  // The report is the worker's run report, validated against the protocol's schema on its way
  // here; the schema's types are looser than the run report's (a leak's `drags` is optional there,
  // and the writer reads it so).
  const findings = report as unknown as SarifFindings;
  if (run.status === 'finished') return toSarif(findings, toolVersion, { executionSuccessful: true }, workspaceFolder);
  return incompleteRunSarif(findings, runEnding(run), toolVersion, undefined, workspaceFolder);
}

/**
 * The workspace folder `file` is in (the innermost, when folders nest), as VS Code's
 * `workspace.getWorkspaceFolder` finds it; undefined for a file outside every folder.
 */
export function workspaceFolderOf(file: string, folders: readonly string[]): string | undefined {
  const slashed = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  // Windows paths compare without case, as the file system does.
  const key = (p: string) => (/^[A-Za-z]:\//.test(p) ? p.toLowerCase() : p);
  const path = key(slashed(file));
  let best: string | undefined;
  for (const folder of folders) {
    const base = key(slashed(folder));
    if (path.startsWith(`${base}/`) && (best === undefined || base.length > key(slashed(best)).length)) best = folder;
  }
  return best;
}

export { mapLegendHtml, pagesSvg, toHtml } from './reportHtml';
