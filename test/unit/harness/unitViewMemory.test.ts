import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inProcessHarness } from '../../support/inProcessHarness';

/** A full collection, so that the heap measured is what is kept (`--expose-gc` given late, as the docs of v8.setFlagsFromString show). */
function collectedHeapBytes(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/**
 * Pointer identity keeps one view per unit of a long block reached by `v[i]` while the block
 * lives: each must stay a small object. A view of its own Proxy (handler, closures, state) made
 * it ~480 bytes a unit, 7.7 MB for a walk of one 16,000-unit block, where main before identity
 * kept none.
 */
describe('unit views of long blocks: the memory a walk keeps', function () {
  this.timeout(60_000);

  it('keeps less than 200 bytes a unit walked, for 4 blocks of 16,000 units, and none once they are freed', () => {
    const h = inProcessHarness({ pageSize: 1 << 18 });
    const { struct, i32, ptr } = h.lmm;
    @struct
    class node_t {
      @i32 key!: number;
      @ptr(() => node_t) next!: node_t | null;
    }
    h.lmm.MM_REG_STRUCT(node_t);
    const UNITS = 16_000;
    const blocks = [0, 1, 2, 3].map(() => h.lmm.XCALLOC(UNITS, node_t) as unknown as Record<number, node_t>);
    const before = collectedHeapBytes();
    let sum = 0;
    for (const block of blocks) {
      for (let i = 0; i < UNITS; i++) {
        block[i]!.key = i;
        sum += block[i]!.key;
      }
    }
    const kept = collectedHeapBytes() - before;
    assert.equal(sum, 4 * ((UNITS * (UNITS - 1)) / 2));
    // The views are still the same objects (what the memory is kept for).
    assert.equal(blocks[3]![UNITS - 1] === blocks[3]![UNITS - 1], true);
    const perUnit = kept / (4 * UNITS);
    assert.ok(perUnit < 200, `${perUnit.toFixed(0)} bytes kept a unit`);
    for (const block of blocks) h.lmm.XFREE(block as never);
    assert.equal(h.runtime.viewIdentity.blocksWithInnerViews, 0);
  });

  it('keeps less than 200 bytes a unit for a cast walked (p[i] of a block seen as another struct), one object per unit', () => {
    const h = inProcessHarness({ pageSize: 1 << 18 });
    const { struct, i32, ptr } = h.lmm;
    @struct
    class node_t {
      @i32 key!: number;
      @ptr(() => node_t) next!: node_t | null;
    }
    @struct
    class pair_t {
      @i32 a!: number;
      @i32 b!: number;
    }
    @struct
    class holder_t {
      @ptr(() => pair_t) p!: pair_t | null;
    }
    for (const type of [node_t, pair_t, holder_t]) h.lmm.MM_REG_STRUCT(type);
    const UNITS = 16_000;
    const big = h.lmm.XCALLOC(UNITS, node_t);
    const holder = h.lmm.XCALLOC(1, holder_t);
    holder.p = big as never;
    const pairs = holder.p as unknown as Record<number, pair_t>;
    const before = collectedHeapBytes();
    // node_t is 16 bytes: two pair_t a unit.
    for (let i = 0; i < 2 * UNITS; i++) pairs[i]!.a = i;
    const perUnit = (collectedHeapBytes() - before) / (2 * UNITS);
    assert.ok(perUnit < 200, `${perUnit.toFixed(0)} bytes kept a unit`);
    assert.equal(big[UNITS - 1]!.key, 2 * UNITS - 2, 'the cast wrote the block');
    // A pointer to a unit of the cast reads back as that very view.
    holder.p = (h.lmm.addressOf(big) + 8 * 101) as never;
    assert.equal(holder.p === pairs[101], true);
    assert.equal(h.runtime.errors.length, 0);
  });
});
