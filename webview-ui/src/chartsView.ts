/**
 * Charts over time (application memory, mapped bytes, pages, mmap/munmap calls, external
 * fragmentation, leaks at each leak check) on one canvas. A million steps become one min/max
 * pair per pixel column (decimation), cached until the run grows or the width changes. Each chart
 * has a value axis with its unit and a step scale; the pointer shows a crosshair with the step and
 * the value there in every chart at once (and on the timeline, through `onHover`).
 */
import { SeriesSummary } from './decimate';
import { fitText } from './fitText';
import type { RunModel } from './runModel';
import type { MapColors } from './themeColors';

type Series = ArrayLike<number>;

interface ChartSpec {
  title: string;
  /** What the title shrinks to when the chart is too narrow for it. */
  shortTitle: string;
  lines: Array<(model: RunModel) => Series>;
  format: (value: number) => string;
  fixedMax?: number;
}

const CHARTS: ChartSpec[] = [
  // Each line's values from the timeline's first step on (index 0: `model.firstStep`).
  { title: 'Application memory', shortTitle: 'App memory', lines: [(m) => m.timeline.seriesWindow('appMemory')], format: bytes },
  { title: 'Mapped bytes', shortTitle: 'Mapped', lines: [(m) => m.timeline.seriesWindow('mappedBytes')], format: bytes },
  { title: 'Pages', shortTitle: 'Pages', lines: [(m) => m.timeline.seriesWindow('pages')], format: count },
  {
    title: 'mmap / munmap calls',
    shortTitle: 'mmap/munmap',
    lines: [(m) => m.timeline.seriesWindow('mmap'), (m) => m.timeline.seriesWindow('munmap')],
    format: count,
  },
  {
    title: 'External fragmentation',
    shortTitle: 'Ext. frag.',
    lines: [(m) => m.timeline.seriesWindow('externalFragmentation')],
    format: (v) => `${(v * 100).toFixed(0)} %`,
    fixedMax: 1,
  },
];
const LEAK_CHART_TITLE = 'Leaked bytes at leak checks';
const LEAK_CHART_SHORT_TITLE = 'Leaked';
const BASE_ARIA_LABEL = 'Charts over time; click or drag to move the timeline';

/** A chart's title in its full wording (tooltip, screen readers) and the wordings to try on the canvas. */
interface ChartTitle {
  full: string;
  wordings: string[];
}
const CHART_COUNT = CHARTS.length + 1;

const TITLE_HEIGHT = 16;
const CHART_HEIGHT = 56;
/** The step scale, under the bottom row of charts (all charts share their steps axis). */
const STEP_AXIS_HEIGHT = 12;
/** The value axis left of each chart (its labels: the top value and 0). */
export const VALUE_AXIS_WIDTH = 60;
const GAP = 8;
const CELL_HEIGHT = TITLE_HEIGHT + CHART_HEIGHT + GAP;

export class ChartsView {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private model: RunModel | null = null;
  private step = -1;
  private colors: MapColors | null = null;
  private cache = new Map<string, { min: Float64Array; max: Float64Array }>();
  /** Block summaries per chart line, for the current run. */
  private summaries = new Map<string, SeriesSummary>();
  private cacheKey = '';
  private dragging = false;
  lastDrawMs = 0;

  /** The step under the pointer here or on the timeline (-1: none); drawn as a crosshair. */
  private hoverStep = -1;
  /** What each chart's crosshair read at the last draw (for tests and screen readers). */
  readonly readouts: Array<{ chart: string; step: number; text: string }> = [];

