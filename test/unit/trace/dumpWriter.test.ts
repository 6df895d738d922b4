import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { dumpHeap } from '../../../src/engine/traceDump';
import { ByteOutput } from '../../../src/trace/byteOutput';
import { writeDump } from '../../../src/trace/dumpWriter';

function written(heap: LmmHeap): string {
  const out = new ByteOutput();
  writeDump(heap, out);
  return out.text();
}

describe('writeDump (the dump line written straight into bytes)', () => {
  it('writes the bytes JSON.stringify(dumpHeap) writes, for heaps of any shape', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(128, 136, 512, 4096),
        // Names JSON must escape, and sizes that leave unaligned metas and hard fragments.
        fc.uniqueArray(fc.constantFrom('node_t', 'q"uote', 'back\\slash', 'a', 'x_9'), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 5 })), { maxLength: 300 }),
        (pageSize, names, steps) => {
          const heap = new LmmHeap({ pageSize });
          const families = names.map((name, i) => heap.register(name, [1, 9, 24, 40][i]!));
          const live: number[] = [];
          for (const [alloc, pick, units] of steps) {
            if (alloc || live.length === 0) {
              const address = heap.xcalloc(families[pick % families.length]!, units);
              if (address !== 0) live.push(address);
            } else {
              heap.xfree(live.splice(pick % live.length, 1)[0]!);
            }
          }
          assert.equal(written(heap), JSON.stringify(dumpHeap(heap)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes an empty heap and a heap of registrations only', () => {
    const heap = new LmmHeap();
    assert.equal(written(heap), '{"mmap":0,"munmap":0,"families":[]}');
    heap.register('s_t', 8);
    assert.equal(written(heap), JSON.stringify(dumpHeap(heap)));
  });
});
