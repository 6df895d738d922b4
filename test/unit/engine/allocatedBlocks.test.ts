/**
 * AllocatedBlocks marks a block's meta handle with one byte per 32 bytes of address space, which
 * is exact only because no two metas share an aligned 32-byte span. These tests use handles that
 * keep that rule (as a heap's do) and then try to fool the marks: a handle in a marked span at
 * another offset, span and region edges, the ends of the 4 GiB window, and the state round trips.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { AllocatedBlocks } from '../../../src/engine/allocatedBlocks';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { checkHeap } from '../../../src/engine/invariants';

/** The handle at offset `offset` (0 … 31) of the 32-byte span `span` (0 … 2^27 − 1) of the window. */
const handleIn = (span: number, offset: number): number => (span << 5) | offset | 0;

const spanArb = fc.oneof(
  fc.integer({ min: 1, max: (1 << 27) - 1 }),
  fc.integer({ min: (1 << 27) - 20_000, max: (1 << 27) - 1 }), // just under the top: negative handles
  fc.integer({ min: 1, max: 20_000 }), // far below the top
  fc.constantFrom(8191, 8192, 8193, (1 << 27) - 8192, (1 << 27) - 8193, (1 << 26) - 1, 1 << 26), // region and sign edges
);

describe('AllocatedBlocks', () => {
  it('behaves like a Set of handles, and never takes another offset of a marked span for the marked handle', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'delete', 'probe'), spanArb, fc.nat(31)), { maxLength: 600 }),
        (steps) => {
          const marks = new AllocatedBlocks();
          const model = new Map<number, number>(); // span → offset marked there
          for (const [what, span, offset] of steps) {
            const handle = handleIn(span, offset);
            if (handle === 0) continue;
            if (what === 'add') {
              if (model.has(span)) continue; // one meta per span, as in a heap
              marks.add(handle);
              model.set(span, offset);
            } else if (what === 'delete') {
              const marked = model.get(span) === offset;
              assert.equal(marks.delete(handle), marked, `delete ${handle}`);
              if (marked) model.delete(span);
            } else {
              assert.equal(marks.has(handle), model.get(span) === offset, `has ${handle}`);
            }
            assert.equal(marks.size, model.size);
          }
          const expected = [...model].map(([span, offset]) => handleIn(span, offset)).sort((a, b) => a - b);
          assert.deepEqual(
            [...marks.values()].sort((a, b) => a - b),
            expected,
          );
          // Every other offset of a marked span is not marked.
          for (const [span, offset] of model) {
            for (const other of [0, 1, 8, 16, 31]) if (other !== offset) assert.equal(marks.has(handleIn(span, other)), false);
          }
          const saved = marks.saveState();
          assert.deepEqual(
            [...saved].sort((a, b) => a - b),
            expected,
            'the saved state holds every handle once',
          );
          const copy = marks.clone();
          const restored = new AllocatedBlocks();
          restored.add(handleIn(5, 5));
          restored.restoreState(saved);
          assert.deepEqual(
            [...restored.values()].sort((a, b) => a - b),
            expected,
          );
          assert.equal(restored.has(handleIn(5, 5)), model.get(5) === 5);
          for (const handle of expected) marks.delete(handle);
          assert.equal(marks.size, 0);
          assert.deepEqual(
            [...copy.values()].sort((a, b) => a - b),
            expected,
            'a clone keeps its own marks',
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the ends of the window and null', () => {
    const marks = new AllocatedBlocks();
    assert.equal(marks.has(0), false);
    assert.equal(marks.delete(0), false);
    for (const handle of [-1, -32, -(1 << 18), -(1 << 18) - 1, 2 ** 31 - 1, -(2 ** 31), 1, 32, 33]) {
      assert.equal(marks.has(handle), false);
      marks.add(handle);
      assert.equal(marks.has(handle), true, String(handle));
      assert.ok([...marks.values()].includes(handle), String(handle));
      assert.equal(marks.delete(handle), true);
      assert.equal(marks.delete(handle), false);
    }
    assert.equal(marks.size, 0);
  });

  it("a heap's frees are proved by the marks: double, interior and neighbouring addresses are refused at every page size", () => {
    for (const pageSize of [128, 136, 4096, 4104, 1 << 18]) {
      const heap = new LmmHeap({ pageSize });
      const tiny = heap.register('tiny_t', 0);
      const small = heap.register('small_t', 9);
      const blocks: number[] = [];
      for (let i = 0; i < 200; i++) blocks.push(heap.xcalloc(i % 2 === 0 ? tiny : small, i % 3));
      assert.ok(blocks.every((b) => b !== 0));
      for (const block of blocks) {
        for (const delta of [-47, -32, -1, 1, 8, 24, 31, 32, 47]) {
          assert.equal(heap.xfree(block + delta), false, `page ${pageSize}: 0x${(block + delta).toString(16)}`);
          assert.match(heap.lastError!.kind, /invalid-free|double-free/);
        }
      }
      for (const block of blocks.filter((_, i) => i % 3 === 0)) assert.equal(heap.xfree(block), true);
      // A freed block merged into its free neighbour is no block at all any more: invalid, not double.
      for (const block of blocks.filter((_, i) => i % 3 === 0)) {
        assert.equal(heap.xfree(block), false);
        assert.match(heap.lastError!.kind, /invalid-free|double-free/);
      }
      assert.deepEqual(checkHeap(heap), []);
      assert.equal(heap.allocatedBlocks().count, blocks.length - Math.ceil(blocks.length / 3));
    }
  });
});
