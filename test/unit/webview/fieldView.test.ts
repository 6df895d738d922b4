import { strict as assert } from 'node:assert';
import type { RecordedField } from '../../../src/engine/heapOps';
import { fieldValue } from '../../../webview-ui/src/fieldView';

const field = (type: string, size: number): RecordedField => ({ name: 'f', type, offset: 0, size });

/** `size` bytes at offset 8 of a 32-byte page, filled by `fill`. */
function bytesWith(fill: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(32);
  fill(new DataView(bytes.buffer, 8));
  return bytes;
}

describe('field view: values decoded from a block’s bytes', () => {
  it('decodes signed and unsigned integers of each width, little endian', () => {
    const bytes = bytesWith((v) => v.setInt32(0, -5, true));
    assert.equal(fieldValue(bytes, 8, field('i32', 4)).text, '-5');
    assert.equal(fieldValue(bytes, 8, field('u32', 4)).text, String(2 ** 32 - 5));
    assert.equal(fieldValue(bytes, 8, field('i8', 1)).text, '-5');
    assert.equal(fieldValue(bytes, 8, field('u16', 2)).text, String(2 ** 16 - 5));
    const big = bytesWith((v) => v.setBigUint64(0, 2n ** 63n + 1n, true));
    assert.equal(fieldValue(big, 8, field('u64', 8)).text, String(2n ** 63n + 1n), 'no precision lost past 2^53');
  });

  it('decodes floats', () => {
    assert.equal(
      fieldValue(
        bytesWith((v) => v.setFloat64(0, 0.1, true)),
        8,
        field('f64', 8),
      ).text,
      '0.1',
    );
    assert.equal(
      fieldValue(
        bytesWith((v) => v.setFloat32(0, 1.5, true)),
        8,
        field('f32', 4),
      ).text,
      '1.5',
    );
  });

  it('a pointer is its address (the high word too) and links to it; 0 is NULL with no link', () => {
    const p = fieldValue(
      bytesWith((v) => v.setBigUint64(0, 0x7fff_f000_1030n, true)),
      8,
      field('node_t *', 8),
    );
    assert.deepEqual(p, { text: '0x7ffff0001030', pointer: 0x7fff_f000_1030 });
    assert.deepEqual(fieldValue(new Uint8Array(32), 8, field('node_t *', 8)), { text: 'NULL' });
  });

  it('a char array is its C string up to the NUL, with bytes that are no printable ASCII escaped', () => {
    const bytes = new Uint8Array(32);
    bytes.set([0x41, 0x22, 0x0a, 0xff, 0, 0x42], 8);
    assert.equal(fieldValue(bytes, 8, field('char[6]', 6)).text, '"A"\\x0a\\xff"');
    const full = new Uint8Array(32).fill(0x41);
    assert.equal(fieldValue(full, 8, field('char[4]', 4)).text, '"AAAA"', 'no NUL: stops at the array’s end');
  });

  it('types it does not decode (nested structs, arrays, bit-fields) show their bytes, at most 16', () => {
    const bytes = new Uint8Array(64).fill(0xab);
    assert.equal(fieldValue(bytes, 8, field('point_t', 3)).text, 'ab ab ab');
    assert.match(fieldValue(bytes, 8, field('u32[8]', 32)).text, /^(ab ){16}…$/);
    assert.equal(fieldValue(bytes, 8, field('u32:3', 4)).text, 'ab ab ab ab', 'a bit-field is not read as a whole u32');
    assert.equal(fieldValue(bytes, 8, field('u32', 2)).text, 'ab ab', 'a size that does not match the type is not decoded');
  });

  it('a field past the page’s end reads nothing', () => {
    assert.equal(fieldValue(new Uint8Array(16), 12, field('u64', 8)).text, '(outside the page)');
    assert.equal(fieldValue(new Uint8Array(16), -1, field('u8', 1)).text, '(outside the page)');
  });
});
