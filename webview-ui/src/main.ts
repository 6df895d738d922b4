/**
 * The Memory Map webview: receives the run from the extension host (validated messages, see
 * `src/protocol/webviewMessages.ts`), replays it on its own engine, and draws the map, charts,
 * timeline and side panels for the current step. All drawing is coalesced into one
 * requestAnimationFrame, and incoming batches are replayed in short slices (IngestQueue), so
 * neither live runs nor long backlogs block the UI thread.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { parseHostToWebview, type HostToWebviewMessage, type WebviewToHostMessage } from '../../src/protocol/webviewMessages';
import { ChartsView, blockCount, bytes, count } from './chartsView';
import { el } from './dom';
import { IngestQueue } from './ingestQueue';
import { MemoryMapView, type MapTarget } from './memoryMapView';
import { RunModel } from './runModel';
import { blockFacts, renderBlockDetails, renderCounters, renderFreeLists, renderPeak, type BlockFacts } from './sidePanels';
import { readColors, structColor, watchTheme, type MapColors } from './themeColors';
import { TimelineView } from './timelineView';

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: WebviewToHostMessage) => vscode.postMessage(message);

/** Numbers for tests and the benchmark (read through `window.lmmMemoryMap`). */
const stats = {
  renders: 0,
  lastRenderMs: 0,
  /** Longest render so far (ms), and the longest replay slice (HeapTimeline.append, snapshots included). */
  longestRenderMs: 0,
  longestIngestSliceMs: 0,
  /** Time travel's share of the last render (HeapTimeline.heapAt). */
  lastHeapAtMs: 0,
  lastMapDrawMs: 0,
  lastChartsDrawMs: 0,
  rejectedMessages: 0,
  lastRejection: '',
  pagesShown: 0,
};

let model: RunModel | null = null;
let step = -1;
let colors: MapColors = readColors();
let structColors: Record<string, string> = {};
let renderQueued = false;
let lastPostedStep = -2;
/** The user moved the timeline since the last `stepChanged` (scrub, key, click, host request). */
let stepMovedByUser = false;
let hoverTarget: MapTarget | null = null;
let selectedTarget: MapTarget | null = null;
let activeTab = 0;
let lastPeakKey = '';
let lastRenderAt = 0;
const BACKLOG_REDRAW_MS = 80;

// ------------------------------------------------------------------ layout

const app = document.getElementById('app')!;
const title = el('h1', { className: 'run-title', text: 'No run yet' });
const stateBadge = el('vscode-badge', { className: 'run-state', text: 'idle' });
const totals = el('span', { className: 'run-totals', attrs: { 'aria-live': 'polite' } });
const legend = el('div', { className: 'legend', attrs: { 'aria-label': 'Legend' } });
const header = el('header', { className: 'toolbar' }, title, stateBadge, totals, legend);

const timeline = new TimelineView((s, continuous) => setStep(s, continuous));
const map = new MemoryMapView({
  onHover: (target, x, y) => hovered(target, x, y),
  onSelect: (target) => selected(target),
});
const charts = new ChartsView((s, continuous) => setStep(s, continuous));
const tooltip = el('div', { className: 'tooltip', attrs: { role: 'tooltip', hidden: '' } });

const panels = ['Block', 'Counters', 'Free lists', 'Peak'].map((name) => ({
  header: el('vscode-tab-header', { text: name, attrs: { slot: 'header' } }),
  panel: el('vscode-tab-panel', { className: 'side-panel', attrs: { 'aria-label': name } }),
}));
// The Block panel follows keyboard selection on the map: screen readers announce it.
panels[0]!.panel.setAttribute('aria-live', 'polite');
const tabs = el('vscode-tabs', { className: 'side-tabs' });
for (const p of panels) tabs.append(p.header, p.panel);
tabs.addEventListener('vsc-tabs-select', (event) => {
  activeTab = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  queueRender();
});

const main = el(
  'main',
  { className: 'main' },
  el('section', { className: 'map-pane', attrs: { 'aria-label': 'Memory map' } }, map.element),
  tabs,
);
app.replaceChildren(header, timeline.element, main, charts.element, tooltip);
applyColors();
watchTheme(() => {
  colors = readColors();
  applyColors();
});

