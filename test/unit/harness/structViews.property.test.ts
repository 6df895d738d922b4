import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkHeap } from '../../../src/engine/invariants';
import { inProcessHarness } from '../../support/inProcessHarness';

type Op =
  | { op: 'alloc'; units: number }
  | { op: 'free'; pick: number }
  | { op: 'write'; pick: number; unit: number; value: number; name: string }
  | { op: 'link'; pick: number; to: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('alloc' as const), units: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('free' as const), pick: fc.nat() }),
    fc.record({
      op: fc.constant('write' as const),
      pick: fc.nat(),
      unit: fc.integer({ min: 0, max: 45 }),
      value: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      name: fc.string({ maxLength: 12, unit: 'grapheme' }),
    }),
    fc.record({ op: fc.constant('link' as const), pick: fc.nat(), to: fc.nat() }),
  ),
  { maxLength: 120 },
);

describe('harness views (property): a model of every block’s fields', () => {
  it('reads back what was written, reports stale and out-of-bounds access, and never breaks the heap', () => {
    fc.assert(
      fc.property(ops, (program: Op[]) => {
        const { runtime, lmm } = inProcessHarness({ pageSize: 1024 });
        @lmm.struct
        class rec_t {
          @lmm.u32 value!: number;
          @lmm.char(6) name!: string;
          @lmm.ptr(() => rec_t) next!: rec_t | null;
        }
        lmm.MM_REG_STRUCT(rec_t);
        interface Model {
          view: rec_t & { readonly [i: number]: rec_t };
          units: number;
          values: number[];
          names: string[];
          next: number[];
          freed: boolean;
        }
        const blocks: Model[] = [];
        let expectedErrors = 0;
        for (const step of program) {
          if (step.op === 'alloc') {
            const view = lmm.XCALLOC(step.units, rec_t);
            if (view === null) {
              expectedErrors++;
              continue;
            }
            blocks.push({
              view,
              units: step.units,
              values: Array(step.units).fill(0),
              names: Array(step.units).fill(''),
              next: Array(step.units).fill(0),
              freed: false,
            });
            continue;
          }
          if (blocks.length === 0) continue;
          const block = blocks[step.pick % blocks.length]!;
          if (step.op === 'free') {
            lmm.XFREE(block.view);
            if (block.freed) expectedErrors++;
            block.freed = true;
          } else if (step.op === 'write') {
            const unit = block.view[step.unit];
            unit.value = step.value;
            unit.name = step.name;
            // Out of bounds or freed: each of the two writes is reported (as the write it is).
            if (step.unit >= block.units || block.freed) expectedErrors += 2;
            else {
              block.values[step.unit] = step.value;
              const bytes = new TextEncoder().encode(step.name);
              // char(6): at most 5 bytes, cut on a character boundary.
              let cut = Math.min(5, bytes.length);
              while (cut > 0 && cut < bytes.length && (bytes[cut]! & 0xc0) === 0x80) cut--;
              // A C string ends at its first NUL.
              block.names[step.unit] = new TextDecoder().decode(bytes.slice(0, cut)).split('\0')[0]!;
              if (bytes.length > 5) expectedErrors++;
            }
          } else {
            const target = blocks[step.to % blocks.length]!;
            block.view.next = target.view;
            if (block.freed) expectedErrors++;
            else block.next[0] = lmm.addressOf(target.view);
          }
        }
        for (const block of blocks) {
          if (block.freed) continue;
          for (let u = 0; u < block.units; u++) {
            assert.equal(block.view[u].value, block.values[u]);
            assert.equal(block.view[u].name, block.names[u]);
          }
          assert.equal(lmm.addressOf(block.view.next), block.next[0]);
        }
        // Every reported error is one the model expected (errors count per site: sum the counts).
        assert.equal(
          runtime.errors.reduce((n, e) => n + e.count, 0),
          expectedErrors,
        );
        assert.deepEqual(checkHeap(runtime.heap), []);
      }),
      { numRuns: 150 },
    );
  });
});
