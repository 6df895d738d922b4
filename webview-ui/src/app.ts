/**
 * The Memory Map webview's application object: the run being shown, the current step, the
 * views (map, timeline, charts, side panels) and how a change of either is drawn. All drawing is
 * coalesced into one requestAnimationFrame, and incoming batches are replayed in short slices
 * (IngestQueue), so neither live runs nor long backlogs block the UI thread. Messages from the host
 * arrive through `hostMessages.ts`; everything sent to the host goes through `post`.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { HeapOpKind, type RecordedField } from '../../src/engine/heapOps';
import type { HeapSnapshot } from '../../src/engine/heapSnapshot';
import type { WebviewToHostMessage } from '../../src/protocol/webviewMessages';
import { ChartsView, blockCount, bytes, count } from './chartsView';
import { el } from './dom';
import { explainTerms, GLOSSARY } from './glossary';
import { IngestQueue } from './ingestQueue';
import { MemoryMapView, type MapTarget } from './memoryMapView';
import { RunModel } from './runModel';
import { renderFieldView } from './fieldView';
import { renderFindings, type FindingLinks, type SuppressRequests } from './findingsPanel';
import { blockFacts, renderBlockDetails, renderCounters, renderFreeLists, renderPeak, type BlockFacts } from './sidePanels';
import { readColors, structColor, watchTheme, type MapColors } from './themeColors';
import {
  renderCallTrees,
  renderCompare,
  renderRetainers,
  type CallTreeChoice,
  type PanelLinks,
  type StepPair,
} from './questionPanels';
import { StackedChartsView } from './stackedCharts';
import { stepNumber } from './chartsView';
import { StepTravel } from './stepTravel';
import { TimelineView } from './timelineView';

/** Numbers for tests and the benchmark (read through the test hook). */
export interface RenderStats {
  renders: number;
  lastRenderMs: number;
  /** Longest render so far (ms), and the longest replay slice (HeapTimeline.append, snapshots included). */
  longestRenderMs: number;
  longestIngestSliceMs: number;
  /** Time travel's share of the last render (HeapTimeline.heapAt, once the journey there is made). */
  lastHeapAtMs: number;
  /**
   * The last journey of time travel (StepTravel) from the request to arrival, the calls it took,
   * and the longest single call so far.
   */
  lastTravelMs: number;
  lastTravelChunks: number;
  longestTravelChunkMs: number;
  /** The step the map and the side panels last showed (the timeline may already be further on), and when. */
  shownStep: number;
  shownAt: number;
  /**
   * Whether that drawing was in an animation frame (it is on screen when the frame ends), or in the
   * task where time travel arrived (it is on screen at the next frame).
   */
  shownInFrame: boolean;
  lastMapDrawMs: number;
  /** The map's layout at the last render (0 when its page lists had not changed since the one before). */
  lastLayoutMs: number;
  lastChartsDrawMs: number;
  lastStackedDrawMs: number;
  lastSideMs: number;
  rejectedMessages: number;
  lastRejection: string;
  pagesShown: number;
  /**
   * The map's share of the window's main thread since it opened (ms): taking the host's messages
   * in (validation and handling, not the replay), replaying batches, and rendering. In VS Code for
   * the browser the map runs on the same thread as the editor: what it spends, the editor waits.
   */
  messageMs: number;
  messages: number;
  ingestMs: number;
  renderMs: number;
}

/** Structs named in the header's legend; more are counted, and named in its tooltip. */
const LEGEND_STRUCTS = 12;

/** While a backlog replays, redraw ~12 times a second rather than after every slice. */
const BACKLOG_REDRAW_MS = 80;
/**
 * While a run goes on, the run's progress redraws the map about once a second. In VS Code for
 * the browser the map shares the window's main thread with the editor: a redraw of a big heap
 * takes tens of ms, and a key pressed meanwhile waits for it; and each redraw has the browser
 * composite the map's canvases again, which in a window without a GPU took it more CPU than the
 * map's own script. (A step the user picks, a tab, a hover are drawn at once; the run's end too, unless the person types.)
 */
const LIVE_REDRAW_MS = 1000;
/**
 * While the person types in an editor (the host says so, `personTyping`), a live run's progress,
 * the backlog of its end and its news (a check, its end, its report) are not redrawn at all, up to
 * this long since the last redraw: a redraw is one task of tens of ms
 * on the thread the editor shares, and a key pressed meanwhile waits for it. The map says which
 * step it shows, and redraws the newest once the typing stops.
 */
const TYPING_REDRAW_MS = 5000;
/** A journey of time travel longer than this dims the map, which still shows the step before. */
const CATCH_UP_HINT_MS = 150;

