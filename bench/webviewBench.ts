/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * Memory Map rendering benchmark (`npm run bench:webview`), in headless Chromium against the
 * fake host: a run of 1,000,000 steps that grows to 10,000 data pages, then churns and fragments
 * to about 13,340 at its end (LMM_BENCH_STEPS, LMM_BENCH_PAGES change both).
 *  - first paint: from posting the run to the first frame with pages drawn (the backlog keeps
 *    replaying in slices afterwards), and a full layout + paint of all 10,000 pages;
 *  - scrub: jump to random steps the way a click on the timeline does (time travel then runs in
 *    short tasks and the map is drawn as the heap arrives): time from the click to the frame that
 *    shows the step (the end of the drawing when it was in a frame, else the next frame);
 *  - live: batches streamed at 20 per second; frames rendered per second and long tasks.
 * Long tasks (> 50 ms on the UI thread) come from a PerformanceObserver('longtask').
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openFakeHost } from '../test/support/webviewFakeHost';

const STEPS = Number(process.env.LMM_BENCH_STEPS ?? 1_000_000);
const PAGES = Number(process.env.LMM_BENCH_PAGES ?? 10_000);
const BATCH = 4096;
/**
 * While a run goes on the map redraws its progress once a second (LIVE_REDRAW_MS in the webview's
 * app.ts), so the editor sharing the window's thread keeps it; the bench checks it keeps that pace
 * under a stream of batches (a little under one a second, for the frame the redraw waits for).
 */
const LIVE_REDRAWS_PER_SECOND = 0.9;

interface PageHook {
  stats: {
    renders: number;
    pagesShown: number;
    lastRenderMs: number;
    lastHeapAtMs: number;
    lastTravelMs: number;
    lastTravelChunks: number;
    longestTravelChunkMs: number;
    shownStep: number;
    shownAt: number;
    shownInFrame: boolean;
    lastLayoutMs: number;
    lastMapDrawMs: number;
    lastStackedDrawMs: number;
    lastSideMs: number;
    lastChartsDrawMs: number;
    longestRenderMs: number;
    longestIngestSliceMs: number;
  };
  resetLongest(): void;
  length: number;
  ingesting: boolean;
  setStepNow(step: number): number;
  idleWorkLeft: boolean;
  requestStep(step: number): void;
  snapshots: { count: number; bytes: number; every: number; longestReplay: number } | null;
}
type W = Window & {
  lmmMemoryMap: PageHook;
  lmmWebviewWorkload: { generate(o: object): { batches: unknown[]; steps: number; pagesAtEnd: number; sites: unknown[] } };
  __bench: { batches: unknown[]; sites: unknown[]; steps: number; pagesAtEnd: number };
  __longTasks: Array<{ start: number; duration: number }>;
};

