import { strict as assert } from 'node:assert';
import type { HeapEvent } from '../../../src/engine/heapEvents';
import { checkHeap } from '../../../src/engine/invariants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { dumpHeap } from '../../../src/engine/traceDump';
import { findPolicy } from '../../../src/policies/policyRegistry';

describe('page reservoir (engine)', () => {
  it('is off by default: a page is unmapped as it empties', () => {
    const heap = new LmmHeap();
    const f = heap.register('t', 100);
    heap.xfree(heap.xcalloc(f, 1));
    assert.equal(heap.kernel.munmapCalls, 1);
    assert.equal(heap.kernel.reservoirPages, 0);
  });

  it('keeps up to N emptied pages mapped and reuses them without a system call', () => {
    const heap = new LmmHeap({ reservoir: { pages: 1 } });
    const events: HeapEvent[] = [];
    heap.listener = (e) => events.push(e);
    const f = heap.register('t', 4000);
    const a = heap.xcalloc(f, 1);
    const b = heap.xcalloc(f, 1);
    const mmapsBefore = heap.kernel.mmapCalls;
    heap.xfree(a);
    heap.xfree(b);
    assert.equal(heap.kernel.munmapCalls, 1, 'one page kept, one unmapped');
    assert.equal(heap.kernel.reservoirPages, 1);
    assert.deepEqual(checkHeap(heap), []);
    const unmaps = events.filter((e) => e.type === 'munmap');
    assert.equal(unmaps.length, 2);
    assert.equal(unmaps.filter((e) => e.type === 'munmap' && e.kept === true).length, 1);
    const c = heap.xcalloc(f, 1);
    assert.notEqual(c, 0);
    assert.equal(heap.kernel.mmapCalls, mmapsBefore, 'the kept page served the request');
    const last = events.filter((e) => e.type === 'mmap').pop();
    assert.ok(last?.type === 'mmap' && last.reused === true);
    assert.equal(heap.kernel.reservoirPages, 0);
    assert.deepEqual(checkHeap(heap), []);
  });

  it('releases a kept page once the delay (in operations) has passed', () => {
    const heap = new LmmHeap({ reservoir: { delay: 3 } });
    const f = heap.register('t', 4000);
    const g = heap.register('u', 8);
    heap.xfree(heap.xcalloc(f, 1));
    assert.equal(heap.kernel.reservoirPages, 1);
    const keep = heap.xcalloc(g, 1); // reuses the kept page
    assert.equal(heap.kernel.reservoirPages, 0);
    heap.xfree(keep);
    assert.equal(heap.kernel.reservoirPages, 1);
    const unmapped = heap.kernel.munmapCalls;
    heap.xfree(0); // operations tick the clock, failed ones too
    heap.xfree(0);
    assert.equal(heap.kernel.munmapCalls, unmapped);
    heap.xfree(0);
    assert.equal(heap.kernel.munmapCalls, unmapped + 1);
    assert.equal(heap.kernel.reservoirPages, 0);
    assert.deepEqual(checkHeap(heap), []);
  });

  it('the invariant checker notices pages mapped beyond what is accounted for', () => {
    const heap = new LmmHeap({ reservoir: { pages: 2 } });
    const f = heap.register('t', 4000);
    heap.xfree(heap.xcalloc(f, 1));
    heap.kernel.reservoirPages = 0; // corrupt the count
    assert.ok(checkHeap(heap).some((p) => /page reservoir hold/.test(p)));
  });
});

describe('xcalloc_buf', () => {
  it('serves byte buffers from a built-in family registered on first use', () => {
    const heap = new LmmHeap();
    const f = heap.register('t', 16);
    heap.xcalloc(f, 1);
    assert.deepEqual(
      dumpHeap(heap).families.map((x) => x.name),
      ['t'],
      'no buf family in the dump of a heap that never asked for a buffer',
    );
    const a = heap.xcalloc_buf(100);
    assert.notEqual(a, 0);
    const families = dumpHeap(heap).families;
    assert.deepEqual(
      families.map((x) => [x.name, x.size]),
      [
        ['t', 16],
        ['buf', 1],
      ],
    );
    assert.equal(heap.block(a - 48).size, 100);
    assert.notEqual(heap.xcalloc_buf(4024), 0);
    assert.equal(heap.xcalloc_buf(4025), 0, 'within one page only');
    assert.equal(heap.lastError?.kind, 'too-large');
    assert.ok(heap.xfree(a));
    assert.deepEqual(checkHeap(heap), []);
  });

  it('refuses buffers when a user struct already took the name buf with another size', () => {
    const heap = new LmmHeap();
    heap.register('buf', 8);
    assert.equal(heap.xcalloc_buf(10), 0);
    assert.match(heap.lastError?.message ?? '', /buf is registered with size 8/);
  });
});

describe('page reservoir (policies)', () => {
  for (const name of ['hybrid', 'best-fit', 'segregated', 'lmm-extended']) {
    it(`${name}: alternating across a page boundary costs syscalls without a reservoir, none with one`, () => {
      const run = (pages: number) => {
        const policy = findPolicy(name)!.create(pages > 0 ? { reservoir: { pages } } : {});
        const keep = policy.allocate(3000);
        for (let i = 0; i < 50; i++) {
          const a = policy.allocate(9000);
          assert.notEqual(a, 0);
          assert.ok(policy.free(a));
          assert.deepEqual(policy.check(), []);
        }
        assert.ok(policy.free(keep));
        assert.deepEqual(policy.check(), []);
        return policy.statistics();
      };
      const off = run(0);
      const on = run(8);
      assert.ok(off.syscalls >= 100, `${off.syscalls} syscalls without a reservoir`);
      assert.ok(on.syscalls <= 4, `${on.syscalls} syscalls with one`);
      assert.ok(on.mappedBytes > off.mappedBytes, 'kept pages stay mapped');
    });
  }

  it('a delayed reservoir releases arena pages after the delay', () => {
    const policy = findPolicy('best-fit')!.create({ reservoir: { delay: 5 } });
    const a = policy.allocate(20000);
    policy.free(a);
    const parked = policy.statistics().reservoirPages;
    assert.ok(parked > 0);
    for (let i = 0; i < 5; i++) policy.free(a); // invalid frees still tick the clock
    assert.equal(policy.statistics().reservoirPages, 0);
    assert.equal(policy.statistics().mappedBytes, 0);
    assert.deepEqual(policy.check(), []);
  });
});
