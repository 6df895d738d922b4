/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * README, "In VS Code" (the Memory Map): while a jump on the timeline travels to its step "the map
 * keeps its last picture (dimmed after 150 ms)". Tried both ways: a jump slowed down (Chromium's
 * CPU throttled) is dimmed while it travels and not once its step is drawn; a step next to the
 * one shown is drawn at once and never dimmed.
 */
import { strict as assert } from 'node:assert';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { RunRecorder, assertNoProblems, hookCall, hookValue, settleIdle, showRun } from '../support/webviewRun';

type Hook = { requestStep(step: number): void; stats: { shownStep: number }; travelling: boolean; length: number };
type W = Window & { lmmMemoryMap: Hook };

/** 45,000 steps of one struct, growth then churn (the timeline keeps a snapshot every 20,000). */
function longRun(): RunRecorder {
  const run = new RunRecorder();
  const node = run.register('node_t', 24);
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const live: number[] = [];
  while (run.steps < 45_000) {
    if (live.length < 300 || random() < 0.5) {
      const address = run.alloc(node, 1 + Math.floor(random() * 3), 1 + Math.floor(random() * 4));
      if (address !== 0) live.push(address);
    } else {
      const i = Math.floor(random() * live.length);
      run.free(live[i]!, 5);
      live[i] = live[live.length - 1]!;
      live.pop();
    }
  }
  return run;
}

/**
 * Asks for `step` as a click on the timeline does and watches the map until it shows it: every
 * change of the map's class (a MutationObserver, so none is missed however long the tasks).
 */
async function watchJump(host: FakeHost, step: number) {
  return host.page.evaluate(async (target) => {
    const hook = (window as unknown as W).lmmMemoryMap;
    const scroll = document.querySelector('.map-scroll') as HTMLElement;
    const dimmed = () => scroll.classList.contains('catching-up');
    const changes: { atMs: number; dimmed: boolean; travelling: boolean }[] = [];
    const asked = performance.now();
    const observer = new MutationObserver(() =>
      changes.push({ atMs: performance.now() - asked, dimmed: dimmed(), travelling: hook.travelling }),
    );
    observer.observe(scroll, { attributes: true, attributeFilter: ['class'] });
    hook.requestStep(target);
    const atClick = dimmed();
    // Polled in message tasks, as the journey goes (a timer would wait behind its tasks).
    const channel = new MessageChannel();
    let travelEndMs = hook.travelling ? -1 : 0;
    for (let i = 0; i < 200_000 && hook.stats.shownStep !== target; i++) {
      await new Promise((r) => {
        channel.port1.onmessage = r;
        channel.port2.postMessage(0);
      });
      if (travelEndMs < 0 && !hook.travelling) travelEndMs = performance.now() - asked;
    }
    channel.port1.close();
    observer.disconnect();
    const firstDimmed = changes.find((c) => c.dimmed);
    return {
      arrived: hook.stats.shownStep === target,
      tookMs: performance.now() - asked,
      travelEndMs,
      atClick,
      dimmedWhileTravelling: firstDimmed?.travelling === true,
      firstDimmedAfterMs: firstDimmed?.atMs ?? -1,
      dimmedAtArrival: dimmed(),
    };
  }, step);
}

/**
 * A quick jump to `first`, then, as soon as it is drawn, a drag across far steps for `dragMs`
 * (a new far step each frame, the newest winning): when is the map first dimmed, counted from
 * the drag's first step?
 */
async function quickJumpThenDrag(host: FakeHost, first: number, drag: number[], dragMs: number) {
  return host.page.evaluate(
    async ([first, drag, dragMs]) => {
      const hook = (window as unknown as W).lmmMemoryMap;
      const scroll = document.querySelector('.map-scroll') as HTMLElement;
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
      hook.requestStep(first);
      for (let i = 0; i < 600 && hook.stats.shownStep !== first; i++) await frame();
      const quickArrived = hook.stats.shownStep === first;
      const dragged = performance.now();
      let firstDimmedMs = -1;
      const observer = new MutationObserver(() => {
        if (firstDimmedMs < 0 && scroll.classList.contains('catching-up')) firstDimmedMs = performance.now() - dragged;
      });
      observer.observe(scroll, { attributes: true, attributeFilter: ['class'] });
      for (let i = 0; performance.now() - dragged < dragMs; i++) {
        hook.requestStep(drag[i % drag.length]!);
        await frame();
      }
      const last = drag[drag.length - 1]!;
      hook.requestStep(last);
      for (let i = 0; i < 600 && hook.stats.shownStep !== last; i++) await frame();
      observer.disconnect();
      return { quickArrived, firstDimmedMs, dimmedAtArrival: scroll.classList.contains('catching-up') };
    },
    [first, drag, dragMs] as const,
  );
}

describe('The Memory Map dims its last picture while a jump takes longer than 150 ms (headless Chromium)', function () {
  this.timeout(120000);
  let host: FakeHost;

  before(async () => {
    host = await openFakeHost({ width: 1000, height: 700 });
    await showRun(host, longRun().batches());
    await settleIdle(host);
  });
  after(async () => {
    await host?.close();
  });

  it('a step next to the one shown is drawn at once, never dimmed', async () => {
    const length = await hookValue<number>(host, 'length');
    const seen = await watchJump(host, length - 2);
    assert.ok(seen.arrived);
    assert.deepEqual([seen.atClick, seen.dimmedWhileTravelling, seen.dimmedAtArrival], [false, false, false]);
    assertNoProblems(host);
  });

  it('a far jump at full speed is not dimmed before 150 ms (however long it takes on this machine)', async () => {
    const length = await hookValue<number>(host, 'length');
    // From the last step each time: a journey of a snapshot's restore and thousands of steps.
    for (const step of [19_999, 5_000, 39_999]) {
      await hookCall(host, 'setStepNow', length - 1);
      const seen = await watchJump(host, step);
      assert.ok(seen.arrived);
      assert.equal(seen.atClick, false);
      if (seen.firstDimmedAfterMs >= 0)
        assert.ok(seen.firstDimmedAfterMs >= 150, `dimmed ${Math.round(seen.firstDimmedAfterMs)} ms after the click`);
      assert.equal(seen.dimmedAtArrival, false, 'the step drawn is not dimmed');
    }
  });

  it('a drag right after a quick jump is not dimmed at the quick jump’s 150 ms, only from 150 ms into the drag', async () => {
    const length = await hookValue<number>(host, 'length');
    await hookCall(host, 'setStepNow', length - 1);
    // The quick jump: a few steps back within the last snapshot's interval. The drag: steps far
    // apart, in other snapshots' intervals, a new one each frame for 400 ms.
    const seen = await quickJumpThenDrag(host, length - 200, [3_000, 25_000, 9_000, 31_000], 400);
    assert.ok(seen.quickArrived, 'the quick jump was drawn');
    // Whether the drag is dimmed at all depends on this machine's speed (a journey may arrive
    // within a frame); when it is, it is from 150 ms into the drag on.
    if (seen.firstDimmedMs >= 0)
      assert.ok(seen.firstDimmedMs >= 150, `dimmed ${Math.round(seen.firstDimmedMs)} ms into the drag`);
    assert.equal(seen.dimmedAtArrival, false, 'the step drawn is not dimmed');
    assertNoProblems(host);
  });
});
