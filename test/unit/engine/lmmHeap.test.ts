import { strict as assert } from 'node:assert';
import { META } from '../../../src/engine/constants';
import { checkHeap } from '../../../src/engine/invariants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { writePointer } from '../../../src/engine/pointers';
import { heapStatistics } from '../../../src/engine/statistics';
import { dumpHeap } from '../../../src/engine/traceDump';

const snapshot = (heap: LmmHeap) => JSON.stringify(dumpHeap(heap));

describe('LmmHeap: errors are values and change nothing', () => {
  const heap = new LmmHeap();
  const student = heap.register('student_t', 56);
  const keep = heap.xcalloc(student, 2);
  const freed = heap.xcalloc(student, 1);
  heap.xfree(freed);

  const cases: [string, () => unknown, string][] = [
    ['unregistered struct', () => heap.xcallocStruct('nosuch_t', 1), 'unregistered-struct'],
    ['unknown family id', () => heap.xcalloc(99, 1), 'unregistered-struct'],
    ['request above a page', () => heap.xcalloc(student, 72), 'too-large'],
    ['negative units', () => heap.xcalloc(student, -1), 'invalid-units'],
    ['duplicate registration', () => heap.register('student_t', 56), 'duplicate-registration'],
    ['struct larger than a page', () => heap.register('huge_t', 4097), 'struct-too-large'],
    ['empty name', () => heap.register('', 8), 'invalid-name'],
    ['name over 32 bytes', () => heap.register('x'.repeat(33), 8), 'invalid-name'],
    ['interior address (element 1 of 2)', () => heap.xfree(keep + 56), 'invalid-free'],
    ['meta address instead of data', () => heap.xfree(keep - 48), 'invalid-free'],
    ['registry page', () => heap.xfree(heap.registryPages[0]! + 8 + 48), 'invalid-free'],
    ['unmapped address', () => heap.xfree(0x1000), 'invalid-free'],
    ['NaN', () => heap.xfree(Number.NaN), 'invalid-free'],
    ['address 4 GiB above a block', () => heap.xfree(keep + 2 ** 32), 'invalid-free'],
    ['double free', () => heap.xfree(freed), 'double-free'],
  ];
  for (const [what, call, kind] of cases) {
    it(`${what} → ${kind}, heap unchanged`, () => {
      const before = snapshot(heap);
      const result = call();
      assert.ok(result === 0 || result === -1 || result === false, `result ${String(result)}`);
      assert.equal(heap.lastError?.kind, kind);
      assert.equal(snapshot(heap), before);
      assert.deepEqual(checkHeap(heap), []);
    });
  }

  it('counts failed calls by kind', () => {
    assert.ok((heap.errorCounts.get('invalid-free') ?? 0) >= 6);
    assert.equal(heap.errorCounts.get('double-free'), 1);
  });

  it('accepts a struct in (page capacity, page size] but fails every allocation of it', () => {
    const h = new LmmHeap();
    const big = h.register('big_t', 4030);
    assert.ok(big >= 0);
    assert.equal(h.xcalloc(big, 1), 0);
    assert.equal(h.lastError?.kind, 'too-large');
  });

  it('maps registry pages 63 families at a time', () => {
    const h = new LmmHeap();
    for (let i = 0; i < 64; i++) h.register(`s${i}_t`, 8);
    assert.equal(h.registryPages.length, 2);
    assert.equal(h.kernel.mmapCalls, 2);
  });
});

describe('LmmHeap: the simulated-memory cap', () => {
  it('makes mmap fail like ENOMEM: null and out-of-memory, heap intact', () => {
    const heap = new LmmHeap({ memoryCap: 3 * 4096 });
    const s = heap.register('s_t', 2000);
    assert.ok(heap.xcalloc(s, 2)); // page 2 (the registry is page 1)
    assert.ok(heap.xcalloc(s, 2)); // page 3
    const before = snapshot(heap);
    assert.equal(heap.xcalloc(s, 2), 0);
    assert.equal(heap.lastError?.kind, 'out-of-memory');
    assert.equal(snapshot(heap), before);
    assert.equal(heap.kernel.failedMmapCalls, 1);
    assert.deepEqual(checkHeap(heap), []);
  });

  it('refuses a cap that does not fit the 4 GiB address window', () => {
    assert.throws(() => new LmmHeap({ memoryCap: 2 ** 33 }), RangeError);
    assert.throws(() => new LmmHeap({ pageSize: 100 }), RangeError);
  });
});

