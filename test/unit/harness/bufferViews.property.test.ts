import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkHeap } from '../../../src/engine/invariants';
import { inProcessHarness } from '../../support/inProcessHarness';

type Op =
  | { op: 'alloc'; bytes: number }
  | { op: 'free'; pick: number }
  | { op: 'write'; pick: number; index: number; value: number }
  | { op: 'text'; pick: number; text: string };

const ops = fc.array(
  fc.oneof(
    // Up to past one page's capacity (1024 − 72 = 952 here): some are refused as too-large.
    fc.record({ op: fc.constant('alloc' as const), bytes: fc.integer({ min: 1, max: 1000 }) }),
    fc.record({ op: fc.constant('free' as const), pick: fc.nat() }),
    fc.record({
      op: fc.constant('write' as const),
      pick: fc.nat(),
      index: fc.integer({ min: -2, max: 1100 }),
      value: fc.integer({ min: 0, max: 511 }),
    }),
    fc.record({ op: fc.constant('text' as const), pick: fc.nat(), text: fc.string({ maxLength: 40, unit: 'binary-ascii' }) }),
  ),
  { maxLength: 150 },
);

describe('XCALLOC_BUF buffers (property): a model of every buffer’s bytes', () => {
  it('read back what was written, report what is out of bounds or freed, and never break the heap', () => {
    fc.assert(
      fc.property(ops, (program: Op[]) => {
        const { runtime, lmm } = inProcessHarness({ pageSize: 1024 });
        interface Model {
          view: ReturnType<typeof lmm.XCALLOC_BUF>;
          bytes: Uint8Array;
          freed: boolean;
        }
        const buffers: Model[] = [];
        let expectedErrors = 0;
        for (const step of program) {
          const target = buffers.length > 0 ? buffers[(step as { pick?: number }).pick! % buffers.length] : undefined;
          if (step.op === 'alloc') {
            const view = lmm.XCALLOC_BUF(step.bytes);
            if (step.bytes > 952) {
              assert.equal(view, null);
              expectedErrors++;
              continue;
            }
            buffers.push({ view, bytes: new Uint8Array(step.bytes), freed: false });
          } else if (target === undefined) {
            continue;
          } else if (step.op === 'free') {
            lmm.XFREE(target.view);
            if (target.freed) expectedErrors++;
            target.freed = true;
          } else if (step.op === 'write') {
            target.view[step.index] = step.value;
            if (target.freed || step.index < 0 || step.index >= target.bytes.length) expectedErrors++;
            else target.bytes[step.index] = step.value & 255;
          } else {
            target.view.text = step.text;
            if (target.freed) {
              expectedErrors++;
              continue;
            }
            // strncpy-like: at most length − 1 bytes, then zeros to the end.
            const kept = Math.min(step.text.length, target.bytes.length - 1);
            if (kept < step.text.length) expectedErrors++;
            for (let i = 0; i < target.bytes.length; i++) target.bytes[i] = i < kept ? step.text.charCodeAt(i) : 0;
          }
          assert.deepEqual(checkHeap(runtime.heap), []);
        }
        // Every live buffer holds exactly its model's bytes: nothing wrote past another's end.
        for (const b of buffers) {
          if (b.freed) continue;
          assert.equal(b.view.length, b.bytes.length);
          assert.deepEqual(Uint8Array.from(b.view), b.bytes);
        }
        const occurrences = runtime.errors.reduce((n, e) => n + e.count, 0);
        assert.equal(occurrences, expectedErrors);
      }),
      { numRuns: 500 },
    );
  });
});