export class MemoryMapApp {
  /** Called in the task that drew the map, with its step (the test hook listens: what else that task drew). */
  mapDrawn: ((step: number) => void) | undefined;
  readonly stats: RenderStats = {
    renders: 0,
    lastRenderMs: 0,
    longestRenderMs: 0,
    longestIngestSliceMs: 0,
    lastHeapAtMs: 0,
    lastTravelMs: 0,
    lastTravelChunks: 0,
    longestTravelChunkMs: 0,
    shownStep: -1,
    shownAt: 0,
    shownInFrame: true,
    lastMapDrawMs: 0,
    lastLayoutMs: 0,
    lastChartsDrawMs: 0,
    lastStackedDrawMs: 0,
    lastSideMs: 0,
    rejectedMessages: 0,
    lastRejection: '',
    pagesShown: 0,
    messageMs: 0,
    messages: 0,
    ingestMs: 0,
    renderMs: 0,
  };

  model: RunModel | null = null;
  step = -1;
  private colors: MapColors = readColors();
  private structColors: Record<string, string> = {};
  private renderQueued = false;
  private lastPostedStep = -2;
  /** The user moved the timeline since the last `stepChanged` (scrub, key, click, host request). */
  private stepMovedByUser = false;
  private hoverTarget: MapTarget | null = null;
  private selectedTarget: MapTarget | null = null;
  private hoverKey = '';
  activeTab = 0;
  /** The unit of the selected block the field view shows (0-based), kept while that block stays selected. */
  private fieldUnit = { address: -1, unit: 0 };
  private lastPeakKey = '';
  private lastCallTreeKey = '';
  private lastCompareKey = '';
  private lastFindingsKey = '';
  /** The Block panel shows its hint (no block hovered or selected). */
  private blockHintShown = false;
  /** Findings whose Suppress was chosen here (the row says so until the next run's report). */
  private readonly suppressRequests: SuppressRequests = new Set();
  callTreeChoice: CallTreeChoice = { source: 'peak', direction: 'top-down' };
  /** Steps A and B of the Compare panel (-1: the start). */
  comparePair: StepPair = { a: -1, b: -1 };
  private readonly links: PanelLinks = {
    openSite: (site) => {
      if (this.model) this.post({ type: 'openSource', runId: this.model.runId, site });
    },
    goToStep: (step) => this.setStep(step),
  };
  private readonly findingLinks: FindingLinks = {
    ...this.links,
    suppress: (finding, index) => {
      if (this.model) this.post({ type: 'suppressFinding', runId: this.model.runId, finding, index });
    },
    revealBlock: (address) => {
      const model = this.model;
      if (!model) return;
      this.setStep(model.length - 1);
      // The Block panel shows the block's details and retainers.
      this.selectTab(0);
      this.map.reveal(address);
    },
  };
  private lastRenderAt = 0;
  /** A redraw for a live run's progress, waiting for its turn (LIVE_REDRAW_MS). */
  private liveRenderTimer: ReturnType<typeof setTimeout> | undefined;
  /** Until when (performance.now()) the person types in an editor, as the host last said. */
  private typingUntil = -Infinity;
  /** The charts' draw after a live run's progress redraw, waiting for its own task. */
  private chartsTimer: ReturnType<typeof setTimeout> | undefined;
  private catchUpTimer: ReturnType<typeof setTimeout> | undefined;
  /** A hover on the map while time travel was under way, described once it arrives. */
  private deferredHover: { target: MapTarget | null; x: number; y: number } | null = null;
  /**
   * Time travel in short tasks: a jump far back becomes a restore and a few replays of a few
   * milliseconds each, and the map is drawn when the heap is there.
   */
  readonly travel = new StepTravel(() => {
    this.stats.lastTravelMs = this.travel.lastJourneyMs;
    this.stats.lastTravelChunks = this.travel.lastJourneyChunks;
    this.stats.longestTravelChunkMs = this.travel.longestChunkMs;
    // Drawn at once, in the task where the heap arrived: the next frame shows it, where waiting
    // for that frame to draw would add up to a frame's wait to every jump. A frame already asked
    // for draws it instead. (Also when the journey ended elsewhere, a window having slid past its
    // step: the render asks for the current step.)
    if (this.renderQueued) return;
    this.render(false, false);
  });
  /** Divergences already reported to the host (replayed results that differ from the run's). */
  private reportedDivergences = 0;

