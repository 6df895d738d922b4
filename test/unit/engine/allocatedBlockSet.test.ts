import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { AllocatedBlockSet } from '../../../src/engine/allocatedBlockSet';

describe('AllocatedBlockSet', () => {
  it('behaves like a Set under random adds and deletes (growing and shrinking)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 5000 })), { maxLength: 4000 }), (steps) => {
        const set = new AllocatedBlockSet(16);
        const model = new Set<number>();
        for (const [add, key] of steps) {
          if (add && !model.has(key)) {
            set.add(key);
            model.add(key);
          } else if (!add) {
            assert.equal(set.delete(key), model.delete(key));
          }
          assert.equal(set.size, model.size);
        }
        for (let key = 1; key <= 5000; key += 7) assert.equal(set.has(key), model.has(key));
        assert.deepEqual(
          [...set.values()].sort((a, b) => a - b),
          [...model].sort((a, b) => a - b),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('keeps keys that collide into one probe run findable after deletions (backward shift)', () => {
    const set = new AllocatedBlockSet(16);
    // Handles of the top 2 GiB are negative int32s.
    const keys = Array.from({ length: 7 }, (_, i) => (0xfff00000 + i * 16) | 0);
    keys.forEach((k) => set.add(k));
    set.delete(keys[2]!);
    set.delete(keys[0]!);
    for (const k of keys) assert.equal(set.has(k), k !== keys[0] && k !== keys[2]);
    assert.equal(set.clone().size, 5);
  });
});