describe('LmmHeap: statistics', () => {
  it('follow the seed program: 120 student_t → 4 pages, 12,480 bytes, then all back', () => {
    const heap = new LmmHeap();
    heap.register('emp_t', 36);
    const s = heap.register('student_t', 56);
    const blocks = Array.from({ length: 120 }, () => heap.xcalloc(s, 1));
    let stats = heapStatistics(heap);
    const student = stats.families[1]!;
    assert.deepEqual([student.pages, student.appMemory, student.tbc, student.fbc, student.obc], [4, 12480, 121, 1, 120]);
    assert.equal(stats.totals.appMemoryRatio, 12480 / 16384);
    for (const b of blocks) heap.xfree(b);
    stats = heapStatistics(heap);
    assert.deepEqual(
      [stats.families[1]!.pages, stats.families[1]!.peakPages, stats.families[1]!.mmap, stats.families[1]!.munmap],
      [0, 4, 4, 4],
    );
    assert.equal(stats.totals.peakAppMemory, 12480);
    assert.equal(stats.totals.mmap, 5, 'registry page included in the totals');
  });

  it('count hard fragments, soft fragments and external fragmentation from the state', () => {
    const heap = new LmmHeap();
    const t = heap.register('t_t', 100);
    const a = heap.xcalloc(t, 40); // 4000 of 4024: 24 hard-fragment bytes
    let f = heapStatistics(heap).families[0]!;
    assert.equal(f.hardFragmentBytes, 24);
    heap.xfree(a);
    const b = heap.xcalloc(t, 39); // 124 left: a 76-byte free block < 100 = a soft fragment
    const c = heap.xcalloc(t, 1); // a second page
    f = heapStatistics(heap).families[0]!;
    assert.equal(f.hardFragmentBytes, 0);
    assert.deepEqual([f.softFragments, f.softFragmentBytes], [1, 76]);
    // free blocks: 76 (page 1) and 3876 (page 2): 1 − 3876 / 3952
    assert.equal(f.freeBytes, 76 + 3876);
    assert.ok(Math.abs(f.externalFragmentation - (1 - 3876 / 3952)) < 1e-12);
    heap.xfree(b);
    heap.xfree(c);
    assert.equal(heapStatistics(heap).families[0]!.externalFragmentation, 0);
  });
});

describe('invariant checker', () => {
  /** A small sound heap to break in one place at a time. */
  function sample(): { heap: LmmHeap; blocks: number[] } {
    const heap = new LmmHeap();
    const s = heap.register('s_t', 56);
    const blocks = [1, 2, 3, 4, 5].map(() => heap.xcalloc(s, 1));
    heap.xfree(blocks[1]!);
    heap.xfree(blocks[3]!);
    assert.deepEqual(checkHeap(heap), []);
    return { heap, blocks };
  }
  const corruptions: [string, (heap: LmmHeap, blocks: number[]) => void, RegExp][] = [
    [
      'a wrong stored offset',
      (h, b) => h.kernel.view(b[0]!).setUint32(b[0]! - 48 - h.kernel.pageOf(b[0]!) + META.offset, 99, true),
      /wrong offset/,
    ],
    [
      'a block size that overlaps its successor',
      (h, b) => h.kernel.view(b[0]!).setUint32(b[0]! - 48 - h.kernel.pageOf(b[0]!) + META.blockSize, 500, true),
      /overlaps/,
    ],
    [
      'a broken prev link',
      (h, b) => writePointer(h.kernel.view(b[2]!), b[2]! - 48 - h.kernel.pageOf(b[2]!) + META.prevBlock, 0),
      /prev_block/,
    ],
    [
      'an allocated block marked free behind the list',
      (h, b) => h.kernel.view(b[2]!).setUint32(b[2]! - 48 - h.kernel.pageOf(b[2]!) + META.isFree, 1, true),
      /adjacent free|not in the free list|FBC/,
    ],
    ['a counter off by one', (h) => h.families[0]!.counters.appMemory++, /application memory/],
  ];
  for (const [what, corrupt, message] of corruptions) {
    it(`finds ${what}`, () => {
      const { heap, blocks } = sample();
      corrupt(heap, blocks);
      const problems = checkHeap(heap);
      assert.ok(
        problems.some((p) => message.test(p)),
        `problems: ${problems.join(' | ')}`,
      );
    });
  }
});
