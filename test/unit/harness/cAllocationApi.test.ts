import { strict as assert } from 'node:assert';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { HeapOpKind } from '../../../src/engine/heapOps';
import { checkHeap } from '../../../src/engine/invariants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import type { HarnessRuntime } from '../../../src/harness/runtime/harnessRuntime';
import { inProcessHarness } from '../../support/inProcessHarness';

/** The op kinds recorded since the last call (Register, Alloc, Free …). */
function opKinds(runtime: HarnessRuntime): HeapOpKind[] {
  const ops = runtime.recorder.flush();
  return ops === null ? [] : [...ops.kind.subarray(0, ops.count)];
}

/** Replays the whole op stream on a fresh engine: every recorded result must come out again. */
function replaysExactly(runtime: HarnessRuntime, ops: { kind: number; a: number; b: number; c: number; name?: string }[]): void {
  const heap = new LmmHeap();
  for (const op of ops) {
    let result: number;
    if (op.kind === HeapOpKind.Register) result = heap.register(op.name!, op.a);
    else if (op.kind === HeapOpKind.Alloc) result = heap.xcalloc(op.a, op.b);
    else if (op.kind === HeapOpKind.Free) result = heap.xfree(op.a) ? 1 : 0;
    else continue;
    assert.equal(result, op.c, `an op of kind ${op.kind} replays with the recorded result`);
  }
  assert.equal(heap.appMemory, runtime.heap.appMemory);
}

