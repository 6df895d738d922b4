/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * Scrubbing a long run in headless Chromium: a click on the timeline asks time travel for the
 * step, which gets there in short tasks while the map keeps its last picture; the map is then
 * drawn exactly as a direct render of that step draws it, and a newer click wins over an older.
 */
import { strict as assert } from 'node:assert';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import {
  RunRecorder,
  assertNoProblems,
  hookCall,
  hookSet,
  hookValue,
  postedOfType,
  settle,
  settleIdle,
  showRun,
} from '../support/webviewRun';

/** Moves as a click on the timeline does and waits until the map shows the step. */
async function scrubTo(host: FakeHost, step: number): Promise<void> {
  const arrived = await host.page.evaluate(async (s) => {
    const hook = (window as unknown as W).lmmMemoryMap;
    hook.requestStep(s);
    for (let i = 0; i < 600 && hook.stats.shownStep !== s; i++) await new Promise((r) => requestAnimationFrame(() => r(null)));
    return hook.stats.shownStep === s;
  }, step);
  assert.ok(arrived, `the map got to step ${step}`);
  await settle(host);
}

/**
 * The map's picture of `step` drawn directly: from the last step (another heap, so the layout is
 * made anew) back to `step` in one render.
 */
async function directPicture(host: FakeHost, step: number): Promise<string> {
  const length = await hookValue<number>(host, 'length');
  await hookCall(host, 'setStepNow', length - 1);
  await hookCall(host, 'setStepNow', step);
  return mapPicture(host);
}

type Hook = {
  requestStep(step: number): void;
  setStepNow(step: number): number;
  targetAt(x: number, y: number): unknown;
  stats: { shownStep: number };
  travelling: boolean;
  length: number;
  snapshots: { steps: number[] } | null;
};
type W = Window & { lmmMemoryMap: Hook };

/** 60,000 steps over three structs: growth, then churn (the timeline keeps a snapshot every 20,000). */
function longRun(): RunRecorder {
  const run = new RunRecorder();
  const families = [run.register('node_t', 24), run.register('student_t', 56), run.register('record_t', 200)];
  let seed = 3;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const live: number[] = [];
  while (run.steps < 60_000) {
    if (live.length < 200 || random() < 0.5) {
      const address = run.alloc(families[Math.floor(random() * 3)]!, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 5));
      if (address !== 0) live.push(address);
    } else {
      const i = Math.floor(random() * live.length);
      run.free(live[i]!, 6);
      live[i] = live[live.length - 1]!;
      live.pop();
    }
  }
  return run;
}

/** The map canvas's pixels, as a data URL. */
const mapPicture = (host: FakeHost) =>
  host.page.evaluate(() => (document.querySelector('.map-canvas') as HTMLCanvasElement).toDataURL());

