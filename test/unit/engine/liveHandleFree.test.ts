import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkHeap } from '../../../src/engine/invariants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { addressOf } from '../../../src/engine/pointers';
import { dumpHeap } from '../../../src/engine/traceDump';

/** Everything a heap shows: its dump, counters, live blocks and every mapped page's bytes. */
function picture(heap: LmmHeap): string {
  const pages: string[] = [];
  for (const family of heap.families) {
    for (const page of heap.familyPages(family)) pages.push(Buffer.from(heap.kernel.pageBytes(page)!).toString('hex'));
  }
  return JSON.stringify({
    dump: dumpHeap(heap),
    counters: heap.families.map((family) => family.counters),
    live: [...heap.allocatedMetas()].sort((a, b) => a - b),
    allocated: heap.allocatedBlocks().count,
    appMemory: heap.appMemory,
    pages,
  });
}

/**
 * xfreeLiveHandle skips the allocated-block marks' proof (the caller, like the trace replayer's
 * ID table, knows the block is live); these tests hold it to everything xfreeHandle does.
 */
describe('xfreeLiveHandle (a free whose caller knows the block is live)', () => {
  it('leaves the same heap as xfreeHandle, byte for byte, marks included, at page sizes powers of two or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4096, 4104, 512, 136),
        fc.array(fc.tuple(fc.nat(9), fc.nat(), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 300 }),
        (pageSize, steps) => {
          const checked = new LmmHeap({ pageSize });
          const trusted = new LmmHeap({ pageSize });
          const live: number[][] = [[], []];
          for (const heap of [checked, trusted]) for (const size of [9, 24, 56]) heap.register(`s${size}_t`, size);
          for (const [kind, pick, units] of steps) {
            [checked, trusted].forEach((heap, h) => {
              const blocks = live[h]!;
              if (kind < 5 || blocks.length === 0) {
                const handle = heap.xcallocHandle(pick % 3, units);
                if (handle !== 0) blocks.push(handle);
              } else {
                const handle = blocks.splice(pick % blocks.length, 1)[0]!;
                assert.equal(h === 0 ? heap.xfreeHandle(handle) : heap.xfreeLiveHandle(handle), true);
              }
            });
          }
          assert.equal(picture(trusted), picture(checked));
          assert.deepEqual(checkHeap(trusted), []);
          // The marks it wrote still prove frees for everyone else: each freed block is refused.
          for (const handle of live[1]!) {
            assert.equal(trusted.allocatedBlockFamily(addressOf(handle)) !== undefined, true);
            assert.equal(trusted.xfree(addressOf(handle)), true);
            assert.equal(trusted.xfree(addressOf(handle)), false);
          }
          assert.equal(trusted.allocatedBlocks().count, 0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a block that stands free as a double free and changes nothing', () => {
    const heap = new LmmHeap();
    const family = heap.register('node_t', 24);
    const first = heap.xcallocHandle(family, 1);
    const second = heap.xcallocHandle(family, 1);
    heap.xcallocHandle(family, 1); // the freed blocks stay apart from the page's free remainder
    assert.equal(heap.xfreeLiveHandle(second), true);
    const before = picture(heap);
    assert.equal(heap.xfreeLiveHandle(second), false);
    assert.equal(heap.lastError?.kind, 'double-free');
    assert.match(heap.lastError!.message, new RegExp(addressOf(second).toString(16)));
    assert.equal(picture(heap), before);
    assert.equal(heap.errorCounts.get('double-free'), 1);
    // The first block is still live, and is freed (and merged with the free one behind it).
    assert.equal(heap.xfreeLiveHandle(first), true);
    assert.deepEqual(checkHeap(heap), []);
  });
});
