/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * A Memory Map with nothing new to show asks the browser for no frame. In VS Code for the browser
 * the window is composited in software on the cores the harness and the editor use: anything that
 * keeps drawing while nothing changes (an animation frame loop, a timer, a CSS animation or
 * transition left running, a canvas redrawn) costs a frame each time, and with
 * the map open each frame costs the compositor the most. Tried during a live run that has gone
 * quiet (the newest step drawn, no batch since), after the run's end, and after the pointer moved
 * over the map's tabs and away.
 */
import { strict as assert } from 'node:assert';
import type { HeapOpBatch } from '../../src/engine/heapOps';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { assertNoProblems, hookValue, RunRecorder, settleIdle, sites } from '../support/webviewRun';

interface Stats {
  renders: number;
  shownStep: number;
}

/** Allocations and frees round a ring of 30 blocks, in batches of `perBatch` steps. */
function ringRun(batches: number, perBatch: number): HeapOpBatch[] {
  const run = new RunRecorder();
  const out: HeapOpBatch[] = [];
  const node = run.register('node_t', 24, 0);
  const ring: number[] = [];
  while (out.length < batches) {
    if (ring.length < 30) ring.push(run.alloc(node, 1 + (run.steps % 3), 1));
    else run.free(ring.shift()!, 2);
    if (run.steps % perBatch === 0) out.push(...run.batches());
  }
  return out;
}

/** Counts, from now on, every animation frame, timer and interval the page asks for. */
function countWakeUps(): void {
  const w = window as unknown as Record<string, unknown> & { __wakeUps: Record<string, number> };
  w.__wakeUps = { frames: 0, timers: 0, intervals: 0 };
  const count = (name: 'requestAnimationFrame' | 'setTimeout' | 'setInterval', key: string) => {
    const original = window[name] as (...args: unknown[]) => number;
    (window as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      w.__wakeUps[key]!++;
      return original.apply(window, args);
    };
  };
  count('requestAnimationFrame', 'frames');
  count('setTimeout', 'timers');
  count('setInterval', 'intervals');
}

/** What the map did over `ms` of quiet: wake-ups, renders, running animations. */
async function quietSpan(host: FakeHost, ms: number) {
  const rendersBefore = (await hookValue<Stats>(host, 'stats')).renders;
  await host.page.evaluate(countWakeUps);
  await host.page.waitForTimeout(ms);
  const wakeUps = await host.page.evaluate(() => (window as unknown as { __wakeUps: Record<string, number> }).__wakeUps);
  const running = await host.page.evaluate(() =>
    document
      .getAnimations()
      .filter((a) => a.playState === 'running')
      .map((a) => `${(a as CSSAnimation).animationName ?? (a as CSSTransition).transitionProperty ?? 'script'}`),
  );
  return {
    ...wakeUps,
    renders: (await hookValue<Stats>(host, 'stats')).renders - rendersBefore,
    running,
  };
}

describe('Memory Map webview: no frames while nothing changes (headless Chromium)', function () {
  this.timeout(60000);
  let host: FakeHost;

  before(async () => {
    host = await openFakeHost({ width: 900, height: 800 });
  });
  after(async () => {
    await host?.browser.close();
  });

  const quiet = { frames: 0, timers: 0, intervals: 0, renders: 0, running: [] as string[] };

  it('a live run gone quiet (newest step drawn, no batch since): no frame, timer, render or animation for 1.5 s', async () => {
    const batches = ringRun(30, 50);
    const runId = 'run-quiet';
    await host.send({ type: 'settings', structColors: {} });
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'ring.lmm.ts', live: true });
    await host.send({ type: 'sites', runId, firstId: 0, sites: sites(4) });
    for (const batch of batches) await host.send({ type: 'heapOps', runId, batch });
    const steps = batches.reduce((n, b) => n + b.count, 0);
    // The live pace draws the newest step within about a second of the last batch.
    await host.page.waitForFunction(
      (last) => (window as unknown as { lmmMemoryMap: { stats: Stats } }).lmmMemoryMap.stats.shownStep === last,
      steps - 1,
      { timeout: 5000 },
    );
    await settleIdle(host);
    // The stacked charts draw a growing run's stacks once more within GROWING_REDRAW_MS (400 ms) of
    // the last change: a tail that ends, not a loop.
    await host.page.waitForTimeout(1000);
    assert.deepEqual(await quietSpan(host, 1500), quiet);
    assertNoProblems(host);
  });

  it('after the run ends, and after the pointer passes over the tabs and the map: still none', async () => {
    await host.send({ type: 'runEnded', runId: 'run-quiet', state: 'finished' });
    await settleIdle(host);
    await host.page.waitForTimeout(1000);
    assert.deepEqual(await quietSpan(host, 1500), quiet, 'after the end');
    // Hover effects and transitions end when the pointer leaves.
    for (const selector of ['vscode-tab-header', 'canvas.map-canvas', 'vscode-button', '.timeline-track']) {
      const target = host.page.locator(selector).first();
      if ((await target.count()) > 0 && (await target.isVisible())) await target.hover();
    }
    await host.page.mouse.move(2, 2);
    await host.page.waitForTimeout(800);
    const afterHover = await quietSpan(host, 1500);
    assert.deepEqual(afterHover, quiet, 'after the pointer left');
    assertNoProblems(host);
  });
});