  constructor(
    private readonly onScrub: (step: number, continuous: boolean) => void,
    private readonly onHover: (step: number) => void = () => {},
  ) {
    this.element = document.createElement('div');
    this.element.className = 'charts';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', BASE_ARIA_LABEL);
    this.element.append(this.canvas);
    this.context = this.canvas.getContext('2d')!;
    const scrub = (event: PointerEvent) => {
      const model = this.model;
      if (!model || model.length === 0) return;
      const { width } = this.geometry();
      const column = event.offsetX % (width + GAP);
      const fraction = Math.min(1, Math.max(0, (column - VALUE_AXIS_WIDTH) / (width - VALUE_AXIS_WIDTH)));
      this.onScrub(model.stepAtFraction(fraction), true);
    };
    this.canvas.addEventListener('pointerdown', (event) => {
      this.dragging = true;
      this.canvas.setPointerCapture(event.pointerId);
      scrub(event);
    });
    this.canvas.addEventListener('pointermove', (event) => {
      if (this.dragging) scrub(event);
      else this.showTitleTooltip(event.offsetX, event.offsetY);
      this.pointerAt(event.offsetX, event.offsetY);
    });
    this.canvas.addEventListener('pointerup', () => (this.dragging = false));
    this.canvas.addEventListener('pointerleave', () => {
      if (this.hoverStep < 0) return;
      this.onHover(-1);
      this.showHover(-1);
    });
    new ResizeObserver(([entry]) => {
      this.totalWidth = Math.floor(entry!.contentRect.width);
      this.draw();
    }).observe(this.element);
  }

  /** The element's width, from resize events (drawing never reads layout). */
  private totalWidth = 0;
  /** Each chart's full title at the last draw (titles on the canvas may be shortened to fit). */
  private fullTitles: string[] = [];
  /** Where each title was drawn at the last draw (for tests: titles must not overlap). */
  readonly titleBoxes: Array<{ text: string; full: string; x: number; y: number; width: number; maxWidth: number }> = [];

  /** The step under the pointer when it is over a chart's plot, else -1. */
  private stepAt(x: number, y: number): number {
    const model = this.model;
    if (!model || model.length === 0) return -1;
    const { width } = this.geometry();
    const inCell = x % (width + GAP);
    const inRow = y % CELL_HEIGHT;
    if (inCell < VALUE_AXIS_WIDTH || inCell >= width || inRow < TITLE_HEIGHT || inRow >= TITLE_HEIGHT + CHART_HEIGHT) return -1;
    const fraction = (inCell - VALUE_AXIS_WIDTH) / (width - VALUE_AXIS_WIDTH);
    return model.stepAtFraction(fraction);
  }

  private pointerAt(x: number, y: number): void {
    const step = this.stepAt(x, y);
    if (step === this.hoverStep) return;
    this.onHover(step);
    this.showHover(step);
  }

  /** Shows the crosshair at `step` (-1: none) in every chart. */
  showHover(step: number): void {
    if (step === this.hoverStep) return;
    this.hoverStep = step;
    this.draw();
  }

  /** The full title of the chart under the pointer, as the canvas's tooltip. */
  private showTitleTooltip(x: number, y: number): void {
    const { columns, width } = this.geometry();
    const column = Math.floor(x / (width + GAP));
    const index = Math.floor(y / CELL_HEIGHT) * columns + column;
    const text = column < columns ? (this.fullTitles[index] ?? '') : '';
    if (this.canvas.title !== text) this.canvas.title = text;
  }

  setColors(colors: MapColors): void {
    this.colors = colors;
  }

  /** The step the charts were last drawn at (-1: none). */
  get shownStep(): number {
    return this.step;
  }

  show(model: RunModel | null, step: number): void {
    if (model !== this.model) {
      this.cache.clear();
      this.summaries.clear();
    }
    this.model = model;
    this.step = step;
    this.draw();
  }

  private geometry(): { columns: number; width: number; x0: number } {
    const total = this.totalWidth;
    const columns = total >= 900 ? 3 : total >= 520 ? 2 : 1;
    const width = Math.max(40, Math.floor((total - GAP * (columns - 1)) / columns));
    return { columns, width, x0: 0 };
  }

