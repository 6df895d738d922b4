import { strict as assert } from 'node:assert';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { inProcessHarness } from '../../support/inProcessHarness';

/**
 * A leak check during a run (Check Leaks Now, mm_leak_check()) reads the live blocks only, so its
 * cost follows the heap and not the millions of blocks a long loop freed: and it must find exactly
 * what a check over every allocation record finds.
 */
describe('harness runtime: a mid-run leak check reads live blocks only', () => {
  it('finds the same leaks as a check over every record, from the live records alone', () => {
    const { runtime, lmm } = inProcessHarness();
    const { struct, u32, ptr } = lmm;
    @struct
    class node_t {
      @u32 id!: number;
      @ptr(() => node_t) next!: node_t | null;
    }
    lmm.MM_REG_STRUCT(node_t);
    const head = lmm.XCALLOC(1, node_t);
    lmm.mm_register_root(head);
    let lostChain: node_t | null = null;
    for (let i = 0; i < 300; i++) {
      const node = lmm.XCALLOC(1, node_t);
      node.id = i;
      if (i % 3 === 0)
        lmm.XFREE(node); // freed: a row in the log, no longer a block
      else if (i % 3 === 1) {
        node.next = head.next; // kept on the rooted list
        head.next = node;
      } else {
        node.next = lostChain; // a chain nothing roots: one definitely lost, the rest indirectly
        lostChain = node;
      }
    }
    // Blocks freed after others were allocated after them (ids out of address order).
    for (let i = 0; i < 50; i++) lmm.XFREE(lmm.XCALLOC(2, node_t));

    const live = runtime.runData(true);
    const every = runtime.runData();
    assert.equal(every.allocations.length, 1 + 300 + 50);
    assert.equal(live.allocations.length, 1 + 200, 'the head and the 200 blocks not freed');
    const liveRecords = Array.from({ length: live.allocations.length }, (_, i) => live.allocations.at(i)!);
    assert.ok(liveRecords.every((record) => record.freeStep === -1));
    // The log's records made one by one, as an array: what the check read before the log was lazy.
    const everyRecords = Array.from({ length: every.allocations.length }, (_, i) => every.allocations.at(i)!);
    assert.equal(everyRecords.filter((record) => record.freeStep !== -1).length, 150);

    const fromLive = checkLeaks(live);
    const fromEvery = checkLeaks(every);
    const fromArray = checkLeaks({ ...every, allocations: everyRecords });
    for (const other of [fromEvery, fromArray]) {
      assert.deepEqual(fromLive.summary, other.summary);
      assert.deepEqual(fromLive.records, other.records);
      assert.deepEqual([...fromLive.liveIds], [...other.liveIds], 'allocation ids, not positions in the records');
    }
    assert.equal(fromLive.summary['definitely-lost'].blocks, 1);
    assert.equal(fromLive.summary['indirectly-lost'].blocks, 99);
  });
});
