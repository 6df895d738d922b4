/**
 * Compare Runs' chart: mapped bytes over the run under each policy, on one axis, with the live
 * payload the workload asks for as a dashed line under them (what no policy can map less than).
 * The gap between a policy's line and the payload is its overhead, at every moment, not only at
 * the peak the table gives. Static SVG (the page runs no script); colours come from classes that
 * the page's nonce'd style block maps to VS Code's chart colours, so every theme stays readable.
 */
import { bytesText } from '../../policies/reportFormat';
import { policyChartStyles, policyLineClass } from '../../protocol/chartPalette';
import { escapeHtml } from './policyPagesSvg';
import type { PolicyRunResult } from './policyRun';

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 70;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 30;

/** The theme's chart colours, one per policy in order (then round again, dotted); `payload` is the foreground. */
export const CHART_CLASS_STYLES =
  policyChartStyles() +
  '.payload{stroke:var(--vscode-foreground);stroke-dasharray:4 3}.chart polyline{fill:none;stroke-width:1.5}' +
  '.chart .axis{stroke:var(--vscode-panel-border);stroke-width:1}.swatch{display:inline-block;width:1.5em;vertical-align:middle}';

/**
 * A polyline through the window maxima `values`, each at its window's end, from the state before
 * the first operation (nothing mapped, nothing live) to the state `atEnd` after the last one,
 * scaled so that `max` is the top.
 */
function points(values: readonly number[], atEnd: number, max: number): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const all = [0, ...values, atEnd];
  const last = all.length - 1;
  return all
    .map((v, i) => {
      // The end point sits on the last window's end: a drop there draws as a vertical line.
      const x = LEFT + (Math.min(i, last - 1) / (last - 1)) * plotWidth;
      const y = TOP + plotHeight - (max > 0 ? (v / max) * plotHeight : 0);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export function policyChartSvg(runs: readonly PolicyRunResult[]): string {
  if (runs.length === 0) return '';
  const payload = runs[0]!.series.payloadBytes;
  let max = 0;
  for (const v of payload) if (v > max) max = v;
  for (const run of runs) for (const v of run.series.mappedBytes) if (v > max) max = v;
  const ops = runs[0]!.ops;
  const bottom = HEIGHT - BOTTOM;
  const lines = runs
    .map(
      (run, i) =>
        `<polyline class="${policyLineClass(i)}" points="${points(run.series.mappedBytes, run.series.mappedBytesAtEnd, max)}"><title>${escapeHtml(run.report.policy)}: mapped bytes, peak ${escapeHtml(bytesText(run.report.peakMappedBytes))}</title></polyline>`,
    )
    .join('');
  const label = `Mapped bytes over ${ops} operations under ${runs.map((r) => r.report.policy).join(', ')}, and the live payload (dashed); the top of the chart is ${bytesText(max)}.`;
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(label)}" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" xmlns="http://www.w3.org/2000/svg">` +
    `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${bottom}"/><line class="axis" x1="${LEFT}" y1="${bottom}" x2="${WIDTH - RIGHT}" y2="${bottom}"/>` +
    `<text x="${LEFT - 4}" y="${TOP + 10}" text-anchor="end" font-size="11">${escapeHtml(bytesText(max))}</text>` +
    `<text x="${LEFT - 4}" y="${bottom}" text-anchor="end" font-size="11">0</text>` +
    `<text x="${LEFT}" y="${HEIGHT - 8}" font-size="11">operation 1</text>` +
    `<text x="${WIDTH - RIGHT}" y="${HEIGHT - 8}" text-anchor="end" font-size="11">operation ${ops}</text>` +
    `<polyline class="payload" points="${points(payload, runs[0]!.series.payloadBytesAtEnd, max)}"><title>live payload asked for</title></polyline>` +
    lines +
    `</svg>`
  );
}

/** The chart's key: one swatch per policy, then the payload. */
export function policyChartLegendHtml(runs: readonly PolicyRunResult[]): string {
  const swatch = (cls: string) =>
    `<svg class="swatch" width="24" height="8" aria-hidden="true"><polyline class="${cls}" points="0,4 24,4"/></svg>`;
  const items = runs.map(
    (run, i) => `<span class="key">${swatch(policyLineClass(i))}${escapeHtml(run.report.policy)} (mapped)</span>`,
  );
  items.push(`<span class="key">${swatch('payload')}live payload</span>`);
  return `<p class="legend chart">${items.join('')}</p>`;
}
