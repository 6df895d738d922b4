/**
 * Synchronous access to the Memory Map for the webview tests and the rendering benchmark, as
 * `window.lmmMemoryMap`. The host never uses it; it reads the app's state and drives it the way a
 * user would (a step, a tab), so tests can check what is drawn without waiting on animation frames.
 */
import type { MemoryMapApp } from './app';

export function installTestHook(app: MemoryMapApp): void {
  const hook = {
    stats: app.stats,
    get step() {
      return app.step;
    },
    get length() {
      return app.model?.length ?? 0;
    },
    /** The first step the timeline holds (0 unless it keeps only the run's last lmm.eventsKept steps). */
    /** The step the timeline marks as the peak (the window's highest when the run's was before it). */
    get peakStep() {
      return app.model?.peakStep ?? -1;
    },
    get firstStep() {
      return app.model?.firstStep ?? 0;
    },
    /** The header's note on the window ("showing the last N of M operations", a step before it). */
    get windowNote() {
      return app.windowNote.textContent ?? '';
    },
    /** Application memory and mapped bytes of the heap the map shows now. */
    get heapFigures() {
      const model = app.model;
      if (!model || model.length === 0) return null;
      const heap = model.heapAt(app.step);
      return { appMemory: heap.appMemory, mappedBytes: heap.kernel.mappedBytes() };
    },
    /** Time-travel snapshots of the current run (HeapTimeline.snapshotInfo), for the benchmark. */
    get snapshots() {
      return app.model ? app.model.timeline.snapshotInfo() : null;
    },
    /** Forgets the longest render / slice (the benchmark measures phases separately). */
    resetLongest() {
      app.stats.longestRenderMs = 0;
      app.stats.longestIngestSliceMs = 0;
      app.ingest.longestSliceMs = 0;
      app.stats.longestTravelChunkMs = 0;
      app.travel.longestChunkMs = 0;
    },
    /** The run's id, its title (the harness file's name) and whether its report arrived. */
    get runId() {
      return app.model?.runId ?? '';
    },
    get title() {
      return app.model?.title ?? '';
    },
    get reportReady() {
      return app.model?.report != null;
    },
    /** Meta address of the block selected in the map (-1: none). */
    get selection() {
      return app.map.selection;
    },
    /** Data address of the block whose allocation made the peak, as the map marks it (0: none). */
    get peakBlock() {
      return app.map.peakBlockAddress;
    },
    /** Width of the map's page-label column (the peak and selection marks are drawn in it). */
    get labelWidth() {
      return app.map.labelWidth;
    },
    /** The page the map marks as holding the peak's block (-1: none). */
    get peakPage() {
      return app.map.peakPage;
    },
    get rowsDrawn() {
      return app.map.lastRowsDrawn;
    },
    get ingesting() {
      return app.ingest.busy;
    },
    /** A redraw for a live run's progress waits for its turn (at most a few a second while live). */
    get livePending() {
      return app.livePending;
    },
    /** Work the webview does when idle is left: the stacked charts' breakdown catching up with the run. */
    get idleWorkLeft() {
      return app.stacked.catchingUp;
    },
    /** Time travel is under way (the map keeps its last picture until it arrives). */
    get travelling() {
      return app.travel.busy;
    },
    /**
     * Moves to `s` as the timeline does when clicked: the map is drawn in a later frame, once time
     * travel has brought the heap there (`stats.shownStep`, `stats.shownAt`).
     */
    requestStep(s: number): void {
      app.setStep(s);
    },
    /** Moves to `s` and renders at once (returns the milliseconds it took). */
    setStepNow(s: number): number {
      const started = performance.now();
      app.setStep(s);
      app.renderNow();
      return performance.now() - started;
    },
    targetAt: (x: number, y: number) => app.map.targetAt(x, y),
    /** Chart titles and map family headings as drawn at the last render (text, width, room). */
    get chartTitles() {
      return app.charts.titleBoxes;
    },
    get familyHeadings() {
      return app.map.headingBoxes;
    },
    /** The map's zoom level (index in ZOOM_LEVELS); setting it zooms and draws at once. */
    get zoom() {
      return app.map.zoomIndex;
    },
    set zoom(level: number) {
      app.map.zoomTo(level);
    },
    zoomToFit() {
      app.map.zoomToFit();
    },
    /** Called in the task that drew the map, with its step. */
    set onMapDrawn(listener: ((step: number) => void) | undefined) {
      app.mapDrawn = listener;
    },
    /** The step the charts were last drawn at (during a live run they follow the map in a task of their own). */
    get chartsStep() {
      return app.charts.shownStep;
    },
    /** What each chart's crosshair reads (none while the pointer is elsewhere). */
    get chartReadouts() {
      return app.charts.readouts;
    },
    /** The stacked charts' values at the crosshair or the current step, series by series. */
    get stackedReadouts() {
      return app.stacked.readouts;
    },
    /** Block labels drawn at the last map draw (text, width, the room it had). */
    get blockLabels() {
      return app.map.blockLabels;
    },
    /** The map rectangle (viewport coordinates) of the data of the block at data address `address`. */
    blockRect(address: number) {
      const map = app.map;
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
      app.selectTab(index);
    },
    /** The Compare panel's steps (allocated after `a`, live at `b`; -1: the start). */
    compare(a: number, b: number) {
      app.compare({ a, b });
    },
    chooseCallTree(source: 'peak' | 'leaks', direction: 'top-down' | 'bottom-up') {
      app.chooseCallTree({ source, direction });
    },
  };
  (window as unknown as { lmmMemoryMap: typeof hook }).lmmMemoryMap = hook;
}
