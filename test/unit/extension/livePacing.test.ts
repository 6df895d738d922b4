import { strict as assert } from 'node:assert';
import { HeapOpKind, type HeapOpBatch } from '../../../src/engine/heapOps';
import {
  CHECK_DRAW_MS,
  CHECK_PACE,
  CHECK_RUSH_MS,
  EditorActivity,
  LivePriority,
  RUN_PACE,
  TYPING_PACE,
  VIEW_FETCH_HOLD_MS,
  LIVE_OPS_INTERVAL_MS,
  TYPING_OPS_INTERVAL_MS,
  TYPING_QUIET_MS,
  TYPING_TELL_EVERY_MS,
  TypingNotices,
  liveOpsIntervalMs,
} from '../../../src/extension/model/livePacing';
import { WebviewOutbox } from '../../../src/extension/model/webviewOutbox';
import type { HostToWebviewMessage } from '../../../src/protocol/webviewMessages';

/** `count` frees (any kind will do: the outbox only joins and paces) from `firstStep` on. */
function ops(firstStep: number, count: number): HostToWebviewMessage {
  const batch: HeapOpBatch = {
    firstStep,
    count,
    kind: new Uint8Array(count).fill(HeapOpKind.Free),
    a: new Float64Array(count),
    b: new Float64Array(count),
    c: new Float64Array(count),
    site: new Int32Array(count).fill(-1),
    names: [],
  };
  return { type: 'heapOps', runId: 'run-1', batch };
}