  draw(): void {
    const started = performance.now();
    const colors = this.colors;
    const { columns, width } = this.geometry();
    const rows = Math.ceil(CHART_COUNT / columns);
    const height = rows * CELL_HEIGHT + STEP_AXIS_HEIGHT;
    const ratio = window.devicePixelRatio || 1;
    const totalWidth = this.totalWidth;
    if (this.canvas.width !== Math.round(totalWidth * ratio) || this.canvas.height !== Math.round(height * ratio)) {
      this.canvas.width = Math.round(totalWidth * ratio);
      this.canvas.height = Math.round(height * ratio);
      this.canvas.style.width = `${totalWidth}px`;
      this.canvas.style.height = `${height}px`;
    }
    const ctx = this.context;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, totalWidth, height);
    const model = this.model;
    if (!colors || !model || model.length === 0) return;
    // The steps drawn: from the timeline's first (after lmm.eventsKept dropped earlier ones) to the last.
    const length = model.span;
    const first = model.firstStep;
    const key = `${first}:${length}:${width}:${model.timeline.series.appMemory.length}`;
    if (key !== this.cacheKey) {
      this.cache.clear();
      // Summaries are built up from the first step: a window that moved starts them over.
      if (!this.cacheKey.startsWith(`${first}:`)) this.summaries.clear();
      this.cacheKey = key;
    }
    ctx.font = colors.font;
    ctx.textBaseline = 'top';
    const measure = (text: string) => ctx.measureText(text).width;
    this.fullTitles = [];
    this.titleBoxes.length = 0;
    this.readouts.length = 0;
    const plotWidth = width - VALUE_AXIS_WIDTH;
    const smallFont = colors.font.replace(/^\S+/, '10px');
    for (let i = 0; i < CHART_COUNT; i++) {
      const x = (i % columns) * (width + GAP);
      const y = Math.floor(i / columns) * CELL_HEIGHT;
      const top = y + TITLE_HEIGHT;
      const plotX = x + VALUE_AXIS_WIDTH;
      ctx.strokeStyle = colors.grid;
      ctx.lineWidth = 1;
      ctx.strokeRect(plotX + 0.5, top + 0.5, plotWidth - 1, CHART_HEIGHT - 1);
      const spec = CHARTS[i];
      let drawn: DrawnChart;
      if (spec) {
        drawn = this.drawSeriesChart(spec, i, plotX, top, plotWidth, length);
      } else {
        drawn = this.drawLeakChart(plotX, top, plotWidth);
      }
      const title = drawn.title;
      ctx.font = smallFont;
      drawValueAxis(ctx, colors, x, top, drawn.axisMax);
      if (i >= CHART_COUNT - columns) drawStepAxis(ctx, colors, plotX, top + CHART_HEIGHT, plotWidth, length, first);
      ctx.font = colors.font;
      ctx.textBaseline = 'top';
      // Each title keeps to its own chart's width: a shorter wording, else an ellipsis; the
      // full title is the tooltip and part of the canvas's accessible label.
      const maxWidth = width - 4;
      const text = fitText(measure, title.wordings, maxWidth);
      ctx.fillStyle = colors.foreground;
      ctx.fillText(text, x + 2, y + 1);
      this.fullTitles.push(title.full);
      this.titleBoxes.push({ text, full: title.full, x: x + 2, y: y + 1, width: measure(text), maxWidth });
      // The current step.
      if (this.step >= first) {
        const cx = plotX + Math.floor(model.fractionOf(this.step) * plotWidth) + 0.5;
        ctx.strokeStyle = colors.selection;
        ctx.beginPath();
        ctx.moveTo(cx, top);
        ctx.lineTo(cx, top + CHART_HEIGHT);
        ctx.stroke();
      }
      if (this.hoverStep >= first && this.hoverStep < model.length) {
        const text = `step ${stepNumber(this.hoverStep)}: ${drawn.valueAt(this.hoverStep)}`;
        drawCrosshair(ctx, colors, plotX, top, plotWidth, CHART_HEIGHT, this.hoverStep, length, text, smallFont, first);
        this.readouts.push({ chart: title.full.replace(/:.*$/, ''), step: this.hoverStep, text });
        ctx.font = colors.font;
        ctx.textBaseline = 'top';
      }
    }
    const label = `${BASE_ARIA_LABEL}. ${this.fullTitles.join('. ')}.`;
    if (this.canvas.getAttribute('aria-label') !== label) this.canvas.setAttribute('aria-label', label);
    this.lastDrawMs = performance.now() - started;
  }

  private drawSeriesChart(spec: ChartSpec, index: number, x: number, top: number, width: number, length: number): DrawnChart {
    const ctx = this.context;
    const colors = this.colors!;
    const model = this.model!;
    const decimated = spec.lines.map((line, l) => {
      const cacheKey = `${index}:${l}`;
      let d = this.cache.get(cacheKey);
      if (!d) {
        let summary = this.summaries.get(cacheKey);
        if (!summary) this.summaries.set(cacheKey, (summary = new SeriesSummary()));
        d = summary.decimate(line(model), length, width);
        this.cache.set(cacheKey, d);
      }
      return d;
    });
    let max = spec.fixedMax ?? 0;
    if (spec.fixedMax === undefined) for (const d of decimated) for (const v of d.max) if (v > max) max = v;
    if (max <= 0) max = 1;
    const lineColors = [colors.chartLine, colors.softFragment];
    decimated.forEach((d, l) => {
      ctx.fillStyle = lineColors[l] ?? colors.chartLine;
      for (let c = 0; c < width; c++) {
        const lo = d.min[c]!;
        const hi = d.max[c]!;
        if (!Number.isFinite(lo)) continue;
        const yHi = top + CHART_HEIGHT - 1 - (hi / max) * (CHART_HEIGHT - 3);
        const yLo = top + CHART_HEIGHT - 1 - (lo / max) * (CHART_HEIGHT - 3);
        ctx.fillRect(x + c, yHi, 1, Math.max(1, yLo - yHi));
      }
    });
    const first = model.firstStep;
    const now = this.step >= first ? spec.lines.map((line) => spec.format(line(model)[this.step - first]!)).join(' / ') : '–';
    const most = `(max ${spec.format(max)})`;
    return {
      title: {
        full: `${spec.title}: ${now} ${most}`,
        wordings: [`${spec.title}: ${now} ${most}`, `${spec.shortTitle}: ${now} ${most}`, `${spec.shortTitle}: ${now}`],
      },
      axisMax: spec.format(max),
      valueAt: (step) => spec.lines.map((line) => spec.format(line(model)[step - first]!)).join(' / '),
    };
  }

  private drawLeakChart(x: number, top: number, width: number): DrawnChart {
    const ctx = this.context;
    const colors = this.colors!;
    const model = this.model!;
    const checks = model.leakChecks;
    let max = 1;
    for (const check of checks) max = Math.max(max, check.lostBytes);
    let current = '–';
    for (const check of checks) {
      const cx = x + Math.floor(model.fractionOf(check.step) * width);
      const h = Math.max(2, (check.lostBytes / max) * (CHART_HEIGHT - 3));
      ctx.fillStyle = check.lostBlocks > 0 ? colors.error : colors.leakCheck;
      // Kept inside its own chart: a check at the last step must not spill into the next one.
      ctx.fillRect(Math.max(x, Math.min(x + width - 4, cx - 2)), top + CHART_HEIGHT - 1 - h, 4, h);
      if (check.step <= this.step) current = `${bytes(check.lostBytes)} in ${blockCount(check.lostBlocks)}`;
    }
    // A run that ended with no check made none: not "yet", and never a 0 no check found.
    const ended = model.state !== 'running';
    const now = checks.length === 0 ? (ended ? 'no leak check ran' : 'no leak check yet') : current;
    const short = checks.length === 0 ? (ended ? 'no check ran' : 'no check yet') : current;
    return {
      title: {
        full: `${LEAK_CHART_TITLE}: ${now}`,
        wordings: [`${LEAK_CHART_TITLE}: ${now}`, `${LEAK_CHART_SHORT_TITLE}: ${now}`, `${LEAK_CHART_SHORT_TITLE}: ${short}`],
      },
      axisMax: bytes(max),
      valueAt: (step) => {
        let found = 'no leak check yet';
        for (const check of checks)
          if (check.step <= step) found = `${bytes(check.lostBytes)} in ${blockCount(check.lostBlocks)}`;
        return found;
      },
    };
  }
}

