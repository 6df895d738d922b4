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

  it('finds IDs allocated in order (a1, a2, …) by their run, and never an ID next to the run, of another letter or added out of order', () => {
    // Segments of consecutive IDs (the run the table keeps is the first that follows on), with
    // stray IDs, repeats and lookups of the run's neighbours in between.
    const segment = fc.record({
      letter: fc.constantFrom('a', 'b', 'A'),
      first: fc.oneof(fc.constant(1), fc.nat(70_000)),
      count: fc.integer({ min: 1, max: 400 }),
      stray: fc.oneof(fc.constant(''), fc.constantFrom('a0', 'b7', 'x', 'a1', 'a65536', 'a99999999')),
    });
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const words: [boolean, string][] = [];
        for (const { letter, first, count, stray } of segments) {
          for (let n = first; n < first + count; n++) words.push([true, letter + n]);
          if (stray !== '') words.push([true, stray]);
          for (const n of [first - 1, first, first + count - 1, first + count, first + count + 1]) {
            for (const l of ['a', 'b', 'A', 'c']) words.push([false, l + n]);
          }
        }
        const bytes = new TextEncoder().encode(words.map(([, w]) => w).join(' '));
        const table = new TraceIdTable(4);
        const model = new Map<string, number>();
        let position = 0;
        for (const [add, w] of words) {
          const start = position;
          const end = start + w.length;
          position = end + 1;
          if (add) {
            const index = table.intern(bytes, start, end);
            if (!model.has(w)) model.set(w, index);
            assert.equal(index, model.get(w), `intern ${w}`);
          } else {
            assert.equal(table.find(bytes, start, end), model.get(w) ?? -1, `find ${w}`);
          }
        }
        // Every ID once more, after all the adds.
        const all = [...model.keys()];
        const text = new TextEncoder().encode(all.join(' '));
        let at = 0;
        for (const w of all) {
          assert.equal(table.find(text, at, at + w.length), model.get(w), `find ${w} at the end`);
          at += w.length + 1;
        }
      }),
      { numRuns: 200 },
    );
  });
});
