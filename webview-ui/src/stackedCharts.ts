/**
 * Application memory over the run, stacked by struct and by allocation site (massif's chart):
 * the largest five of each, and the rest as "other". Structs keep their map colours; each chart
 * has its legend with the values at the current step (or the step under the pointer), a value
 * axis and the step scale, and shares the crosshair with the other charts and the timeline.
 */
import { bytes, drawCrosshair, drawStepAxis, drawValueAxis, stepNumber, VALUE_AXIS_WIDTH } from './chartsView';
import { el } from './dom';
import { MemoryBreakdown, OTHER_SITES } from './liveBlocks';
import type { RunModel } from './runModel';
import { structColor, type MapColors } from './themeColors';

/** Series shown one by one; the others add up in "other". */
export const TOP_SERIES = 5;
const PLOT_HEIGHT = 80;
const STEP_AXIS_HEIGHT = 12;
/** Replay share of one render while the breakdown catches up with the run. */
const CATCH_UP_BUDGET_MS = 4;
/**
 * Replay share of one idle callback, within the idle time the browser grants: a finished run's
 * million steps are caught up in about a second rather than four, so the scrubbing that follows
 * no longer pays, frame after frame, for catching up and for drawing the stacks again.
 */
const IDLE_CATCH_UP_BUDGET_MS = 12;
/**
 * While the run grows (live, or a backlog being replayed) the stacks are drawn again at most this
 * often: each new step rescales them, and redrawing 2 × 700 columns of stacks at every frame
 * would cost more than the rest of the frame. The current step's line keeps to the stacks drawn.
 */
const GROWING_REDRAW_MS = 400;

interface Series {
  name: string;
  colour: string;
  /** Its bytes in a sample (index into the breakdown's samples). */
  valueIn(sample: number): number;
  /** Where it allocates, for a link to the source (sites only). */
  siteId?: number;
}

interface Pane {
  kind: 'struct' | 'site';
  title: HTMLDivElement;
  canvas: HTMLCanvasElement;
  legend: HTMLUListElement;
  series: Series[];
  /** The stacks, frame and axes as last drawn (redrawn only when the run, width or colours change). */
  plot: HTMLCanvasElement;
  plotKey: string;
  /** What the stacks were drawn for apart from the run's length, the length, and when. */
  plotShape: string;
  /** The window's first step and the run's length as the stacks were drawn (the overlay places steps by them). */
  plotFirst: number;
  plotLength: number;
  plotDrawnAt: number;
  legendKey: string;
  /** What the legend's list was made for (series, colours, sampling note), and its value and note elements. */
  legendShape: string;
  legendValues: HTMLElement[];
  legendNote: HTMLElement | null;
}

export class StackedChartsView {
  readonly element: HTMLDivElement;
  private readonly panes: Pane[];
  private model: RunModel | null = null;
  private breakdown: MemoryBreakdown | null = null;
  private step = -1;
  private hoverStep = -1;
  private colors: MapColors | null = null;
  private structColors: Record<string, string> = {};
  private catchUpQueued = false;
  private width = 0;
  /** What each chart read at the crosshair, or at the current step (for tests). */
  readonly readouts: Array<{ chart: string; step: number; values: Array<[string, number]> }> = [];

