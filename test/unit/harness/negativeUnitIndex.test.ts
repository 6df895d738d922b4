import { strict as assert } from 'node:assert';
import { inProcessHarness } from '../../support/inProcessHarness';

interface Node {
  key: number;
  readonly [unit: number]: Node;
}

/**
 * `p[-1]` of a pointer into a block's middle is the unit before it, as C's `p[-1]` is `*(p - 1)`:
 * inside the block it reads and writes that unit, no out-of-bounds error, and it is the very view
 * `v[i - 1]` is (pointer identity). Only before the block's start is it out of bounds.
 */
describe('a negative index from a unit inside a block', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, i32, ptr } = h.lmm;
    @struct
    class node_t {
      @i32 key!: number;
      @ptr(() => node_t) next!: node_t | null;
    }
    h.lmm.MM_REG_STRUCT(node_t);
    const pool = h.lmm.XCALLOC(10, node_t) as unknown as Node;
    for (let i = 0; i < 10; i++) pool[i]!.key = 100 + i;
    return { ...h, pool };
  }

  it('reads the unit before: p[-1] is v[4] for p = v[5], and p[-5] is v[0]', () => {
    const { pool, runtime } = setup();
    const p = pool[5]!;
    assert.equal(p[-1]!.key, 104);
    assert.equal(p[-1] === pool[4], true);
    assert.equal(p[-5]!.key, 100);
    assert.equal(p[-5] === pool, true);
    // And from there onward again: p[-1][1] is p.
    assert.equal(p[-1]![1] === p, true);
    assert.equal(runtime.errors.length, 0);
  });

  it('writes through it, and before the block’s start it is out of bounds', () => {
    const { pool, runtime } = setup();
    const p = pool[5]!;
    p[-2]!.key = 7;
    assert.equal(pool[3]!.key, 7);
    assert.equal(runtime.errors.length, 0);
    assert.equal(p[-6]!.key, 0);
    assert.equal(runtime.errors.length, 1);
    assert.match(runtime.errors[0]!.message, /field `key`, 16 bytes before the start of/);
  });
});
