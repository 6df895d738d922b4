import { strict as assert } from 'node:assert';
import { BuddyPolicy } from '../../../src/policies/buddyPolicy';

describe('buddy policy', () => {
  it('rounds requests up to powers of two with a 4-byte header', () => {
    assert.equal(BuddyPolicy.orderFor(0), 4);
    assert.equal(BuddyPolicy.orderFor(12), 4);
    assert.equal(BuddyPolicy.orderFor(13), 5);
    assert.equal(BuddyPolicy.orderFor(4092), 12);
    assert.equal(BuddyPolicy.orderFor(4093), 13);
  });

  it('doubles the heap when a request does not fit and halves it when the upper half is free', () => {
    const policy = new BuddyPolicy();
    const a = policy.allocate(100);
    assert.equal(policy.statistics().mappedBytes, 4096);
    const b = policy.allocate(5000);
    assert.equal(policy.statistics().mappedBytes, 16384, '4 KiB → 8 KiB → 16 KiB');
    assert.ok(policy.free(b));
    assert.equal(policy.statistics().mappedBytes, 4096);
    assert.ok(policy.free(a));
    assert.equal(policy.statistics().mappedBytes, 0);
    assert.deepEqual(policy.check(), []);
  });

  it('does not read a stale header inside a block that spans the whole heap (found by fast-check)', () => {
    const policy = new BuddyPolicy();
    const live: number[] = [];
    const alloc = (n: number) => live.push(policy.allocate(n));
    const free = (i: number) => assert.ok(policy.free(live.splice(i, 1)[0]!));
    alloc(161);
    alloc(2045);
    free(0);
    alloc(4024);
    alloc(161);
    free(0);
    free(0);
    live[0] = policy.realloc(live[0]!, 4095);
    assert.deepEqual(policy.check(), []);
    alloc(4101);
    assert.deepEqual(policy.check(), []);
    for (const address of live) assert.ok(policy.free(address));
    assert.equal(policy.statistics().mappedBytes, 0);
  });
});