describe('the C allocation API in harnesses: realloc, free(NULL), zero-size requests', () => {
  function setup() {
    const h = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    const { struct, char, u32, ptr } = h.lmm;

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
    class point_t {
      @u32 x!: number;
      @u32 y!: number;
    }
    h.lmm.MM_REG_STRUCT(student_t);
    h.lmm.MM_REG_STRUCT(point_t);
    opKinds(h.runtime);
    return { ...h, student_t, point_t };
  }

  /** Every op, flushed from the recorder as plain records (names in order for registrations). */
  function allOps(runtime: HarnessRuntime) {
    const ops = runtime.recorder.flush()!;
    const out = [];
    let name = 0;
    for (let i = 0; i < ops.count; i++) {
      const kind = ops.kind[i]!;
      out.push({
        kind,
        a: ops.a[i]!,
        b: ops.b[i]!,
        c: ops.c[i]!,
        name: kind === HeapOpKind.Register ? ops.names[name++] : undefined,
      });
    }
    return out;
  }

  describe('XREALLOC', () => {
    it('grows by moving: a new block, the old bytes copied, the old block freed (recorded as Alloc then Free)', () => {
      const { runtime, lmm, point_t } = setup();
      const points = lmm.XCALLOC(2, point_t);
      points[0].x = 1;
      points[1].y = 2;
      const before = lmm.addressOf(points);
      opKinds(runtime);
      const grown = lmm.XREALLOC(points, 5);
      assert.deepEqual(opKinds(runtime), [HeapOpKind.Alloc, HeapOpKind.Free]);
      assert.notEqual(lmm.addressOf(grown), before);
      assert.deepEqual([grown[0].x, grown[1].y, grown[4].x], [1, 2, 0]);
      // The old view is the old pointer: using it is a use after free; freeing it a double free.
      assert.equal(points[0].x, 0);
      lmm.XFREE(points);
      assert.deepEqual(
        runtime.errors.map((e) => e.kind),
        ['use-after-free', 'double-free'],
      );
      const data = runtime.runData();
      assert.deepEqual(
        Array.from({ length: data.allocations.length }, (_, i) => data.allocations.at(i)!).map((a) => [a.units, a.freeStep >= 0]),
        [
          [2, true],
          [5, false],
        ],
      );
      assert.deepEqual(checkHeap(runtime.heap), []);
    });

    it('keeps the block when it already has the units (same or fewer), and records nothing', () => {
      const { runtime, lmm, point_t } = setup();
      const points = lmm.XCALLOC(4, point_t);
      points[3].x = 9;
      opKinds(runtime);
      assert.equal(lmm.XREALLOC(points, 4), points);
      assert.equal(lmm.XREALLOC(points, 2), points);
      assert.deepEqual(opKinds(runtime), []);
      assert.equal(points[3].x, 9, 'LMM cannot shrink a block in place: it keeps its size');
      assert.deepEqual(runtime.errors, []);
    });

    it('allocates when given null (with the struct), and says what is missing without it', () => {
      const { runtime, lmm, student_t } = setup();
      const s = lmm.XREALLOC(null, 3, student_t);
      assert.equal(s[2].rollno, 0);
      assert.deepEqual(opKinds(runtime), [HeapOpKind.Alloc]);
      assert.throws(
        () => lmm.XREALLOC(null, 3),
        /XREALLOC\(null, units, T\): reallocating null allocates, so it needs the struct T/,
      );
    });

    it('frees and gives null for 0 units', () => {
      const { runtime, lmm, student_t } = setup();
      const s = lmm.XCALLOC(1, student_t);
      opKinds(runtime);
      assert.equal(lmm.XREALLOC(s, 0), null);
      assert.deepEqual(opKinds(runtime), [HeapOpKind.Free]);
      assert.equal(runtime.heap.appMemory, 0);
      assert.deepEqual(runtime.errors, []);
    });

    it('leaves the old block as it was when the new one cannot be had (too large for a page)', () => {
      const { runtime, lmm, student_t } = setup();
      const s = lmm.XCALLOC(1, student_t);
      s.rollno = 4;
      assert.equal(lmm.XREALLOC(s, 1000), null);
      assert.equal(s.rollno, 4);
      assert.deepEqual(
        runtime.errors.map((e) => e.kind),
        ['too-large'],
      );
      assert.equal(runtime.heap.appMemory, 48 + 56);
    });

    it('refuses a freed block (double free), a unit inside a block (invalid free), and touches nothing', () => {
      const { runtime, lmm, point_t } = setup();
      const gone = lmm.XCALLOC(1, point_t);
      lmm.XFREE(gone);
      const points = lmm.XCALLOC(3, point_t);
      const memory = runtime.heap.appMemory;
      assert.equal(lmm.XREALLOC(gone, 4), null);
      assert.equal(lmm.XREALLOC(points[1], 4), null);
      assert.deepEqual(
        runtime.errors.map((e) => e.kind),
        ['double-free', 'invalid-free'],
      );
      assert.equal(runtime.heap.appMemory, memory);
      assert.deepEqual(checkHeap(runtime.heap), []);
    });

    it('refuses bad input with a clear error: another struct, a buffer, a count that is not a whole number', () => {
      const { lmm, student_t, point_t } = setup();
      const s = lmm.XCALLOC(1, student_t);
      assert.throws(() => lmm.XREALLOC(s, 2, point_t as never), /XREALLOC: the block holds student_t, not point_t/);
      assert.throws(() => lmm.XREALLOC(lmm.XCALLOC_BUF(4) as never, 2), /XREALLOC takes a view returned by XCALLOC/);
      assert.throws(() => lmm.XREALLOC_BUF(s as never, 2), /XREALLOC_BUF takes a buffer returned by XCALLOC_BUF/);
      assert.throws(() => lmm.XREALLOC(s, -1), /units must be a whole number \(0 or more\)/);
      assert.throws(() => lmm.XREALLOC(s, 1.5), /units must be a whole number/);
    });

    it('replays: the op stream of reallocations gives the same heap on a fresh engine', () => {
      const { runtime, lmm, point_t } = setup();
      let v = lmm.XCALLOC(1, point_t);
      const other = lmm.XCALLOC(1, point_t);
      for (let n = 2; n <= 64; n *= 2) v = lmm.XREALLOC(v, n);
      lmm.XREALLOC(other, 0);
      const kept = lmm.XCALLOC_BUF(3);
      lmm.XREALLOC_BUF(kept, 500);
      // Registrations were flushed in setup(); replay them first.
      const registrations = [
        { kind: HeapOpKind.Register, a: 56, b: 0, c: 0, name: 'student_t' },
        { kind: HeapOpKind.Register, a: 8, b: 0, c: 1, name: 'point_t' },
      ];
      replaysExactly(runtime, [...registrations, ...allOps(runtime)]);
    });
  });

  describe('XREALLOC_BUF', () => {
    it('grows a buffer by moving it, with its bytes; null allocates; 0 bytes frees', () => {
      const { runtime, lmm } = setup();
      const b = lmm.XCALLOC_BUF(4);
      b.text = 'abc';
      const grown = lmm.XREALLOC_BUF(b, 64);
      assert.equal(grown.length, 64);
      assert.equal(grown.text, 'abc');
      assert.equal(b[0], 0, 'the old buffer is freed: reading it is a use after free');
      assert.equal(runtime.errors[0]!.kind, 'use-after-free');
      const fresh = lmm.XREALLOC_BUF(null, 10);
      assert.equal(fresh.length, 10);
      assert.equal(lmm.XREALLOC_BUF(fresh, 0), null);
      assert.equal(lmm.XREALLOC_BUF(grown, 8), grown, 'shrinking keeps the block');
    });
  });

  describe('XFREE(null)', () => {
    it('does nothing, as free(NULL): no error, no heap step', () => {
      const { runtime, lmm } = setup();
      const steps = runtime.recorder.steps;
      lmm.XFREE(null);
      assert.equal(runtime.recorder.steps, steps);
      assert.deepEqual(runtime.errors, []);
    });

    it('takes the address 0 as NULL too (C’s free(0), or a null variable’s XFREE(p.address)): nothing to free, no error', () => {
      const { runtime, lmm } = setup();
      const steps = runtime.recorder.steps;
      lmm.XFREE(0 as never);
      lmm.XFREE(-0 as never);
      assert.equal(runtime.recorder.steps, steps);
      assert.deepEqual(runtime.errors, []);
    });

    it('still reports undefined (a missing value, not a null pointer) as an invalid free', () => {
      const { runtime, lmm } = setup();
      lmm.XFREE(undefined as unknown as null);
      assert.deepEqual(
        runtime.errors.map((e) => [e.kind, e.message]),
        [['invalid-free', 'XFREE(undefined): there is no block to free']],
      );
    });
  });

  describe('zero-size requests', () => {
    it('XCALLOC(0, T) gives a distinct zero-size block, as LMM does; its fields are out of bounds', () => {
      const { runtime, lmm, student_t } = setup();
      const a = lmm.XCALLOC(0, student_t);
      const b = lmm.XCALLOC(0, student_t);
      assert.notEqual(lmm.addressOf(a), 0);
      assert.notEqual(lmm.addressOf(a), lmm.addressOf(b));
      assert.equal(runtime.heap.appMemory, 2 * 48);
      a.rollno = 1;
      assert.equal(a.rollno, 0);
      assert.deepEqual(
        runtime.errors.map((e) => [e.kind, e.count, e.access?.operation, e.access?.offset, e.access?.blockBytes]),
        [['out-of-bounds', 2, 'write', 32, 0]],
      );
      // A zero-size block nobody holds is lost, as memcheck counts it: 1 block of 0 bytes.
      const leaks = checkLeaks(runtime.runData());
      assert.deepEqual(leaks.summary['definitely-lost'], { blocks: 2, bytes: 0 });
      lmm.XFREE(a);
      lmm.XFREE(b);
      assert.equal(runtime.heap.appMemory, 0);
      assert.deepEqual(checkHeap(runtime.heap), []);
    });

    it('XCALLOC_BUF(0) gives a buffer of length 0 whose every byte is out of bounds', () => {
      const { runtime, lmm } = setup();
      const b = lmm.XCALLOC_BUF(0);
      assert.equal(b.length, 0);
      assert.equal(b.text, '');
      b[0] = 1;
      assert.equal(runtime.errors[0]!.kind, 'out-of-bounds');
      assert.match(runtime.errors[0]!.message, /^Invalid write of size 1: byte \[0\], 0 bytes after the end of a 0-byte buffer/);
      lmm.XFREE(b);
      assert.deepEqual(checkHeap(runtime.heap), []);
    });

    it('still refuses counts that are not whole numbers, with the call in the message', () => {
      const { lmm, student_t } = setup();
      assert.throws(() => lmm.XCALLOC(-1, student_t), /XCALLOC\(-1, student_t\): units must be a whole number \(0 or more\)/);
      assert.throws(() => lmm.XCALLOC(Number.NaN, student_t), /XCALLOC\(NaN, student_t\)/);
      assert.throws(() => lmm.XCALLOC_BUF('4' as never), /XCALLOC_BUF\('4'\): bytes must be a number, not a string/);
      assert.throws(
        () => lmm.XCALLOC('2' as never, student_t),
        /^RangeError: XCALLOC\('2', student_t\): units must be a number, not a string$/,
      );
      // A struct named by a string (C's XCALLOC(1, "student_t") habit) is quoted in its report.
      const quoted = setup();
      assert.equal(quoted.lmm.XCALLOC(1, 'student_t' as never), null);
      assert.match(quoted.runtime.errors.at(-1)!.message, /^XCALLOC: 'student_t' is not a @struct class/);
    });
  });
});
