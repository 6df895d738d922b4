import { strict as assert } from 'node:assert';
import type { HeapOpBatch } from '../../../src/engine/heapOps';
import { HeapTimeline } from '../../../src/engine/heapTimeline';
import { heapImage } from '../../support/heapImage';
import { inProcessHarness } from '../../support/inProcessHarness';

/**
 * Every way a harness writes block bytes (fields of each kind, arrays, struct copies, buffer
 * bytes and text, XREALLOC's copy) must end up in the recorded run: a timeline fed with the
 * batches shows, at each step, exactly the page bytes the harness's own heap had then.
 */
describe('harness runtime: the program’s writes are recorded with the run', () => {
  function setup() {
    const batches: HeapOpBatch[] = [];
    const h = inProcessHarness({ onBatch: (batch) => void batches.push(batch.ops) });
    const { struct, char, u8, u32, u64, i16, f64, ptr, field, array, bits } = h.lmm;
    @struct
    class point_t {
      @i16 x!: number;
      @ptr(() => point_t) next!: point_t | null;
    }
    @struct
    class sink_t {
      @char(12) name!: string;
      @u8 small!: number;
      @u32 count!: number;
      @f64 ratio!: number;
      @u64 big!: bigint;
      @bits(u32, 3) flags!: number;
      @field(() => point_t) at!: point_t;
      @array(u32, 3) values!: number[];
      @array(() => point_t, 2) points!: point_t[];
    }
    h.lmm.MM_REG_STRUCT(point_t);
    h.lmm.MM_REG_STRUCT(sink_t);
    return { ...h, batches, point_t, sink_t };
  }

  it('a timeline of the batches has the harness heap’s bytes after every step', () => {
    const { runtime, lmm, batches, point_t, sink_t } = setup();
    /** The harness heap's image once the writes after a step are done (the next call is an op). */
    const images = new Map<number, string>();
    const seen = () => images.set(runtime.recorder.steps - 1, heapImage(runtime.heap));
    const p = lmm.XCALLOC(1, point_t);
    p.x = -5;
    p.next = p;
    seen();
    const s = lmm.XCALLOC(2, sink_t);
    s.name = 'Ada';
    s.small = 200;
    s.count = 123456;
    s.ratio = 0.5;
    s.big = 2n ** 60n;
    s.flags = 5;
    s.at = p;
    s.values[2] = 77;
    s.points[1] = p;
    s.points[0]!.x = 9;
    runtime.flush(); // writes after this step arrive with the next batch
    s.name = 'Grace';
    seen();
    const b = lmm.XCALLOC_BUF(20);
    b.text = 'hello';
    b[10] = 0xab;
    seen();
    const grown = lmm.XREALLOC(p, 3);
    grown.x = 1;
    seen();
    lmm.XFREE(s);
    seen();
    const reused = lmm.XCALLOC(1, sink_t);
    reused.count = 42;
    seen();
    runtime.flush();
    const timeline = new HeapTimeline(runtime.heap.pageSize, { snapshotEvery: 2 });
    for (const batch of batches) timeline.append(batch);
    assert.deepEqual(timeline.divergences, []);
    assert.ok(timeline.writesReceived >= 15, `the writes were recorded (${timeline.writesReceived})`);
    assert.equal(timeline.length, runtime.recorder.steps);
    for (const [step, image] of images) assert.equal(heapImage(timeline.heapAt(step)), image, `after step ${step}`);
    // Backwards too (restores from snapshots, not only forward replays).
    for (const [step, image] of [...images].reverse()) assert.equal(heapImage(timeline.heapAt(step)), image);
  });

  it('a write that is refused (use after free) records nothing', () => {
    const { runtime, lmm, batches, point_t } = setup();
    const p = lmm.XCALLOC(1, point_t);
    lmm.XFREE(p);
    p.x = 3;
    runtime.flush();
    assert.equal(
      batches.flatMap((b) => (b.writes ? [b.writes.count] : [])).reduce((a, n) => a + n, 0),
      0,
    );
  });
});