  readonly title = el('h1', { className: 'run-title', text: 'No run yet' });
  private readonly stateBadge = el('vscode-badge', { className: 'run-state', text: 'idle' });
  private readonly totals = el('span', {
    className: 'run-totals',
    title: `Data pages, then ${GLOSSARY['application memory']!} ${GLOSSARY['mapped']!}`,
    attrs: { 'aria-live': 'polite' },
  });
  private readonly legend = el('div', { className: 'legend', attrs: { 'aria-label': 'Legend' } });
  /** Structs the legend was made for (it is made again when a struct registers). */
  private legendStructs = -1;
  /** "showing the last N of M operations" while the map holds only the end of the run, and why a step cannot be shown. */
  readonly windowNote = el('span', { className: 'window-note', attrs: { 'aria-live': 'polite' } });
  /** A step asked for before the window (a link, a key, the host): said until the next move. */
  private beforeWindowNotice = '';
  readonly timeline = new TimelineView(
    (s) => this.setStep(s),
    (s) => this.hoverStep(s),
  );
  readonly map = new MemoryMapView({
    onHover: (target, x, y) => this.hovered(target, x, y),
    onSelect: (target) => this.selected(target),
  });
  readonly charts = new ChartsView(
    (s) => this.setStep(s),
    (s) => this.hoverStep(s),
  );
  readonly stacked = new StackedChartsView(
    (s) => this.setStep(s),
    (s) => this.hoverStep(s),
    (siteId) => this.openSite(siteId),
  );
  private readonly tooltip = el('div', { className: 'tooltip', attrs: { role: 'tooltip', hidden: '' } });
  private readonly panels = ['Block', 'Counters', 'Free lists', 'Peak', 'Call trees', 'Compare', 'Leaks & errors'].map(
    (name) => ({
      header: el('vscode-tab-header', { text: name, attrs: { slot: 'header' } }),
      panel: el('vscode-tab-panel', { className: 'side-panel', attrs: { 'aria-label': name } }),
    }),
  );
  readonly tabs = el('vscode-tabs', { className: 'side-tabs' });

  readonly ingest = new IngestQueue(
    (batch) => this.replay(batch),
    () => this.model?.length ?? 0,
    () => this.replayProgressed(),
    (expected) => {
      if (this.model) this.post({ type: 'resyncRequest', runId: this.model.runId, fromStep: expected });
    },
  );

