/**
 * The timeline: a slider over every step of the run with markers for errors, leak checks and
 * the peak, buttons to step and jump, and the current step's operation in words. Keyboard:
 * ←/→ one step, Shift+←/→ 100 steps, PageUp/PageDown 10 %, Home/End first/last step.
 */
import { blockCount } from './chartsView';
import type { RunModel } from './runModel';
import type { MapColors } from './themeColors';

/** `continuous`: one of a stream of moves (a drag, a held key): the map may catch up when it pauses. */
export type StepListener = (step: number, continuous: boolean) => void;

interface ToolbarButton extends HTMLElement {
  icon: string;
  label: string;
}

export class TimelineView {
  readonly element: HTMLDivElement;
  private readonly track: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly label: HTMLDivElement;
  private readonly followButton: ToolbarButton;
  private model: RunModel | null = null;
  private step = -1;
  private colors: MapColors | null = null;
  private dragging = false;
  /** Follow the newest step while the run goes on. */
  following = true;
  /** Step of each leak check → asked for by the user (Check Leaks Now) rather than by the harness's `mm_leak_check()`. */
  readonly leakCheckOrigin = new Map<number, boolean>();

  /** Steps A and B of the Compare panel, marked on the track (null: not comparing). */
  comparePair: { a: number; b: number } | null = null;
  /** The step under the pointer here or on a chart (-1: none), drawn as a dashed line. */
  private hoverStep = -1;

  constructor(
    private readonly onStep: StepListener,
    private readonly onHover: (step: number) => void = () => {},
  ) {
    this.element = document.createElement('div');
    this.element.className = 'timeline';
    const buttons = document.createElement('div');
    buttons.className = 'timeline-buttons';
    const button = (icon: string, label: string, action: () => void) => {
      const b = document.createElement('vscode-toolbar-button') as ToolbarButton;
      b.setAttribute('icon', icon);
      b.setAttribute('label', label);
      b.setAttribute('title', label);
      b.setAttribute('aria-label', label);
      b.addEventListener('click', action);
      buttons.append(b);
      return b;
    };
    button('debug-restart', 'First step (Home)', () => this.go(this.model?.firstStep ?? 0));
    button('arrow-left', 'Previous marker', () => this.jumpMarker(-1));
    button('debug-step-back', 'Previous step (←)', () => this.go(this.step - 1));
    button('debug-step-over', 'Next step (→)', () => this.go(this.step + 1));
    button('arrow-right', 'Next marker', () => this.jumpMarker(1));
    button('flame', 'Go to the peak of application memory', () => this.model && this.go(this.model.peakStep));
    this.followButton = button('debug-continue', 'Last step, follow the run live (End)', () => {
      this.following = true;
      if (this.model) this.go(this.model.length - 1, true);
    });
    this.track = document.createElement('canvas');
    this.track.className = 'timeline-track';
    this.track.tabIndex = 0;
    this.track.setAttribute('role', 'slider');
    this.track.setAttribute('aria-label', 'Timeline step');
    this.track.setAttribute('aria-valuemin', '0');
    this.context = this.track.getContext('2d')!;
    this.label = document.createElement('div');
    this.label.className = 'timeline-label';
    this.label.setAttribute('aria-live', 'polite');
    this.element.append(buttons, this.track, this.label);

    this.track.addEventListener('keydown', (event) => this.keyPressed(event));
    const scrub = (event: PointerEvent) => {
      const model = this.model;
      if (!model || model.length === 0) return;
      const width = this.width;
      const fraction = Math.min(1, Math.max(0, event.offsetX / width));
      this.go(model.stepAtFraction(fraction), false, true);
    };
    this.track.addEventListener('pointerdown', (event) => {
      this.dragging = true;
      this.track.setPointerCapture(event.pointerId);
      this.track.focus();
      scrub(event);
    });
    this.track.addEventListener('pointermove', (event) => {
      if (this.dragging) scrub(event);
      else this.describeMarkerUnder(event.offsetX);
      const model = this.model;
      if (model && model.length > 0 && this.width > 0) {
        const step = model.stepAtFraction(event.offsetX / this.width);
        if (step !== this.hoverStep) {
          this.onHover(step);
          this.showHover(step);
        }
      }
    });
    this.track.addEventListener('pointerleave', () => {
      if (this.hoverStep < 0) return;
      this.onHover(-1);
      this.showHover(-1);
    });
    this.track.addEventListener('pointerup', () => (this.dragging = false));
    new ResizeObserver(([entry]) => {
      this.width = Math.floor(entry!.contentRect.width);
      this.height = Math.floor(entry!.contentRect.height);
      this.draw();
    }).observe(this.track);
  }

