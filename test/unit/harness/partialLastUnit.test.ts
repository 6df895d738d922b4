import { strict as assert } from 'node:assert';
import { inProcessHarness } from '../../support/inProcessHarness';

/**
 * A block whose size is no whole number of the struct a pointer to it views (a cast of a larger
 * struct): the unit past the last whole one starts inside the block, and the fields of it that fit
 * are the block's own bytes, as C's `((small_t *)big)[1].x` reads bytes 16 … 19 of a 24-byte
 * block. `p[1]` and a pointer to that address are one object (pointer identity), whichever is made
 * first, and both read and write the block's bytes.
 */
/** small_t's fields and units, as the harness reaches them (`p[1].x`). */
interface Small {
  x: number;
  y: number;
  z: number;
  w: number;
  readonly [unit: number]: Small;
}

describe('a partial last unit: a cast of a larger struct reads its own bytes', () => {
  function setup() {
    const h = inProcessHarness({});
    const { struct, ptr, i32 } = h.lmm;
    @struct
    class big_t {
      @i32 a!: number;
      @i32 b!: number;
      @i32 c!: number;
      @i32 d!: number;
      @i32 e!: number;
      @i32 f!: number;
    }
    @struct
    class small_t {
      @i32 x!: number;
      @i32 y!: number;
      @i32 z!: number;
      @i32 w!: number;
    }
    @struct
    class holder_t {
      @ptr(() => small_t) p!: small_t | null;
      @ptr(() => small_t) q!: small_t | null;
    }
    for (const type of [big_t, small_t, holder_t]) h.lmm.MM_REG_STRUCT(type);
    const big = h.lmm.XCALLOC(1, big_t);
    big.e = 77;
    big.f = 88;
    const holder = h.lmm.XCALLOC(1, holder_t);
    holder.p = big as never;
    // holder->p = (small_t *)big; q is set by each test.
    const p = () => holder.p as unknown as Small;
    const q = () => holder.q as unknown as Small;
    return { ...h, big, holder, p, q };
  }

  it('reads the partial unit through p[1], made first, and a pointer to it made after', () => {
    const { lmm, big, holder, runtime, p, q } = setup();
    const unit = p()[1]!;
    assert.equal(unit.x, 77);
    assert.equal(unit.y, 88);
    holder.q = (lmm.addressOf(big) + 16) as never;
    const near = q();
    assert.equal(near === unit, true, 'one object per address, struct and units');
    assert.equal(near.x, 77);
    assert.equal(near.y, 88);
    assert.equal(runtime.errors.length, 0);
  });

  it('reads it through a pointer made first, and p[1] after', () => {
    const { lmm, big, holder, runtime, p, q } = setup();
    holder.q = (lmm.addressOf(big) + 16) as never;
    const near = q();
    assert.equal(near.x, 77);
    assert.equal(p()[1] === near, true);
    assert.equal(p()[1]!.y, 88);
    assert.equal(runtime.errors.length, 0);
  });

  it('writes the block through p[1], and its fields past the block are out of bounds', () => {
    const { big, runtime, p } = setup();
    const unit = p()[1]!;
    unit.x = 5;
    assert.equal(big.e, 5, 'the write reached the block');
    assert.equal(runtime.errors.length, 0);
    assert.equal(unit.z, 0);
    unit.w = 9;
    // In process every access has one site, so the errors count in one entry.
    const reported = () => runtime.errors.reduce((sum, error) => sum + error.count, 0);
    assert.equal(reported(), 2, 'z read and w written past the 24-byte block');
    assert.match(runtime.errors[0]!.message, /field `z`, 0 bytes after the end of a 24-byte big_t block/);
    // A unit past the end of the block (C's &p[2]) reads nothing.
    assert.equal(p()[2]!.x, 0);
    assert.equal(reported(), 3);
  });
  it('reads a buffer cast to the struct: the bytes of its partial last unit, written through b[i]', () => {
    const { lmm, holder, runtime } = setup();
    // char *b = calloc(20, 1); small_t *p = (small_t *)b: p[1].x is bytes 16 … 19.
    const bytes = lmm.XCALLOC_BUF(20);
    bytes[16] = 42;
    holder.p = bytes as never;
    const unit = (holder.p as unknown as Small)[1]!;
    assert.equal(unit.x, 42);
    unit.x = 0x0100;
    assert.equal(bytes[17], 1);
    assert.equal(runtime.errors.length, 0);
    assert.equal(unit.y, 0);
    assert.equal(runtime.errors.length, 1, 'y lies past the 20-byte buffer');
  });
});
