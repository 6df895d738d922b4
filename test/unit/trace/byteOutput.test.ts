import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ByteOutput } from '../../../src/trace/byteOutput';

describe('ByteOutput', () => {
  it('holds exactly the UTF-8 of what was written, across every growth of its buffer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('ok\n', 'null\n'), fc.string({ unit: 'binary', maxLength: 40_000 })), {
          maxLength: 40,
        }),
        (writes) => {
          const out = new ByteOutput();
          for (const text of writes) {
            if ([...text].every((c) => c.charCodeAt(0) < 128)) out.writeAscii(text);
            else out.writeText(text);
          }
          const expected = Buffer.from(writes.join(''), 'utf8');
          assert.ok(Buffer.from(out.view()).equals(expected));
          assert.equal(out.text(), expected.toString('utf8'));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('writes integers as String() does, at the edges too, across growths', () => {
    const edges = [0, -0, 1, -1, 9, 10, 99, 100, 4294967295, 4294967296, -2147483648, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...edges), fc.integer(), fc.maxSafeInteger()), { maxLength: 9000 }),
        (values) => {
          const out = new ByteOutput();
          for (const value of values) {
            out.writeInteger(value);
            out.writeAscii(',');
          }
          assert.equal(out.text(), values.map((v) => `${String(v)},`).join(''));
        },
      ),
      { numRuns: 50 },
    );
  });
});
