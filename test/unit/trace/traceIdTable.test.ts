import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { TraceIdTable } from '../../../src/trace/traceIdTable';

describe('TraceIdTable', () => {
  it('interns any mix of numbered and other IDs like a Map would', () => {
    const word = fc.oneof(
      fc.tuple(fc.constantFrom('a', 'b', 'Z', '_', '9'), fc.oneof(fc.nat(2000), fc.nat(20_000_000))).map(([l, n]) => l + n),
      fc.constantFrom('a', 'a0', 'a00', 'a01', 'a1', 'b1', 'a123456789', 'a1234567890', 'x-1', 'é1', 'id_7'),
      fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/\s/.test(s)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), word), { maxLength: 300 }), (steps) => {
        // Positions are byte offsets: a non-ASCII ID takes more bytes than characters.
        const bytes = new TextEncoder().encode(steps.map(([, w]) => w).join(' '));
        const table = new TraceIdTable(4);
        const model = new Map<string, number>();
        let position = 0;
        for (const [add, w] of steps) {
          const start = position;
          const end = start + Buffer.byteLength(w);
          position = end + 1;
          if (add) {
            const index = table.intern(bytes, start, end);
            if (!model.has(w)) model.set(w, index);
            assert.equal(index, model.get(w), `intern ${w}`);
          } else {
            assert.equal(table.find(bytes, start, end), model.get(w) ?? -1, `find ${w}`);
          }
        }
        assert.equal(table.length, model.size);
        for (const [w, index] of model) assert.equal(table.at(index), w);
      }),
      { numRuns: 300 },
    );
  });
});
