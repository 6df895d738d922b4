/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The Memory Map of a run longer than `lmm.eventsKept`, in headless Chromium, fed by the host's
 * own feed (MemoryMapFeed over a HeapReplay): it shows the LAST operations, says so, numbers steps
 * as the run does, shows the right heap at the window's first step, and refuses steps before it.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import type { HeapOpBatch } from '../../src/engine/heapOps';
import { HeapReplay } from '../../src/extension/model/heapReplay';
import { MemoryMapFeed } from '../../src/extension/model/memoryMapFeed';
import { RunStore, type RunState } from '../../src/extension/model/runState';
import type { ReportLeak } from '../../src/protocol/runReportSchema';
import type { HostToWebviewMessage } from '../../src/protocol/webviewMessages';
import { serverReport } from '../support/serverRunFixture';
import { assertNoProblems, hookCall, hookValue, postedOfType, RunRecorder, settle, sites } from '../support/webviewRun';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';

const KEPT = 1000;

/**
 * A run of `steps` steps in batches of 100: two blocks allocated at the start stay live, then
 * allocations and frees go round a ring of 40 blocks. Returns the batches, the recorder (the
 * run's application memory after each step) and the two early blocks.
 */
function longRun(steps: number): { batches: HeapOpBatch[]; run: RunRecorder; early: number[] } {
  const run = new RunRecorder();
  const batches: HeapOpBatch[] = [];
  const flush = () => {
    const batch = run.recorder.flush();
    if (batch) batches.push(batch);
  };
  const node = run.register('node_t', 24, 0);
  const big = run.register('page_t', 1000, 1);
  const early = [run.alloc(big, 2, 2), run.alloc(big, 1, 3)];
  const ring: number[] = [];
  while (run.steps < steps) {
    if (ring.length < 40) ring.push(run.alloc(node, 1 + (run.steps % 3), 4));
    else run.free(ring.shift()!, 5);
    if (run.steps % 100 === 0) flush();
  }
  flush();
  return { batches, run, early };
}

/** The host side: a replay with `lmm.eventsKept` = KEPT and the feed that posts to the map. */
function hostOf(): { store: RunStore; replay: HeapReplay; run: RunState; feed: MemoryMapFeed } {
  const store = new RunStore();
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: KEPT });
  const run = store.begin({ kind: 'harness', file: '/ws/students.lmm.ts', label: 'students.lmm.ts', replay, sites: [] });
  run.sites.push(...sites(8));
  return { store, replay, run, feed: new MemoryMapFeed() };
}

async function sendAll(host: FakeHost, messages: HostToWebviewMessage[]): Promise<void> {
  for (const message of messages) await host.send(message);
}

async function waitForLength(host: FakeHost, length: number): Promise<void> {
  await host.page.waitForFunction((n) => {
    const hook = (window as unknown as { lmmMemoryMap: { length: number; ingesting: boolean; livePending: boolean } })
      .lmmMemoryMap;
    // A live run's progress is drawn a few times a second: wait for the last of it too.
    return hook.length === n && !hook.ingesting && !hook.livePending;
  }, length);
  await settle(host);
}

const LEAK: ReportLeak = {
  kind: 'definitely-lost',
  struct: 'page_t',
  blocks: 2,
  bytes: 3000,
  site: { file: '/ws/students.lmm.ts', line: 12, column: 3 },
  stack: [],
  suppressed: false,
};

