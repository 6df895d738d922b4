import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../../src/engine/heapOps';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { RunPipeline, splitBatch, splitBatchLazily } from '../../../src/extension/model/runPipeline';
import { batchWithWrites } from '../../support/batchWithWrites';

/** A pipeline on a fake clock: each item's work advances it; slices run when `turn()` is called. */
function fakePipeline(sliceMs: number) {
  let clock = 0;
  const turns: (() => void)[] = [];
  let progress = 0;
  const pipeline = new RunPipeline({
    sliceMs,
    progressMs: 0,
    onProgress: () => progress++,
    now: () => clock,
    yieldToEventLoop: (next) => turns.push(next),
  });
  return {
    pipeline,
    advance: (ms: number) => (clock += ms),
    /** Runs one slice; returns false when none was scheduled. */
    turn: () => {
      const next = turns.shift();
      next?.();
      return next !== undefined;
    },
    progress: () => progress,
  };
}

describe('run pipeline (the host side of a harness run, in slices)', () => {
  it('takes items in in order and settles each one’s promise after its work ran', async () => {
    const { pipeline, turn } = fakePipeline(20);
    const done: number[] = [];
    const settled: number[] = [];
    const promises = [0, 1, 2, 3].map((i) => pipeline.push(() => done.push(i)).then(() => settled.push(i)));
    assert.deepEqual(done, [], 'nothing runs before the event loop turns');
    while (turn());
    await Promise.all(promises);
    assert.deepEqual(done, [0, 1, 2, 3]);
    assert.deepEqual(settled, [0, 1, 2, 3]);
  });

  it('returns to the event loop once a slice has used its time, however many items wait', () => {
    const { pipeline, advance, turn } = fakePipeline(20);
    let ran = 0;
    for (let i = 0; i < 100; i++)
      void pipeline.push(() => {
        ran++;
        advance(7);
      });
    const perSlice: number[] = [];
    let before = 0;
    while (turn()) {
      perSlice.push(ran - before);
      before = ran;
    }
    assert.equal(ran, 100);
    // 7 ms items in a 20 ms slice: the third one reaches the slice's end.
    assert.ok(
      perSlice.every((n) => n <= 3),
      `items per slice: ${perSlice.join(',')}`,
    );
    assert.ok(perSlice.length >= 34, `${perSlice.length} slices`);
  });

  it('cut drops what is queued, settles its promises and counts the heap operations left out', async () => {
    const { pipeline, turn } = fakePipeline(20);
    const done: number[] = [];
    void pipeline.push(() => done.push(1), 1024);
    const dropped = [
      pipeline.push(() => done.push(2), 1024),
      pipeline.push(() => done.push(3), 500),
      pipeline.push(() => done.push(4)),
    ];
    assert.equal(pipeline.cut(), 2548);
    await Promise.all(dropped);
    while (turn());
    assert.equal(done.length, 0, 'nothing queued before the cut runs after it');
    assert.equal(pipeline.pending, 0);
    await pipeline.drained();
    void pipeline.push(() => done.push(5));
    while (turn());
    assert.deepEqual(done, [5], 'the pipeline takes new items after a cut');
  });

  it('goes on after an item that throws (the error does not reach the event loop)', async () => {
    const { pipeline, turn } = fakePipeline(20);
    const done: string[] = [];
    const failing = pipeline.push(() => {
      throw new Error('a broken view');
    });
    const next = pipeline.push(() => done.push('next'));
    assert.doesNotThrow(() => {
      while (turn());
    });
    await Promise.all([failing, next]);
    assert.deepEqual(done, ['next']);
  });

  it('drained resolves only once everything queued is taken in', async () => {
    const { pipeline, turn } = fakePipeline(1);
    let ran = 0;
    for (let i = 0; i < 5; i++) void pipeline.push(() => ran++);
    let drained = false;
    const waiting = pipeline.drained().then(() => (drained = true));
    turn();
    await Promise.resolve();
    // One item per slice at most is not promised (the clock does not move), so drive to the end.
    while (turn());
    await waiting;
    assert.equal(ran, 5);
    assert.ok(drained);
  });

  it('rests restMs after each full slice, so a queue that keeps it busy gets at most its share of the time', async () => {
    const slices: { start: number; end: number }[] = [];
    let sliceOpen: { start: number; end: number } | undefined;
    const pipeline = new RunPipeline({ sliceMs: 10, progressMs: 1000, onProgress: () => undefined, restMs: 30 });
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const started = performance.now();
    let lastEnd = 0;
    const items: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      items.push(
        pipeline.push(() => {
          const now = performance.now();
          // A gap of more than 5 ms since the last item ended starts a new slice.
          if (!sliceOpen || now - lastEnd > 5) slices.push((sliceOpen = { start: now, end: now }));
          busy(4);
          lastEnd = sliceOpen.end = performance.now();
        }),
      );
    }
    await Promise.all(items);
    pipeline.dispose();
    const took = performance.now() - started;
    assert.ok(slices.length >= 8, `${slices.length} slices`);
    for (let i = 1; i < slices.length; i++) {
      const rest = slices[i]!.start - slices[i - 1]!.end;
      assert.ok(rest >= 25, `a rest of ${rest.toFixed(1)} ms between slices ${i - 1} and ${i}`);
    }
    // 160 ms of work at most a quarter of the time: well over 400 ms in all.
    assert.ok(took >= 400, `${took.toFixed(0)} ms for 160 ms of work`);
  });

  it('tells progress at most once per interval, and the last work within one interval, on real timers', async () => {
    const calls: number[] = [];
    const pipeline = new RunPipeline({ sliceMs: 5, progressMs: 60, onProgress: () => calls.push(Date.now()) });
    const started = Date.now();
    // Work every 5 ms for 300 ms: without a throttle that would be ~60 calls.
    while (Date.now() - started < 300) {
      await pipeline.push(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const lastWork = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 150));
    pipeline.dispose();
    assert.ok(calls.length >= 3 && calls.length <= 8, `${calls.length} progress calls`);
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i]! - calls[i - 1]! >= 55, `calls ${calls[i - 1]} → ${calls[i]}`);
    assert.ok(calls[calls.length - 1]! >= lastWork - 60, 'the work of the last interval is told after it');
  });
});

