import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkHeap } from '../../../src/engine/invariants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { addressOf, handleOf, inWindow } from '../../../src/engine/pointers';
import { MMAP_TOP, SimulatedKernel } from '../../../src/engine/simulatedKernel';
import { dumpHeap } from '../../../src/engine/traceDump';

const TWO_32 = 2 ** 32;
const BOTTOM = MMAP_TOP - TWO_32;

/**
 * Inside the engine a block is named by its handle (the low 32 bits of its address as an int32):
 * negative within 2 GiB of the top, positive further down, and a non-power-of-two page can hold
 * both. These tests put heaps where the sign flips and check them against a heap at the top.
 */
describe('block handles (int32 names of addresses inside the engine)', () => {
  it('round-trip every address of the window, on both sides of the sign flip, and nothing outside it', () => {
    const addresses = [BOTTOM + 1, BOTTOM + 2 ** 31 - 1, BOTTOM + 2 ** 31, BOTTOM + 2 ** 31 + 1, MMAP_TOP - 1, MMAP_TOP - 4096];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...addresses),
          fc.integer({ min: 1, max: TWO_32 - 1 }).map((low) => BOTTOM + low),
        ),
        (address) => {
          const handle = handleOf(address);
          assert.ok(Number.isInteger(handle) && handle === (handle | 0) && handle !== 0);
          assert.equal(addressOf(handle), address);
          assert.ok(inWindow(address));
        },
      ),
      { numRuns: 2000 },
    );
    for (const outside of [BOTTOM, MMAP_TOP, BOTTOM - 1, MMAP_TOP + 4096, 0, -1, NaN, Infinity, BOTTOM + 0.5, MMAP_TOP - 0.5]) {
      assert.equal(inWindow(outside), false, String(outside));
    }
  });

  it('give the slot and offset that the address gives, for page sizes that divide 2^32 and ones that do not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(128, 136, 2000, 4096, 4104, 8192, 1 << 18),
        fc.integer({ min: 1, max: TWO_32 - 1 }),
        (pageSize, distance) => {
          const kernel = new SimulatedKernel(pageSize);
          const address = MMAP_TOP - distance;
          const handle = handleOf(address);
          const slot = kernel.slotOfHandle(handle);
          assert.equal(slot, kernel.slotOf(address));
          assert.equal(kernel.offsetOfHandle(handle, slot), address - kernel.pageAddress(slot));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('run the same operations to the same heap whether its pages lie at the top or across the 2 GiB sign flip', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4104, 2000, 4096, 136),
        fc.array(fc.tuple(fc.nat(9), fc.nat(), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 250 }),
        (pageSize, steps) => {
          const top = new LmmHeap({ pageSize });
          const flipped = new LmmHeap({ pageSize, memoryCap: TWO_32 - 2 * pageSize });
          // Address space only (no memory): the next pages are mapped a few slots above the flip.
          flipped.kernel.reserveSlots(Math.floor(2 ** 31 / pageSize) - 3);
          const heaps = [top, flipped];
          const live: number[][] = [[], []];
          for (const heap of heaps) for (const size of [9, 24, 56]) heap.register(`s${size}_t`, size);
          for (const [kind, pick, units] of steps) {
            heaps.forEach((heap, h) => {
              const blocks = live[h]!;
              if (kind < 6 || blocks.length === 0) {
                const address = heap.xcalloc(pick % 3, units);
                if (address !== 0) blocks.push(address);
              } else if (kind < 9) {
                assert.equal(heap.xfree(blocks.splice(pick % blocks.length, 1)[0]!), true);
              } else {
                // A free of an address inside a live block, and a second free of a freed one: refused.
                const address = blocks[pick % blocks.length]!;
                assert.equal(heap.xfree(address + 8), false);
                assert.equal(heap.lastError?.kind, 'invalid-free');
              }
            });
          }
          assert.equal(JSON.stringify(dumpHeap(flipped)), JSON.stringify(dumpHeap(top)));
          assert.deepEqual(checkHeap(flipped), []);
          const lows = [...flipped.allocatedMetas()].map((meta) => meta - BOTTOM);
          if (lows.length > 0) assert.ok(lows.every((low) => low > 2 ** 31 - 16 * pageSize && low < 2 ** 31 + 16 * pageSize));
          // Free everything twice over, in the same order on both: the same answers and errors.
          live[0]!.forEach((address, i) => {
            const other = live[1]![i]!;
            assert.equal(flipped.allocatedBlockFamily(other)?.name, top.allocatedBlockFamily(address)?.name);
            for (let twice = 0; twice < 2; twice++) {
              assert.equal(flipped.xfree(other), top.xfree(address));
              assert.equal(flipped.lastError?.kind, top.lastError?.kind);
            }
          });
          assert.equal(JSON.stringify(dumpHeap(flipped)), JSON.stringify(dumpHeap(top)));
          assert.deepEqual(checkHeap(flipped), []);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('xcallocHandle and xfreeHandle name the blocks xcalloc and xfree name; a handle that is no block is refused', () => {
    const heap = new LmmHeap();
    const family = heap.register('node_t', 24);
    const handle = heap.xcallocHandle(family, 1);
    heap.xcallocHandle(family, 1); // keeps the page mapped once the first block is freed
    const address = addressOf(handle);
    assert.equal(heap.allocatedBlockFamily(address)?.name, 'node_t');
    for (const bogus of [48, 0, 1, -1, 2 ** 31 - 1, -(2 ** 31), (handle + 8) | 0]) {
      assert.equal(heap.xfreeHandle(bogus), false, String(bogus));
      assert.equal(heap.lastError?.kind, 'invalid-free');
    }
    assert.equal(heap.xfreeHandle(handle), true);
    assert.equal(heap.xfreeHandle(handle), false);
    assert.equal(heap.lastError?.kind, 'double-free');
    assert.match(heap.lastError!.message, new RegExp(address.toString(16)));
    assert.deepEqual(checkHeap(heap), []);
  });
});
