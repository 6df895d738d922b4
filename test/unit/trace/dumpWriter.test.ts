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

describe('writeDump at the edges of its reserved room and of the address window', () => {
  it('writes pages packed with blocks of no data at the largest page size, and a dump many times its first buffer', () => {
    const heap = new LmmHeap({ pageSize: 1 << 18 });
    const empty = heap.register('empty_t', 0);
    const wide = heap.register('wide_t', 1000);
    const blocks: number[] = [];
    // A meta and no data each: the most entries a page can hold (5,460), offsets of 6 digits.
    for (let i = 0; i < 3 * 5460; i++) blocks.push(heap.xcalloc(empty, 0));
    for (let i = 0; i < 2000; i++) blocks.push(heap.xcalloc(wide, 1 + (i % 200)));
    assert.ok(blocks.every((address) => address !== 0));
    for (let i = 0; i < blocks.length; i += 3) heap.xfree(blocks[i]!);
    const expected = JSON.stringify(dumpHeap(heap));
    assert.ok(expected.length > 4 * (1 << 16), `${expected.length} bytes`);
    // Whatever the output holds before the dump: the end of its buffer falls anywhere in a page.
    for (let before = 0; before < 140_000; before += 1999) {
      const out = new ByteOutput();
      out.writeAscii('x'.repeat(before));
      writeDump(heap, out);
      const text = out.text();
      assert.equal(text.length, before + expected.length, `after ${before} bytes`);
      assert.ok(text.endsWith(expected), `after ${before} bytes`);
    }
  });

  it('writes the same dump for a heap whose pages lie across the 2 GiB point (handles change sign there)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4096, 4104, 136),
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 200 }),
        (pageSize, steps) => {
          const top = new LmmHeap({ pageSize });
          const flipped = new LmmHeap({ pageSize, memoryCap: 2 ** 32 - 2 * pageSize });
          // Address space only: the next pages are mapped a few slots above the sign flip.
          flipped.kernel.reserveSlots(Math.floor(2 ** 31 / pageSize) - 3);
          for (const heap of [top, flipped]) {
            const families = [9, 24, 56].map((size) => heap.register(`s${size}_t`, size));
            const live: number[] = [];
            for (const [alloc, pick, units] of steps) {
              if (alloc || live.length === 0) {
                const address = heap.xcalloc(families[pick % 3]!, units);
                if (address !== 0) live.push(address);
              } else {
                heap.xfree(live.splice(pick % live.length, 1)[0]!);
              }
            }
          }
          const expected = JSON.stringify(dumpHeap(top));
          assert.equal(JSON.stringify(dumpHeap(flipped)), expected);
          assert.equal(written(flipped), expected);
          assert.equal(written(top), expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
