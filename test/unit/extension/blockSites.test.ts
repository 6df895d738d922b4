import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { BlockSites } from '../../../src/extension/model/blockSites';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { HeapReplay } from '../../../src/extension/model/heapReplay';

/** Addresses as a run makes them: 16-byte steps below the simulated kernel's top (2^47), and a few far apart. */
const TOP = 2 ** 47;
const addressArb = fc.oneof(
  fc.integer({ min: 1, max: 400 }).map((k) => TOP - 16 * k),
  fc.integer({ min: 1, max: 40 }).map((k) => TOP - 2 ** 32 + 16 * k),
  fc.constantFrom(1, 2 ** 31, 2 ** 32, 2 ** 32 + 2 ** 31, TOP - 4096, TOP - 2 ** 32),
);
const stepArb = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constant('set' as const), addressArb, fc.integer({ min: -1, max: 1000 })) },
  { weight: 4, arbitrary: fc.tuple(fc.constant('delete' as const), addressArb, fc.constant(0)) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('get' as const), addressArb, fc.constant(0)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('clear' as const), fc.constant(0), fc.constant(0)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('trim' as const), fc.constant(0), fc.constant(0)) },
);

describe('BlockSites (a live block’s allocation site, in typed arrays)', () => {
  it('answers as a Map<number, number> does after any operations, iterating in the same (insertion) order', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 3000 }), fc.integer({ min: 1, max: 64 }), (steps, capacity) => {
        const sites = new BlockSites(capacity);
        const model = new Map<number, number>();
        for (const [what, address, site] of steps) {
          if (what === 'set') {
            sites.set(address, site);
            model.set(address, site);
          } else if (what === 'delete') {
            assert.equal(sites.delete(address), model.delete(address), `delete ${address}`);
          } else if (what === 'get') {
            assert.equal(sites.get(address), model.get(address), `get ${address}`);
            assert.equal(sites.has(address), model.has(address), `has ${address}`);
          } else if (what === 'clear') {
            sites.clear();
            model.clear();
          } else {
            sites.trim();
          }
          assert.equal(sites.size, model.size);
        }
        assert.deepEqual([...sites], [...model]);
        assert.deepEqual([...sites.entries()], [...model.entries()]);
        assert.deepEqual([...sites.keys()], [...model.keys()]);
      }),
      { numRuns: 300 },
    );
  });

  it('a tight loop (one block allocated and freed a million times) keeps its first arrays', () => {
    const sites = new BlockSites();
    const arrays = () => Object.values(sites).filter((v) => ArrayBuffer.isView(v));
    const before = arrays();
    for (let i = 0; i < 1_000_000; i++) {
      sites.set(TOP - 4096 + 64, i & 7);
      assert.equal(sites.delete(TOP - 4096 + 64), true);
    }
    assert.equal(sites.size, 0);
    const after = arrays();
    assert.equal(after.length, 5);
    after.forEach((array, i) => assert.equal(array, before[i], 'the same array, compacted in place'));
  });

  it('grows past its first arrays and keeps a million live blocks in order', () => {
    const sites = new BlockSites();
    for (let i = 0; i < 1_000_000; i++) sites.set(TOP - 64 * (i + 1), i % 97);
    for (let i = 0; i < 1_000_000; i += 2) sites.delete(TOP - 64 * (i + 1));
    assert.equal(sites.size, 500_000);
    let expected = 1;
    for (const [address, site] of sites) {
      assert.equal(address, TOP - 64 * (expected + 1));
      assert.equal(site, expected % 97);
      expected += 2;
    }
    assert.equal(expected, 1_000_001);
  });

  it('an iteration goes on as a Map’s when entries are set, deleted or cleared meanwhile (compactions too)', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 400 }),
        fc.array(fc.array(stepArb, { maxLength: 6 }), { maxLength: 400 }),
        fc.integer({ min: 1, max: 64 }),
        (before, during, capacity) => {
          const sites = new BlockSites(capacity);
          const model = new Map<number, number>();
          const apply = ([what, address, site]: (typeof before)[number]) => {
            if (what === 'set') {
              sites.set(address, site);
              model.set(address, site);
            } else if (what === 'delete') {
              sites.delete(address);
              model.delete(address);
            } else if (what === 'clear') {
              sites.clear();
              model.clear();
            } else if (what === 'trim') {
              sites.trim();
            }
          };
          before.forEach(apply);
          const iterator = sites.entries();
          const expected = model.entries();
          for (let k = 0; ; k++) {
            const got = iterator.next();
            const want = expected.next();
            assert.deepEqual(got, want, `item ${k}`);
            if (want.done) break;
            (during[k] ?? []).forEach(apply);
          }
          assert.deepEqual([...sites], [...model]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a million live blocks freed: the arrays stay while the run goes on, and trim shrinks them', () => {
    const sites = new BlockSites();
    for (let i = 0; i < 1_000_000; i++) sites.set(TOP - 64 * (i + 1), i % 97);
    assert.equal(sites.capacity, 2 ** 20);
    for (let i = 0; i < 999_990; i++) sites.delete(TOP - 64 * (i + 1));
    assert.equal(sites.capacity, 2 ** 20, 'no new arrays while blocks are freed');
    sites.trim();
    assert.equal(sites.capacity, 32, 'ten live entries: arrays of 32');
    assert.deepEqual(
      [...sites],
      [...Array(10).keys()].map((k) => [TOP - 64 * (999_991 + k), (999_990 + k) % 97]),
    );
    for (let i = 999_990; i < 1_000_000; i++) sites.delete(TOP - 64 * (i + 1));
    sites.trim();
    assert.equal(sites.capacity, 16);
    sites.set(TOP - 64, 5);
    assert.deepEqual([...sites], [[TOP - 64, 5]]);
  });

  it('an iteration that ends or breaks leaves no cursor for later compactions to move', () => {
    const sites = new BlockSites();
    for (let i = 0; i < 100; i++) sites.set(TOP - 64 * (i + 1), i);
    for (const [address] of sites) if (address < TOP - 640) break;
    assert.equal(sites.openIterators, 0, 'a for…of that breaks ends its iterator');
    const begun = sites.entries();
    begun.next();
    assert.equal(sites.openIterators, 1, 'a begun iterator is open until it ends');
    begun.return?.(undefined);
    assert.equal(sites.openIterators, 0);
  });
});

describe('HeapReplay.forgetOperations (an older run set aside)', () => {
  it('trims its block sites to the blocks still live, each keeping its site', () => {
    const recorded = new HeapReplay({ pageSize: 4096, eventsKept: 0 });
    const recorder = new HeapOpRecorder(64);
    const family = recorded.heap.register('node', 16);
    recorder.record(HeapOpKind.Register, 16, 0, family, -1, 'node');
    const addresses: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const address = recorded.heap.xcalloc(family, 1);
      addresses.push(address);
      recorder.record(HeapOpKind.Alloc, family, 1, address, i % 7);
    }
    for (const address of addresses.slice(0, 4990))
      recorder.record(HeapOpKind.Free, address, 0, recorded.heap.xfree(address) ? 1 : 0, 0);
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100 });
    replay.apply(recorder.flush()!);
    assert.equal(replay.blockSite.size, 10);
    assert.equal(replay.blockSite.capacity, 8192, 'its peak, while it is the current run');
    replay.forgetOperations();
    assert.equal(replay.blockSite.capacity, 32);
    assert.deepEqual(
      [...replay.blockSite],
      addresses.slice(4990).map((address, k) => [address, (4990 + k) % 7]),
    );
  });
});