  /** The track's size, from resize events (drawing never reads layout). */
  private width = 0;
  private height = 0;

  /** Shows where the pointer is on a chart (-1: nowhere). */
  showHover(step: number): void {
    if (step === this.hoverStep) return;
    this.hoverStep = step;
    this.draw();
  }

  setColors(colors: MapColors): void {
    this.colors = colors;
  }

  show(model: RunModel | null, step: number): void {
    this.model = model;
    this.step = step;
    const last = model ? model.length - 1 : -1;
    this.track.setAttribute('aria-valuemin', String(model?.firstStep ?? 0));
    this.track.setAttribute('aria-valuemax', String(Math.max(0, last)));
    this.track.setAttribute('aria-valuenow', String(step));
    let description = model ? model.describeStep(step) : '';
    const requested = this.leakCheckOrigin.get(step);
    if (model && requested !== undefined) {
      const check = model.leakChecks.find((c) => c.step === step);
      const what = `leak check (${requested ? 'Check Leaks Now' : 'mm_leak_check()'})${check ? `: ${blockCount(check.lostBlocks)} lost` : ''}`;
      // A harness's check is a mark of its own in the stream; a trace's sits on another operation.
      description = description.startsWith('mark ') ? what : `${description} · ${what}`;
    }
    const site = model && step >= 0 ? model.siteOf(step) : undefined;
    const where = site ? ` — ${site.file.split(/[\\/]/).pop()}:${site.line}` : '';
    const text = model
      ? `Step ${(step + 1).toLocaleString('en-US')} of ${model.length.toLocaleString('en-US')}: ${description}${where}`
      : 'No run';
    this.track.setAttribute('aria-valuetext', text);
    this.label.textContent = text;
    this.followButton.toggleAttribute('checked', this.following && model?.state === 'running');
    this.draw();
  }

  /** Moves to `step` (clamped) and tells the listener. */
  go(step: number, keepFollowing = false, continuous = false): void {
    const model = this.model;
    if (!model || model.length === 0) return;
    const clamped = Math.max(model.firstStep, Math.min(model.length - 1, step));
    this.following = keepFollowing || clamped === model.length - 1;
    // Now, not at the next render: key repeats faster than frames must each count.
    this.step = clamped;
    this.onStep(clamped, continuous);
  }

  keyPressed(event: KeyboardEvent): boolean {
    const model = this.model;
    if (!model || model.length === 0) return false;
    const big = Math.max(1, Math.floor(model.span / 10));
    let target: number;
    switch (event.key) {
      case 'ArrowLeft':
      case 'ArrowDown':
        target = this.step - (event.shiftKey ? 100 : 1);
        break;
      case 'ArrowRight':
      case 'ArrowUp':
        target = this.step + (event.shiftKey ? 100 : 1);
        break;
      case 'PageDown':
        target = this.step + big;
        break;
      case 'PageUp':
        target = this.step - big;
        break;
      case 'Home':
        target = model.firstStep;
        break;
      case 'End':
        target = model.length - 1;
        break;
      default:
        return false;
    }
    event.preventDefault();
    this.go(target, false, event.repeat);
    return true;
  }

  /**
   * A marker under the pointer (within 4 px) explains itself as the track's tooltip: what failed,
   * who asked for a leak check and what it found, the peak's size.
   */
  private describeMarkerUnder(x: number): void {
    const model = this.model;
    let text = '';
    if (model && model.length > 0 && this.width > 0) {
      const near = (step: number) => Math.abs(model.fractionOf(step) * this.width - x) <= 4;
      const lines: string[] = [];
      if (model.peakStep >= 0 && near(model.peakStep)) {
        const bytes = model.timeline.series.appMemory[model.timeline.seriesIndex(model.peakStep)] ?? 0;
        // When the run's peak was before the window, this is only the window's highest step.
        const what = model.peakBeforeWindow >= 0 ? 'Highest in the window (the run’s peak was before it)' : 'Peak';
        lines.push(
          `${what}: ${bytes.toLocaleString('en-US')} B of application memory at step ${(model.peakStep + 1).toLocaleString('en-US')}`,
        );
      }
      for (const check of model.leakChecks) {
        if (!near(check.step)) continue;
        const requested = this.leakCheckOrigin.get(check.step);
        const who = requested === undefined ? '' : requested ? ' (Check Leaks Now)' : ' (mm_leak_check())';
        lines.push(
          `Leak check${who} at step ${(check.step + 1).toLocaleString('en-US')}: ${blockCount(check.lostBlocks)}, ${check.lostBytes.toLocaleString('en-US')} B lost`,
        );
        if (lines.length >= 4) break;
      }
      for (const marker of model.timeline.markers) {
        if (marker.kind !== 'error' || !near(marker.step)) continue;
        lines.push(`Error at step ${(marker.step + 1).toLocaleString('en-US')}: ${model.describeStep(marker.step)}`);
        if (lines.length >= 4) break;
      }
      text = lines.join('\n');
    }
    if (this.track.title !== text) this.track.title = text;
  }