  constructor(
    root: HTMLElement,
    readonly post: (message: WebviewToHostMessage) => void,
  ) {
    const header = el('header', { className: 'toolbar' }, this.title, this.stateBadge, this.totals, this.windowNote, this.legend);
    // The Block panel follows keyboard selection on the map: screen readers announce it.
    this.panels[0]!.panel.setAttribute('aria-live', 'polite');
    for (const p of this.panels) this.tabs.append(p.header, p.panel);
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      this.activeTab = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      this.queueRender();
    });
    const main = el(
      'main',
      { className: 'main' },
      el('section', { className: 'map-pane', attrs: { 'aria-label': 'Memory map' } }, this.map.element, this.map.zoomBar),
      this.tabs,
    );
    // The stacked charts scroll with the others: in a short panel they must not take the map's height.
    const chartsArea = el('div', { className: 'charts-area' }, this.charts.element, this.stacked.element);
    root.replaceChildren(header, this.timeline.element, main, chartsArea, this.tooltip);
    wrapTabHeaders(this.tabs);
    this.applyColors();
    watchTheme(() => {
      this.colors = readColors();
      this.applyColors();
    });
    // Arrow keys / Home / End step the timeline unless a control that uses them has the focus.
    document.addEventListener('keydown', (event) => {
      const target = event.target as HTMLElement;
      if (target !== document.body && target !== root && !target.classList.contains('timeline-track')) return;
      if (target.classList.contains('timeline-track')) return; // the track handles its own keys
      this.timeline.keyPressed(event);
    });
  }

  // ---------------------------------------------------------------- run lifecycle

  startRun(runId: string, pageSize: number, title: string, live: boolean, memoryCap: number | undefined): void {
    this.ingest.clear();
    this.travel.cancel();
    this.deferredHover = null;
    this.model = new RunModel(runId, pageSize, title, live, memoryCap);
    this.legendStructs = -1;
    this.beforeWindowNotice = '';
    this.reportedDivergences = 0;
    this.step = -1;
    this.lastPostedStep = -2;
    this.lastPeakKey = '';
    this.lastCallTreeKey = '';
    this.lastCompareKey = '';
    this.lastFindingsKey = '';
    this.comparePair = { a: -1, b: -1 };
    this.hoverKey = '';
    this.hoverTarget = null;
    this.selectedTarget = null;
    this.map.clearSelection();
    this.timeline.following = true;
    this.timeline.leakCheckOrigin.clear();
    this.title.textContent = title;
    this.queueRender();
  }

  /**
   * The host keeps only the last part of the run: the timeline starts over at its window (the heap
   * after step `firstStep − 1`); the batches from `firstStep` on follow. Follows the run's end.
   */
  startWindow(firstStep: number, snapshot: HeapSnapshot, fields: RecordedField[][]): void {
    const model = this.model;
    if (!model) return;
    this.ingest.clear();
    model.startWindow(firstStep, snapshot, fields);
    this.step = model.length - 1;
    this.timeline.following = true;
    this.lastPostedStep = -2;
    this.lastPeakKey = '';
    this.lastCallTreeKey = '';
    this.lastCompareKey = '';
    this.comparePair = { a: -1, b: -1 };
    this.hoverKey = '';
    this.hoverTarget = null;
    this.selectedTarget = null;
    this.map.clearSelection();
    // A live map that fell behind starts over here, often while the person types: drawn at the live pace.
    this.queueProgressRender();
  }

  /**
   * After a batch the host marked: snapshot the heap where the host did (its window may begin
   * there), and drop the steps before the host's window, so both hold the same steps.
   */
  followHostWindow(snapshotAfter: boolean, windowStart: number | undefined): void {
    const model = this.model;
    if (!model) return;
    if (snapshotAfter) model.timeline.snapshotNow();
    if (windowStart !== undefined && windowStart > model.firstStep) model.slideTo(windowStart);
  }

  setStructColors(structColors: Record<string, string>): void {
    this.structColors = structColors;
    this.applyColors();
  }

  private replay(batch: Parameters<RunModel['append']>[0]): boolean {
    const model = this.model;
    if (!model || !model.append(batch)) return false;
    const divergences = model.timeline.divergences;
    if (divergences.length > 0 && this.reportedDivergences === 0) {
      // The map would not show the run's heap (e.g. a different page size or memory cap): say so once.
      this.post({
        type: 'webviewError',
        message: `replay diverged from the run at step ${divergences[0]}: the map may not match the run (page size or memory cap differ?)`,
      });
    }
    this.reportedDivergences = divergences.length;
    return true;
  }

  private replayProgressed(): void {
    this.stats.ingestMs = this.ingest.busyMs;
    if (this.model && this.timeline.following) this.step = this.model.length - 1;
    // While the person types the backlog of a run's end waits too (its redraws are the long tasks).
    if (this.model?.state === 'running' || this.personTypes) this.queueLiveRender();
    // While a backlog replays, redraw now and then rather than after every slice: the replay
    // gets the time, and the picture still moves.
    else if (!this.ingest.busy || performance.now() - this.lastRenderAt > BACKLOG_REDRAW_MS) this.queueRender();
    if (!this.ingest.busy) this.prepareTimeTravelWhenIdle();
  }

  /** A redraw for the run's progress (not one the person asked for): at the live pace while the run goes on. */
  queueProgressRender(): void {
    if (this.model?.state === 'running') this.queueLiveRender();
    else this.queueRender();
  }

  /** A redraw for the live run's progress waits for its turn (or is queued for the next frame). */
  get livePending(): boolean {
    return this.liveRenderTimer !== undefined || this.renderQueued || this.chartsTimer !== undefined;
  }

  /** The person is typing in an editor: live redraws wait until `forMs` from now (TYPING_REDRAW_MS at most since the last). */
  personTyping(forMs: number): void {
    this.typingUntil = Math.max(this.typingUntil, performance.now() + forMs);
  }

  /** True while the host's last `personTyping` holds. */
  private get personTypes(): boolean {
    return performance.now() < this.typingUntil;
  }

  /**
   * A redraw for news of the run (a leak check, its end, its report): at once, unless the person
   * types, when it waits as a live redraw does (the map says which step it shows meanwhile).
   */
  queueNewsRender(): void {
    if (this.personTypes) this.queueLiveRender();
    else this.queueRender();
  }

  /**
   * Redraws for a live run's progress, at most once per LIVE_REDRAW_MS and not while the person
   * types (up to TYPING_REDRAW_MS); the newest step then is drawn.
   */
  private queueLiveRender(): void {
    if (this.liveRenderTimer !== undefined) return;
    const due = Math.max(this.lastRenderAt + LIVE_REDRAW_MS, Math.min(this.typingUntil, this.lastRenderAt + TYPING_REDRAW_MS));
    const wait = due - performance.now();
    if (wait <= 0) return this.queueRender();
    // When the wait is over the typing may have gone on: asked again then.
    this.liveRenderTimer = setTimeout(() => {
      this.liveRenderTimer = undefined;
      this.queueLiveRender();
    }, wait);
  }

  /**
   * Once a finished run is all replayed here, maps the time-travel heap while nobody waits (an idle
   * callback), so that the first scrub back costs what every later one does. Not during a live run:
   * it is one task of up to ~100 ms on a 10,000-page heap.
   */
  prepareTimeTravelWhenIdle(): void {
    const run = this.model;
    if (!run || run.state === 'running') return;
    requestIdleCallback(
      () => {
        // One stage per idle callback: each is one task of a few tens of ms on a big heap.
        if (run !== this.model || this.ingest.busy) return;
        // Not while the person types (the callback's timeout would run it between two keys).
        if (this.personTypes) {
          setTimeout(() => this.prepareTimeTravelWhenIdle(), this.typingUntil - performance.now());
          return;
        }
        // A journey is under way on the time-travel heap: prepare once it is over.
        if (this.travel.busy) return this.prepareTimeTravelWhenIdle();
        const more = run.prepareTimeTravel();
        // The time-travel heap moved: a map showing an earlier step keeps its picture and travels back.
        this.travel.forget();
        if (this.step !== run.length - 1) {
          this.map.hold();
          this.queueRender();
        }
        if (more) this.prepareTimeTravelWhenIdle();
      },
      { timeout: 1000 },
    );
  }

  /** Runs `action` once the batches received so far are replayed (a reveal may follow a backlog). */
  whenIngested(action: () => void): void {
    if (!this.ingest.busy) action();
    else setTimeout(() => this.whenIngested(action), 20);
  }

  // ---------------------------------------------------------------- state changes

  setStep(next: number): void {
    const model = this.model;
    if (!model) return;
    if (next < model.firstStep - 1 && model.length > 0) {
      // Not clamped to the window's start: that heap is not the one asked for.
      this.beforeWindowNotice = `step ${stepNumber(next)} is before the window: the map keeps only steps ${stepNumber(model.firstStep)} to ${stepNumber(model.length - 1)}`;
      this.queueRender();
      return;
    }
    this.beforeWindowNotice = '';
    this.stepMovedByUser = true;
    this.step = Math.max(model.firstStep - 1, Math.min(model.length - 1, next));
    this.timeline.following = this.step === model.length - 1;
    // A drag or a held key asks for step after step: the journey under way heads for the newest
    // (StepTravel), and the map is drawn when it arrives. It sets off now, not in the next frame.
    // The map holds its picture from now on: the heap it was drawn from is on its way.
    if (!this.travel.ready(model, this.step)) {
      this.travel.request(model, this.step);
      this.map.hold();
    }
    this.queueRender();
  }

  /** The pointer is over step `step` (-1: left) of a chart or the timeline: one crosshair everywhere. */
  private hoverStep(step: number): void {
    this.timeline.showHover(step);
    this.charts.showHover(step);
    this.stacked.showHover(step);
  }

  /** Opens the source line of site `siteId` in the editor (the host does it). */
  openSite(siteId: number): void {
    const model = this.model;
    const site = model && siteId >= 0 ? model.sites[siteId] : undefined;
    if (model && site) this.post({ type: 'openSource', runId: model.runId, site });
  }

  private hovered(target: MapTarget | null, x: number, y: number): void {
    if (this.travel.busy) {
      // The time-travel heap is between two steps: describe the block once it is there.
      this.deferredHover = { target, x, y };
      return;
    }
    this.hoverTarget = target;
    const model = this.model;
    if (!target || !model || x < 0) {
      this.hoverKey = '';
      this.tooltip.hidden = true;
      if (target) this.renderSide();
      return;
    }
    // The pointer moves within one segment many times: describe it (a scan for its allocation) once.
    const key = `${model.runId}:${this.step}:${target.meta}:${target.segment.kind}`;
    if (key !== this.hoverKey) {
      this.hoverKey = key;
      const facts = blockFacts(model.heapAt(this.step), model, this.step, target);
      this.tooltip.replaceChildren(
        el('strong', { text: facts.title }),
        ...facts.rows.map(([name, value]) => el('div', { text: `${name}: ${value}` })),
      );
      if (this.activeTab === 0) this.renderSide();
    }
    this.tooltip.hidden = false;
    const box = this.tooltip.getBoundingClientRect();
    this.tooltip.style.left = `${Math.min(window.innerWidth - box.width - 4, x + 14)}px`;
    this.tooltip.style.top = `${Math.min(window.innerHeight - box.height - 4, y + 14)}px`;
  }

  private selected(target: MapTarget): void {
    this.selectedTarget = target;
    this.hoverTarget = null;
    const model = this.model;
    if (!model) return;
    const facts = blockFacts(model.heapAt(this.step), model, this.step, target);
    const site = facts.siteId >= 0 ? model.sites[facts.siteId] : undefined;
    const message: WebviewToHostMessage = {
      type: 'blockSelected',
      runId: model.runId,
      address: facts.address,
      step: this.step,
      struct: target.struct,
      free: facts.free,
      allocStep: facts.allocStep,
      siteId: facts.siteId,
    };
    if (site) message.site = site;
    this.post(message);
    this.renderSide();
  }

  private applyColors(): void {
    this.map.setColors(this.colors, this.structColors);
    this.charts.setColors(this.colors);
    this.stacked.setColors(this.colors, this.structColors);
    this.timeline.setColors(this.colors);
    this.renderLegend();
    this.queueRender();
  }

  private renderLegend(): void {
    const colors = this.colors;
    const swatch = (name: string, colour: string) => {
      const s = el('span', { className: 'swatch', attrs: { 'aria-hidden': 'true' } });
      s.style.background = colour;
      return el('span', { className: 'legend-item' }, s, name);
    };
    const items = [
      swatch('page header', colors.pageHeader),
      swatch('meta data', colors.meta),
      swatch('free', colors.free),
      swatch('soft fragment', colors.softFragment),
      swatch('hard fragment', colors.hardFragment),
    ];
    const model = this.model;
    let structs = 0;
    if (model && model.length > 0) {
      const families = model.heapAt(model.length - 1).families;
      structs = families.length;
      for (const family of families.slice(0, LEGEND_STRUCTS)) {
        items.push(swatch(family.name, structColor(colors, this.structColors, family.name, family.id)));
      }
      // The rest are not dropped in silence: their number, and their names in the tooltip.
      const rest = families.slice(LEGEND_STRUCTS);
      if (rest.length > 0) {
        items.push(
          el('span', {
            className: 'legend-item legend-more',
            text: `+${rest.length} more`,
            title: rest.map((family) => family.name).join(', '),
          }),
        );
      }
    }
    this.legendStructs = structs;
    this.legend.replaceChildren(...items);
    explainTerms(this.legend);
  }

  // ---------------------------------------------------------------- rendering

  queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render(false, true);
    });
  }

  /** Renders the current step now, travelling there at once if need be (tests, links from the host). */
  renderNow(): void {
    this.render(true, false);
  }

  /**
   * Draws the current step. In a frame (`now` false) a step whose heap is not at hand is asked of
   * the time travel, and only what needs no heap moves at once (timeline, charts): the map and the
   * side panels are drawn when the heap arrives (`inFrame`: whether this is an animation frame).
   */
  private render(now: boolean, inFrame: boolean): void {
    const started = performance.now();
    try {
      this.drawStep(now, inFrame);
    } finally {
      this.stats.renderMs += performance.now() - started;
    }
  }

  private drawStep(now: boolean, inFrame: boolean): void {
    const started = performance.now();
    const stats = this.stats;
    const model = this.model;
    this.lastRenderAt = started;
    stats.renders++;
    if (!model || model.length === 0) {
      this.stateBadge.textContent = model ? model.state : 'idle';
      this.timeline.show(model, -1);
      this.charts.show(model, -1);
      this.stacked.show(model, -1);
      return;
    }
    // A step the window slid past (a live run) is gone: show the run's end.
    if (this.step < model.firstStep - 1 || this.step >= model.length) this.step = model.length - 1;
    const step = this.step;
    if (!now && !this.travel.ready(model, step)) {
      this.travel.request(model, step);
      this.map.hold();
      this.timeline.show(model, step);
      this.drawCharts(model, step);
      if (this.catchUpTimer === undefined) {
        this.catchUpTimer = setTimeout(() => {
          this.catchUpTimer = undefined;
          if (this.travel.busy) this.map.element.classList.add('catching-up');
        }, CATCH_UP_HINT_MS);
      }
      return;
    }
    // The heap is here: the hint's timer goes with it, so the next journey waits its own 150 ms
    // (a timer left from a quick jump dimmed the next one at once).
    clearTimeout(this.catchUpTimer);
    this.catchUpTimer = undefined;
    this.map.element.classList.remove('catching-up');
    const heapStarted = performance.now();
    const heap = model.heapAt(step);
    this.travel.settledAt(model, step);
    stats.lastHeapAtMs = performance.now() - heapStarted;
    stats.shownStep = step;
    stats.shownInFrame = inFrame;
    const peak = model.peakStep;
    // The peak's page is marked from the peak on (before it, that block does not exist yet).
    const peakBlock = peak >= 0 && step >= peak && model.kindOf(peak) === HeapOpKind.Alloc ? model.resultOf(peak) : 0;
    this.map.setPeakBlock(peakBlock);
    this.map.show(heap);
    stats.pagesShown = this.map.pageCount;
    this.mapDrawn?.(step);
    this.timeline.show(model, step);
    // While a run goes on (or its backlog replays here), a progress redraw is the map's frame alone:
    // the charts follow in a task of their own, so neither makes a long task on the thread the
    // editor shares.
    if ((model.state === 'running' || this.ingest.busy) && !now) this.queueChartsDraw();
    else this.drawCharts(model, step);
    const s = model.timeline.series;
    const at = model.timeline.seriesIndex(step);
    // Before the window's first step (its first heap, or before any step) no series holds the values: the heap does.
    const shown =
      step >= model.firstStep
        ? { pages: s.pages[at]!, app: s.appMemory[at]!, mapped: s.mappedBytes[at]! }
        : {
            pages: heap.families.reduce((n, f) => n + f.counters.pages, 0),
            app: heap.appMemory,
            mapped: heap.kernel.mappedBytes(),
          };
    setText(this.stateBadge, model.state + (this.ingest.busy ? ' (loading)' : ''));
    const note = [model.windowNote, this.beforeWindowNotice].filter(Boolean).join(' · ');
    if (this.windowNote.textContent !== note) this.windowNote.textContent = note;
    setText(
      this.totals,
      `${count(shown.pages)} ${shown.pages === 1 ? 'page' : 'pages'} · ${bytes(shown.app)} application memory · ${bytes(
        shown.mapped,
      )} mapped${lastCheckText(model)}${
        model.endMessage ? ` · ${model.endMessage}` : ''
      }${model.timeline.divergences.length ? ` · replay diverged from the run at step ${model.timeline.divergences[0]! + 1}` : ''}`,
    );
    if (this.legendStructs !== model.heapAt(model.length - 1).families.length) this.renderLegend();
    const sideStarted = performance.now();
    this.renderSide();
    stats.lastSideMs = performance.now() - sideStarted;
    const hover = this.deferredHover;
    if (hover) {
      this.deferredHover = null;
      this.hovered(hover.target, hover.x, hover.y);
    }
    // Only steps the user moved to: following a live run must not make the editor flicker.
    const moved = this.stepMovedByUser && step !== this.lastPostedStep;
    this.stepMovedByUser = false;
    if (moved) {
      this.lastPostedStep = step;
      const siteId = model.siteIdOf(step);
      const site = siteId >= 0 ? model.sites[siteId] : undefined;
      const message: WebviewToHostMessage = { type: 'stepChanged', runId: model.runId, step, siteId };
      if (site) message.site = site;
      this.post(message);
    }
    stats.lastMapDrawMs = this.map.lastDrawMs;
    stats.lastLayoutMs = this.map.lastLayoutMs;
    stats.lastChartsDrawMs = this.charts.lastDrawMs;
    stats.lastRenderMs = performance.now() - started;
    stats.shownAt = performance.now();
    stats.longestRenderMs = Math.max(stats.longestRenderMs, stats.lastRenderMs);
    stats.longestIngestSliceMs = this.ingest.longestSliceMs;
  }

  /** Draws the charts and the stacked charts at `step` (and times the stacked ones). */
  private drawCharts(model: RunModel, step: number): void {
    if (this.chartsTimer !== undefined) {
      clearTimeout(this.chartsTimer);
      this.chartsTimer = undefined;
    }
    this.charts.show(model, step);
    const stackedStarted = performance.now();
    this.stacked.show(model, step);
    this.stats.lastStackedDrawMs = performance.now() - stackedStarted;
  }

  /** The charts at the step shown, in the next task (the latest step wins; one task however many ask). */
  private queueChartsDraw(): void {
    if (this.chartsTimer !== undefined) return;
    this.chartsTimer = setTimeout(() => {
      this.chartsTimer = undefined;
      const model = this.model;
      if (!model || model.length === 0) return;
      const started = performance.now();
      this.drawCharts(model, Math.min(this.stats.shownStep, model.length - 1));
      this.stats.renderMs += performance.now() - started;
    }, 0);
  }

  private renderSide(): void {
    const model = this.model;
    if (!model || model.length === 0) return;
    const step = this.step;
    const heap = model.heapAt(step);
    const container = this.panels[this.activeTab]!.panel;
    // A and B show on the timeline while the Compare panel is open.
    if (this.activeTab !== 5 && this.timeline.comparePair) {
      this.timeline.comparePair = null;
      this.timeline.draw();
    }
    switch (this.activeTab) {
      case 0: {
        const target = this.hoverTarget ?? this.selectedTarget;
        let facts: BlockFacts | null = null;
        if (target && (target.meta === 0 || heap.blockFamily(target.meta))) facts = blockFacts(heap, model, step, target);
        // No block to describe: the hint stays as it is (made again at every step it would restyle
        // the panel each frame, and its live region would announce it again).
        if (!facts && this.blockHintShown) break;
        this.blockHintShown = !facts;
        renderBlockDetails(container, heap, facts, target?.page ?? 0, model, this.links);
        const family = facts && target && target.meta !== 0 && !facts.free ? heap.blockFamily(target.meta) : undefined;
        const struct = family ? model.structs[family.id] : undefined;
        if (family && struct && facts) {
          const units = struct.size > 0 ? Math.floor(heap.block(target!.meta).size / struct.size) : 0;
          // The unit picked stays while the same block is shown (across steps); another block starts at its first.
          if (this.fieldUnit.address !== facts.address) this.fieldUnit = { address: facts.address, unit: 0 };
          renderFieldView(
            container,
            heap,
            facts.address,
            struct,
            units,
            (address) => this.map.reveal(address),
            this.fieldUnit.unit,
            (unit) => {
              this.fieldUnit = { address: facts.address, unit };
              this.queueRender();
            },
          );
        }
        if (facts && target && target.meta !== 0 && !facts.free) renderRetainers(container, model, facts.address, this.links);
        break;
      }
      case 1:
        renderCounters(container, heap);
        break;
      case 2:
        renderFreeLists(container, heap, (address) => this.map.reveal(address));
        break;
      case 3: {
        // The breakdown scans the steps up to the peak: redo it only when the peak moves.
        const key = `${model.runId}:${model.peakStep}`;
        if (key !== this.lastPeakKey) {
          this.lastPeakKey = key;
          renderPeak(container, model, (s) => this.setStep(s), this.links);
        }
        break;
      }
      case 4: {
        const key = `${model.runId}:${model.report ? 1 : 0}:${this.callTreeChoice.source}:${this.callTreeChoice.direction}`;
        if (key !== this.lastCallTreeKey) {
          this.lastCallTreeKey = key;
          renderCallTrees(
            container,
            model,
            this.callTreeChoice,
            (choice) => {
              this.callTreeChoice = choice;
              this.renderSide();
            },
            this.links,
          );
        }
        break;
      }
      case 5: {
        // A comparison scans the steps up to B: redo it only when A, B or the run changes.
        // A defaults to the start of what the timeline holds (the run's, or the window's first heap).
        const pair = this.comparePair.b < 0 ? { a: model.firstStep - 1, b: step } : this.comparePair;
        const shown = this.timeline.comparePair;
        if (!shown || shown.a !== pair.a || shown.b !== pair.b) {
          this.timeline.comparePair = pair;
          this.timeline.draw();
        }
        const key = `${model.runId}:${pair.a}:${pair.b}:${step}:${model.length}`;
        if (key !== this.lastCompareKey) {
          this.lastCompareKey = key;
          renderCompare(
            container,
            model,
            pair,
            step,
            (next) => {
              this.comparePair = next;
              this.renderSide();
              this.timeline.draw();
            },
            this.links,
          );
        }
        break;
      }
      case 6: {
        // The report is set once per run, the errors so far a few times a second at most: drawn
        // when they change, not at every step.
        const key = `${model.runId}:${model.report ? 1 : 0}:${model.suppressible}:${model.errorsSoFar?.version ?? 0}:${model.state}`;
        if (key !== this.lastFindingsKey) {
          this.lastFindingsKey = key;
          renderFindings(container, model, model.suppressible, this.suppressRequests, this.findingLinks);
        }
        break;
      }
    }
  }

  /** Sets the Compare panel's steps A and B and renders at once. */
  compare(pair: StepPair): void {
    this.comparePair = pair;
    this.renderNow();
  }

  /** Chooses the call tree shown (peak or leaks, top-down or bottom-up) and renders at once. */
  chooseCallTree(choice: CallTreeChoice): void {
    this.callTreeChoice = choice;
    this.renderNow();
  }

  /** Shows side tab `index` and renders at once. */
  selectTab(index: number): void {
    (this.tabs as unknown as { selectedIndex: number }).selectedIndex = index;
    this.activeTab = index;
    this.renderNow();
  }
}