// Arrow keys / Home / End step the timeline unless a control that uses them has the focus.
document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (target !== document.body && target !== app && !target.classList.contains('timeline-track')) return;
  if (target.classList.contains('timeline-track')) return; // the track handles its own keys
  timeline.keyPressed(event);
});

// ------------------------------------------------------------------ messages

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostToWebview(event.data);
  if (!parsed.ok) {
    stats.rejectedMessages++;
    stats.lastRejection = parsed.error;
    post({ type: 'webviewError', message: `rejected a message from the host: ${parsed.error}` });
    return;
  }
  try {
    handle(parsed.message);
  } catch (error) {
    post({ type: 'webviewError', message: `failed to handle ${parsed.message.type}: ${String(error)}` });
  }
});

/** Divergences already reported to the host (replayed results that differ from the run's). */
let reportedDivergences = 0;

const ingest = new IngestQueue(
  (batch) => {
    if (!model || !model.append(batch)) return false;
    const divergences = model.timeline.divergences;
    if (divergences.length > 0 && reportedDivergences === 0) {
      // The map would not show the run's heap (e.g. a different page size or memory cap): say so once.
      post({
        type: 'webviewError',
        message: `replay diverged from the run at step ${divergences[0]}: the map may not match the run (page size or memory cap differ?)`,
      });
    }
    reportedDivergences = divergences.length;
    return true;
  },
  () => model?.length ?? 0,
  () => {
    if (model && timeline.following) step = model.length - 1;
    // While a backlog replays, redraw ~12 times a second rather than after every slice: the
    // replay gets the time, and the picture still moves.
    if (!ingest.busy || performance.now() - lastRenderAt > BACKLOG_REDRAW_MS) queueRender();
    if (!ingest.busy) prepareTimeTravelWhenIdle();
  },
  (expected) => {
    if (model) post({ type: 'resyncRequest', runId: model.runId, fromStep: expected });
  },
);

function handle(message: HostToWebviewMessage): void {
  if (message.type === 'settings') {
    structColors = message.structColors;
    applyColors();
    return;
  }
  if (message.type === 'runStarted') {
    ingest.clear();
    model = new RunModel(message.runId, message.pageSize, message.title, message.live, message.memoryCap);
    reportedDivergences = 0;
    step = -1;
    lastPostedStep = -2;
    lastPeakKey = '';
    hoverKey = '';
    hoverTarget = null;
    selectedTarget = null;
    map.clearSelection();
    timeline.following = true;
    timeline.leakCheckOrigin.clear();
    title.textContent = message.title;
    queueRender();
    return;
  }
  if (!model || message.runId !== model.runId) return; // a message of an older run
  switch (message.type) {
    case 'sites':
      model.addSites(message.firstId, message.sites);
      break;
    case 'heapOps':
      ingest.push(message.batch);
      return;
    case 'leakCheck':
      model.addLeakCheck(message.step, message.leaks, message.site);
      timeline.leakCheckOrigin.set(message.step, message.requested === true);
      break;
    case 'runEnded':
      model.state = message.state;
      model.endMessage = message.message ?? '';
      if (!ingest.busy) prepareTimeTravelWhenIdle();
      break;
    case 'report':
      model.setReport(message.report);
      for (const check of message.report.leakChecks ?? []) timeline.leakCheckOrigin.set(check.event, check.requested === true);
      break;
    case 'goToStep':
      whenIngested(() => setStep(message.step));
      return;
    case 'revealBlock':
      whenIngested(() => {
        if (message.step !== undefined) setStep(message.step);
        renderNow();
        map.reveal(message.address);
      });
      return;
  }
  queueRender();
}

/**
 * Once a finished run is all replayed here, maps the time-travel heap while nobody waits (an idle
 * callback), so that the first scrub back costs what every later one does. Not during a live run:
 * it is one task of up to ~100 ms on a 10,000-page heap.
 */
function prepareTimeTravelWhenIdle(): void {
  const run = model;
  if (!run || run.state === 'running') return;
  requestIdleCallback(
    () => {
      // One stage per idle callback: each is one task of a few tens of ms on a big heap.
      if (run === model && !ingest.busy && run.prepareTimeTravel()) prepareTimeTravelWhenIdle();
    },
    { timeout: 1000 },
  );
}

/** Runs `action` once the batches received so far are replayed (a reveal may follow a backlog). */
function whenIngested(action: () => void): void {
  if (!ingest.busy) action();
  else setTimeout(() => whenIngested(action), 20);
}

