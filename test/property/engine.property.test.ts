/**
 * Property-based tests of the engine (fast-check): random operation sequences, with the invariant
 * checker after every step, and a model-based comparison against `ReferenceModel` after every step.
 * Many short runs rather than a few long ones: shrinking stays fast and each run starts fresh.
 * The step counts add up to over 1,000,000 checked operations per CI run (printed at the end).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkHeap } from '../../src/engine/invariants';
import { LmmHeap } from '../../src/engine/lmmHeap';
import { dumpHeap } from '../../src/engine/traceDump';
import { ReferenceModel } from '../support/referenceModel';

/** One operation: allocate from a family, free the n-th live block, or a bad free. */
type Op =
  | { op: 'alloc'; family: number; units: number }
  | { op: 'free'; pick: number }
  | { op: 'double-free'; pick: number }
  | { op: 'invalid-free'; pick: number; delta: number };

const structSizes = fc.oneof(
  fc.integer({ min: 1, max: 64 }),
  fc.integer({ min: 65, max: 700 }),
  fc.constantFrom(36, 56, 9, 47, 48, 2000, 4024, 4025, 4096),
);
const opArb = (families: number): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        op: fc.constant('alloc' as const),
        family: fc.nat(families - 1),
        units: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 40 })),
      }),
    },
    { weight: 8, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('double-free' as const), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('invalid-free' as const),
        pick: fc.nat(),
        delta: fc.integer({ min: -100, max: 100 }),
      }),
    },
  );
const scenarioArb = fc
  .array(structSizes, { minLength: 1, maxLength: 4 })
  .chain((sizes) => fc.tuple(fc.constant(sizes), fc.array(opArb(sizes.length), { minLength: 50, maxLength: 800, size: 'max' })));

let invariantSteps = 0;
let modelSteps = 0;

describe('engine properties (fast-check)', function () {
  // About a million checked steps: generous under a loaded 2-core CI machine.
  this.timeout(240_000);
  after(() =>
    console.log(
      `      (${invariantSteps.toLocaleString('en')} random operations under the invariant checker, ${modelSteps.toLocaleString('en')} compared with the model)`,
    ),
  );

  it('keeps every invariant after every step of random workloads', () => {
    fc.assert(
      fc.property(scenarioArb, ([sizes, ops]) => {
        const heap = new LmmHeap();
        sizes.forEach((size, i) => heap.register(`s${i}_t`, size));
        const live: number[] = [];
        const freed: number[] = [];
        for (const step of ops) {
          const before = step.op === 'double-free' || step.op === 'invalid-free' ? JSON.stringify(dumpHeap(heap)) : '';
          if (step.op === 'alloc') {
            const address = heap.xcalloc(step.family, step.units);
            if (address !== 0) live.push(address);
          } else if (step.op === 'free' && live.length > 0) {
            const [address] = live.splice(step.pick % live.length, 1);
            assert.equal(heap.xfree(address!), true);
            freed.push(address!);
          } else if (step.op === 'double-free' && freed.length > 0) {
            const address = freed[step.pick % freed.length]!;
            // A freed address may since belong to a new block: then freeing it is legal at this level.
            if (!live.includes(address)) {
              assert.equal(heap.xfree(address), false);
              assert.equal(JSON.stringify(dumpHeap(heap)), before, 'a refused free changed the heap');
            }
          } else if (step.op === 'invalid-free' && live.length > 0 && step.delta !== 0) {
            const address = live[step.pick % live.length]! + step.delta;
            if (!live.includes(address)) {
              assert.equal(heap.xfree(address), false);
              assert.ok(['invalid-free', 'double-free'].includes(heap.lastError!.kind));
              assert.equal(JSON.stringify(dumpHeap(heap)), before, 'a refused free changed the heap');
            }
          }
          invariantSteps++;
          const problems = checkHeap(heap);
          if (problems.length > 0) throw new Error(problems.join('\n'));
        }
        // Freeing everything returns every data page.
        for (const address of live) heap.xfree(address);
        assert.equal(heap.kernel.mappedPages, heap.registryPages.length);
        assert.deepEqual(checkHeap(heap), []);
      }),
      {
        numRuns: Number(process.env.LMM_PROPERTY_RUNS ?? 2400),
        seed: Number(process.env.LMM_PROPERTY_SEED ?? Date.now() % 2 ** 31),
      },
    );
  });

  it('matches the reference model, dump for dump, after every step (page sizes powers of two or not)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(4096, 4096, 8192, 1024, 4104, 2000), ([sizes, ops], pageSize) => {
        const heap = new LmmHeap({ pageSize });
        const model = new ReferenceModel(pageSize);
        sizes.forEach((size, i) => {
          assert.equal(heap.register(`s${i}_t`, size) >= 0, model.register(`s${i}_t`, size));
        });
        const live: { address: number; handle: number }[] = [];
        for (const step of ops) {
          if (step.op === 'alloc') {
            const address = heap.xcalloc(step.family, step.units);
            const handle = model.alloc(step.family, step.units);
            assert.equal(address !== 0, handle !== 0, 'engine and model disagree on whether an alloc succeeds');
            if (address !== 0) live.push({ address, handle });
          } else if (step.op === 'free' && live.length > 0) {
            const [pair] = live.splice(step.pick % live.length, 1);
            assert.equal(heap.xfree(pair!.address), model.free(pair!.handle));
          } else continue;
          modelSteps++;
          assert.deepEqual(dumpHeap(heap), model.dump());
        }
      }),
      { numRuns: Number(process.env.LMM_MODEL_RUNS ?? 300) },
    );
  });
});
