import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../../src/engine/heapOps';
import { parseHostToWebview } from '../../../src/protocol/webviewMessages';

/** A batch of two steps (register, alloc) whose writes are `writes`. */
function batchWith(writes: unknown): unknown {
  const recorder = new HeapOpRecorder();
  recorder.record(HeapOpKind.Register, 8, 0, 0, 0, 'node_t');
  recorder.record(HeapOpKind.Alloc, 0, 1, 4096, 0);
  const batch = recorder.flush()! as unknown as Record<string, unknown>;
  batch.writes = writes;
  return { type: 'heapOps', runId: 'r', batch };
}

const good = () => ({
  count: 2,
  step: Int32Array.of(0, 1),
  address: Float64Array.of(4144, 4148),
  length: Uint32Array.of(4, 2),
  bytes: Uint8Array.of(1, 2, 3, 4, 5, 6),
});

describe('webview messages: the program’s writes in a heap-op batch', () => {
  it('accepts well-formed writes and hands back copies of their columns', () => {
    const writes = good();
    const parsed = parseHostToWebview(batchWith(writes));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    const out = (parsed.message as { batch: HeapOpBatch }).batch.writes!;
    assert.deepEqual([...out.bytes], [1, 2, 3, 4, 5, 6]);
    writes.bytes[0] = 99;
    assert.equal(out.bytes[0], 1, 'a copy: the sender changing its array changes nothing');
  });

  it('accepts writes after the previous batch’s last step (step firstStep − 1)', () => {
    const writes = { ...good(), step: Int32Array.of(-1, 0) };
    assert.ok(parseHostToWebview(batchWith(writes)).ok);
  });

  const broken: Array<[string, (w: ReturnType<typeof good>) => unknown, RegExp]> = [
    ['a step past the batch', (w) => ({ ...w, step: Int32Array.of(0, 2) }), /step\[1\]/],
    ['a step before the batch', (w) => ({ ...w, step: Int32Array.of(-2, 0) }), /step\[0\]/],
    ['steps out of order', (w) => ({ ...w, step: Int32Array.of(1, 0) }), /step\[1\]/],
    ['lengths that do not add up to the bytes', (w) => ({ ...w, length: Uint32Array.of(4, 3) }), /bytes/],
    ['more bytes than the lengths say', (w) => ({ ...w, bytes: new Uint8Array(7) }), /bytes/],
    ['a huge length', (w) => ({ ...w, count: 1, length: Uint32Array.of(1 << 20), bytes: new Uint8Array(0) }), /length\[0\]/],
    ['a negative length (wraps to a huge one)', (w) => ({ ...w, length: [-1, 2] }), /length\[0\]/],
    ['address 0', (w) => ({ ...w, address: Float64Array.of(0, 4148) }), /address\[0\]/],
    ['a fractional address', (w) => ({ ...w, address: Float64Array.of(4144.5, 4148) }), /address\[0\]/],
    ['a NaN in the bytes', (w) => ({ ...w, bytes: [1, 2, 3, 4, 5, NaN] }), /bytes\[5\]/],
    ['a byte over 255', (w) => ({ ...w, bytes: [1, 2, 3, 4, 5, 300] }), /bytes\[5\]/],
    ['a count beyond the columns', (w) => ({ ...w, count: 3 }), /step/],
    ['no object at all', () => 'writes', /writes/],
  ];
  for (const [what, breakIt, where] of broken) {
    it(`refuses ${what}, naming where`, () => {
      const parsed = parseHostToWebview(batchWith(breakIt(good())));
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.error, where);
    });
  }
});

describe('webview messages: the fields of registered structs in a heap-op batch', () => {
  const withFields = (fields: unknown): unknown => {
    const recorder = new HeapOpRecorder();
    recorder.record(HeapOpKind.Register, 8, 0, 0, 0, 'node_t', [{ name: 'value', type: 'u32', offset: 0, size: 4 }]);
    const batch = recorder.flush()! as unknown as Record<string, unknown>;
    if (fields !== 'keep') batch['fields'] = fields;
    return { type: 'heapOps', runId: 'r', batch };
  };

  it('keeps one field list per Register operation', () => {
    const parsed = parseHostToWebview(withFields('keep'));
    assert.ok(parsed.ok);
    assert.deepEqual((parsed.message as { batch: HeapOpBatch }).batch.fields, [
      [{ name: 'value', type: 'u32', offset: 0, size: 4 }],
    ]);
  });

  it('the recorder keeps the lists parallel to the names when only later structs have fields', () => {
    const recorder = new HeapOpRecorder(1);
    recorder.record(HeapOpKind.Register, 8, 0, 0, 0, 'a_t');
    recorder.record(HeapOpKind.Register, 8, 0, 1, 0, 'b_t', [{ name: 'x', type: 'u8', offset: 0, size: 1 }]);
    const batch = recorder.flush()!;
    assert.deepEqual(batch.fields, [[], [{ name: 'x', type: 'u8', offset: 0, size: 1 }]]);
    assert.ok(parseHostToWebview({ type: 'heapOps', runId: 'r', batch }).ok);
  });

  const broken: Array<[string, unknown, RegExp]> = [
    ['more lists than Register operations', [[], []], /fields/],
    ['a list that is no array', ['u32'], /fields\[0\]/],
    ['a field with no name', [[{ type: 'u32', offset: 0, size: 4 }]], /fields\[0\]\[0\]\.name/],
    ['a negative offset', [[{ name: 'v', type: 'u32', offset: -4, size: 4 }]], /offset/],
    ['a field beyond any page', [[{ name: 'v', type: 'u32', offset: 70000, size: 4 }]], /fields\[0\]\[0\]/],
    ['a huge type text', [[{ name: 'v', type: 'x'.repeat(5000), offset: 0, size: 4 }]], /type/],
  ];
  for (const [what, fields, where] of broken) {
    it(`refuses ${what}, naming where`, () => {
      const parsed = parseHostToWebview(withFields(fields));
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.error, where);
    });
  }
});
