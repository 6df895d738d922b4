/**
 * `LMM: Compare Runs` on a workload file (`.rep` / `.trace`): several policies' counters side by
 * side, their mapped bytes over the run on one chart, then each policy's pages at its peak and
 * at the end, as Markdown and as a script-less
 * webview page (styles through the nonce only, like the harness-vs-harness comparison).
 */
import { findPolicy } from '../../policies/policyRegistry';
import { bytesText, percent } from '../../policies/reportFormat';
import { CHART_CLASS_STYLES, policyChartLegendHtml, policyChartSvg } from './policyChartSvg';
import { webviewPageStyles } from './pagePictureStyles';
import { escapeHtml, pageRows, POLICY_COLOURS, policyPagesSvg } from './policyPagesSvg';
import type { PolicyRunResult } from './policyRun';

/** The policies Compare Runs offers ticked. */
export const DEFAULT_COMPARED_POLICIES = ['lmm-classic', 'hybrid'] as const;

export interface PolicyCompareRow {
  label: string;
  /** One cell per run, in the runs' order. */
  cells: string[];
}

export interface PolicyCompareModel {
  workload: string;
  ops: number;
  policies: string[];
  rows: PolicyCompareRow[];
}

/** Whether the run's replay kept every payload intact and every invariant. */
export function integrityText(run: PolicyRunResult): string {
  const { integrity, invariants } = run.report;
  if (integrity === 'ok' && invariants === 'ok') return 'ok';
  return integrity !== 'ok' ? `FAILED: ${integrity}` : `FAILED: ${invariants}`;
}

export function policyCompareModel(runs: readonly PolicyRunResult[]): PolicyCompareModel {
  if (runs.length === 0) throw new Error('nothing to compare: no policy runs');
  const workload = runs[0]!.workload;
  for (const run of runs) {
    if (run.workload !== workload) throw new Error(`runs of different workloads: ${workload} and ${run.workload}`);
  }
  const row = (label: string, cell: (run: PolicyRunResult) => string): PolicyCompareRow => ({ label, cells: runs.map(cell) });
  const rows = [
    row('utilization (peak payload ÷ peak mapped)', (r) => percent(r.report.utilization)),
    // A policy that refused requests never held their payload: its utilization is not measured
    // on the same work as the others'.
    row('utilization comparable', (r) =>
      r.report.rejected > 0
        ? `no: ${r.report.rejected.toLocaleString('en-US')} request${r.report.rejected === 1 ? '' : 's'} refused`
        : 'yes',
    ),
    row('peak mapped bytes', (r) => bytesText(r.report.peakMappedBytes)),
    row('mapped bytes at the end', (r) => bytesText(r.report.mappedBytes)),
    row('peak live payload', (r) => bytesText(r.report.peakPayload)),
    row('syscalls (mmap + munmap)', (r) => String(r.report.syscalls)),
    row('mmap calls', (r) => String(r.report.mmap)),
    row('munmap calls', (r) => String(r.report.munmap)),
    row('Kops/s (timing pass)', (r) => (r.report.kops > 0 ? r.report.kops.toFixed(0) : 'not timed')),
    row('integrity and invariants', integrityText),
    row('rejected requests', (r) => String(r.report.rejected)),
    row('header cost', (r) => findPolicy(r.report.policy)?.header ?? '?'),
  ];
  return { workload, ops: runs[0]!.ops, policies: runs.map((r) => r.report.policy), rows };
}

export function policyCompareMarkdown(runs: readonly PolicyRunResult[]): string {
  const model = policyCompareModel(runs);
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  let text = `# LMM: compare policies on ${model.workload} (${model.ops} operations)\n\n`;
  text += `| | ${model.policies.map(cell).join(' | ')} |\n|---|${model.policies.map(() => '---:').join('|')}|\n`;
  for (const r of model.rows) text += `| ${cell(r.label)} | ${r.cells.map(cell).join(' | ')} |\n`;
  return text;
}