describe('Scrubbing a long run: time travel in short tasks (headless Chromium)', function () {
  this.timeout(120000);
  let host: FakeHost;

  before(async () => {
    host = await openFakeHost({ width: 1200, height: 800 });
    // Pictures are compared across renders: the map's size is pinned, so that the panel's other
    // rows reflowing (the stacked charts catching up in idle time, a header line as its text
    // changes) cannot make two pictures of the same step differ by the canvas's height.
    // (Through the CSSOM: the page's CSP refuses inline style sheets.)
    await host.page.evaluate(() => {
      const map = (document.querySelector('.map-scroll') as HTMLElement).style;
      map.setProperty('flex', 'none', 'important');
      map.setProperty('height', '360px', 'important');
    });
    await showRun(host, longRun().batches());
    // And none may be taken while the panel's layout still moves.
    await settleIdle(host);
  });
  after(async () => {
    await host?.close();
  });

  it('a click far back draws the map, once the heap arrives, exactly as a direct render of that step; the host hears the step once', async () => {
    const length = await hookValue<number>(host, 'length');
    const target = 21_234;
    const frames = await host.page.evaluate(async (step) => {
      const hook = (window as unknown as W).lmmMemoryMap;
      hook.requestStep(step);
      let frames = 0;
      while (hook.stats.shownStep !== step && frames < 600) {
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        frames++;
      }
      return frames;
    }, target);
    assert.ok(frames < 600, 'the map got there');
    // The step's stacked charts catch up in idle time and may change the panel's layout, and so
    // the map's size: the picture is taken once that is over.
    await settleIdle(host);
    const heard = (await postedOfType(host, 'stepChanged')).filter((m) => m.step === target);
    assert.equal(heard.length, 1, 'the host heard the step once');
    const travelled = await mapPicture(host);
    await hookCall(host, 'setStepNow', length - 1);
    assert.notEqual(await mapPicture(host), travelled, 'the last step looks different');
    await hookCall(host, 'setStepNow', target);
    assert.equal(await mapPicture(host), travelled, 'the same picture as a direct render of the step');
    assertNoProblems(host);
  });

  it('the latest click wins: a step asked before the map got to the one before is drawn, the earlier never', async () => {
    const shown = await host.page.evaluate(async () => {
      const hook = (window as unknown as W).lmmMemoryMap;
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
      const seen = new Set<number>();
      // Two clicks in one task, then a third while the journey to the second is under way (after
      // its first call: a task of ours queued behind it).
      hook.requestStep(45_000);
      hook.requestStep(5_000);
      const channel = new MessageChannel();
      await new Promise((r) => {
        channel.port1.onmessage = r;
        channel.port2.postMessage(0);
      });
      channel.port1.close();
      seen.add(hook.stats.shownStep);
      const travellingAfterFirstCall = hook.travelling;
      hook.requestStep(38_000);
      for (let i = 0; i < 600 && hook.stats.shownStep !== 38_000; i++) {
        seen.add(hook.stats.shownStep);
        await frame();
      }
      seen.add(hook.stats.shownStep);
      return { seen: [...seen], travellingAfterFirstCall };
    });
    assert.ok(shown.travellingAfterFirstCall, 'the journey to 5,000 was under way when 38,000 was asked');
    assert.ok(shown.seen.includes(38_000), `arrived: ${shown.seen.join(', ')}`);
    assert.ok(!shown.seen.includes(45_000), `45,000 was never drawn: ${shown.seen.join(', ')}`);
    assert.ok(!shown.seen.includes(5_000), `5,000 was never drawn: ${shown.seen.join(', ')}`);
  });

  it('around a snapshot (its step, one before, one after), from far and near, forwards and back: the picture of a direct render', async () => {
    const length = await hookValue<number>(host, 'length');
    const snapshots = (await hookValue<{ steps: number[] }>(host, 'snapshots')).steps.filter((s) => s > 0 && s < length - 2);
    assert.ok(snapshots.length >= 2, `snapshots inside the run: ${snapshots.join(', ')}`);
    const snapshot = snapshots[0]!;
    // [from, to]: far after, one step on, one step on again, far before, two steps back, and a
    // jump between two snapshots' neighbourhoods.
    const moves: Array<[number, number]> = [
      [length - 1, snapshot - 1],
      [snapshot - 1, snapshot],
      [snapshot, snapshot + 1],
      [snapshot - 15_000, snapshot + 1],
      [snapshot + 1, snapshot - 1],
      [snapshots[1]! + 1, snapshot],
    ];
    for (const [from, to] of moves) {
      await scrubTo(host, from);
      await scrubTo(host, to);
      const travelled = await mapPicture(host);
      assert.equal(await directPicture(host, to), travelled, `step ${to} reached from ${from}`);
    }
    assertNoProblems(host);
  });

  it('back and forth many times in a row, a task apart: only the last step is drawn, as a direct render draws it', async () => {
    await scrubTo(host, 30_000);
    const result = await host.page.evaluate(async () => {
      const hook = (window as unknown as W).lmmMemoryMap;
      const oneTask = () =>
        new Promise((r) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            channel.port1.close();
            r(null);
          };
          channel.port2.postMessage(0);
        });
      const asked = [59_000, 1_000, 41_000, 19_999, 20_000, 58_000, 3_000, 39_999, 40_001, 12_345];
      const drawn = new Set<number>();
      let shownAtLastAsk = -1;
      const afterLastAsk = new Set<number>();
      for (const step of asked) {
        hook.requestStep(step);
        shownAtLastAsk = hook.stats.shownStep;
        await oneTask();
        drawn.add(hook.stats.shownStep);
      }
      afterLastAsk.add(hook.stats.shownStep);
      for (let i = 0; i < 600 && hook.stats.shownStep !== 12_345; i++) {
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        drawn.add(hook.stats.shownStep);
        afterLastAsk.add(hook.stats.shownStep);
      }
      return { asked, drawn: [...drawn], shownAtLastAsk, afterLastAsk: [...afterLastAsk], last: hook.stats.shownStep };
    });
    assert.equal(result.last, 12_345);
    // A step asked a task apart is drawn only if the heap got there within that task; nothing
    // else is drawn, and after the last ask nothing but the picture before it and the last step.
    for (const step of result.drawn) assert.ok(step === 30_000 || result.asked.includes(step), `drew ${step}, never asked`);
    for (const step of result.afterLastAsk) {
      assert.ok(step === result.shownAtLastAsk || step === 12_345, `drew ${step} after 12,345 was asked`);
    }
    const travelled = await mapPicture(host);
    await settle(host);
    assert.equal(await hookValue<number>(host, 'step'), 12_345);
    assert.equal(await directPicture(host, 12_345), travelled);
  });

  it('a zoom while the heap travels keeps the rows in view where they were, then draws the step as a direct render does', async () => {
    await scrubTo(host, 50_000);
    const seen = await host.page.evaluate(async () => {
      const hook = (window as unknown as W).lmmMemoryMap as unknown as Hook & { zoom: number };
      const map = document.querySelector('.map-scroll') as HTMLElement;
      hook.zoom = 1;
      map.scrollTop = 900;
      map.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const scrolledBefore = map.scrollTop;
      hook.requestStep(4_000);
      const travelling = hook.travelling;
      hook.zoom = 2;
      const scrolledWhileTravelling = map.scrollTop;
      for (let i = 0; i < 600 && hook.stats.shownStep !== 4_000; i++)
        await new Promise((r) => requestAnimationFrame(() => r(null)));
      return { travelling, scrolledBefore, scrolledWhileTravelling, arrived: hook.stats.shownStep === 4_000, zoom: hook.zoom };
    });
    assert.ok(seen.travelling, 'the zoom came while the heap travelled');
    assert.ok(seen.arrived);
    assert.equal(seen.zoom, 2);
    // Page rows at 2× are over twice as tall (36 px against 16): the rows in view moved down with them.
    assert.ok(seen.scrolledBefore > 100, `scrolled down first: ${seen.scrolledBefore} px`);
    assert.ok(
      seen.scrolledWhileTravelling > seen.scrolledBefore * 1.8,
      `from ${seen.scrolledBefore} px to ${seen.scrolledWhileTravelling} px, not back to the top`,
    );
    await settle(host);
    const drawn = await mapPicture(host);
    // A direct render of the step, from another heap (a layout made anew), at the same scroll.
    const scrollTop = await host.page.evaluate(() => (document.querySelector('.map-scroll') as HTMLElement).scrollTop);
    await directPicture(host, 4_000);
    await host.page.evaluate((top) => {
      const map = document.querySelector('.map-scroll') as HTMLElement;
      map.scrollTop = top;
      map.dispatchEvent(new Event('scroll'));
    }, scrollTop);
    await settle(host);
    assert.equal(await mapPicture(host), drawn);
    await hookSet(host, 'zoom', 1);
    await host.page.evaluate(() => {
      const map = document.querySelector('.map-scroll') as HTMLElement;
      map.scrollTop = 0;
      map.dispatchEvent(new Event('scroll'));
    });
    await settle(host);
    assertNoProblems(host);
  });

  it('with no block hovered or selected, the Block panel keeps its hint from step to step (not made again), while the totals follow the step', async () => {
    const seen = await host.page.evaluate(async () => {
      const hook = (window as unknown as W).lmmMemoryMap;
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
      const panel = document.querySelector('vscode-tab-panel.side-panel') as HTMLElement;
      const hint = panel.querySelector('p.muted') as HTMLElement & { marked?: boolean };
      if (!hint) return null;
      hint.marked = true;
      const totals: string[] = [];
      for (const step of [10_000, 10_001, 33_333]) {
        hook.requestStep(step);
        for (let i = 0; i < 600 && hook.stats.shownStep !== step; i++) await frame();
        totals.push(document.querySelector('.run-totals')!.textContent!);
      }
      const now = panel.querySelector('p.muted') as (HTMLElement & { marked?: boolean }) | null;
      return { same: now === hint && now.marked === true, text: now?.textContent ?? '', totals };
    });
    assert.ok(seen, 'the Block panel shows its hint');
    assert.ok(seen.same, 'the same hint element');
    assert.match(seen.text, /Hover over a block/);
    assert.notEqual(seen.totals[0], seen.totals[2], `the totals follow the step: ${seen.totals.join(' | ')}`);
  });

  it('while the heap travels the map keeps its last picture and answers no pointer', async () => {
    await hookCall(host, 'setStepNow', 59_000);
    await settle(host);
    const before = await mapPicture(host);
    const inFlight = await host.page.evaluate(async () => {
      const hook = (window as unknown as W).lmmMemoryMap;
      const block = hook.targetAt(300, 40);
      const picture = () => (document.querySelector('.map-canvas') as HTMLCanvasElement).toDataURL();
      // The journey sets off at the click, a task at a time: look at once, and again after its
      // first call (a task of ours queued behind it), with a scroll asking the map to draw.
      hook.requestStep(2_000);
      const atClick = { travelling: hook.travelling, target: hook.targetAt(300, 40), picture: picture() };
      const map = document.querySelector('.map-scroll') as HTMLElement;
      map.scrollTop = 0;
      map.dispatchEvent(new Event('scroll'));
      const channel = new MessageChannel();
      await new Promise((r) => {
        channel.port1.onmessage = r;
        channel.port2.postMessage(0);
      });
      channel.port1.close();
      const afterFirstCall = { travelling: hook.travelling, target: hook.targetAt(300, 40), picture: picture() };
      return { hadBlock: block !== null, atClick, afterFirstCall };
    });
    assert.ok(inFlight.hadBlock, 'a block was under (300, 40) before');
    for (const [when, seen] of Object.entries({
      'at the click': inFlight.atClick,
      'after its first call': inFlight.afterFirstCall,
    })) {
      if (!seen.travelling) continue; // arrived already: nothing is between two steps
      assert.equal(seen.target, null, `no block is reported from a heap between two steps (${when})`);
      assert.equal(seen.picture, before, `the last picture stays (${when})`);
    }
    assert.ok(inFlight.atClick.travelling, 'the journey is under way at the click');
    await host.page.waitForFunction(() => (window as unknown as W).lmmMemoryMap.stats.shownStep === 2_000);
    await settle(host);
    assert.notEqual(await mapPicture(host), before, 'then the step is drawn');
  });
});