// ------------------------------------------------------------------ state changes

/** Time travel at the last render was slow (a far jump in a long run): drags let the map catch up. */
const SLOW_TRAVEL_MS = 50;
const CATCH_UP_MS = 120;
let catchUpTimer: ReturnType<typeof setTimeout> | undefined;

function setStep(next: number, continuous = false): void {
  if (!model) return;
  stepMovedByUser = true;
  step = Math.max(-1, Math.min(model.length - 1, next));
  timeline.following = step === model.length - 1;
  if (continuous && stats.lastHeapAtMs > SLOW_TRAVEL_MS) {
    // While a drag or a held key moves on, show where it is (timeline, charts) at once, and
    // redraw the map when it pauses: a jump costs a heap reconstruction the drag would outrun.
    timeline.show(model, step);
    charts.show(model, step);
    map.element.classList.add('catching-up');
    if (catchUpTimer !== undefined) clearTimeout(catchUpTimer);
    catchUpTimer = setTimeout(() => {
      catchUpTimer = undefined;
      queueRender();
    }, CATCH_UP_MS);
    return;
  }
  queueRender();
}

let hoverKey = '';

function hovered(target: MapTarget | null, x: number, y: number): void {
  hoverTarget = target;
  if (!target || !model || x < 0) {
    hoverKey = '';
    tooltip.hidden = true;
    if (target) renderSide();
    return;
  }
  // The pointer moves within one segment many times: describe it (a scan for its allocation) once.
  const key = `${model.runId}:${step}:${target.meta}:${target.segment.kind}`;
  if (key !== hoverKey) {
    hoverKey = key;
    const facts = blockFacts(model.heapAt(step), model, step, target);
    tooltip.replaceChildren(
      el('strong', { text: facts.title }),
      ...facts.rows.map(([name, value]) => el('div', { text: `${name}: ${value}` })),
    );
    if (activeTab === 0) renderSide();
  }
  tooltip.hidden = false;
  const box = tooltip.getBoundingClientRect();
  tooltip.style.left = `${Math.min(window.innerWidth - box.width - 4, x + 14)}px`;
  tooltip.style.top = `${Math.min(window.innerHeight - box.height - 4, y + 14)}px`;
}

function selected(target: MapTarget): void {
  selectedTarget = target;
  hoverTarget = null;
  if (!model) return;
  const facts = blockFacts(model.heapAt(step), model, step, target);
  const site = facts.siteId >= 0 ? model.sites[facts.siteId] : undefined;
  const message: WebviewToHostMessage = {
    type: 'blockSelected',
    runId: model.runId,
    address: facts.address,
    step,
    struct: target.struct,
    free: facts.free,
    allocStep: facts.allocStep,
    siteId: facts.siteId,
  };
  if (site) message.site = site;
  post(message);
  renderSide();
}

function applyColors(): void {
  map.setColors(colors, structColors);
  charts.setColors(colors);
  timeline.setColors(colors);
  renderLegend();
  queueRender();
}

function renderLegend(): void {
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
  if (model && model.length > 0) {
    for (const family of model.heapAt(model.length - 1).families.slice(0, 12)) {
      items.push(swatch(family.name, structColor(colors, structColors, family.name, family.id)));
    }
  }
  legend.replaceChildren(...items);
}

// ------------------------------------------------------------------ rendering

function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderNow();
  });
}

