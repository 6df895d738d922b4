/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * How often the Memory Map works while a run goes on, in headless Chromium. In VS Code for the
 * browser the map shares the window's main thread with the editor, so a live run's progress
 * redraws it about once a second, however fast batches come; the newest step is still
 * drawn without waiting for another batch, a step the user picks is drawn at once, the run's end
 * too, and the map counts the main-thread time it takes (messages, replay, renders).
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import type { HeapOpBatch } from '../../src/engine/heapOps';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { assertNoProblems, hookValue, RunRecorder, settle, sites } from '../support/webviewRun';

interface Stats {
  renders: number;
  shownStep: number;
  messages: number;
  messageMs: number;
  ingestMs: number;
  renderMs: number;
}

/** A run of `batches` batches of `perBatch` steps: allocations and frees round a ring of 30 blocks. */
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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Memory Map webview: how often it works while a run goes on (headless Chromium)', function () {
  this.timeout(60000);
  let browser: Browser | undefined;
  let host: FakeHost;

  before(async () => {
    host = await openFakeHost();
    browser = host.browser;
  });
  after(async () => {
    await browser?.close();
  });

  it('redraws a fast live run about once a second, then its newest step without another batch, and its end at once', async () => {
    const batches = ringRun(80, 50);
    const runId = 'run-live';
    await host.send({ type: 'settings', structColors: {} });
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'ring.lmm.ts', live: true });
    await host.send({ type: 'sites', runId, firstId: 0, sites: sites(4) });
    await settle(host);
    const before = await hookValue<Stats>(host, 'stats');
    const started = Date.now();
    // A batch every ~40 ms for about three seconds: faster than any redraw rate a person needs.
    for (const batch of batches) {
      await host.send({ type: 'heapOps', runId, batch });
      await pause(35);
    }
    const seconds = (Date.now() - started) / 1000;
    const during = await hookValue<Stats>(host, 'stats');
    const renders = during.renders - before.renders;
    assert.ok(renders >= 2, `the map moved while the run went on (${renders} renders)`);
    assert.ok(
      renders <= Math.ceil(seconds) + 2,
      `${renders} renders in ${seconds.toFixed(1)} s for ${batches.length} batches: the live map redraws about once a second`,
    );
    // No more batches: the last one's step is still drawn (the newest state wins, none is left undrawn).
    const steps = batches.reduce((n, b) => n + b.count, 0);
    await host.page.waitForFunction(
      (last) => (window as unknown as { lmmMemoryMap: { stats: Stats } }).lmmMemoryMap.stats.shownStep === last,
      steps - 1,
      { timeout: 2000 },
    );
    // The run's end is drawn in the next frames, not at the live pace.
    const beforeEnd = await hookValue<Stats>(host, 'stats');
    await host.send({ type: 'runEnded', runId, state: 'stopped' });
    await settle(host);
    const ended = await hookValue<Stats>(host, 'stats');
    assert.ok(ended.renders > beforeEnd.renders, 'the end was drawn in the next frames');
    assert.equal(ended.shownStep, steps - 1);
    assert.match(await host.page.locator('.run-state').innerText(), /stopped/);
    assertNoProblems(host);
  });

  /** Picks `step` as a click on the timeline does; how long until the map showed it (ms). */
  async function pickStep(step: number): Promise<number> {
    const asked = Date.now();
    await host.page.evaluate(
      (s) => (window as unknown as { lmmMemoryMap: { requestStep(s: number): void } }).lmmMemoryMap.requestStep(s),
      step,
    );
    await host.page.waitForFunction(
      (s) => (window as unknown as { lmmMemoryMap: { stats: Stats } }).lmmMemoryMap.stats.shownStep === s,
      step,
      { timeout: 2000 },
    );
    return Date.now() - asked;
  }

  /**
   * Streams `batches` a batch every ~35 ms while the host says the person types (every 250 ms) for
   * `typingMs`: the renders meanwhile, and the steps sent (a loaded machine sends fewer batches).
   */
  async function streamWhileTyping(
    runId: string,
    batches: HeapOpBatch[],
    typingMs: number,
  ): Promise<{ renders: number; seconds: number; steps: number }> {
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'ring.lmm.ts', live: true });
    await host.send({ type: 'sites', runId, firstId: 0, sites: sites(4) });
    await settle(host);
    const before = await hookValue<Stats>(host, 'stats');
    const started = Date.now();
    let toldAt = -Infinity;
    let sent = 0;
    while (Date.now() - started < typingMs) {
      if (Date.now() - toldAt >= 250) {
        toldAt = Date.now();
        await host.send({ type: 'personTyping', forMs: 1000 });
      }
      if (sent < batches.length) await host.send({ type: 'heapOps', runId, batch: batches[sent++]! });
      await pause(35);
    }
    const during = await hookValue<Stats>(host, 'stats');
    const steps = batches.slice(0, sent).reduce((n, b) => n + b.count, 0);
    return { renders: during.renders - before.renders, seconds: (Date.now() - started) / 1000, steps };
  }

  it('holds its live redraws while the person types, then draws the newest step within about a second', async () => {
    const batches = ringRun(60, 50);
    const { renders, seconds, steps } = await streamWhileTyping('run-typing', batches, 3000);
    assert.equal(renders, 0, `${renders} renders in ${seconds.toFixed(1)} s of typing`);
    const stopped = Date.now();
    await host.page.waitForFunction(
      (last) => (window as unknown as { lmmMemoryMap: { stats: Stats } }).lmmMemoryMap.stats.shownStep === last,
      steps - 1,
      { timeout: 3000 },
    );
    const after = Date.now() - stopped;
    assert.ok(after <= 1600, `the newest step was drawn ${after} ms after the typing stopped`);
    // A step the user picks is drawn at once even while the host says the person types.
    await host.send({ type: 'personTyping', forMs: 1000 });
    const drawnAfter = await pickStep(30);
    assert.ok(drawnAfter < 300, `the picked step was drawn ${drawnAfter} ms after it was asked`);
    assertNoProblems(host);
  });

  it('holds the end of a stopped run (its backlog, its end) while the person types, then draws it within about a second', async () => {
    const runId = 'run-stopped-typing';
    const batches = ringRun(60, 50);
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'ring.lmm.ts', live: true });
    await host.send({ type: 'sites', runId, firstId: 0, sites: sites(4) });
    await host.send({ type: 'heapOps', runId, batch: batches[0]! });
    await settle(host);
    await settle(host);
    const before = await hookValue<Stats>(host, 'stats');
    // The run was stopped: the host sends what the live pace held back, then its end, while the
    // person goes on typing (a notice every 250 ms, for 2.5 s).
    const started = Date.now();
    let toldAt = -Infinity;
    let sent = 1;
    while (Date.now() - started < 2500) {
      if (Date.now() - toldAt >= 250) {
        toldAt = Date.now();
        await host.send({ type: 'personTyping', forMs: 1000 });
      }
      if (sent < batches.length) await host.send({ type: 'heapOps', runId, batch: batches[sent++]! });
      else if (sent++ === batches.length) await host.send({ type: 'runEnded', runId, state: 'stopped' });
      await pause(20);
    }
    const during = await hookValue<Stats>(host, 'stats');
    assert.ok(sent > batches.length, 'the whole backlog and the end were sent while typing');
    assert.equal(during.renders - before.renders, 0, 'no redraw while the person types');
    const last = batches.reduce((n, b) => n + b.count, 0) - 1;
    assert.notEqual(during.shownStep, last);
    const stopped = Date.now();
    await host.page.waitForFunction(
      (step) => {
        const map = (window as unknown as { lmmMemoryMap: { stats: Stats } }).lmmMemoryMap;
        return map.stats.shownStep === step && document.querySelector('.run-state')?.textContent === 'stopped';
      },
      last,
      { timeout: 3000 },
    );
    const after = Date.now() - stopped;
    assert.ok(after <= 1600, `the run's end was drawn ${after} ms after the typing stopped`);
    assertNoProblems(host);
  });

  it('still redraws a live run every five seconds or so while the person types on and on', async () => {
    const batches = ringRun(240, 50);
    const { renders, seconds } = await streamWhileTyping('run-typing-long', batches, 7500);
    assert.ok(renders >= 1 && renders <= 2, `${renders} renders in ${seconds.toFixed(1)} s of typing`);
    assertNoProblems(host);
  });

  it("draws a live redraw's charts in a task after the map's, at the step the map shows", async () => {
    const batches = ringRun(12, 50);
    const runId = 'run-charts';
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'ring.lmm.ts', live: true });
    await host.send({ type: 'sites', runId, firstId: 0, sites: sites(4) });
    // In the task where the map draws the live run's newest step, the charts still show an earlier
    // one (or none); once that task is over they show the map's step.
    await host.page.evaluate(() => {
      const w = window as unknown as {
        lmmMemoryMap: { chartsStep: number; onMapDrawn: ((step: number) => void) | undefined };
        __chartsInMapTask: Map<number, number>;
      };
      w.__chartsInMapTask = new Map();
      // A microtask runs before the task that drew the map ends, after the rest of that drawing.
      w.lmmMemoryMap.onMapDrawn = (step) => queueMicrotask(() => w.__chartsInMapTask.set(step, w.lmmMemoryMap.chartsStep));
    });
    for (const batch of batches) await host.send({ type: 'heapOps', runId, batch });
    const steps = batches.reduce((n, b) => n + b.count, 0);
    const seen = await host.page.evaluate((last) => {
      const w = window as unknown as {
        lmmMemoryMap: { stats: Stats; chartsStep: number };
        __chartsInMapTask: Map<number, number>;
      };
      return new Promise<{ mapStep: number; chartsInMapTask: number; chartsAfter: number }>((resolve, reject) => {
        const deadline = performance.now() + 3000;
        const poll = () => {
          if (w.lmmMemoryMap.stats.shownStep === last && w.lmmMemoryMap.chartsStep === last)
            resolve({ mapStep: last, chartsInMapTask: w.__chartsInMapTask.get(last) ?? -2, chartsAfter: last });
          else if (performance.now() > deadline)
            reject(new Error(`map at ${w.lmmMemoryMap.stats.shownStep}, charts at ${w.lmmMemoryMap.chartsStep}, not ${last}`));
          else setTimeout(poll, 10);
        };
        poll();
      });
    }, steps - 1);
    assert.equal(seen.mapStep, steps - 1);
    assert.equal(seen.chartsAfter, steps - 1, 'the charts follow the map to its step');
    assert.ok(seen.chartsInMapTask !== -2, 'the map was drawn at the last step');
    assert.notEqual(seen.chartsInMapTask, steps - 1, "the charts are not drawn in the map's task");
    // Once the run is over, a step the user picks has its charts drawn in the map's task.
    await host.send({ type: 'runEnded', runId, state: 'finished' });
    await settle(host);
    await host.page.evaluate(() =>
      (window as unknown as { lmmMemoryMap: { requestStep(s: number): void } }).lmmMemoryMap.requestStep(42),
    );
    await settle(host);
    const inTask = await host.page.evaluate(() =>
      (window as unknown as { __chartsInMapTask: Map<number, number> }).__chartsInMapTask.get(42),
    );
    assert.equal(inTask, 42, "a finished run's charts are drawn in the map's task");
    await host.page.evaluate(() => {
      (window as unknown as { lmmMemoryMap: { onMapDrawn: undefined } }).lmmMemoryMap.onMapDrawn = undefined;
    });
    assertNoProblems(host);
  });

  it('draws a step the user picks during a live run at once, not at the live pace', async () => {
    const batches = ringRun(10, 50);
    const runId = 'run-pick';
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'ring.lmm.ts', live: true });
    for (const batch of batches) await host.send({ type: 'heapOps', runId, batch });
    await pause(500);
    // Two picks in quick succession: the second is drawn within a few frames, not at the live pace.
    await pickStep(100);
    await settle(host);
    const drawnAfter = await pickStep(120);
    assert.ok(drawnAfter < 300, `the picked step was drawn ${drawnAfter} ms after it was asked`);
    assertNoProblems(host);
  });

  it('counts the main-thread time it takes: each message, the replay and the renders', async () => {
    const batches = ringRun(20, 200);
    const runId = 'run-count';
    const before = await hookValue<Stats>(host, 'stats');
    const started = await host.page.evaluate(() => performance.now());
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'ring.lmm.ts', live: false });
    for (const batch of batches) await host.send({ type: 'heapOps', runId, batch });
    // A malformed message is counted too: it costs the thread its validation.
    await host.send({ type: 'heapOps', runId, batch: { firstStep: 'x' } });
    await host.page.waitForFunction(
      (n) => (window as unknown as { lmmMemoryMap: { length: number; ingesting: boolean } }).lmmMemoryMap.length === n,
      batches.reduce((n, b) => n + b.count, 0),
    );
    await settle(host);
    const after = await hookValue<Stats>(host, 'stats');
    const wall = (await host.page.evaluate(() => performance.now())) - started;
    assert.equal(after.messages - before.messages, batches.length + 2, 'every message counted, the refused one too');
    for (const part of ['messageMs', 'ingestMs', 'renderMs'] as const) {
      const spent = after[part] - before[part];
      assert.ok(spent > 0 && spent <= wall, `${part}: ${spent.toFixed(1)} ms in ${wall.toFixed(0)} ms`);
    }
    assert.ok(after.messageMs + after.ingestMs + after.renderMs - (before.messageMs + before.ingestMs + before.renderMs) <= wall);
  });
});
