import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { recordHarnessWorkload } from '../../../src/harness/recordHarnessWorkload';
import { WorkOp } from '../../../src/policies/workload';

/**
 * XREALLOC reaches the policy lab as the allocation and the free it made (a move), so every
 * policy replays what lmm-classic did: realloc-growth's 3 + 3 moves, 2 + 1 blocks left.
 */
describe('XREALLOC in the policy lab: recorded as its allocation and its free', function () {
  this.timeout(60_000);
  it('a harness that grows vectors by realloc becomes allocs and frees of the right ids and sizes', async () => {
    const file = join(__dirname, '..', '..', 'fixtures', 'ported', 'realloc-growth.lmm.ts');
    const recorded = (await recordHarnessWorkload(file, 'realloc-growth').done)!;
    assert.equal(recorded.outcome, 'completed', recorded.message);
    const w = recorded.workload;
    const allocs: number[] = [];
    const freed = new Set<number>();
    for (let i = 0; i < w.length; i++) {
      if (w.ops[i] === WorkOp.Alloc) allocs.push(w.bytes[i]!);
      else if (w.ops[i] === WorkOp.Free) {
        assert.ok(!freed.has(w.ids[i]!), 'each block freed once');
        freed.add(w.ids[i]!);
      }
    }
    // 4 → 8 → 16 → 32 → 64 bytes kept; 4 → 8 → 16 → 32 dropped; realloc(NULL, 0).
    assert.deepEqual(allocs, [4, 8, 16, 32, 64, 4, 8, 16, 32, 0]);
    assert.equal(freed.size, 4 + 3);
  });
});
