/**
 * Property-based tests of every allocation policy (fast-check): random sequences of malloc,
 * realloc, free, double and invalid frees, with and without a page reservoir. After every step
 * the policy's invariant checker must find nothing and every live payload must still hold the
 * pattern written into it; a bad free must be refused and change nothing.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { PolicyOptions } from '../../src/policies/allocatorPolicy';
import { POLICIES } from '../../src/policies/policyRegistry';

type Op =
  | { op: 'alloc'; bytes: number }
  | { op: 'realloc'; pick: number; bytes: number }
  | { op: 'free'; pick: number }
  | { op: 'double-free'; pick: number }
  | { op: 'invalid-free'; pick: number; delta: number };

const sizes = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 160 }) },
  { weight: 3, arbitrary: fc.integer({ min: 161, max: 4100 }) },
  { weight: 1, arbitrary: fc.integer({ min: 4101, max: 20000 }) },
  { weight: 1, arbitrary: fc.constantFrom(4024, 4025, 4095, 4096, 8190, 12288) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('alloc' as const), bytes: sizes }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('realloc' as const), pick: fc.nat(), bytes: sizes }) },
  { weight: 7, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('double-free' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('invalid-free' as const), pick: fc.nat(), delta: fc.integer({ min: -64, max: 64 }) }),
  },
);
const reservoirArb: fc.Arbitrary<PolicyOptions> = fc.oneof(
  fc.constant({}),
  fc.record({ reservoir: fc.record({ pages: fc.integer({ min: 1, max: 6 }) }) }),
  fc.record({ reservoir: fc.record({ pages: fc.integer({ min: 1, max: 6 }), delay: fc.integer({ min: 1, max: 20 }) }) }),
);

let checkedSteps = 0;

describe('every allocation policy under random operations (fast-check)', function () {
  this.timeout(120000);
  after(() => process.stdout.write(`      (${checkedSteps} policy operations under the invariant checker)\n`));

  for (const info of POLICIES) {
    it(`${info.name}: invariants and payloads hold after every step`, () => {
      fc.assert(
        fc.property(reservoirArb, fc.array(opArb, { minLength: 1, maxLength: 300, size: 'medium' }), (options, ops) => {
          const policy = info.create(options);
          const live: { address: number; bytes: number; seed: number }[] = [];
          const freed: number[] = [];
          let seed = 1;
          const fill = (address: number, bytes: number, s: number, from = 0) => {
            const view = policy.payload(address, bytes);
            for (let i = from; i < bytes; i++) view[i] = (s + i) & 255;
          };
          const intact = (b: { address: number; bytes: number; seed: number }, bytes = b.bytes) => {
            const view = policy.payload(b.address, bytes);
            for (let i = 0; i < bytes; i++) if (view[i] !== ((b.seed + i) & 255)) return false;
            return true;
          };
          for (const [step, op] of ops.entries()) {
            const before = policy.statistics();
            switch (op.op) {
              case 'alloc': {
                const address = policy.allocate(op.bytes);
                if (address === 0) {
                  assert.ok(op.bytes > policy.maxRequest, `allocation of ${op.bytes} failed: ${policy.lastError}`);
                  break;
                }
                assert.ok(!live.some((b) => b.address === address), 'a live address handed out twice');
                live.push({ address, bytes: op.bytes, seed: seed++ });
                fill(address, op.bytes, live[live.length - 1]!.seed);
                break;
              }
              case 'realloc': {
                if (live.length === 0) break;
                const b = live[op.pick % live.length]!;
                const moved = policy.realloc(b.address, op.bytes);
                if (moved === 0) {
                  assert.ok(op.bytes > policy.maxRequest, `realloc to ${op.bytes} failed: ${policy.lastError}`);
                  assert.ok(intact(b), 'a failed realloc must leave the block as it was');
                  break;
                }
                const kept = Math.min(b.bytes, op.bytes);
                b.address = moved;
                assert.ok(intact(b, kept), 'realloc lost payload bytes');
                fill(moved, op.bytes, b.seed, kept);
                b.bytes = op.bytes;
                break;
              }
              case 'free': {
                if (live.length === 0) break;
                const [b] = live.splice(op.pick % live.length, 1);
                assert.ok(policy.free(b!.address), `free failed: ${policy.lastError}`);
                freed.push(b!.address);
                break;
              }
              case 'double-free':
              case 'invalid-free': {
                const pool = op.op === 'double-free' ? freed : live.map((b) => b.address);
                if (pool.length === 0) break;
                const address = pool[op.pick % pool.length]! + (op.op === 'invalid-free' ? op.delta || 1 : 0);
                if (live.some((b) => b.address === address)) break; // a freed address handed out again is live
                assert.equal(policy.free(address), false, 'a bad free must be refused');
                assert.ok(policy.lastError !== null);
                const after = policy.statistics();
                assert.equal(after.liveBlocks, before.liveBlocks);
                assert.equal(after.livePayload, before.livePayload);
                break;
              }
            }
            checkedSteps++;
            assert.deepEqual(policy.check(), [], `invariants after step ${step} (${JSON.stringify(op)})`);
            for (const b of live) assert.ok(intact(b), `payload of a live block changed at step ${step}`);
            assert.equal(policy.statistics().liveBlocks, live.length);
          }
          for (const b of live.splice(0)) assert.ok(policy.free(b.address));
          assert.deepEqual(policy.check(), []);
          const end = policy.statistics();
          assert.equal(end.liveBlocks, 0);
          if (options.reservoir === undefined && !info.name.startsWith('lmm'))
            assert.equal(end.mappedBytes, 0, 'every page went back');
          policy.dispose();
        }),
        { numRuns: 120 },
      );
    });
  }
});
