import { strict as assert } from 'node:assert';
import { LIVE_TICK_MS, LIVE_TICK_SLACK_MS, LiveTicks, type TickTimers } from '../../../src/extension/model/liveTicks';

/** A clock and timers the test moves by hand; counts the timer callbacks that ran. */
class FakeTime implements TickTimers {
  now = 0;
  fired = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get armed(): number {
    return this.timers.size;
  }

  /** Moves the clock to `to`, running each timer due on the way at its time (`early`: that much before it). */
  advanceTo(to: number, early = 0): void {
    for (;;) {
      const next = [...this.timers].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > to) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].at - early);
      this.fired++;
      next[1].callback();
    }
    this.now = Math.max(this.now, to);
  }
}

describe('the live ticks the status bar and the trees change on (liveTicks)', () => {
  it('serves callbacks asked for at different moments of a period by one tick, in one timer callback', () => {
    const time = new FakeTime();
    const ticks = new LiveTicks(time, () => time.now);
    const calls: string[] = [];
    time.now = 10;
    ticks.after(0, () => calls.push(`status at ${time.now}`));
    time.now = 140;
    ticks.after(0, () => calls.push(`tree at ${time.now}`));
    time.now = 290;
    ticks.after(0, () => calls.push(`header at ${time.now}`));
    assert.equal(time.armed, 1, 'one timer for the three');
    time.advanceTo(1000);
    assert.deepEqual(calls, ['status at 300', 'tree at 300', 'header at 300']);
    assert.equal(time.fired, 1);
  });

  it('never serves a callback at once, even asked for on a tick, and gives callbacks asked for by a tick the next one', () => {
    const time = new FakeTime();
    const ticks = new LiveTicks(time, () => time.now);
    const calls: number[] = [];
    time.now = 600;
    ticks.after(0, () => {
      calls.push(time.now);
      ticks.after(0, () => calls.push(time.now));
    });
    assert.deepEqual(calls, []);
    time.advanceTo(2000);
    assert.deepEqual(calls, [900, 1200]);
  });

  it('serves a wait that ends just after a tick (the time a redraw took) by that tick, not the one after', () => {
    const time = new FakeTime();
    const ticks = new LiveTicks(time, () => time.now);
    // Rows drawn on the tick at 300, their work ending 12 ms later: a redraw due two ticks later is served at 900.
    time.now = 312;
    assert.equal(ticks.tickAfter(2 * LIVE_TICK_MS), 900);
    assert.equal(ticks.tickAfter(2 * LIVE_TICK_MS + LIVE_TICK_SLACK_MS + 1), 1200, 'but a wait past the slack is not');
    assert.equal(ticks.tickAfter(-5_000), 600, 'a wait already over is served by the next tick');
  });

  it('serves a tick whose timer fires a little early by the clock', () => {
    const time = new FakeTime();
    const ticks = new LiveTicks(time, () => time.now);
    let served = 0;
    ticks.after(0, () => served++);
    time.advanceTo(300, 1);
    assert.equal(served, 1);
    assert.equal(ticks.pending, 0);
  });

  it('cancels a callback, and re-arms for the next tick once the earliest has none left', () => {
    const time = new FakeTime();
    const ticks = new LiveTicks(time, () => time.now);
    const calls: string[] = [];
    const cancelSoon = ticks.after(0, () => calls.push('soon'));
    ticks.after(700, () => calls.push(`later at ${time.now}`));
    assert.equal(ticks.pending, 2);
    cancelSoon();
    cancelSoon();
    assert.equal(ticks.pending, 1);
    time.advanceTo(5000);
    assert.deepEqual(calls, ['later at 900']);
    assert.equal(time.fired, 1, 'the cancelled tick left no timer behind');
  });
});
