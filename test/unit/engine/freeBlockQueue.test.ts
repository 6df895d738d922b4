import { strict as assert } from 'node:assert';
import { checkHeap } from '../../../src/engine/invariants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { SimulatedKernel } from '../../../src/engine/simulatedKernel';
import { dumpHeap } from '../../../src/engine/traceDump';

/** Sizes of the family's free list, in list order. */
function freeSizes(heap: LmmHeap, family: number): number[] {
  return [...heap.families[family]!.freeBlocks.entries()].map((meta) => heap.block(meta).size);
}

/**
 * A page of 1-byte structs holding free blocks of 3,071 and 1,023 bytes (and the page's
 * remainder), kept apart by allocated 1-byte blocks: sizes whose bits in the free list's bitmap
 * are bit 31 of their word (size mod 32 = 31) and whose words are bit 31 of their summary word
 * (size div 32 mod 32 = 31), the sign bits of the int32 words the list keeps.
 */
function signBitHeap(): { heap: LmmHeap; family: number; middle: number } {
  const heap = new LmmHeap({ pageSize: 8192 });
  const family = heap.register('byte_t', 1);
  const large = heap.xcalloc(family, 3071);
  heap.xcalloc(family, 1);
  const small = heap.xcalloc(family, 1023);
  heap.xcalloc(family, 1);
  const middle = heap.xcalloc(family, 2047);
  heap.xcalloc(family, 1);
  heap.xfree(large);
  heap.xfree(small);
  return { heap, family, middle };
}

describe('FreeBlockQueue: sizes on the sign bits of its bitmap words', () => {
  it('a size whose run is empty goes after the next larger size, across summary words', () => {
    const { heap, family, middle } = signBitHeap();
    assert.deepEqual(freeSizes(heap, family), [3071, 1688, 1023]);
    // 2,047 has no run: it belongs after 3,071's run (the next larger size present, one summary word up).
    heap.xfree(middle);
    assert.deepEqual(freeSizes(heap, family), [3071, 2047, 1688, 1023]);
    assert.deepEqual(checkHeap(heap), []);
  });

  it('the largest block is served first, and its bit is cleared when its run empties', () => {
    const { heap, family, middle } = signBitHeap();
    heap.xfree(middle);
    // Take 3,071 whole: its size's run is empty now, the next request must come from 2,047.
    const whole = heap.xcalloc(family, 3071);
    assert.notEqual(whole, 0);
    assert.deepEqual(freeSizes(heap, family), [2047, 1688, 1023]);
    const next = heap.xcalloc(family, 2047);
    assert.equal(next, whole + 3071 + 48 + 1 + 48 + 1023 + 48 + 1 + 48);
    assert.deepEqual(freeSizes(heap, family), [1688, 1023]);
    assert.deepEqual(checkHeap(heap), []);
  });

  it('a saved state (words as uint32) restored into a copy behaves exactly as the original', () => {
    const { heap, family, middle } = signBitHeap();
    heap.xfree(middle);
    const state = heap.families[family]!.freeBlocks.saveState();
    assert.ok(
      [...state].some((word) => word >= 2 ** 31),
      'some saved bitmap word has its top bit set',
    );
    const copy = heap.clone();
    copy.families[family]!.freeBlocks.restoreState(state);
    const run = (h: LmmHeap): number[] => {
      const got: number[] = [];
      for (const units of [1000, 2047, 500, 3071, 1, 1023]) got.push(h.xcalloc(family, units));
      h.xfree(got[1]!);
      h.xfree(got[3]!);
      got.push(h.xcalloc(family, 2047));
      return got;
    };
    assert.deepEqual(run(copy), run(heap));
    assert.deepEqual(dumpHeap(copy), dumpHeap(heap));
    assert.deepEqual(checkHeap(copy), []);
  });
});

describe('FreeBlockQueue: the run tails and the bitmap of sizes beside the list', () => {
  it('a block leaving a run as its tail hands the run to the block before it only when that one has its size', () => {
    const heap = new LmmHeap({ pageSize: 8192 });
    const family = heap.register('byte_t', 1);
    // Runs of equal sizes kept apart by allocated 1-byte separators: 100, 100, 100 and 50.
    const [a, sepAB, b, sepBC, c, sepCD, d] = [100, 1, 100, 1, 100, 1, 50].map((units) => heap.xcalloc(family, units));
    heap.xcalloc(family, 1);
    for (const block of [a, b, c, d]) heap.xfree(block!);
    const rest = freeSizes(heap, family)[0]!;
    assert.deepEqual(freeSizes(heap, family), [rest, 100, 100, 100, 50]);
    assert.deepEqual(checkHeap(heap), []);
    // The separator between c and d merges c (its run's tail, after b of its size) and d.
    heap.xfree(sepCD!);
    assert.deepEqual(freeSizes(heap, family), [rest, 247, 100, 100]);
    assert.deepEqual(checkHeap(heap), []);
    // Between a and b: a (the run's first) and b (its tail now, after a of its size) leave.
    heap.xfree(sepAB!);
    assert.deepEqual(freeSizes(heap, family), [rest, 297, 247]);
    assert.deepEqual(checkHeap(heap), []);
    // Between b and c: both merged blocks leave their runs of one, which empty.
    heap.xfree(sepBC!);
    assert.deepEqual(freeSizes(heap, family), [rest, 297 + 49 + 48 + 247]);
    assert.deepEqual(checkHeap(heap), []);
  });

  it('the invariant checker names a run tail and a bitmap bit that disagree with the list', () => {
    const { heap, family } = signBitHeap();
    const queue = heap.families[family]!.freeBlocks as unknown as { runTail: Int32Array; sizeBits: Int32Array };
    assert.deepEqual(checkHeap(heap), []);
    const tail = queue.runTail[1023]!;
    queue.runTail[1023] = 0;
    assert.match(checkHeap(heap).join('\n'), /byte_t: free list size 1023: run tail none, the list's 0x/);
    queue.runTail[1023] = tail;
    queue.runTail[5] = tail;
    assert.match(checkHeap(heap).join('\n'), /byte_t: free list size 5: run tail 0x[0-9a-f]+, the list's none/);
    queue.runTail[5] = 0;
    assert.deepEqual(checkHeap(heap), []);
    queue.sizeBits[0]! |= 1 << 5;
    assert.match(checkHeap(heap).join('\n'), /byte_t: free list size 5: bitmap bit 1/);
    assert.match(checkHeap(heap).join('\n'), /bitmap word 0: summary bit 0/);
  });
});

describe('SimulatedKernel: kept pages expire after the reservoir delay', () => {
  it('unmaps a kept page on the operation that reaches the delay, not before', () => {
    const kernel = new SimulatedKernel(4096, 1 << 20, { delay: 3 });
    const page = kernel.mmap();
    kernel.munmap(page);
    assert.equal(kernel.lastMunmapKept, true);
    assert.equal(kernel.mappedPages, 1);
    kernel.tick();
    kernel.tick();
    assert.equal(kernel.mappedPages, 1, 'still kept after 2 operations');
    kernel.tick();
    assert.equal(kernel.mappedPages, 0, 'unmapped at the third');
    assert.equal(kernel.reservoirPages, 0);
  });

  it('without a delay, a kept page stays mapped however many operations pass', () => {
    const kernel = new SimulatedKernel(4096, 1 << 20, { pages: 1 });
    kernel.munmap(kernel.mmap());
    for (let i = 0; i < 1000; i++) kernel.tick();
    assert.equal(kernel.mappedPages, 1);
    assert.equal(kernel.reservoirPages, 1);
  });
});