describe('The map laid out again when pages come and go (headless Chromium)', function () {
  this.timeout(120000);
  let host: FakeHost;
  /** Steps: all pages filled; one emptied (unmapped); a page mapped again at its address (first in the list). */
  const steps = { filled: 0, emptied: 0, remapped: 0 };
  let victim = 0;

  before(async () => {
    host = await openFakeHost({ width: 1000, height: 700 });
    const run = new RunRecorder();
    const node = run.register('node_t', 24);
    const blocks: number[] = [];
    for (let i = 0; i < 300; i++) blocks.push(run.alloc(node, 1, 1));
    steps.filled = run.steps - 1;
    const pages = [...run.heap.familyPages(run.heap.families[node]!)];
    victim = pages[Math.floor(pages.length / 2)]!;
    for (const address of blocks.filter((a) => run.heap.kernel.pageOf(a) === victim)) run.free(address, 2);
    assert.ok(!run.heap.kernel.isMapped(victim), 'the page was unmapped');
    steps.emptied = run.steps - 1;
    while (run.heap.families[node]!.counters.pages < pages.length) run.alloc(node, 100, 3);
    assert.ok(run.heap.kernel.isMapped(victim), 'its address was mapped again');
    const after = [...run.heap.familyPages(run.heap.families[node]!)];
    assert.equal(after.length, pages.length, 'as many pages as before');
    assert.notDeepEqual(after, pages, 'in another order');
    steps.remapped = run.steps - 1;
    for (let i = 0; i < 5; i++) run.alloc(node, 1, 4);
    await showRun(host, run.batches());
  });
  after(async () => {
    await host?.close();
  });

  it('stepping over an unmap and a map at the same address draws what a direct render draws, at every zoom', async () => {
    for (const zoom of [1, 0, 5]) {
      await hookSet(host, 'zoom', zoom);
      // Step by step (each step's heap at hand: no time travel), then back.
      const path = [steps.filled, steps.emptied - 1, steps.emptied, steps.remapped - 1, steps.remapped, steps.remapped + 1];
      for (const step of [...path, ...path.slice().reverse()]) {
        await scrubTo(host, step);
        const drawn = await mapPicture(host);
        assert.equal(await directPicture(host, step), drawn, `step ${step} at zoom ${zoom}`);
        // Back where the scrub left it, so the next step is one step away again.
        await scrubTo(host, step);
      }
    }
    assertNoProblems(host);
  });
});