async function main(): Promise<void> {
  const host = await openFakeHost({ width: 1600, height: 1000 });
  const { page } = host;
  const workloadSource = readFileSync(resolve(__dirname, 'webview-workload.js'), 'utf8');
  await page.evaluate(workloadSource); // DevTools evaluation: not subject to the page's CSP
  const generated = await page.evaluate(
    ({ steps, pages, batch }) => {
      const w = window as unknown as W;
      const t0 = performance.now();
      const workload = w.lmmWebviewWorkload.generate({ targetPages: pages, steps, batchSize: batch });
      w.__bench = workload;
      return { ms: performance.now() - t0, steps: workload.steps, pages: workload.pagesAtEnd, batches: workload.batches.length };
    },
    { steps: STEPS, pages: PAGES, batch: BATCH },
  );
  console.log(
    `workload: ${generated.steps.toLocaleString('en-US')} steps, ${generated.pages.toLocaleString('en-US')} pages at the end, ${generated.batches} batches (generated in ${generated.ms.toFixed(0)} ms, not measured)`,
  );

  // ---- first paint and backlog replay
  const backlog = await page.evaluate(async () => {
    const w = window as unknown as W;
    const hook = w.lmmMemoryMap;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    hook.resetLongest();
    const t0 = performance.now();
    const rendersBefore = hook.stats.renders;
    window.postMessage({ type: 'runStarted', runId: 'bench-1', pageSize: 4096, title: 'bench.lmm.ts', live: false }, '*');
    window.postMessage({ type: 'sites', runId: 'bench-1', firstId: 0, sites: w.__bench.sites }, '*');
    for (const batch of w.__bench.batches) window.postMessage({ type: 'heapOps', runId: 'bench-1', batch }, '*');
    window.postMessage({ type: 'runEnded', runId: 'bench-1', state: 'finished' }, '*');
    let firstPaint = -1;
    while (hook.length < w.__bench.steps || hook.ingesting) {
      await frame();
      if (firstPaint < 0 && hook.stats.renders > rendersBefore && hook.stats.pagesShown > 0) firstPaint = performance.now() - t0;
    }
    await frame();
    const replayed = performance.now() - t0;
    const longTasks = w.__longTasks.filter((t) => t.start >= t0);
    const longestRender = hook.stats.longestRenderMs;
    const longestSlice = hook.stats.longestIngestSliceMs;
    // A full layout and paint of the last step (all pages: every render lays the map out anew),
    // then the next frame. (The last step is the live heap: no time travel in this figure.)
    const t1 = performance.now();
    const synchronous = hook.setStepNow(hook.length - 1);
    await frame();
    const fullPaint = performance.now() - t1;
    return {
      firstPaint,
      replayed,
      fullPaint,
      synchronous,
      pagesShown: hook.stats.pagesShown,
      mapDraw: hook.stats.lastMapDrawMs,
      chartsDraw: hook.stats.lastChartsDrawMs,
      longTasks: longTasks.length,
      longest: Math.max(0, ...longTasks.map((t) => t.duration)),
      longestRender,
      longestSlice,
    };
  });
  console.log(`first paint (run posted -> first frame with pages): ${backlog.firstPaint.toFixed(1)} ms`);
  console.log(
    `backlog replayed (${generated.steps.toLocaleString('en-US')} steps, in slices): ${backlog.replayed.toFixed(0)} ms, ${backlog.longTasks} long tasks, longest ${backlog.longest.toFixed(0)} ms (longest render ${backlog.longestRender.toFixed(0)} ms, longest replay slice ${backlog.longestSlice.toFixed(0)} ms)`,
  );
  console.log(
    `full paint of ${backlog.pagesShown.toLocaleString('en-US')} pages at the last step: ${backlog.fullPaint.toFixed(1)} ms to the next frame (render ${backlog.synchronous.toFixed(1)} ms; map draw ${backlog.mapDraw.toFixed(1)} ms, charts ${backlog.chartsDraw.toFixed(1)} ms)`,
  );

  // ---- scrub to random steps
  const scrub = await page.evaluate(async (waitForIdleWork) => {
    const w = window as unknown as W;
    const hook = w.lmmMemoryMap;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const times: number[] = [];
    const travel: number[] = [];
    const chunks: number[] = [];
    const render: number[] = [];
    const layout: number[] = [];
    // A person looks at the finished run before scrubbing: let the webview's idle work (it maps
    // the time-travel heap, the stacked charts catch up with the run) happen first, as it would.
    // (LMM_BENCH_SCRUB_AT_ONCE=1: after three idle callbacks only, the stacked charts still catching up.)
    const idleFrom = performance.now();
    for (let i = 0; i < 3 || (waitForIdleWork && hook.idleWorkLeft && performance.now() - idleFrom < 10000); i++) {
      await new Promise((r) => requestIdleCallback(() => r(null)));
    }
    const idleWork = performance.now() - idleFrom;
    const snapshots = hook.snapshots!;
    hook.resetLongest();
    const t0 = performance.now();
    /**
     * Moves as a click on the timeline does; resolves with the ms until the frame that shows the
     * step: the end of its drawing when that was in a frame, else (drawn in the task where time
     * travel arrived) the next frame, the first one to show it.
     */
    const scrubTo = async (step: number) => {
      const started = performance.now();
      hook.requestStep(step);
      let now = started;
      while (hook.stats.shownStep !== step) {
        await frame();
        now = performance.now();
      }
      return (hook.stats.shownInFrame ? hook.stats.shownAt : now) - started;
    };
    for (let i = 0; i < 30; i++) {
      const step = Math.floor(random() * hook.length);
      times.push(await scrubTo(step));
      travel.push(hook.stats.lastTravelMs);
      chunks.push(hook.stats.lastTravelChunks);
      render.push(hook.stats.lastRenderMs);
      layout.push(hook.stats.lastLayoutMs);
      await frame();
    }
    const stepTimes: number[] = [];
    for (let i = 0; i < 30; i++) {
      stepTimes.push(await scrubTo(hook.length / 2 + i));
      await frame();
    }
    const longTasks = w.__longTasks.filter((t) => t.start >= t0);
    times.sort((a, b) => a - b);
    stepTimes.sort((a, b) => a - b);
    travel.sort((a, b) => a - b);
    chunks.sort((a, b) => a - b);
    render.sort((a, b) => a - b);
    layout.sort((a, b) => a - b);
    return {
      travelMedian: travel[15]!,
      travelMax: travel[29]!,
      chunksMedian: chunks[15]!,
      longestChunk: hook.stats.longestTravelChunkMs,
      renderMedian: render[15]!,
      renderMax: render[29]!,
      layoutMedian: layout[15]!,
      layoutMax: layout[29]!,
      median: times[15]!,
      p90: times[27]!,
      max: times[29]!,
      stepMedian: stepTimes[15]!,
      stepMax: stepTimes[29]!,
      longTasks: longTasks.length,
      longest: Math.max(0, ...longTasks.map((t) => t.duration)),
      snapshots,
      idleWork,
    };
  }, process.env.LMM_BENCH_SCRUB_AT_ONCE !== '1');
  console.log(
    `time-travel snapshots: ${scrub.snapshots.count} (${(scrub.snapshots.bytes / 1048576).toFixed(0)} MiB), one per ${scrub.snapshots.every.toLocaleString('en-US')} steps lately; longest replay ${scrub.snapshots.longestReplay.toLocaleString('en-US')} steps`,
  );
  console.log(`idle work after the backlog (time travel's heap, the stacked charts' breakdown): ${scrub.idleWork.toFixed(0)} ms`);
  console.log(
    `scrub to a random step (to the next frame): median ${scrub.median.toFixed(1)} ms, p90 ${scrub.p90.toFixed(1)} ms, max ${scrub.max.toFixed(1)} ms`,
  );
  console.log(
    `  of which time travel (${scrub.chunksMedian} calls of HeapTimeline.restoreSlice or heapAt, median): median ${scrub.travelMedian.toFixed(1)} ms, max ${scrub.travelMax.toFixed(1)} ms, longest call ${scrub.longestChunk.toFixed(1)} ms; the render: median ${scrub.renderMedian.toFixed(1)} ms, max ${scrub.renderMax.toFixed(1)} ms (of which the map's layout: median ${scrub.layoutMedian.toFixed(1)} ms, max ${scrub.layoutMax.toFixed(1)} ms)`,
  );
  console.log(
    `step one forward: median ${scrub.stepMedian.toFixed(1)} ms, max ${scrub.stepMax.toFixed(1)} ms; long tasks while scrubbing: ${scrub.longTasks} (longest ${scrub.longest.toFixed(0)} ms)`,
  );

  // ---- live updates: a new run streamed at 20 batches per second
  const live = await page.evaluate(async () => {
    const w = window as unknown as W;
    const hook = w.lmmMemoryMap;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    window.postMessage({ type: 'runStarted', runId: 'bench-2', pageSize: 4096, title: 'bench.lmm.ts (live)', live: true }, '*');
    window.postMessage({ type: 'sites', runId: 'bench-2', firstId: 0, sites: w.__bench.sites }, '*');
    await sleep(100);
    hook.resetLongest();
    const t0 = performance.now();
    const rendersBefore = hook.stats.renders;
    let sent = 0;
    const seconds = 8;
    for (const batch of w.__bench.batches) {
      window.postMessage({ type: 'heapOps', runId: 'bench-2', batch }, '*');
      sent++;
      await sleep(50);
      if (performance.now() - t0 > seconds * 1000) break;
    }
    const elapsed = (performance.now() - t0) / 1000;
    const longTasks = w.__longTasks.filter((t) => t.start >= t0);
    return {
      sent,
      steps: hook.length,
      pages: hook.stats.pagesShown,
      updatesPerSecond: (hook.stats.renders - rendersBefore) / elapsed,
      batchesPerSecond: sent / elapsed,
      longTasks: longTasks.length,
      longest: Math.max(0, ...longTasks.map((t) => t.duration)),
      longestRender: hook.stats.longestRenderMs,
      longestSlice: hook.stats.longestIngestSliceMs,
    };
  });
  console.log(
    `live: ${live.batchesPerSecond.toFixed(1)} batches/s streamed (${live.steps.toLocaleString('en-US')} steps, ${live.pages.toLocaleString('en-US')} pages at the end), ${live.updatesPerSecond.toFixed(1)} redraws/s, ${live.longTasks} long tasks (longest ${live.longest.toFixed(0)} ms; longest render ${live.longestRender.toFixed(0)} ms, longest replay slice ${live.longestSlice.toFixed(0)} ms)`,
  );

  const problems = host.problems;
  await host.close();
  const ok =
    backlog.firstPaint < 500 &&
    backlog.fullPaint < 500 &&
    scrub.max < 100 &&
    scrub.longTasks === 0 &&
    live.updatesPerSecond >= LIVE_REDRAWS_PER_SECOND &&
    live.longTasks === 0 &&
    backlog.pagesShown >= Math.min(PAGES, generated.pages);
  console.log(
    `targets: first paint < 500 ms ${mark(backlog.firstPaint < 500)}, full paint < 500 ms ${mark(backlog.fullPaint < 500)}, scrub < 100 ms ${mark(scrub.max < 100)}, no task > 50 ms while scrubbing ${mark(scrub.longTasks === 0)}, live redraws >= ${LIVE_REDRAWS_PER_SECOND}/s ${mark(live.updatesPerSecond >= LIVE_REDRAWS_PER_SECOND)}, no task > 50 ms while live ${mark(live.longTasks === 0)}`,
  );
  if (problems.length) console.log(`page problems:\n  ${problems.join('\n  ')}`);
  process.exitCode = ok && problems.length === 0 ? 0 : 1;
}

function mark(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