function legendHtml(): string {
  const item = (colour: string, text: string) =>
    `<span class="key"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" class="${colour.split(' ')[0]} b"/></svg>${text}</span>`;
  return `<p class="legend">${item(POLICY_COLOURS.header, 'header')}${item(POLICY_COLOURS.used, 'used payload (struct families in their own colours)')}${item(POLICY_COLOURS.free, 'free')}${item(POLICY_COLOURS.overhead, 'policy bookkeeping')}</p>`;
}

/** Page rows per picture: all pictures of a page together stay around 640 rows (the HTML stays a few MB at most). */
export function rowsPerPicture(runs: readonly PolicyRunResult[]): number {
  const pictures = runs.reduce((n, r) => n + (r.peak !== null ? 2 : 1), 0);
  return Math.max(24, Math.min(160, Math.floor(640 / Math.max(1, pictures))));
}

function picturesHtml(run: PolicyRunResult, maxRows: number): string {
  const policy = run.report.policy;
  const parts: string[] = [];
  if (run.peak !== null) {
    parts.push(
      `<h3>At the peak: ${escapeHtml(bytesText(run.peak.mappedBytes))} mapped, ${pageRows(run.peak.mappings)} pages (after ${run.peak.calls} allocator calls)</h3>`,
      policyPagesSvg(run.peak.mappings, run.pageSize, { label: `${policy} at the peak`, maxRows }),
    );
  }
  parts.push(
    `<h3>At the end: ${escapeHtml(bytesText(run.end.mappedBytes))} mapped, ${pageRows(run.end.mappings)} pages${run.peak === null ? ' (also the peak)' : ''}</h3>`,
    policyPagesSvg(run.end.mappings, run.pageSize, { label: `${policy} at the end`, maxRows }),
  );
  return `<section aria-label="${escapeHtml(policy)}"><h2>${escapeHtml(policy)}</h2>${parts.join('\n')}</section>`;
}

export interface PolicyPageOptions {
  /** The page's heading (default: `Compare policies: WORKLOAD`). */
  title?: string;
  /** A sentence under the heading, e.g. why this page and not the Memory Map. */
  note?: string;
}

export function policyCompareHtml(
  runs: readonly PolicyRunResult[],
  nonce: string,
  cspSource: string,
  options: PolicyPageOptions = {},
): string {
  const model = policyCompareModel(runs);
  const head = model.policies.map((p) => `<th scope="col">${escapeHtml(p)}</th>`).join('');
  const body = model.rows
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.label)}</th>${r.cells.map((c) => `<td${c.startsWith('FAILED') ? ' class="bad"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const title = options.title ?? `Compare policies: ${model.workload}`;
  const each = runs.length === 1 ? `under ${model.policies[0]}` : 'under each policy';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${escapeHtml(cspSource)} data:; style-src 'nonce-${nonce}'">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid var(--vscode-panel-border);padding:.2em .6em;text-align:right}th[scope=row]{text-align:left;font-weight:normal}td.bad{color:var(--vscode-errorForeground);text-align:left}.maps{display:flex;gap:1em;flex-wrap:wrap}.maps>section{flex:1 1 480px;overflow:auto}h3{font-size:1em;font-weight:normal}svg{max-width:100%;height:auto}svg text{fill:var(--vscode-foreground)}.legend .key{margin-right:1em;white-space:nowrap}.legend svg{vertical-align:middle;margin-right:.3em}.note{opacity:.8}${CHART_CLASS_STYLES}${webviewPageStyles()}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${model.ops} operations, replayed ${escapeHtml(each)} by the malloc-lab driver (payload pattern checked at every realloc and free), then timed without checks.</p>${options.note !== undefined ? `\n<p class="note">${escapeHtml(options.note)}</p>` : ''}
<table><thead><tr><th></th>${head}</tr></thead>
<tbody>${body}</tbody></table>
<h2>Over the run</h2>
${policyChartSvg(runs)}
${policyChartLegendHtml(runs)}
${legendHtml()}
<div class="maps">${runs.map((run) => picturesHtml(run, rowsPerPicture(runs))).join('\n')}</div>
</body></html>
`;
}