  constructor(
    private readonly onScrub: (step: number) => void,
    private readonly onHover: (step: number) => void,
    private readonly onOpenSite: (siteId: number) => void,
  ) {
    this.element = el('div', { className: 'stacked-charts' });
    this.panes = (['struct', 'site'] as const).map((kind) => {
      const title = el('div', {
        className: 'stacked-title',
        text: kind === 'struct' ? 'Application memory by struct' : 'Application memory by allocation site',
      });
      const canvas = el('canvas', {
        attrs: {
          role: 'img',
          'aria-label': `Application memory by ${kind === 'struct' ? 'struct' : 'allocation site'} over the run, stacked; click to move the timeline`,
        },
      });
      const legend = el('ul', { className: 'stacked-legend', attrs: { 'aria-label': `${kind} legend` } });
      this.element.append(el('div', { className: 'stacked-pane' }, title, canvas, legend));
      const pane: Pane = {
        kind,
        title,
        canvas,
        legend,
        series: [],
        plot: document.createElement('canvas'),
        plotKey: '',
        plotShape: '',
        plotFirst: 0,
        plotLength: 0,
        plotDrawnAt: 0,
        legendKey: '',
        legendShape: '',
        legendValues: [],
        legendNote: null,
      };
      canvas.addEventListener('pointerdown', (event) => {
        const step = this.stepAt(event.offsetX);
        if (step >= 0) this.onScrub(step);
      });
      canvas.addEventListener('pointermove', (event) => {
        const step = this.stepAt(event.offsetX);
        if (step === this.hoverStep) return;
        this.onHover(step);
        this.showHover(step);
      });
      canvas.addEventListener('pointerleave', () => {
        this.onHover(-1);
        this.showHover(-1);
      });
      return pane;
    });
    new ResizeObserver(([entry]) => {
      this.width = Math.floor(entry!.contentRect.width);
      this.draw();
    }).observe(this.element);
  }

  setColors(colors: MapColors, structColors: Record<string, string>): void {
    this.colors = colors;
    this.structColors = structColors;
    this.colorsVersion++;
  }

  private colorsVersion = 0;

  show(model: RunModel | null, step: number): void {
    if (model !== this.model) this.breakdown = model ? new MemoryBreakdown(model) : null;
    this.model = model;
    this.step = step;
    if (this.breakdown && !this.breakdown.catchUp(CATCH_UP_BUDGET_MS)) this.queueCatchUp();
    this.draw();
  }

  /**
   * The breakdown is behind the run: go on a slice at a time when the page is idle, then redraw.
   * Idle callbacks wait while a backlog replays (its slices keep the thread busy), so the charts
   * never slow the replay down; each render still moves them on by one slice.
   */
  private queueCatchUp(): void {
    if (this.catchUpQueued) return;
    this.catchUpQueued = true;
    requestIdleCallback((deadline) => {
      this.catchUpQueued = false;
      const budget = Math.max(1, Math.min(IDLE_CATCH_UP_BUDGET_MS, deadline.timeRemaining()));
      if (this.breakdown && !this.breakdown.catchUp(budget)) this.queueCatchUp();
      this.draw();
    });
  }

  /** True while the breakdown is behind the run (it catches up in idle time). */
  get catchingUp(): boolean {
    return this.breakdown !== null && !this.breakdown.done;
  }

  private growingRedraw: ReturnType<typeof setTimeout> | undefined;

  /** Draws again in `ms` (the stacks of a growing run wait their turn, see GROWING_REDRAW_MS). */
  private queueGrowingRedraw(ms: number): void {
    if (this.growingRedraw !== undefined) return;
    this.growingRedraw = setTimeout(() => {
      this.growingRedraw = undefined;
      this.draw();
    }, ms);
  }

  showHover(step: number): void {
    if (step === this.hoverStep) return;
    this.hoverStep = step;
    this.draw();
  }

  private paneWidth(): number {
    return this.width >= 520 ? Math.floor((this.width - 8) / 2) : this.width;
  }

  private stepAt(x: number): number {
    const model = this.model;
    const plotWidth = this.paneWidth() - VALUE_AXIS_WIDTH;
    if (!model || model.length === 0 || x < VALUE_AXIS_WIDTH || plotWidth <= 0) return -1;
    // Steps as the stacks under the pointer were drawn (a growing run's are redrawn now and then).
    const drawn = this.panes[0]!;
    const first = drawn.plotLength > 0 ? drawn.plotFirst : model.firstStep;
    const length = Math.min(model.length, drawn.plotLength || model.length);
    if (length <= first) return -1;
    return Math.min(length - 1, Math.max(first, first + Math.floor(((x - VALUE_AXIS_WIDTH) / plotWidth) * (length - first))));
  }