  /** Steps with markers, in order: errors, marks, leak checks and the peak. */
  private markerSteps(): number[] {
    const model = this.model!;
    const steps = model.timeline.markers.map((m) => m.step);
    for (const check of model.leakChecks) steps.push(check.step);
    if (model.peakStep >= 0) steps.push(model.peakStep);
    return steps.sort((a, b) => a - b);
  }

  private jumpMarker(direction: 1 | -1): void {
    if (!this.model) return;
    const steps = this.markerSteps();
    const next = direction > 0 ? steps.find((s) => s > this.step) : [...steps].reverse().find((s) => s < this.step);
    if (next !== undefined) this.go(next);
  }

  draw(): void {
    const colors = this.colors;
    const width = this.width;
    const height = this.height;
    const ratio = window.devicePixelRatio || 1;
    if (this.track.width !== Math.round(width * ratio) || this.track.height !== Math.round(height * ratio)) {
      this.track.width = Math.round(width * ratio);
      this.track.height = Math.round(height * ratio);
    }
    const ctx = this.context;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const model = this.model;
    if (!colors || !model || model.length === 0) return;
    const length = model.length;
    const xOf = (step: number) => Math.floor(model.fractionOf(step) * width);
    ctx.fillStyle = colors.grid;
    ctx.fillRect(0, height / 2 - 1, width, 2);
    // Errors and marks: one tick per pixel column at most.
    let lastX = -1;
    for (const marker of model.timeline.markers) {
      const x = xOf(marker.step);
      if (x === lastX) continue;
      lastX = x;
      ctx.fillStyle = marker.kind === 'error' ? colors.error : colors.muted;
      ctx.fillRect(x, 2, 1, height / 2 - 2);
    }
    for (const check of model.leakChecks) {
      ctx.fillStyle = check.lostBlocks > 0 ? colors.error : colors.leakCheck;
      const x = xOf(check.step);
      ctx.beginPath();
      ctx.moveTo(x, height / 2);
      ctx.lineTo(x - 4, height - 2);
      ctx.lineTo(x + 4, height - 2);
      ctx.fill();
    }
    if (model.peakStep >= 0) {
      const x = xOf(model.peakStep);
      ctx.fillStyle = colors.peak;
      ctx.beginPath();
      ctx.arc(x, height / 2, 4, 0, Math.PI * 2);
      ctx.fill();
    }
    if (this.step >= 0) {
      const x = xOf(this.step);
      ctx.fillStyle = colors.selection;
      ctx.fillRect(x - 1, 0, 3, height);
    }
    if (this.comparePair) {
      // A and B as letters on the track's top edge; the span between them shaded.
      const { a, b } = this.comparePair;
      const xa = a < 0 ? 0 : xOf(a);
      const xb = xOf(Math.max(0, b));
      ctx.fillStyle = colors.selection;
      ctx.globalAlpha = 0.18;
      ctx.fillRect(Math.min(xa, xb), 0, Math.abs(xb - xa) + 1, height);
      ctx.globalAlpha = 1;
      ctx.fillStyle = colors.foreground;
      ctx.font = colors.font.replace(/^\S+/, '10px');
      ctx.textBaseline = 'top';
      ctx.fillText('A', Math.min(width - 8, xa + 2), 1);
      ctx.fillText('B', Math.max(0, xb - 8), 1);
    }
    if (this.hoverStep >= 0 && this.hoverStep < length) {
      const x = xOf(this.hoverStep) + 0.5;
      ctx.save();
      ctx.strokeStyle = colors.foreground;
      ctx.setLineDash([3, 2]);
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, height);
      ctx.stroke();
      ctx.restore();
    }
  }
}
