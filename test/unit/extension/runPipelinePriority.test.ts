import { strict as assert } from 'node:assert';
import { RunPipeline, type PipelinePace } from '../../../src/extension/model/runPipeline';

/**
 * A pipeline on a fake event loop: turns of the loop and timers run in time order on a fake clock,
 * each item's work advances the clock, and every slice (its start, its end) and every wait between
 * two slices is recorded.
 */
function fakeLoop(options: { pace: () => PipelinePace; holdMs?: () => number }) {
  let clock = 0;
  let order = 0;
  const pendingCalls: { due: number; order: number; next: () => void }[] = [];
  const slices: { start: number; end: number; items: string[] }[] = [];
  let current: { start: number; end: number; items: string[] } | undefined;
  const pipeline = new RunPipeline({
    sliceMs: 999,
    progressMs: 0,
    onProgress: () => undefined,
    pace: options.pace,
    ...(options.holdMs ? { holdMs: options.holdMs } : {}),
    now: () => clock,
    yieldToEventLoop: (next) => pendingCalls.push({ due: clock, order: order++, next }),
    afterMs: (next, ms) => pendingCalls.push({ due: clock + ms, order: order++, next }),
  });
  const item = (name: string, ms: number) => () => {
    // Items of one turn of the loop belong to one slice.
    if (!current) slices.push((current = { start: clock, end: clock, items: [] }));
    current.items.push(name);
    clock += ms;
    current.end = clock;
  };
  /** Runs the next due call of the loop (the clock moves to it); false when none is left. */
  const turn = () => {
    pendingCalls.sort((a, b) => a.due - b.due || a.order - b.order);
    const call = pendingCalls.shift();
    if (!call) return false;
    clock = Math.max(clock, call.due);
    current = undefined;
    call.next();
    current = undefined;
    return true;
  };
  return {
    pipeline,
    item,
    slices,
    turn,
    now: () => clock,
    advance: (ms: number) => (clock += ms),
    /** Runs the loop until it is empty or `until` says stop. */
    run: (until: () => boolean = () => false) => {
      while (!until() && turn());
    },
  };
}

const RUN: PipelinePace = { sliceMs: 20, restMs: 20 };