describe('the Memory Map’s pace while a run goes on (livePacing)', () => {
  it('posts at most twice a second while a run goes on, every five seconds while typing, and freely once it ended', () => {
    let now = 10_000;
    const activity = new EditorActivity(() => now);
    assert.equal(liveOpsIntervalMs(true, activity), LIVE_OPS_INTERVAL_MS);
    assert.ok(LIVE_OPS_INTERVAL_MS >= 500, 'no more than two posts a second');
    activity.touched();
    assert.equal(liveOpsIntervalMs(true, activity), TYPING_OPS_INTERVAL_MS);
    assert.ok(TYPING_OPS_INTERVAL_MS >= 5000, 'no more than one post in five seconds while typing');
    // The run's end is never held back by typing: every operation goes to the map then.
    assert.equal(liveOpsIntervalMs(false, activity), 0);
    // Typing goes on as long as a key or a cursor move came within the quiet time, and ends at it.
    now += TYPING_QUIET_MS - 1;
    assert.equal(activity.typing, true);
    now += 1;
    assert.equal(activity.typing, false);
    assert.equal(liveOpsIntervalMs(true, activity), LIVE_OPS_INTERVAL_MS);
  });

  it('counts nobody as typing before the first edit, even on a clock that starts at 0', () => {
    const activity = new EditorActivity(() => 0);
    assert.equal(activity.typing, false);
  });

  it('holds a live run’s operations while the person types, and sends them all, without waiting, when the run ends', async () => {
    let running = true;
    const activity = new EditorActivity();
    const sent: HostToWebviewMessage[] = [];
    const outbox = new WebviewOutbox({
      send: (message) => {
        sent.push(message);
        return Promise.resolve(true);
      },
      visible: () => true,
      maxOpsPerPost: 100,
      opsIntervalMs: () => liveOpsIntervalMs(running, activity),
    });
    // Keys every 50 ms for 0.6 s while the run posts a batch every 100 ms: only the first leaves.
    for (let i = 0; i < 12; i++) {
      activity.touched();
      if (i % 2 === 0) outbox.post(ops((i / 2) * 100, 100));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(sent.filter((m) => m.type === 'heapOps').length, 1, 'one operation post while typing');
    assert.equal(outbox.waiting, 5);
    running = false;
    outbox.post({ type: 'runEnded', runId: 'run-1', state: 'stopped' });
    // Two posts on their way at a time: each settles once the window took it (here, at once).
    await new Promise((resolve) => setTimeout(resolve, 20));
    const steps = sent.flatMap((m) => (m.type === 'heapOps' ? [m.batch.firstStep] : []));
    assert.deepEqual(steps, [0, 100, 200, 300, 400, 500], 'every operation reached the map, in order');
    assert.equal(sent[sent.length - 1]!.type, 'runEnded');
  });
});

describe('the person before the run: the pipeline’s pace (LivePriority)', () => {
  const share = (pace: { sliceMs: number; restMs: number }) => pace.sliceMs / (pace.sliceMs + pace.restMs);

  it('works at most half of the host’s time, a quarter while the person types, and half again once the typing stops', () => {
    let now = 50_000;
    const priority = new LivePriority(new EditorActivity(() => now), () => now);
    assert.deepEqual(priority.pace(), RUN_PACE);
    assert.ok(share(RUN_PACE) <= 0.5);
    priority.activity.touched();
    assert.deepEqual(priority.pace(), TYPING_PACE);
    assert.ok(share(TYPING_PACE) <= 0.25, `a share of ${share(TYPING_PACE)} while typing`);
    assert.ok(TYPING_PACE.sliceMs <= RUN_PACE.sliceMs, 'a key waits at most one slice, no longer than without typing');
    now += TYPING_QUIET_MS - 1;
    assert.deepEqual(priority.pace(), TYPING_PACE, 'typing lasts the quiet time');
    now += 1;
    assert.deepEqual(priority.pace(), RUN_PACE, 'and lifts when it is over');
  });

  it('does not rest while a check asked for is on its way, typing or not, and rests again once it is taken in or too late', () => {
    let now = 0;
    const priority = new LivePriority(new EditorActivity(() => now), () => now);
    priority.activity.touched();
    priority.checkAsked();
    assert.deepEqual(priority.pace(), CHECK_PACE);
    assert.equal(CHECK_PACE.restMs, 0);
    assert.ok(CHECK_PACE.sliceMs <= RUN_PACE.sliceMs, 'its slices are no longer than the run’s');
    priority.checkTakenIn();
    assert.deepEqual(priority.pace(), TYPING_PACE);
    // A harness that never reaches another heap call never answers: the run goes back to its pace.
    now += 5_000;
    priority.checkAsked();
    now += CHECK_RUSH_MS - 1;
    assert.deepEqual(priority.pace(), CHECK_PACE);
    now += 1;
    assert.deepEqual(priority.pace(), RUN_PACE);
  });

  it('holds the pipeline after a redraw until the rows are fetched, at most VIEW_FETCH_HOLD_MS, and releases it once', () => {
    let now = 0;
    let released = 0;
    const priority = new LivePriority(new EditorActivity(() => now), () => now);
    priority.onRelease = () => released++;
    assert.equal(priority.holdMs(), 0, 'no hold before a redraw');
    priority.rowsFetched();
    assert.equal(released, 0, 'a fetch without a redraw releases nothing');
    priority.redrawFired();
    assert.equal(priority.holdMs(), VIEW_FETCH_HOLD_MS);
    assert.ok(VIEW_FETCH_HOLD_MS <= 300);
    now += 100;
    assert.equal(priority.holdMs(), VIEW_FETCH_HOLD_MS - 100);
    priority.rowsFetched();
    assert.equal(priority.holdMs(), 0);
    assert.equal(released, 1);
    priority.rowsFetched();
    assert.equal(released, 1, 'the next level’s fetch releases nothing more');
    // Rows never fetched (the view is hidden): the hold ends by itself.
    priority.redrawFired();
    now += VIEW_FETCH_HOLD_MS;
    assert.equal(priority.holdMs(), 0);
    priority.rowsFetched();
    assert.equal(released, 1, 'a hold already over is not released again');
  });

  it('holds the window’s other live work from Check Leaks Now until its rows are drawn, and never longer than the rush', () => {
    let now = 0;
    const priority = new LivePriority(new EditorActivity(() => now), () => now);
    assert.equal(priority.checkOnItsWay, false);
    assert.equal(liveOpsIntervalMs(true, priority.activity, priority.checkOnItsWay), LIVE_OPS_INTERVAL_MS);
    priority.checkAsked();
    assert.equal(priority.checkOnItsWay, true);
    assert.equal(liveOpsIntervalMs(true, priority.activity, priority.checkOnItsWay), TYPING_OPS_INTERVAL_MS);
    assert.equal(liveOpsIntervalMs(false, priority.activity, true), 0, 'the run’s end is never held back');
    // Taken in, redrawn, fetched 400 ms after it was asked: the window draws it, then the rest goes on.
    now += 400;
    priority.checkTakenIn();
    assert.equal(priority.checkOnItsWay, true, 'still on its way until its rows are fetched');
    priority.redrawFired();
    priority.rowsFetched();
    now += CHECK_DRAW_MS - 1;
    assert.equal(priority.checkOnItsWay, true);
    now += 1;
    assert.equal(priority.checkOnItsWay, false);
    // A check that never shows (the harness makes no more heap calls) holds nothing past the rush.
    priority.checkAsked();
    now += CHECK_RUSH_MS;
    assert.equal(priority.checkOnItsWay, false);
  });
});

describe('telling the Memory Map that the person types (TypingNotices)', () => {
  it('tells it while a run goes on, at most every TYPING_TELL_EVERY_MS, each notice for TYPING_QUIET_MS', () => {
    let now = 10_000;
    const notices = new TypingNotices(() => now);
    assert.deepEqual(notices.next(true), { type: 'personTyping', forMs: TYPING_QUIET_MS });
    // Keys pressed in quick succession: one notice covers them.
    for (let i = 0; i < 5; i++) {
      now += TYPING_TELL_EVERY_MS / 5 - 1;
      assert.equal(notices.next(true), undefined);
    }
    now += 5;
    assert.deepEqual(notices.next(true), { type: 'personTyping', forMs: TYPING_QUIET_MS });
    // Each notice lasts longer than the gap between two: a steady typist holds the map's redraws throughout.
    assert.ok(TYPING_QUIET_MS > TYPING_TELL_EVERY_MS);
  });

  it('tells it nothing when no run goes on (its redraws then are the person’s own: a step picked, a finished run)', () => {
    const notices = new TypingNotices(() => 0);
    assert.equal(notices.next(false), undefined);
    // Nor does typing with no run use up the next notice.
    assert.deepEqual(notices.next(true), { type: 'personTyping', forMs: TYPING_QUIET_MS });
  });
});
