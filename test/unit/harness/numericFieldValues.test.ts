/**
 * What a number field takes, tried with what a JavaScript programmer assigns: C's arithmetic
 * conversions hold (a wider integer is cut to the field, a float truncated), and what C refuses
 * (a pointer, a string) is a TypeError naming the field instead of a silent 0.
 */
import { strict as assert } from 'node:assert';
import { inProcessHarness } from '../../support/inProcessHarness';

describe('harness views: values assigned to number fields', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, u8, u32, i16, u64, f32, f64, array, ptr } = h.lmm;

    @struct
    class sample_t {
      @u8 small!: number;
      @u32 key!: number;
      @i16 signed!: number;
      @u64 big!: bigint;
      @f32 single!: number;
      @f64 real!: number;
      @array(u32, 2) pair!: number[];
      @ptr(() => sample_t) next!: sample_t | null;
    }

    h.lmm.MM_REG_STRUCT(sample_t);
    return { ...h, s: h.lmm.XCALLOC(1, sample_t), sample_t };
  }
  const loose = (value: unknown) => value as never;

  it('refuses a string, naming the field, and leaves the field as it was', () => {
    const { s } = setup();
    s.key = 9;
    assert.throws(
      () => (s.key = loose('abc')),
      /^TypeError: sample_t\.key is a number, not the string 'abc' \(Number\(s\) converts one\)$/,
    );
    assert.throws(() => (s.key = loose('12')), /sample_t\.key is a number, not the string '12'/);
    assert.throws(() => (s.big = loose('12')), /sample_t\.big is a number/);
    assert.throws(() => (s.real = loose('1.5')), /sample_t\.real is a number/);
    assert.throws(() => (s.pair[1] = loose('x')), /pair\[1\] is a number, not the string 'x'/);
    assert.equal(s.key, 9);
  });

  it('refuses a view (a pointer), pointing to addressOf; and an object with no number in it', () => {
    const { s, lmm, sample_t } = setup();
    const other = lmm.XCALLOC(1, sample_t);
    assert.throws(
      () => (s.key = loose(other)),
      /^TypeError: sample_t\.key is a number, and sample_t is a pointer: store addressOf\(p\) for its address$/,
    );
    assert.throws(() => (s.pair[0] = loose(other)), /pair\[0\] is a number, and sample_t is a pointer/);
    assert.throws(() => (s.key = loose({})), /sample_t\.key is a number, not an object whose value is no number/);
    s.key = loose({ valueOf: () => 3 });
    assert.equal(s.key, 3);
  });

  it('takes a bigint as C converts a wider integer: cut to the field’s bits, or the nearest float', () => {
    const { s } = setup();
    s.key = loose(5n);
    assert.equal(s.key, 5);
    s.key = loose(2n ** 32n + 7n);
    assert.equal(s.key, 7);
    s.signed = loose(-1n);
    assert.equal(s.signed, -1);
    s.small = loose(0x1ffn);
    assert.equal(s.small, 0xff);
    s.real = loose(2n ** 60n);
    assert.equal(s.real, 2 ** 60);
    s.single = loose(3n);
    assert.equal(s.single, 3);
    s.pair[0] = loose(2n ** 33n + 1n);
    assert.equal(s.pair[0], 1);
    s.big = 2n ** 63n;
    assert.equal(s.big, 2n ** 63n);
  });

  it('keeps C’s conversions of numbers: wrapped, truncated, NaN and Infinity as 0 in an integer, -0 and NaN in a float', () => {
    const { s } = setup();
    s.key = -1;
    assert.equal(s.key, 2 ** 32 - 1);
    s.key = 1.7;
    assert.equal(s.key, 1);
    s.small = 300;
    assert.equal(s.small, 44);
    s.key = Number.NaN;
    assert.equal(s.key, 0);
    s.key = Infinity;
    assert.equal(s.key, 0);
    s.key = 2 ** 53;
    assert.equal(s.key, 0);
    s.big = loose(2 ** 53 + 2);
    assert.equal(s.big, 2n ** 53n + 2n);
    s.real = -0;
    assert.ok(Object.is(s.real, -0));
    s.real = Number.NaN;
    assert.ok(Number.isNaN(s.real));
    s.key = loose(true);
    assert.equal(s.key, 1);
    s.key = loose(null);
    assert.equal(s.key, 0);
  });
});