  draw(): void {
    const colors = this.colors;
    const model = this.model;
    const breakdown = this.breakdown;
    this.readouts.length = 0;
    const width = this.paneWidth();
    const ratio = window.devicePixelRatio || 1;
    for (const pane of this.panes) {
      const height = PLOT_HEIGHT + STEP_AXIS_HEIGHT;
      if (pane.canvas.width !== Math.round(width * ratio) || pane.canvas.height !== Math.round(height * ratio)) {
        pane.canvas.width = Math.round(width * ratio);
        pane.canvas.height = Math.round(height * ratio);
        pane.canvas.style.width = `${width}px`;
        pane.canvas.style.height = `${height}px`;
      }
      const ctx = pane.canvas.getContext('2d')!;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      if (!colors || !model || !breakdown || model.length === 0 || width <= VALUE_AXIS_WIDTH) {
        pane.legend.replaceChildren();
        pane.legendKey = '';
        pane.legendShape = '';
        continue;
      }
      // The stacks change only as the run grows (a new sample) or the width or colours change:
      // every other redraw (a step, the crosshair) copies them and draws the lines on top.
      const shape = `${model.runId}:${width}:${ratio}:${this.colorsVersion}`;
      const key = `${shape}:${model.firstStep}:${model.length}:${breakdown.sampleSteps.length}:${breakdown.every}`;
      const sinceDrawn = performance.now() - pane.plotDrawnAt;
      if (key !== pane.plotKey && shape === pane.plotShape && sinceDrawn < GROWING_REDRAW_MS) {
        this.queueGrowingRedraw(GROWING_REDRAW_MS - sinceDrawn);
      } else if (key !== pane.plotKey) {
        pane.plotKey = key;
        pane.plotShape = shape;
        pane.plotLength = model.length;
        pane.plotFirst = model.firstStep;
        pane.plotDrawnAt = performance.now();
        pane.series =
          pane.kind === 'struct' ? this.structSeries(breakdown, model, colors) : this.siteSeries(breakdown, model, colors);
        pane.plot.width = pane.canvas.width;
        pane.plot.height = pane.canvas.height;
        const plotContext = pane.plot.getContext('2d')!;
        plotContext.setTransform(ratio, 0, 0, ratio, 0, 0);
        this.drawStacks(pane, plotContext, width, model, breakdown, colors);
      }
      ctx.drawImage(pane.plot, 0, 0, width, height);
      this.drawOverlay(pane, ctx, width, pane.plotFirst, pane.plotLength, breakdown, colors);
    }
  }

  private structSeries(breakdown: MemoryBreakdown, model: RunModel, colors: MapColors): Series[] {
    const families = model.structs.length;
    const peak = new Float64Array(families);
    for (const sample of breakdown.byStruct) for (let f = 0; f < families; f++) peak[f] = Math.max(peak[f]!, sample[f] ?? 0);
    const ranked = [...peak.keys()].filter((f) => peak[f]! > 0).sort((a, b) => peak[b]! - peak[a]!);
    const top = ranked.slice(0, TOP_SERIES);
    const rest = ranked.slice(TOP_SERIES);
    const series: Series[] = top.map((f) => ({
      name: model.structs[f]?.name ?? `family ${f}`,
      colour: structColor(colors, this.structColors, model.structs[f]?.name ?? '', f),
      valueIn: (i) => breakdown.byStruct[i]![f] ?? 0,
    }));
    if (rest.length > 0) {
      series.push({
        name: `other (${rest.length} structs)`,
        colour: colors.muted,
        valueIn: sumOver(breakdown.byStruct, rest),
      });
    }
    return series;
  }