function recordedBatch(ops: number, registerEvery: number): HeapOpBatch {
  const recorder = new HeapOpRecorder(16);
  const heap = new HeapReplay({ pageSize: 4096, eventsKept: 10_000_000 }).heap;
  const families: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < ops; i++) {
    if (i % registerEvery === 0 || families.length === 0) {
      const name = `s${families.length}`;
      const id = heap.register(name, 8 + 8 * (families.length % 5));
      families.push(id);
      recorder.record(HeapOpKind.Register, 8 + 8 * ((families.length - 1) % 5), 0, id, -1, name);
    } else if (live.length > 0 && i % 3 === 0) {
      const address = live.splice((i * 7919) % live.length, 1)[0]!;
      recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, i % 11);
    } else {
      const family = families[i % families.length]!;
      const address = heap.xcalloc(family, 1 + (i % 3));
      if (address !== 0) live.push(address);
      recorder.record(HeapOpKind.Alloc, family, 1 + (i % 3), address, i % 11);
    }
  }
  return recorder.flush()!;
}

describe('splitBatch (short pieces of a streamed batch)', () => {
  it('leaves a batch within the size alone', () => {
    const batch = recordedBatch(100, 10);
    assert.deepEqual(splitBatch(batch, 100), [batch]);
  });

  for (const [ops, registerEvery, maxOps] of [
    [5000, 7, 1024],
    [1025, 1024, 1024],
    [3000, 1, 100],
    [999, 333, 1],
  ] as const) {
    it(`cuts ${ops} operations (a register every ${registerEvery}) into pieces of ${maxOps} that replay to the same heap`, () => {
      const batch = recordedBatch(ops, registerEvery);
      const pieces = splitBatch(batch, maxOps);
      assert.equal(pieces.length, Math.ceil(ops / maxOps));
      let step = batch.firstStep;
      const names: string[] = [];
      for (const piece of pieces) {
        assert.equal(piece.firstStep, step);
        assert.ok(piece.count <= maxOps && piece.count > 0);
        assert.equal(piece.kind.length, piece.count, 'a piece is a copy of its own length (it posts alone)');
        assert.equal(piece.names.length, [...piece.kind].filter((k) => k === HeapOpKind.Register).length);
        names.push(...piece.names);
        step += piece.count;
      }
      assert.equal(step, batch.firstStep + batch.count);
      assert.deepEqual(names, batch.names);
      const whole = new HeapReplay({ pageSize: 4096, eventsKept: 10_000_000 });
      whole.apply(batch);
      const inPieces = new HeapReplay({ pageSize: 4096, eventsKept: 10_000_000 });
      for (const piece of pieces) inPieces.apply(piece);
      assert.equal(inPieces.steps, whole.steps);
      assert.deepEqual(
        inPieces.heap.families.map((f) => [
          f.name,
          f.counters.pages,
          f.counters.totalBlocks,
          f.counters.freeBlocks,
          f.counters.appMemory,
        ]),
        whole.heap.families.map((f) => [
          f.name,
          f.counters.pages,
          f.counters.totalBlocks,
          f.counters.freeBlocks,
          f.counters.appMemory,
        ]),
      );
      assert.deepEqual([...inPieces.blockSite], [...whole.blockSite]);
    });
  }
});

describe('splitBatchLazily (pieces copied out when the pipeline applies them)', () => {
  it('gives the pieces splitBatch gives, each copied only when taken, writes and fields included', () => {
    const withWrites = batchWithWrites(3000);
    assert.deepEqual(
      splitBatchLazily(withWrites, 256).map((piece) => piece.take()),
      splitBatch(withWrites, 256),
    );
    assert.ok(withWrites.writes!.count > 1000 && withWrites.fields !== undefined);

    const batch = recordedBatch(5000, 7);
    const eager = splitBatch(batch, 1024);
    const lazy = splitBatchLazily(batch, 1024);
    assert.deepEqual(
      lazy.map((piece) => piece.count),
      eager.map((piece) => piece.count),
    );
    // Changing the batch before a piece is taken shows in that piece: nothing was copied before.
    const before = batch.a[4500];
    batch.a[4500] = -7;
    const taken = lazy.map((piece) => piece.take());
    assert.equal(taken[4]!.a[4500 - 4096], -7);
    batch.a[4500] = before!;
    taken[4]!.a[4500 - 4096] = before!;
    assert.deepEqual(taken, eager);
  });

  it('refuses a piece taken out of order or twice (its names and writes begin where the piece before ended)', () => {
    const pieces = splitBatchLazily(recordedBatch(3000, 7), 1000);
    assert.throws(() => pieces[1]!.take(), /out of order/);
    pieces[0]!.take();
    assert.throws(() => pieces[0]!.take(), /out of order/);
    pieces[1]!.take();
    const [whole] = splitBatchLazily(recordedBatch(10, 3), 1000);
    whole!.take();
    assert.throws(() => whole!.take(), /taken twice/);
  });
});
