import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PointerStamps } from '../../../src/harness/runtime/pointerStamps';

describe('PointerStamps (when each pointer was stored, on typed arrays)', () => {
  it('answers as a Map would, through updates and growth, for any addresses below 2^53', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.nat(4096), fc.maxSafeNat(), fc.integer({ min: 0, max: 2 ** 33 })), fc.nat(2 ** 32 - 1)), {
          maxLength: 3000,
        }),
        (writes) => {
          const stamps = new PointerStamps(2);
          const map = new Map<number, number>();
          for (const [address, stamp] of writes) {
            stamps.set(address, stamp);
            map.set(address, stamp);
          }
          assert.equal(stamps.size, map.size);
          for (const [address, stamp] of map) assert.equal(stamps.get(address), stamp);
          for (const [address] of writes) assert.equal(stamps.get(address + 1), map.get(address + 1));
          assert.equal(stamps.get(Number.MAX_SAFE_INTEGER - 7), map.get(Number.MAX_SAFE_INTEGER - 7));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps a copied pointer’s age (since) apart from its store, and the earliest age older than its store', () => {
    const stamps = new PointerStamps(2);
    assert.equal(stamps.earliestCopiedSince, Infinity);
    stamps.set(16, 5);
    assert.equal(stamps.since(16), 5, 'a pointer stored afresh is as old as its store');
    for (let address = 24; address < 24 + 8 * 10; address += 8) stamps.set(address, 9, 3); // through growth
    stamps.set(16, 12, 7);
    assert.equal(stamps.get(16), 12);
    assert.equal(stamps.since(16), 7);
    for (let address = 24; address < 24 + 8 * 10; address += 8) assert.equal(stamps.since(address), 3);
    assert.equal(stamps.earliestCopiedSince, 3);
    assert.equal(stamps.since(8), undefined);
  });

  it('keeps addresses one page apart (a pointer at the same offset of page-sized blocks) apart, and 0 too', () => {
    const stamps = new PointerStamps();
    for (let page = 0; page < 100_000; page++) stamps.set(0x10000000 + page * 4096 + 8, page);
    stamps.set(0, 7);
    assert.equal(stamps.size, 100_001);
    for (let page = 0; page < 100_000; page += 997) assert.equal(stamps.get(0x10000000 + page * 4096 + 8), page);
    assert.equal(stamps.get(0), 7);
    assert.equal(stamps.get(0x10000000 + 4096), undefined);
  });
});