function renderNow(): void {
  const started = performance.now();
  lastRenderAt = started;
  stats.renders++;
  if (!model || model.length === 0) {
    stateBadge.textContent = model ? model.state : 'idle';
    timeline.show(model, -1);
    charts.show(model, -1);
    return;
  }
  if (step < 0 || step >= model.length) step = model.length - 1;
  map.element.classList.remove('catching-up');
  const heapStarted = performance.now();
  const heap = model.heapAt(step);
  stats.lastHeapAtMs = performance.now() - heapStarted;
  map.show(heap);
  stats.pagesShown = map.pageCount;
  timeline.show(model, step);
  charts.show(model, step);
  const s = model.timeline.series;
  stateBadge.textContent = model.state + (ingest.busy ? ' (loading)' : '');
  totals.textContent = `${count(s.pages[step]!)} pages · ${bytes(s.appMemory[step]!)} application memory · ${bytes(
    s.mappedBytes[step]!,
  )} mapped${model.leakChecks.length ? ` · ${blockCount(model.leakChecks[model.leakChecks.length - 1]!.lostBlocks)} leaked at the last check` : ''}${
    model.endMessage ? ` · ${model.endMessage}` : ''
  }${model.timeline.divergences.length ? ` · replay diverged from the run at step ${model.timeline.divergences[0]! + 1}` : ''}`;
  if (legend.childElementCount - 5 !== Math.min(12, heap.families.length)) renderLegend();
  renderSide();
  // Only steps the user moved to: following a live run must not make the editor flicker.
  const moved = stepMovedByUser && step !== lastPostedStep;
  stepMovedByUser = false;
  if (moved) {
    lastPostedStep = step;
    const siteId = model.siteIdOf(step);
    const site = siteId >= 0 ? model.sites[siteId] : undefined;
    const message: WebviewToHostMessage = { type: 'stepChanged', runId: model.runId, step, siteId };
    if (site) message.site = site;
    post(message);
  }
  stats.lastMapDrawMs = map.lastDrawMs;
  stats.lastChartsDrawMs = charts.lastDrawMs;
  stats.lastRenderMs = performance.now() - started;
  stats.longestRenderMs = Math.max(stats.longestRenderMs, stats.lastRenderMs);
  stats.longestIngestSliceMs = ingest.longestSliceMs;
}

function renderSide(): void {
  if (!model || model.length === 0) return;
  const heap = model.heapAt(step);
  const container = panels[activeTab]!.panel;
  switch (activeTab) {
    case 0: {
      const target = hoverTarget ?? selectedTarget;
      let facts: BlockFacts | null = null;
      if (target && (target.meta === 0 || heap.blockFamily(target.meta))) facts = blockFacts(heap, model, step, target);
      renderBlockDetails(container, heap, facts, target?.page ?? 0);
      break;
    }
    case 1:
      renderCounters(container, heap);
      break;
    case 2:
      renderFreeLists(container, heap, (address) => map.reveal(address));
      break;
    case 3: {
      // The breakdown scans the steps up to the peak: redo it only when the peak moves.
      const key = `${model.runId}:${model.peakStep}`;
      if (key !== lastPeakKey) {
        lastPeakKey = key;
        renderPeak(container, model, (s) => setStep(s));
      }
      break;
    }
  }
}

// ------------------------------------------------------------------ test and benchmark hook

/** Synchronous access for the webview tests and the rendering benchmark; not used by the host. */
(window as unknown as { lmmMemoryMap: unknown }).lmmMemoryMap = {
  stats,
  get step() {
    return step;
  },
  get length() {
    return model?.length ?? 0;
  },
  /** Time-travel snapshots of the current run (HeapTimeline.snapshotInfo), for the benchmark. */
  get snapshots() {
    return model ? model.timeline.snapshotInfo() : null;
  },
  /** Forgets the longest render / slice (the benchmark measures phases separately). */
  resetLongest() {
    stats.longestRenderMs = 0;
    stats.longestIngestSliceMs = 0;
    ingest.longestSliceMs = 0;
  },
  get rowsDrawn() {
    return map.lastRowsDrawn;
  },
  get ingesting() {
    return ingest.busy;
  },
  /** Moves to `s` and renders at once (returns the milliseconds it took). */
  setStepNow(s: number): number {
    const started = performance.now();
    setStep(s);
    renderNow();
    return performance.now() - started;
  },
  targetAt: (x: number, y: number) => map.targetAt(x, y),
  /** Chart titles and map family headings as drawn at the last render (text, width, room). */
  get chartTitles() {
    return charts.titleBoxes;
  },
  get familyHeadings() {
    return map.headingBoxes;
  },
  /** The map rectangle (viewport coordinates) of the data of the block at data address `address`. */
  blockRect(address: number) {
    const rect = map.dataRect(address - 48);
    if (!rect) return null;
    const box = map.element.getBoundingClientRect();
    return {
      x: box.left + map.element.clientLeft + rect.x,
      y: box.top + map.element.clientTop + rect.y,
      width: rect.width,
      height: rect.height,
    };
  },
  selectTab(index: number) {
    (tabs as unknown as { selectedIndex: number }).selectedIndex = index;
    activeTab = index;
    renderNow();
  },
};

post({ type: 'ready' });
