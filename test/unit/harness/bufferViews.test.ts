import { strict as assert } from 'node:assert';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { HeapOpKind } from '../../../src/engine/heapOps';
import { checkHeap } from '../../../src/engine/invariants';
import { META_SIZE } from '../../../src/engine/constants';
import { blockBytes, inProcessHarness } from '../../support/inProcessHarness';

describe('XCALLOC_BUF: open-size buffers in harnesses', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, u32, ptr, buf } = h.lmm;

    @struct
    class person_t {
      @u32 id!: number;
      @ptr(buf) name!: ReturnType<typeof h.lmm.XCALLOC_BUF> | null;
      @ptr(() => person_t) next!: person_t | null;
    }
    h.lmm.MM_REG_STRUCT(person_t);
    return { ...h, person_t };
  }

  it('serves a buffer of exactly the bytes asked for from the built-in family buf, zeroed', () => {
    const { runtime, lmm } = setup();
    const b = lmm.XCALLOC_BUF(13);
    assert.equal(b.length, 13);
    assert.deepEqual([...b], new Array(13).fill(0));
    const family = runtime.heap.families.find((f) => f.name === 'buf')!;
    assert.equal(family.structSize, 1);
    const meta = lmm.addressOf(b) - META_SIZE;
    assert.equal(runtime.heap.block(meta).size, 13);
    assert.equal(family.counters.appMemory, META_SIZE + 13);
    assert.deepEqual(checkHeap(runtime.heap), []);
  });

  it('reads and writes bytes and C strings in the page bytes', () => {
    const { runtime, lmm } = setup();
    const b = lmm.XCALLOC_BUF(8);
    b[0] = 0x41;
    b[1] = 256 + 0x42; // wraps like a C unsigned char
    const { view, offset } = blockBytes(runtime, lmm.addressOf(b));
    assert.equal(view.getUint8(offset), 0x41);
    assert.equal(view.getUint8(offset + 1), 0x42);
    assert.equal(b.text, 'AB');
    b.text = 'hello';
    assert.equal(b.text, 'hello');
    assert.equal(view.getUint8(offset + 5), 0);
    view.setUint8(offset + 7, 9);
    assert.equal(b[7], 9);
    assert.equal(runtime.errors.length, 0);
  });

  it('reports a byte past the end and a string that does not fit, and writes nothing outside the block', () => {
    const { runtime, lmm } = setup();
    const b = lmm.XCALLOC_BUF(4);
    const after = lmm.XCALLOC_BUF(4);
    after[0] = 77;
    b[4] = 1;
    assert.equal(b[9], 0);
    b[-1] = 5; // an underflow would write into the block's meta data: reported, not done
    assert.throws(() => ((b as unknown as Record<string, number>).length = 9), /cannot be assigned/);
    b.text = 'too long';
    assert.equal(b.text, 'too');
    assert.equal(after[0], 77);
    // One record per (kind, site): these share the test's site, so the first message stands for all.
    assert.deepEqual(
      runtime.errors.map((e) => [e.kind, e.count]),
      [['out-of-bounds', 4]],
    );
    assert.match(
      runtime.errors[0]!.message,
      /^Invalid write of size 1: byte \[4\], 0 bytes after the end of a 4-byte buffer allocated at /,
    );
    assert.deepEqual(runtime.errors[0]!.access, {
      operation: 'write',
      size: 1,
      field: '[4]',
      offset: 4,
      blockBytes: 4,
      struct: 'buf',
    });
    assert.deepEqual(checkHeap(runtime.heap), []);
  });

  it('cuts a C string that does not fit at length − 1 bytes and says so', () => {
    const { runtime, lmm } = setup();
    const b = lmm.XCALLOC_BUF(4);
    b.text = 'too long';
    assert.equal(b.text, 'too');
    assert.match(
      runtime.errors[0]!.message,
      /buffer of 4 bytes is char\[4\]: a string of 8 bytes does not fit \(truncated to 3\)/,
    );
  });

  it('frees with XFREE; a freed buffer is use-after-free and never touches LMM meta data', () => {
    const { runtime, lmm } = setup();
    const keep = lmm.XCALLOC_BUF(100);
    const b = lmm.XCALLOC_BUF(100);
    lmm.XFREE(b);
    b[0] = 255;
    b.text = 'x'.repeat(90);
    assert.equal(b[0], 0);
    assert.equal(b.text, '');
    lmm.XFREE(b);
    assert.deepEqual(
      runtime.errors.map((e) => e.kind),
      ['use-after-free', 'double-free'],
    );
    assert.equal(runtime.errors[0]!.count, 4);
    assert.deepEqual(checkHeap(runtime.heap), []);
    lmm.XFREE(keep);
    assert.equal(runtime.heap.families.find((f) => f.name === 'buf')!.counters.pages, 0);
  });

  it('is refused above one page’s capacity (null and too-large), as every LMM request', () => {
    const { runtime, lmm } = setup();
    assert.equal(lmm.XCALLOC_BUF(4024).length, 4024);
    assert.equal(lmm.XCALLOC_BUF(4025), null);
    assert.equal(runtime.errors[0]!.kind, 'too-large');
    assert.throws(() => lmm.XCALLOC_BUF(-1), /XCALLOC_BUF\(-1\): bytes must be a whole number \(0 or more\)/);
    assert.throws(() => lmm.XCALLOC_BUF(1.5), /XCALLOC_BUF\(1.5\): bytes must be a whole number/);
    // C's malloc(-1), a request of (size_t)-1 bytes, as the README ports it.
    assert.equal(lmm.XCALLOC_BUF(Number.MAX_SAFE_INTEGER), null);
    // Both refusals here come from one site (no compiled harness): one error record, twice.
    assert.deepEqual(
      runtime.errors.map((e) => [e.kind, e.count]),
      [['too-large', 2]],
    );
  });

  it('records the buf registration once, before its first allocation, for replays of the op stream', () => {
    const { runtime, lmm } = setup();
    lmm.XCALLOC_BUF(3);
    lmm.XCALLOC_BUF(5);
    const ops = runtime.recorder.flush()!;
    const kinds = [...ops.kind];
    assert.deepEqual(kinds, [HeapOpKind.Register, HeapOpKind.Register, HeapOpKind.Alloc, HeapOpKind.Alloc]);
    assert.deepEqual(ops.names, ['person_t', 'buf']);
    assert.equal(ops.a[1], 1);
    assert.equal(ops.a[2], ops.c[1]); // the allocs name the buf family
    assert.equal(ops.b[3], 5);
  });

  it('is stored in @ptr(buf) fields, read back as a buffer, and followed by the leak check', () => {
    const { runtime, lmm, person_t } = setup();
    const p = lmm.XCALLOC(1, person_t);
    lmm.mm_register_root(p);
    p.name = lmm.XCALLOC_BUF(6);
    p.name.text = 'Grace';
    assert.equal(p.name!.text, 'Grace');
    assert.equal(p.name![0], 'G'.charCodeAt(0));
    const lost = lmm.XCALLOC(1, person_t);
    lost.name = lmm.XCALLOC_BUF(32);
    const result = checkLeaks(runtime.runData());
    const kindOf = (struct: string, bytes: number) => result.records.find((r) => r.struct === struct && r.bytes === bytes)?.kind;
    assert.equal(kindOf('buf', 6), 'still-reachable');
    assert.equal(kindOf('person_t', 24), 'definitely-lost');
    assert.equal(kindOf('buf', 32), 'indirectly-lost');
  });

  it('takes roots and addressOf like a struct view', () => {
    const { runtime, lmm } = setup();
    const b = lmm.XCALLOC_BUF(10);
    lmm.mm_register_root(b);
    assert.equal(runtime.roots[0]!.address, lmm.addressOf(b));
    assert.match(runtime.roots[0]!.label, /^buf root/);
    assert.deepEqual(
      checkLeaks(runtime.runData()).records.map((r) => r.kind),
      ['still-reachable'],
    );
  });
});