describe('Memory Map webview: a run longer than lmm.eventsKept (headless Chromium)', function () {
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

  async function freshPage(): Promise<void> {
    if (host.page && !host.page.isClosed()) await host.page.close();
    host = await openFakeHost({ browser: browser! });
  }

  it('opened after the run: shows the last N of M operations, the window’s first heap, run step numbers, and refuses earlier steps', async () => {
    await freshPage();
    const { batches, run: recorded, early } = longRun(5000);
    const { store, replay, run, feed } = hostOf();
    for (const batch of batches) replay.apply(batch);
    // The run's peak (the ring's 40 blocks plus the early two) is first reached long before the window.
    const peakEvent = recorded.appMemory.indexOf(Math.max(...recorded.appMemory));
    const peak = { event: peakEvent, appMemory: recorded.appMemory[peakEvent]!, byStruct: [], bySite: [] };
    await store.end(run, 'finished', { report: serverReport({ leaks: [LEAK], peak }) });
    const first = replay.windowStart;
    assert.ok(peakEvent < first, `the run's peak (step ${peakEvent + 1}) is before the window`);
    assert.ok(first > 3000, `the host's window starts late in the run (${first})`);
    await host.send({ type: 'settings', structColors: {} });
    await sendAll(host, feed.update(run));
    await waitForLength(host, 5000);
    assert.equal(await hookValue<number>(host, 'firstStep'), first);
    const n = (value: number) => value.toLocaleString('en-US');
    assert.equal(
      await hookValue<string>(host, 'windowNote'),
      `showing the last ${n(5000 - first)} of 5,000 operations (lmm.eventsKept)`,
    );
    assert.match(await host.page.locator('.window-note').innerText(), /showing the last [\d,]+ of 5,000 operations/);
    // The run ended with leaks: its check is at the run's last step (5,000), on the window.
    assert.match(await host.page.locator('.run-totals').innerText(), /2 blocks leaked at the end of the run \(step 5,000\)/);
    // The timeline says which step it is at, numbered as the run numbers them.
    assert.match(await host.page.locator('.timeline-label').innerText(), /^Step 5,000 of 5,000:/);

    // Scrubbing to the window's start shows the heap after step first − 1: the early blocks, not the later ones.
    await hookCall(host, 'setStepNow', first - 1);
    assert.equal(await hookValue<number>(host, 'step'), first - 1);
    const figures = await hookValue<{ appMemory: number }>(host, 'heapFigures');
    assert.equal(figures.appMemory, recorded.appMemory[first - 1], 'application memory after that step, as the run had it');
    for (const address of early) assert.notEqual(await hookCall(host, 'blockRect', address), null, 'allocated before the window');
    assert.match(
      await host.page.locator('.timeline-label').innerText(),
      new RegExp(`^Step ${n(first)} of 5,000: the window’s first heap`),
    );
    await hookCall(host, 'setStepNow', first + 10);
    const later = await hookValue<{ appMemory: number }>(host, 'heapFigures');
    assert.equal(later.appMemory, recorded.appMemory[first + 10]);

    // A link to a step before the window says it cannot go there, and stays where it was.
    await host.send({ type: 'goToStep', runId: `run-${run.id}`, step: 5 });
    await settle(host);
    assert.equal(await hookValue<number>(host, 'step'), first + 10, 'not moved, not clamped to another heap');
    assert.match(
      await hookValue<string>(host, 'windowNote'),
      /step 6 is before the window: the map keeps only steps [\d,]+ to 5,000/,
    );
    await hookCall(host, 'setStepNow', first - 2);
    assert.equal(await hookValue<number>(host, 'step'), first + 10);
    // Keyboard Home goes to the window's first step, not step 1.
    await host.page.locator('.timeline-track').focus();
    await host.page.keyboard.press('Home');
    await settle(host);
    assert.equal(await hookValue<number>(host, 'step'), first);
    assert.doesNotMatch(await hookValue<string>(host, 'windowNote'), /before the window/, 'the notice goes with the next move');

    // The charts' step axis is the run's: hovering at the plot's left edge reads the window's first step.
    const box = (await host.page.locator('.charts canvas').boundingBox())!;
    await host.page.mouse.move(box.x + 60.5, box.y + 16 + 20);
    await settle(host);
    const readouts = await hookValue<Array<{ step: number; text: string }>>(host, 'chartReadouts');
    assert.ok(readouts.length > 0, 'a crosshair reading');
    const step = readouts[0]!.step;
    assert.ok(step >= first && step < first + 10, `step ${step}: the run's, a window-relative axis would read about 0`);
    assert.match(readouts[0]!.text, new RegExp(`^step ${n(step + 1)}: `));
    // The Peak panel names the run's peak as before the window, and the window's own highest as that.
    await hookCall(host, 'selectTab', 3);
    const peakPanel = await host.page.locator('.side-panel').nth(3).innerText();
    assert.match(
      peakPanel,
      new RegExp(
        `The run's peak of application memory was at step ${n(peakEvent + 1)}, before the window the map keeps\\. The highest in the window: [\\d,]+ B at step [\\d,]+\\.`,
      ),
    );
    // The timeline's peak marker is the window's highest step, and its tooltip says so.
    const marked = await hookValue<number>(host, 'peakStep');
    const length = await hookValue<number>(host, 'length');
    assert.ok(marked >= first, `the marker (step ${marked + 1}) is in the window`);
    const track = host.page.locator('.timeline-track');
    const trackBox = (await track.boundingBox())!;
    await host.page.mouse.move(
      trackBox.x + ((marked - first + 0.5) / (length - first)) * trackBox.width,
      trackBox.y + trackBox.height / 2,
    );
    const tooltip = (await track.getAttribute('title')) ?? '';
    assert.match(
      tooltip,
      new RegExp(
        `Highest in the window \\(the run’s peak was before it\\): [\\d,]+ B of application memory at step ${n(marked + 1)}`,
      ),
    );
    assert.doesNotMatch(tooltip, /^Peak:/m);
    assertNoProblems(host);
  });

  it('during a live run, while the person types: a map that starts over at the host’s window waits for the typing to stop to redraw', async () => {
    await freshPage();
    const { batches } = longRun(6000);
    const { replay, run, feed } = hostOf();
    await host.send({ type: 'settings', structColors: {} });
    const third = batches.length / 3;
    for (let i = 0; i < third; i++) replay.apply(batches[i]!);
    await sendAll(host, feed.update(run));
    await waitForLength(host, replay.steps);
    const before = await hookValue<{ renders: number }>(host, 'stats');
    // The person types (the host tells the map every 250 ms) while the run goes on far past what
    // the map was sent: the batches it lacks are gone from the host's window, so it starts over there.
    const typing = async (ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end;) {
        await host.send({ type: 'personTyping', forMs: 1000 });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    await host.send({ type: 'personTyping', forMs: 1000 });
    for (let i = third; i < batches.length; i++) replay.apply(batches[i]!);
    const messages = feed.update(run);
    assert.ok(
      messages.some((m) => m.type === 'heapWindow'),
      `the map starts over at the host's window (${messages.map((m) => m.type).join(', ')})`,
    );
    await sendAll(host, messages);
    await typing(2000);
    assert.equal(await hookValue<number>(host, 'length'), 6000, 'the new window was taken in meanwhile');
    const during = await hookValue<{ renders: number; shownStep: number }>(host, 'stats');
    assert.equal(during.renders, before.renders, 'no redraw while the person typed');
    const stopped = Date.now();
    await host.page.waitForFunction(
      () => (window as unknown as { lmmMemoryMap: { stats: { shownStep: number } } }).lmmMemoryMap.stats.shownStep === 5999,
      undefined,
      { timeout: 3000 },
    );
    assert.ok(Date.now() - stopped <= 1600, `the new window was drawn ${Date.now() - stopped} ms after the typing stopped`);
    assertNoProblems(host);
  });

  it('during a live run: slides its window with the host’s, keeps its memory bounded, and a resync mid-slide starts over at the host’s window', async () => {
    await freshPage();
    const { batches, run: recorded } = longRun(12_000);
    const { replay, run, feed } = hostOf();
    await host.send({ type: 'settings', structColors: {} });
    let most = 0;
    const half = batches.length / 2;
    for (let i = 0; i < half; i++) {
      replay.apply(batches[i]!);
      await sendAll(host, feed.update(run));
      if (i % 10 === 9) {
        await waitForLength(host, replay.steps);
        most = Math.max(most, (await hookValue<{ count: number }>(host, 'snapshots')).count);
      }
    }
    await waitForLength(host, replay.steps);
    const first = await hookValue<number>(host, 'firstStep');
    const length = await hookValue<number>(host, 'length');
    assert.equal(length, 6000);
    assert.ok(first > 0, 'the live map slid');
    assert.equal(first, replay.windowStart, 'the same window as the host’s (the tab title and the header agree)');
    assert.ok(length - first >= KEPT && length - first < KEPT + KEPT / 4 + 100, `${length - first} steps held`);
    assert.ok(most <= 8, `${most} snapshots held`);
    assert.match(await hookValue<string>(host, 'windowNote'), /^showing the last [\d,]+ of 6,000 operations/);
    await hookCall(host, 'setStepNow', first - 1);
    assert.equal((await hookValue<{ appMemory: number }>(host, 'heapFigures')).appMemory, recorded.appMemory[first - 1]);

    // A batch lost on the way: the map asks again from where it is; the host no longer has
    // those steps (its window moved on), so it sends its window's heap and batches.
    const runId = `run-${run.id}`;
    for (let i = half; i < half + 20; i++) replay.apply(batches[i]!);
    feed.update(run); // posted, and lost
    replay.apply(batches[half + 20]!);
    await sendAll(host, feed.update(run));
    await host.page.waitForFunction(() =>
      (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'resyncRequest'),
    );
    const [request] = await postedOfType(host, 'resyncRequest');
    assert.deepEqual(request, { type: 'resyncRequest', runId, fromStep: 6000 });
    assert.ok(request!.fromStep < replay.windowStart, 'mid-slide: the host’s window has moved past it');
    await sendAll(host, feed.resync(run, runId, request!.fromStep));
    for (let i = half + 21; i < batches.length; i++) {
      replay.apply(batches[i]!);
      await sendAll(host, feed.update(run));
    }
    await waitForLength(host, 12_000);
    const end = await hookValue<number>(host, 'firstStep');
    assert.equal(end, replay.windowStart);
    assert.ok(12_000 - end >= KEPT && 12_000 - end < KEPT + KEPT / 4 + 100, `${12_000 - end} steps held after the resync`);
    for (const step of [end - 1, end, 11_999]) {
      await hookCall(host, 'setStepNow', step);
      assert.equal(
        (await hookValue<{ appMemory: number }>(host, 'heapFigures')).appMemory,
        recorded.appMemory[step],
        `step ${step}`,
      );
    }
    assertNoProblems(host);
  });
});
