import { strict as assert } from 'node:assert';
import { ArenaPolicy } from '../../../src/policies/arenaPolicies';
import { BoundaryTagArena } from '../../../src/policies/boundaryTagArena';
import { findPolicy, POLICY_NAMES } from '../../../src/policies/policyRegistry';

describe('boundary-tag arena', () => {
  it('sizes blocks with a 4-byte header, 4-byte granules and a 16-byte minimum', () => {
    assert.equal(BoundaryTagArena.blockSize(0), 16);
    assert.equal(BoundaryTagArena.blockSize(12), 16);
    assert.equal(BoundaryTagArena.blockSize(13), 20);
    assert.equal(BoundaryTagArena.blockSize(4095), 4100);
    assert.equal(BoundaryTagArena.blockSize(-1), -1);
  });

  it('grows page by page at the top and gives whole pages back when the top block is freed', () => {
    const policy = new ArenaPolicy('best-fit', 'best');
    const a = policy.allocate(100);
    assert.equal(policy.statistics().mappedBytes, 4096);
    const b = policy.allocate(10000);
    assert.equal(policy.statistics().mappedBytes, 12288);
    assert.ok(policy.free(b));
    assert.equal(policy.statistics().mappedBytes, 4096, 'the pages above the first went back');
    assert.ok(policy.free(a));
    assert.equal(policy.statistics().mappedBytes, 0);
    assert.deepEqual(policy.check(), []);
  });

  it('coalesces a freed block with free neighbours on both sides', () => {
    const policy = new ArenaPolicy('first-fit', 'first');
    const [a, b, c, d] = [100, 100, 100, 100].map((n) => policy.allocate(n));
    policy.free(a!);
    policy.free(c!);
    policy.free(b!);
    const blocks = policy.mappings()[0]!.blocks;
    assert.equal(blocks[0]!.state, 'free');
    assert.equal(blocks[0]!.size + blocks[0]!.header, 3 * 104, 'three blocks became one');
    assert.equal(blocks[1]!.state, 'used');
    assert.deepEqual(policy.check(), []);
    policy.free(d!);
  });

  it('grows a block at the top in place on realloc, and moves one that cannot grow', () => {
    const policy = new ArenaPolicy('best-fit', 'best');
    const a = policy.allocate(100);
    const grown = policy.realloc(a, 9000);
    assert.equal(grown, a, 'the top block grew in place');
    const b = policy.allocate(50);
    const moved = policy.realloc(a, 20000);
    assert.notEqual(moved, a, 'a block with a live neighbour moves');
    assert.ok(policy.free(b));
    assert.ok(policy.free(moved));
    assert.deepEqual(policy.check(), []);
  });

  it('refuses invalid and double frees and changes nothing', () => {
    for (const name of POLICY_NAMES) {
      const policy = findPolicy(name)!.create();
      const a = policy.allocate(40);
      const b = policy.allocate(40);
      assert.equal(policy.free(a + 4), false, `${name}: inside a block`);
      assert.equal(policy.free(12345), false, `${name}: nowhere`);
      for (const far of [0, -8, 2 ** 53, a + 2 ** 32, a - 2 ** 32, a + 4096 * 2 ** 20, 0.5]) {
        assert.equal(policy.free(far), false, `${name}: ${far} is no block`);
        assert.equal(policy.realloc(far, 10), 0, `${name}: realloc of ${far}`);
      }
      assert.ok(policy.free(a));
      assert.equal(policy.free(a), false, `${name}: double free`);
      assert.match(policy.lastError ?? '', /invalid|double|not/);
      assert.equal(policy.statistics().liveBlocks, 1);
      assert.deepEqual(policy.check(), []);
      assert.ok(policy.free(b));
    }
  });

  it('the checker finds a corrupted header', () => {
    const policy = new ArenaPolicy('tlsf', 'good');
    const a = policy.allocate(100);
    policy.allocate(100);
    assert.deepEqual(policy.check(), []);
    const view = new DataView(policy.payload(a, 100).buffer);
    const headerOffset = policy.payload(a, 100).byteOffset - 4;
    view.setInt32(headerOffset, view.getInt32(headerOffset, true) & ~1, true); // clear USED
    assert.ok(policy.check().length > 0);
  });

  it('describes every policy with blocks that tile its mappings', () => {
    for (const name of POLICY_NAMES) {
      const policy = findPolicy(name)!.create();
      for (const n of [10, 200, 3000, 9000, 64]) policy.allocate(n);
      for (const mapping of policy.mappings()) {
        let end = 0;
        for (const block of mapping.blocks) {
          assert.ok(block.offset >= end, `${name}: blocks overlap in ${mapping.kind}`);
          end = block.offset + block.header + block.size;
        }
        assert.ok(end <= mapping.pages * 4096, `${name}: a block runs past its mapping`);
      }
      assert.ok(policy.mappings().some((m) => m.blocks.some((b) => b.state === 'used')));
    }
  });
});
