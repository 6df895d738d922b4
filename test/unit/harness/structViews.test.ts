import { strict as assert } from 'node:assert';
import { checkHeap } from '../../../src/engine/invariants';
import { blockBytes, inProcessHarness } from '../../support/inProcessHarness';

describe('harness views over the page bytes', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, char, u8, u32, u64, i8, i16, f32, f64, ptr, field, array } = h.lmm;

    @struct
    class point_t {
      @i16 x!: number;
      @ptr(() => student_t) owner!: student_t | null;
    }

    @struct
    class student_t {
      @char(32) name!: string;
      @u32 rollno!: number;
      @u32 marks_phys!: number;
      @u32 marks_chem!: number;
      @u32 marks_maths!: number;
      @ptr(() => student_t) next!: student_t | null;
    }

    @struct
    class kitchen_sink_t {
      @u8 small!: number;
      @i8 signed!: number;
      @f32 single!: number;
      @f64 double!: number;
      @u64 big!: bigint;
      @field(() => point_t) at!: point_t;
      @array(u32, 4) values!: number[];
      @array(() => point_t, 2) points!: point_t[];
    }

    @struct
    class byte_t {
      @u8 b!: number;
    }

    h.lmm.MM_REG_STRUCT(student_t);
    h.lmm.MM_REG_STRUCT(point_t);
    h.lmm.MM_REG_STRUCT(kitchen_sink_t);
    h.lmm.MM_REG_STRUCT(byte_t);
    return { ...h, student_t, point_t, kitchen_sink_t, byte_t };
  }

  it('reads and writes fields directly in the engine’s page bytes', () => {
    const { runtime, lmm, student_t } = setup();
    const s = lmm.XCALLOC(1, student_t);
    s.rollno = 7;
    s.name = 'Ada';
    const { view, offset } = blockBytes(runtime, lmm.addressOf(s));
    assert.equal(view.getUint32(offset + 32, true), 7);
    assert.equal(String.fromCharCode(view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2)), 'Ada');
    assert.equal(view.getUint8(offset + 3), 0);
    view.setUint32(offset + 44, 99, true);
    assert.equal(s.marks_maths, 99);
  });

  it('makes views without running the class constructor', () => {
    const { lmm } = inProcessHarness();
    let constructed = 0;
    @lmm.struct
    class counted_t {
      @lmm.u32 x!: number;
      constructor() {
        constructed++;
      }
    }
    lmm.MM_REG_STRUCT(counted_t);
    lmm.XCALLOC(3, counted_t).x = 1;
    assert.equal(constructed, 0);
  });

  it('stores pointers as addresses and reads them back as views or null', () => {
    const { runtime, lmm, student_t } = setup();
    const a = lmm.XCALLOC(1, student_t);
    const b = lmm.XCALLOC(1, student_t);
    assert.equal(a.next, null);
    a.next = b;
    b.rollno = 12;
    const { view, offset } = blockBytes(runtime, lmm.addressOf(a));
    assert.equal(view.getUint32(offset + 48, true) + view.getUint32(offset + 52, true) * 2 ** 32, lmm.addressOf(b));
    assert.equal(a.next!.rollno, 12);
    assert.equal(lmm.addressOf(a.next), lmm.addressOf(b));
    a.next = null;
    assert.equal(a.next, null);
  });

  it('handles every scalar type, nested structs and array fields', () => {
    const { lmm, kitchen_sink_t, student_t } = setup();
    const k = lmm.XCALLOC(1, kitchen_sink_t);
    k.small = 300; // wraps like a C u8
    k.signed = -5;
    k.single = 1.5;
    k.double = Math.PI;
    k.big = 2n ** 63n + 1n;
    k.at.x = -7;
    k.values[3] = 42;
    k.points[1]!.x = 9;
    const owner = lmm.XCALLOC(1, student_t);
    k.points[1]!.owner = owner;
    assert.equal(k.small, 44);
    assert.equal(k.signed, -5);
    assert.equal(k.single, 1.5);
    assert.equal(k.double, Math.PI);
    assert.equal(k.big, 2n ** 63n + 1n);
    assert.equal(k.at.x, -7);
    assert.equal(k.values.length, 4);
    assert.deepEqual([...k.values], [0, 0, 0, 42]);
    assert.equal(k.points[1]!.x, 9);
    assert.equal(lmm.addressOf(k.points[1]!.owner), lmm.addressOf(owner));
    // A nested struct assignment copies the bytes, as in C.
    k.points[0] = k.points[1]!;
    assert.equal(k.points[0]!.x, 9);
    k.at = k.points[1]!;
    assert.equal(k.at.x, 9);
  });

  it('indexes multi-unit blocks (views of each unit, addresses one struct apart)', () => {
    const { lmm, student_t, byte_t } = setup();
    const list = lmm.XCALLOC(3, student_t);
    list[2].rollno = 3;
    assert.equal(lmm.addressOf(list[2]) - lmm.addressOf(list), 112);
    assert.equal(list[2].rollno, 3);
    assert.equal(list[0].rollno, 0);
    // Past the 64 indexes views answer themselves, a Proxy takes over.
    const bytes = lmm.XCALLOC(1000, byte_t);
    bytes[999].b = 5;
    assert.equal(bytes[999].b, 5);
    assert.equal(lmm.addressOf(bytes[999]) - lmm.addressOf(bytes), 999);
  });

  it('reports out-of-bounds indexes and strings; reads give 0, writes are ignored, nothing throws', () => {
    const { runtime, lmm, student_t, kitchen_sink_t, byte_t } = setup();
    const list = lmm.XCALLOC(2, student_t);
    list[2].rollno = 5;
    assert.equal(list[2].rollno, 0);
    const k = lmm.XCALLOC(1, kitchen_sink_t);
    k.values[4] = 1;
    assert.equal(k.values[4], 0);
    list[0].name = 'a name much longer than thirty-one bytes';
    assert.equal(list[0].name, 'a name much longer than thirty-');
    const bytes = lmm.XCALLOC(100, byte_t);
    assert.equal(bytes[100].b, 0);
    // Negative indexes too (C would reach the meta data in front): plain views, long blocks, array fields.
    assert.equal(list[-1].rollno, 0);
    assert.equal(bytes[-3].b, 0);
    k.values[-1] = 7;
    assert.equal(k.values[-1], 0);
    assert.equal(k.values[0], 0);
    // In this process there are no call sites: these share one (unknown) site, so one record.
    assert.deepEqual(
      runtime.errors.map((e) => [e.kind, e.count]),
      [['out-of-bounds', 10]],
    );
    assert.deepEqual(checkHeap(runtime.heap), []);
  });

  it('an index past the 64 a small block’s view answers itself (v[64], v[1000], v[-2]) is out of bounds too; nothing throws', () => {
    const { runtime, lmm, student_t } = setup();
    const one = lmm.XCALLOC(1, student_t) as unknown as Record<number, { rollno: number }>;
    const neighbour = lmm.XCALLOC(1, student_t);
    for (const i of [64, 65, 1000, -2, -64]) {
      one[i]!.rollno = 9;
      assert.equal(one[i]!.rollno, 0);
    }
    // A whole element cannot be assigned, here as in a long block's view: reported, nothing stored.
    (one as unknown as Record<number, unknown>)[64] = neighbour;
    assert.equal(Object.hasOwn(one, '64'), false);
    assert.equal(neighbour.rollno, 0);
    // Other keys are still the harness's own properties, and no key reaches past the block.
    assert.equal((one as unknown as Record<string, unknown>).then, undefined);
    assert.equal(String(one), '[object student_t]');
    assert.deepEqual(
      runtime.errors.map((e) => [e.kind, e.count]),
      [['out-of-bounds', 11]],
    );
    assert.deepEqual(checkHeap(runtime.heap), []);
  });

  it('reports the assignment of a whole element v[1] as v[64]’s, in a short block and a long one (no TypeError)', () => {
    const { runtime, lmm, point_t } = setup();
    const neighbour = lmm.XCALLOC(1, point_t);
    neighbour.x = 5;
    for (const units of [2, 100]) {
      const block = lmm.XCALLOC(units, point_t) as unknown as Record<number, unknown>;
      block[1] = neighbour;
      block[0] = neighbour;
      assert.equal((block[1] as { x: number }).x, 0);
      assert.equal(Object.hasOwn(block, '1'), false);
    }
    assert.deepEqual(
      runtime.errors.map((e) => [e.kind, e.count]),
      [['out-of-bounds', 4]],
    );
    assert.match(runtime.errors[0]!.message, /cannot assign a whole element v\[1\]/);
  });

  it('keeps a freed block’s views freed, even when a new block reuses the address', () => {
    const { runtime, lmm, student_t } = setup();
    const old = lmm.XCALLOC(1, student_t);
    lmm.XFREE(old);
    const fresh = lmm.XCALLOC(1, student_t);
    assert.equal(lmm.addressOf(fresh), lmm.addressOf(old));
    fresh.rollno = 1;
    old.rollno = 2; // ignored
    assert.equal(old.rollno, 0);
    assert.equal(fresh.rollno, 1);
    lmm.XFREE(old); // a stale view never frees the new block
    assert.equal(fresh.rollno, 1);
    assert.deepEqual(
      runtime.errors.map((e) => [e.kind, e.count]),
      [
        ['use-after-free', 2],
        ['double-free', 1],
      ],
    );
    assert.equal(runtime.heap.appMemory, 48 + 56);
    assert.deepEqual(checkHeap(runtime.heap), []);
  });

  it('refuses to free a unit other than the first, and undefined, leaving the heap intact', () => {
    const { runtime, lmm, student_t } = setup();
    const list = lmm.XCALLOC(3, student_t);
    lmm.XFREE(list[1]);
    lmm.XFREE(undefined as unknown as null);
    assert.deepEqual(
      runtime.errors.map((e) => e.kind),
      ['invalid-free'],
    );
    assert.equal(runtime.errors[0]!.count, 2);
    lmm.XFREE(list);
    assert.equal(runtime.heap.appMemory, 0);
    assert.deepEqual(checkHeap(runtime.heap), []);
  });

  it('returns null for unregistered structs, too-large requests and an exhausted memory cap', () => {
    const { runtime, lmm } = inProcessHarness({ memoryCap: 3 * 4096 });
    @lmm.struct
    class big_t {
      @lmm.array(lmm.u8, 2000) bytes!: number[];
    }
    @lmm.struct
    class never_registered_t {
      @lmm.u8 b!: number;
    }
    assert.equal(lmm.XCALLOC(1, never_registered_t), null);
    lmm.MM_REG_STRUCT(big_t);
    lmm.MM_REG_STRUCT(big_t);
    assert.equal(lmm.XCALLOC(3, big_t), null);
    assert.notEqual(lmm.XCALLOC(1, big_t), null);
    assert.notEqual(lmm.XCALLOC(1, big_t), null); // 2 pages (+ the registry page) = the cap
    assert.equal(lmm.XCALLOC(1, big_t), null);
    assert.deepEqual(
      runtime.errors.map((e) => e.kind),
      ['unregistered-struct', 'duplicate-registration', 'too-large', 'out-of-memory'],
    );
    assert.deepEqual(checkHeap(runtime.heap), []);
  });

  it('records every call as a heap op, failed ones included', () => {
    const { runtime, lmm, student_t } = setup();
    const s = lmm.XCALLOC(1, student_t);
    lmm.XFREE(s);
    lmm.XFREE(s);
    assert.equal(runtime.recorder.steps, 4 + 3);
  });
});
