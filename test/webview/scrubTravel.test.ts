/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * Scrubbing a long run in headless Chromium: a click on the timeline asks time travel for the
 * step, which gets there in short tasks while the map keeps its last picture; the map is then
 * drawn exactly as a direct render of that step draws it, and a newer click wins over an older.
 */
import { strict as assert } from 'node:assert';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { RunRecorder, assertNoProblems, hookCall, hookValue, postedOfType, settle, showRun } from '../support/webviewRun';

type Hook = {
  requestStep(step: number): void;
  setStepNow(step: number): number;
  targetAt(x: number, y: number): unknown;
  stats: { shownStep: number };
  travelling: boolean;
  length: number;
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
    await showRun(host, longRun().batches());
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
    await settle(host);
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