describe('run pipeline: a queued leak check and the person’s priority', () => {
  it('takes an urgent item in without resting before it, after everything queued ahead of it, in slices of its limit', () => {
    const loop = fakeLoop({ pace: () => RUN });
    const taken: string[] = [];
    for (let i = 0; i < 40; i++)
      void loop.pipeline.push(() => {
        loop.item(`op${i}`, 3)();
        taken.push(`op${i}`);
      }, 1024);
    void loop.pipeline.push(
      () => {
        loop.item('check', 0)();
        taken.push('check');
      },
      0,
      true,
    );
    for (let i = 40; i < 60; i++)
      void loop.pipeline.push(() => {
        loop.item(`op${i}`, 3)();
        taken.push(`op${i}`);
      }, 1024);
    loop.run();
    assert.deepEqual(
      taken,
      Array.from({ length: 61 }, (_, i) => (i < 40 ? `op${i}` : i === 40 ? 'check' : `op${i - 1}`)),
      'in the order queued: the check after the 40 operations ahead of it',
    );
    const checkSlice = loop.slices.findIndex((s) => s.items.includes('check'));
    for (let i = 1; i <= checkSlice; i++) {
      const gap = loop.slices[i]!.start - loop.slices[i - 1]!.end;
      assert.equal(gap, 0, `no rest before the check: ${gap} ms between slices ${i - 1} and ${i}`);
    }
    // 3 ms items in 20 ms slices: a slice stops at the first item that reaches its limit.
    for (const slice of loop.slices) assert.ok(slice.end - slice.start <= 21, `a slice of ${slice.end - slice.start} ms`);
    assert.ok(checkSlice >= 5, `the check waited for the ${checkSlice} slices ahead of it`);
    // Once it is taken in the run goes back to its pace: the slices after it rest again.
    const after = loop.slices.slice(checkSlice + 1);
    assert.ok(after.length >= 2);
    for (let i = 1; i < after.length; i++) assert.equal(after[i]!.start - after[i - 1]!.end, 20, 'rests after the check');
  });

  it('ends a rest already begun when an urgent item arrives', () => {
    const loop = fakeLoop({ pace: () => ({ sliceMs: 20, restMs: 500 }) });
    for (let i = 0; i < 20; i++) void loop.pipeline.push(loop.item(`op${i}`, 5), 1024);
    // The first slice runs (4 items, 20 ms) and a 500 ms rest begins.
    loop.turn();
    assert.equal(loop.slices.length, 1);
    let checkAt = -1;
    void loop.pipeline.push(() => (checkAt = loop.now()), 0, true);
    loop.run(() => checkAt >= 0);
    // 16 operations ahead of it at 5 ms, in slices of 20 ms with no rest: 80 ms after the first slice.
    assert.equal(checkAt, 20 + 80, `the check was taken in at ${checkAt} ms`);
  });

  it('works a shorter share of the time while the pace says so, and its own share again once it does not', () => {
    let typing = true;
    const loop = fakeLoop({ pace: () => (typing ? { sliceMs: 10, restMs: 30 } : RUN) });
    for (let i = 0; i < 2000; i++) void loop.pipeline.push(loop.item(`op${i}`, 1), 1024);
    loop.run(() => loop.now() >= 2000);
    const busy = (from: number, to: number) =>
      loop.slices.reduce((n, s) => n + Math.max(0, Math.min(s.end, to) - Math.max(s.start, from)), 0) / (to - from);
    const typingShare = busy(0, 2000);
    assert.ok(typingShare <= 0.26, `worked ${(typingShare * 100).toFixed(0)} % of the time while the person typed`);
    assert.ok(typingShare >= 0.2, `worked only ${(typingShare * 100).toFixed(0)} %: the run must still go on`);
    for (const slice of loop.slices)
      assert.ok(slice.end - slice.start <= 10, `a ${slice.end - slice.start} ms slice while typing`);
    typing = false;
    loop.run(() => loop.now() >= 4000);
    const afterShare = busy(2100, 4000);
    assert.ok(afterShare >= 0.45 && afterShare <= 0.51, `worked ${(afterShare * 100).toFixed(0)} % once the typing stopped`);
  });

  it('waits while held, goes on at once when woken, and never holds an urgent item', () => {
    let holdUntil = 0;
    const loop = fakeLoop({ pace: () => RUN, holdMs: () => Math.max(0, holdUntil - loop.now()) });
    holdUntil = 300;
    let first = -1;
    void loop.pipeline.push(() => (first = loop.now()), 1024);
    loop.run(() => first >= 0);
    assert.equal(first, 300, 'held until the hold was over');
    // Held again; woken at 450 ms (VS Code fetched the rows): the item is taken in then.
    holdUntil = loop.now() + 300;
    let second = -1;
    void loop.pipeline.push(() => (second = loop.now()), 1024);
    loop.turn();
    loop.advance(150);
    holdUntil = 0;
    loop.pipeline.wake();
    loop.run(() => second >= 0);
    assert.equal(second, 450, `woken at 450 ms, taken in at ${second} ms`);
    // An urgent item (and what is ahead of it) is not held.
    holdUntil = loop.now() + 300;
    const urgentAt: number[] = [];
    void loop.pipeline.push(() => urgentAt.push(loop.now()), 1024);
    void loop.pipeline.push(() => urgentAt.push(loop.now()), 0, true);
    loop.run(() => urgentAt.length === 2);
    assert.deepEqual(urgentAt, [450, 450]);
  });

  it('drops urgent items on a cut: the pipeline rests again after it', async () => {
    const loop = fakeLoop({ pace: () => RUN });
    for (let i = 0; i < 10; i++) void loop.pipeline.push(loop.item(`op${i}`, 5), 1024);
    const check = loop.pipeline.push(loop.item('check', 0), 0, true);
    assert.equal(loop.pipeline.cut(), 10 * 1024);
    await check;
    for (let i = 0; i < 20; i++) void loop.pipeline.push(loop.item(`next${i}`, 5), 1024);
    loop.run();
    assert.ok(!loop.slices.some((s) => s.items.includes('check')), 'the cut check was not taken in');
    for (let i = 1; i < loop.slices.length; i++)
      assert.equal(loop.slices[i]!.start - loop.slices[i - 1]!.end, 20, 'a cut check no longer keeps the pipeline from resting');
  });
});