/** A chart as drawn: its title, the value at its axis's top, and its value at any step. */
interface DrawnChart {
  title: ChartTitle;
  axisMax: string;
  valueAt(step: number): string;
}

/** A step as users count them (the timeline's "Step 1" is step 0). */
export function stepNumber(step: number): string {
  return count(step + 1);
}

/** "950", "12k", "1.5M": step-scale labels short enough for a tick every 60 pixels. */
export function compactCount(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(value % 1e6 === 0 ? 0 : 1)}M`;
  if (value >= 1e4) return `${+(value / 1e3).toFixed(value % 1e3 === 0 ? 0 : 1)}k`;
  return value.toLocaleString('en-US');
}

/** Round tick spacing (1, 2 or 5 × 10^k steps) for about one tick per `pixels` of `width`. */
export function stepTickSpacing(length: number, width: number, pixels = 70): number {
  const wanted = Math.max(1, (length * pixels) / Math.max(1, width));
  const power = 10 ** Math.floor(Math.log10(wanted));
  for (const m of [1, 2, 5, 10]) if (m * power >= wanted) return m * power;
  return 10 * power;
}

/** The value axis: the top value with its unit, and 0 at the bottom, right-aligned left of the plot. */
export function drawValueAxis(
  ctx: CanvasRenderingContext2D,
  colors: MapColors,
  x: number,
  top: number,
  max: string,
  height = CHART_HEIGHT,
): void {
  ctx.fillStyle = colors.muted;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(
    fitText((t) => ctx.measureText(t).width, [max], VALUE_AXIS_WIDTH - 6),
    x + VALUE_AXIS_WIDTH - 4,
    top,
  );
  ctx.textBaseline = 'bottom';
  ctx.fillText('0', x + VALUE_AXIS_WIDTH - 4, top + height);
  ctx.textAlign = 'left';
}

/**
 * The step scale under a plot of `length` steps from step `first`: round step numbers (as the
 * timeline counts them, the run's own) with ticks.
 */
export function drawStepAxis(
  ctx: CanvasRenderingContext2D,
  colors: MapColors,
  x: number,
  y: number,
  width: number,
  length: number,
  first = 0,
): void {
  const spacing = stepTickSpacing(length, width);
  ctx.fillStyle = colors.muted;
  ctx.strokeStyle = colors.grid;
  ctx.textBaseline = 'top';
  let lastEnd = -Infinity;
  // Tick t is "step t" as the timeline counts them (1-based): step index t − 1.
  for (let tick = (Math.floor(first / spacing) + 1) * spacing; tick <= first + length; tick += spacing) {
    const tx = x + Math.floor(((tick - first - 0.5) / length) * width) + 0.5;
    ctx.beginPath();
    ctx.moveTo(tx, y);
    ctx.lineTo(tx, y + 3);
    ctx.stroke();
    const label = compactCount(tick);
    const w = ctx.measureText(label).width;
    const left = Math.min(x + width - w, tx - w / 2);
    if (left <= lastEnd + 4) continue;
    ctx.fillText(label, left, y + 2);
    lastEnd = left + w;
  }
}

/** A dashed vertical line at `step` and its reading in a box at the plot's top, on the side with room. */
export function drawCrosshair(
  ctx: CanvasRenderingContext2D,
  colors: MapColors,
  x: number,
  top: number,
  width: number,
  height: number,
  step: number,
  length: number,
  text: string,
  font: string,
  first = 0,
): void {
  const cx = x + Math.floor(((step - first + 0.5) / length) * width) + 0.5;
  ctx.save();
  ctx.strokeStyle = colors.foreground;
  ctx.setLineDash([3, 2]);
  ctx.beginPath();
  ctx.moveTo(cx, top);
  ctx.lineTo(cx, top + height);
  ctx.stroke();
  ctx.restore();
  ctx.font = font;
  ctx.textBaseline = 'top';
  const label = fitText((t) => ctx.measureText(t).width, [text], width - 8);
  const w = ctx.measureText(label).width + 6;
  const left = cx + 4 + w <= x + width ? cx + 4 : Math.max(x, cx - 4 - w);
  ctx.fillStyle = colors.background;
  ctx.fillRect(left, top + 2, w, 13);
  ctx.fillStyle = colors.foreground;
  ctx.fillText(label, left + 3, top + 3);
}

export function bytes(value: number): string {
  if (value >= 1 << 30) return `${(value / (1 << 30)).toFixed(2)} GiB`;
  if (value >= 1 << 20) return `${(value / (1 << 20)).toFixed(2)} MiB`;
  if (value >= 1 << 10) return `${(value / (1 << 10)).toFixed(1)} KiB`;
  return `${value} B`;
}

/** One formatter for every figure: `toLocaleString` looks the locale up anew at each call. */
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "12,345": a whole number with its thousands grouped. */
export function count(value: number): string {
  return INTEGER.format(Math.round(value));
}

/** "1 block", "3 blocks". */
export function blockCount(value: number): string {
  return `${count(value)} block${value === 1 ? '' : 's'}`;
}
