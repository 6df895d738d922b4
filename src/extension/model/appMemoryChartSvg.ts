/**
 * The HTML export's chart: application memory (payload + meta data of the live blocks) over the
 * run, as a static inline SVG with axes in bytes and steps, its peak marked, and a legend beside
 * it. The series is made when the report is exported, by replaying the run's kept operations on a
 * fresh heap, so a run costs nothing for it while it goes on; each point is the largest value of
 * its window of steps, so no peak falls between two points.
 */
import { META_SIZE } from '../../engine/constants';
import { CHART_COLOUR_DEFAULTS } from '../../protocol/chartPalette';
import { HeapReplay } from './heapReplay';
import { escapeHtml } from './policyPagesSvg';
import { formatCount } from './reportFigures';

/** Points at most in the exported chart (one per window of steps). */
export const MAX_CHART_POINTS = 600;

export interface AppMemorySeries {
  /** Steps the series covers: the run's kept operations. */
  steps: number;
  /** The run's step the series begins at (after `lmm.eventsKept` dropped the ones before). */
  firstStep: number;
  /** Steps the run made (more than `steps` when `lmm.eventsKept` left later ones out). */
  runSteps: number;
  /** Steps per point. */
  window: number;
  /** Per window of steps, the most application memory at any step of it. */
  values: number[];
  peak: number;
  /** The first step at which the peak was reached (0 for an empty run). */
  peakStep: number;
}

export function appMemorySeries(replay: HeapReplay, maxPoints = MAX_CHART_POINTS): AppMemorySeries {
  const steps = replay.keptSteps;
  const firstStep = replay.windowStart;
  const window = Math.max(1, Math.ceil(steps / maxPoints));
  const values = new Array<number>(Math.ceil(steps / window)).fill(0);
  let peak = 0;
  let peakStep = 0;
  const again = new HeapReplay({
    pageSize: replay.heap.pageSize,
    memoryCap: replay.heap.kernel.memoryCap,
    eventsKept: 0,
    afterEachStep: (heap, step) => {
      const value = heap.appMemory;
      const at = Math.floor((step - 1 - firstStep) / window);
      if (value > values[at]!) values[at] = value;
      if (value > peak) {
        peak = value;
        peakStep = step;
      }
    },
  });
  again.startAtWindowOf(replay);
  for (const batch of replay.batches) again.apply(batch);
  return { steps, firstStep, runSteps: replay.steps, window, values, peak, peakStep };
}

const WIDTH = 640;
const HEIGHT = 200;
const LEFT = 90;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 32;

/** The colour rules the chart's classes need, light and dark (the exported page follows the reader's colour scheme). */
export const APP_MEMORY_CHART_STYLES =
  `.series{fill:none;stroke:${CHART_COLOUR_DEFAULTS.blue.light};stroke-width:1.5}.peak{fill:${CHART_COLOUR_DEFAULTS.red.light}}` +
  `.axis{stroke:#767676;stroke-width:1}.chart-legend{display:flex;gap:1.5em;flex-wrap:wrap;align-items:center}.chart-legend svg{border:0;vertical-align:middle}` +
  `@media (prefers-color-scheme:dark){.series{stroke:${CHART_COLOUR_DEFAULTS.blue.dark}}.peak{fill:${CHART_COLOUR_DEFAULTS.red.dark}}}`;

export function appMemoryChartSvg(series: AppMemorySeries): string {
  const { steps, firstStep, values, window, peak, peakStep } = series;
  if (steps === 0) return '<p>No heap operations: nothing to chart.</p>';
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const bottom = TOP + plotHeight;
  const x = (step: number) => LEFT + ((step - firstStep) / steps) * plotWidth;
  const y = (bytes: number) => bottom - (peak > 0 ? (bytes / peak) * plotHeight : 0);
  const points = [`${x(firstStep).toFixed(1)},${y(firstStep === 0 ? 0 : (values[0] ?? 0)).toFixed(1)}`];
  values.forEach((value, i) =>
    points.push(`${x(firstStep + Math.min((i + 1) * window, steps)).toFixed(1)},${y(value).toFixed(1)}`),
  );
  const bytes = (n: number) => `${formatCount(n)} B`;
  const label = `Application memory over ${formatCount(steps)} steps: peak ${bytes(peak)} at step ${formatCount(peakStep)}.`;
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">` +
    `<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${bottom}"/>` +
    `<line class="axis" x1="${LEFT}" y1="${bottom}" x2="${WIDTH - RIGHT}" y2="${bottom}"/>` +
    `<text x="${LEFT - 6}" y="${TOP + 10}" text-anchor="end" font-size="11">${bytes(peak)}</text>` +
    `<text x="${LEFT - 6}" y="${bottom}" text-anchor="end" font-size="11">0 B</text>` +
    `<text x="${LEFT}" y="${HEIGHT - 10}" font-size="11">step ${formatCount(firstStep)}</text>` +
    `<text x="${WIDTH - RIGHT}" y="${HEIGHT - 10}" text-anchor="end" font-size="11">step ${formatCount(firstStep + steps)}</text>` +
    `<polyline class="series" points="${points.join(' ')}"><title>application memory, the most in each window of ${formatCount(window)} step${window === 1 ? '' : 's'}</title></polyline>` +
    (peakStep > 0
      ? `<circle class="peak" cx="${x(peakStep).toFixed(1)}" cy="${y(peak).toFixed(1)}" r="3.5"><title>peak: ${bytes(peak)} at step ${formatCount(peakStep)}</title></circle>`
      : '') +
    `</svg>`
  );
}

/** The chart's legend: what the line is, where the peak is, and which steps it covers. */
export function appMemoryLegendHtml(series: AppMemorySeries): string {
  const line = `<svg width="24" height="10" aria-hidden="true"><line class="series" x1="0" y1="5" x2="24" y2="5"/></svg>`;
  const dot = `<svg width="10" height="10" aria-hidden="true"><circle class="peak" cx="5" cy="5" r="3.5"/></svg>`;
  const items = [
    `<span>${line} application memory: payload + ${META_SIZE} B of meta data per live block</span>`,
    `<span>${dot} peak: ${formatCount(series.peak)} B at step ${formatCount(series.peakStep)}</span>`,
  ];
  if (series.runSteps > series.steps) {
    items.push(
      `<span>the last ${formatCount(series.steps)} of ${formatCount(series.runSteps)} steps (the ones the run kept, lmm.eventsKept)</span>`,
    );
  }
  return `<p class="chart-legend">${items.join('')}</p>`;
}