  private siteSeries(breakdown: MemoryBreakdown, model: RunModel, colors: MapColors): Series[] {
    const slots = breakdown.slotSites.length;
    const peak = new Float64Array(slots);
    for (const sample of breakdown.bySite) for (let s = 0; s < slots; s++) peak[s] = Math.max(peak[s]!, sample[s]!);
    const ranked = [...peak.keys()].filter((s) => peak[s]! > 0).sort((a, b) => peak[b]! - peak[a]!);
    const top = ranked.slice(0, TOP_SERIES);
    const rest = ranked.slice(TOP_SERIES);
    const series: Series[] = top.map((slot, i) => {
      const siteId = breakdown.slotSites[slot]!;
      const site = model.sites[siteId];
      return {
        name: site ? `${site.file.split(/[\\/]/).pop()}:${site.line}` : siteId < 0 ? '(no site)' : `site ${siteId}`,
        colour: colors.palette[i % colors.palette.length]!,
        valueIn: (n: number) => breakdown.bySite[n]![slot]!,
        siteId,
      };
    });
    const overflow = breakdown.bySite.some((sample) => sample[OTHER_SITES]! > 0);
    if (rest.length > 0 || overflow) {
      series.push({
        name: 'other sites',
        colour: colors.muted,
        valueIn: sumOver(breakdown.bySite, [...rest, OTHER_SITES]),
      });
    }
    return series;
  }

  private drawStacks(
    pane: Pane,
    ctx: CanvasRenderingContext2D,
    width: number,
    model: RunModel,
    breakdown: MemoryBreakdown,
    colors: MapColors,
  ): void {
    const plotX = VALUE_AXIS_WIDTH;
    const plotWidth = width - VALUE_AXIS_WIDTH;
    const series = pane.series;
    // One sample per pixel column; the top of the axis is the largest stack drawn.
    const columns: number[] = [];
    let max = 0;
    for (let c = 0; c < plotWidth; c++) {
      const sample = breakdown.sampleAt(model.stepAtFraction((c + 0.5) / plotWidth));
      columns.push(sample);
      if (sample < 0) continue;
      let total = 0;
      for (const s of series) total += s.valueIn(sample);
      max = Math.max(max, total);
    }
    if (max <= 0) max = 1;
    for (let c = 0; c < plotWidth; c++) {
      const sample = columns[c]!;
      if (sample < 0) continue;
      let base = PLOT_HEIGHT - 1;
      for (const s of series) {
        const h = (s.valueIn(sample) / max) * (PLOT_HEIGHT - 3);
        if (h <= 0) continue;
        ctx.fillStyle = s.colour;
        ctx.fillRect(plotX + c, base - h, 1, h);
        base -= h;
      }
    }
    ctx.strokeStyle = colors.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(plotX + 0.5, 0.5, plotWidth - 1, PLOT_HEIGHT - 1);
    const smallFont = colors.font.replace(/^\S+/, '10px');
    ctx.font = smallFont;
    drawValueAxis(ctx, colors, 0, 0, bytes(max), PLOT_HEIGHT);
    drawStepAxis(ctx, colors, plotX, PLOT_HEIGHT, plotWidth, model.span, model.firstStep);
  }

  /** The current step, the crosshair and the legend's values. */
  private drawOverlay(
    pane: Pane,
    ctx: CanvasRenderingContext2D,
    width: number,
    first: number,
    length: number,
    breakdown: MemoryBreakdown,
    colors: MapColors,
  ): void {
    const plotX = VALUE_AXIS_WIDTH;
    const plotWidth = width - VALUE_AXIS_WIDTH;
    const series = pane.series;
    const smallFont = colors.font.replace(/^\S+/, '10px');
    if (this.step >= first && length > first) {
      const cx = plotX + Math.floor(((Math.min(this.step, length - 1) - first + 0.5) / (length - first)) * plotWidth) + 0.5;
      ctx.strokeStyle = colors.selection;
      ctx.beginPath();
      ctx.moveTo(cx, 0);
      ctx.lineTo(cx, PLOT_HEIGHT);
      ctx.stroke();
    }
    // The legend reads the step under the pointer, else the current step.
    const at = this.hoverStep >= first && this.hoverStep < length ? this.hoverStep : this.step;
    const sample = breakdown.sampleAt(at);
    const values: Array<[string, number]> = series.map((s) => [s.name, sample >= 0 ? s.valueIn(sample) : 0]);
    const sampledStep = sample >= 0 ? breakdown.sampleSteps[sample]! : -1;
    this.readouts.push({ chart: pane.title.textContent ?? '', step: sampledStep, values });
    if (this.hoverStep >= first && this.hoverStep < length) {
      const total = values.reduce((sum, [, v]) => sum + v, 0);
      drawCrosshair(
        ctx,
        colors,
        plotX,
        0,
        plotWidth,
        PLOT_HEIGHT,
        this.hoverStep,
        length - first,
        `step ${stepNumber(this.hoverStep)}: ${bytes(total)}`,
        smallFont,
        first,
      );
    }
    this.renderLegend(pane, values, sampledStep);
  }