/**
 * Lets the side tabs' headers wrap onto a second line: in a narrow panel the last tabs would
 * otherwise be cut off, out of reach. The headers live in the element's shadow root, which takes
 * an adopted style sheet (CSSOM, as the element's own styles are, so the page's CSP allows it).
 */
function wrapTabHeaders(tabs: HTMLElement): void {
  void customElements.whenDefined('vscode-tabs').then(async () => {
    await (tabs as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
    const shadow = tabs.shadowRoot;
    if (!shadow) return;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('.tablist { flex-wrap: wrap; row-gap: 2px; }');
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  });
}

/**
 * What the header says of the run's last leak check, naming it as the status bar does: the check
 * the run made at its end, the one when it stopped early, or the one at step N (the harness's
 * mm_leak_check() or Check Leaks Now).
 */
function lastCheckText(model: RunModel): string {
  const last = model.leakChecks[model.leakChecks.length - 1];
  if (!last) return '';
  const atLastStep = last.step === model.length - 1;
  const atEnd = model.state === 'finished' && atLastStep;
  // A run that failed or was stopped with its report: the host puts the check made when it stopped at its last step.
  const atStop = (model.state === 'failed' || model.state === 'stopped') && atLastStep && model.report !== null;
  const when = atEnd
    ? `at the end of the run (step ${stepNumber(last.step)})`
    : atStop
      ? `when the run stopped (step ${stepNumber(last.step)}; no end-of-run check ran)`
      : `at the check at step ${stepNumber(last.step)}`;
  return ` · ${blockCount(last.lostBlocks)} leaked ${when}`;
}

/** Sets an element's text only when it differs (the same text set again still restyles and lays out). */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