  private renderLegend(pane: Pane, values: Array<[string, number]>, sampledStep: number): void {
    const key = `${sampledStep}:${this.breakdown?.every}:${values.map(([n, v]) => `${n}=${v}`).join('|')}:${pane.series.map((s) => s.colour).join()}`;
    if (key === pane.legendKey) return;
    pane.legendKey = key;
    // The same series as drawn (a scrub, a live run between stack redraws): only the figures
    // change, in place; making the list again restyles and lays out the whole panel each frame.
    const shape = `${pane.series.map((s) => `${s.name}:${s.colour}:${s.siteId ?? ''}`).join('|')}:${sampledStep >= 0 && (this.breakdown?.every ?? 1) > 1}`;
    if (shape === pane.legendShape && pane.legendValues.length === values.length) {
      values.forEach(([, value], i) => setText(pane.legendValues[i]!, ` ${bytes(value)}`));
      if (pane.legendNote) {
        setText(
          pane.legendNote,
          `(sampled every ${this.breakdown!.every.toLocaleString('en-US')} steps; at step ${stepNumber(sampledStep)})`,
        );
      }
      return;
    }
    pane.legendShape = shape;
    const items = pane.series.map((s, i) => {
      const swatch = el('span', { className: 'swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.background = s.colour;
      const name: HTMLElement =
        s.siteId !== undefined && s.siteId >= 0
          ? el('button', { className: 'link', text: s.name, title: 'Open this line in the editor' })
          : el('span', { text: s.name });
      if (s.siteId !== undefined && s.siteId >= 0) {
        const siteId = s.siteId;
        name.addEventListener('click', () => this.onOpenSite(siteId));
      }
      const value = el('span', { className: 'muted', text: ` ${bytes(values[i]![1])}` });
      pane.legendValues[i] = value;
      return el('li', {}, swatch, name, value);
    });
    pane.legendValues.length = pane.series.length;
    if (items.length === 0) items.push(el('li', { className: 'muted', text: 'No live block yet.' }));
    const note =
      sampledStep >= 0 && this.breakdown && this.breakdown.every > 1
        ? el('li', {
            className: 'muted',
            text: `(sampled every ${this.breakdown.every.toLocaleString('en-US')} steps; at step ${stepNumber(sampledStep)})`,
          })
        : null;
    pane.legendNote = note;
    pane.legend.replaceChildren(...items, ...(note ? [note] : []));
  }
}

/**
 * The "other" series: the sum of `indexes` in each sample, added up once (the chart reads every
 * sample for each pixel column, and "other" may gather hundreds of sites).
 */
function sumOver(samples: readonly Float64Array[], indexes: readonly number[]): (sample: number) => number {
  const sums = new Float64Array(samples.length);
  samples.forEach((sample, i) => {
    let sum = 0;
    for (const index of indexes) sum += sample[index] ?? 0;
    sums[i] = sum;
  });
  return (sample) => sums[sample]!;
}

/** Sets an element's text only when it differs (an unchanged text still costs a style pass). */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
