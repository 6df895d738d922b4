/**
 * Views of the C layouts beyond plain scalars: bit-fields, unions, enums, `__int128`,
 * `long double`, packed and aligned structs — read and written in the block's bytes, at the
 * places the compiler puts them — and the decorators' refusals of what C would refuse.
 */
import { strict as assert } from 'node:assert';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { checkHeap } from '../../../src/engine/invariants';
import { layoutOf, structInfo } from '../../../src/harness/api/structLayout';
import { blockBytes, inProcessHarness } from '../../support/inProcessHarness';

describe('harness views of unions, bit-fields, enums, __int128 and long double', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, union, bits, cenum, aligned, u8, u16, u32, i32, i64, u64, f64, i128, u128, f80 } = h.lmm;
    const level = cenum({ LOW: -1, MID: 0, HIGH: 1 });
    const huge = cenum({ ONE: 1n, BIG: 2n ** 63n + 5n });

    @struct
    class flags_t {
      @bits(u32, 3) kind!: number;
      @bits(i32, 5) delta!: number;
      @bits(u64, 40) wide!: bigint;
      @bits(level, 2) lv!: number;
      @u8 after!: number;
    }
    @union
    class word_t {
      @u32 whole!: number;
      @u16 low!: number;
      @f64 real!: number;
    }
    @struct({ packed: true })
    class wire_t {
      @u8 tag!: number;
      @u32 length!: number;
    }
    @struct
    class wide_t {
      @u8 a!: number;
      @i128 q!: bigint;
      @u128 uq!: bigint;
      @f80 ld!: number;
      @level lv!: number;
      @huge h!: bigint;
      @aligned(32) @i64 last!: bigint;
    }
    for (const cls of [flags_t, word_t, wire_t, wide_t]) h.lmm.MM_REG_STRUCT(cls);
    return { ...h, flags_t, word_t, wire_t, wide_t };
  }

  it('reads and writes bit-fields in the bits gcc gives them, sign-extending signed ones and keeping the low bits of a wide value', () => {
    const { runtime, lmm, flags_t } = setup();
    const f = lmm.XCALLOC(1, flags_t);
    f.kind = 5;
    f.delta = -3;
    f.wide = (1n << 39n) + 7n;
    f.lv = -1;
    f.after = 0xab;
    const { view, offset } = blockBytes(runtime, lmm.addressOf(f));
    const word = view.getUint32(offset, true);
    assert.equal(word & 7, 5);
    assert.equal((word >> 3) & 31, 32 - 3);
    assert.equal(f.kind, 5);
    assert.equal(f.delta, -3);
    assert.equal(f.wide, (1n << 39n) + 7n);
    assert.equal(f.lv, -1);
    assert.equal(f.after, 0xab);
    f.kind = 9; // 0b1001 in 3 bits keeps 0b001, as C does
    assert.equal(f.kind, 1);
    assert.equal(f.delta, -3, 'a neighbouring bit-field is untouched');
    f.delta = 16; // the 5-bit field's sign bit: reads back negative
    assert.equal(f.delta, -16);
    assert.equal(lmm.sizeof(flags_t), 8);
    checkHeap(runtime.heap);
  });

  it('overlays every member of a union on the same bytes', () => {
    const { lmm, word_t } = setup();
    const w = lmm.XCALLOC(1, word_t);
    w.whole = 0x12345678;
    assert.equal(w.low, 0x5678);
    w.real = 1;
    assert.equal(w.whole, 0);
    assert.equal(lmm.sizeof(word_t), 8);
  });

  it('keeps __int128 exact, round-trips every double through long double, and stores enums in their width', () => {
    const { runtime, lmm, wide_t } = setup();
    const v = lmm.XCALLOC(1, wide_t);
    v.q = -(2n ** 100n) - 3n;
    v.uq = 2n ** 128n - 1n;
    assert.equal(v.q, -(2n ** 100n) - 3n);
    assert.equal(v.uq, 2n ** 128n - 1n);
    v.uq = 2n ** 128n + 2n; // wraps modulo 2^128, as the C conversion does
    assert.equal(v.uq, 2n);
    for (const x of [0, -0, 1, -1.5, Math.PI, 1e308, -1e-308, 5e-324, Number.MAX_VALUE, Infinity, -Infinity]) {
      v.ld = x;
      assert.ok(Object.is(v.ld, x), `long double round trip of ${x}`);
    }
    v.ld = NaN;
    assert.ok(Number.isNaN(v.ld));
    v.ld = 1;
    const { view, offset } = blockBytes(runtime, lmm.addressOf(v));
    // 1.0L in x87 format: mantissa 0x8000000000000000, exponent 0x3fff.
    assert.equal(view.getBigUint64(offset + 48, true), 1n << 63n);
    assert.equal(view.getUint16(offset + 56, true), 0x3fff);
    v.lv = -1;
    assert.equal(view.getInt32(offset + 64, true), -1);
    v.h = 2n ** 63n + 5n;
    assert.equal(v.h, 2n ** 63n + 5n);
    assert.equal(lmm.sizeof(wide_t), 128);
  });

  it('packs a packed struct: a 4-byte field at offset 1', () => {
    const { runtime, lmm, wire_t } = setup();
    const w = lmm.XCALLOC(2, wire_t);
    w.length = 0xdeadbeef;
    w[1]!.tag = 9;
    const { view, offset } = blockBytes(runtime, lmm.addressOf(w));
    assert.equal(view.getUint32(offset + 1, true), 0xdeadbeef);
    assert.equal(view.getUint8(offset + 5), 9);
    assert.equal(lmm.sizeof(wire_t), 5);
  });

  it('refuses bit-fields, enums and alignments C refuses, with a message that names the rule', () => {
    const { lmm } = setup();
    const { bits, cenum, aligned, struct, u8, f64 } = lmm as unknown as Record<string, (...args: unknown[]) => unknown>;
    assert.throws(() => bits!(u8, 9), /to 8, not 9/);
    assert.throws(() => bits!(u8, -1), /from 0 \(a zero-width bit-field\) to 8, not -1/);
    assert.throws(() => bits!(f64, 3), /must be an integer type/);
    assert.throws(() => cenum!({ A: 1.5 }), /A must be an integer/);
    assert.throws(() => cenum!({ A: 2n ** 64n }), /does not fit in 64 bits/);
    assert.throws(() => aligned!(3), /power of two/);
    assert.throws(() => struct!({ aligned: 6 }), /power of two/);
    assert.throws(() => struct!({ pakc: 2 }), /unknown option 'pakc' \(packed, aligned, pack\)/);
    for (const wrong of [true, 0, 3, 32, '2', 2.5, -1, 2n]) {
      assert.throws(
        () => struct!({ pack: wrong }),
        /\{ pack \}\) is #pragma pack\(N\)'s N: 1, 2, 4, 8 or 16, not /,
        String(wrong),
      );
    }
  });

  it('@struct({ pack: N }) places fields as gcc does under #pragma pack(N), and keeps a field view on its bytes', () => {
    const { runtime, lmm } = setup();
    const { struct, aligned, bits, u8, u16, i32, i64 } = lmm;
    @struct({ pack: 2 })
    class header_t {
      @u8 kind!: number;
      @aligned(8) @i32 length!: number;
      @i64 stamp!: bigint;
      @bits(i32, 20) low!: number;
      @bits(i32, 20) high!: number;
      @u16 tail!: number;
    }
    // gcc (checked with this struct under #pragma pack(push, 2)): length at 2 (its aligned(8)
    // capped at 2), stamp at 6, low at bits 112..131, high at bits 132..151 (across the int
    // boundary: bit-fields run on), tail at 20; 22 bytes, align 2.
    const layout = layoutOf(structInfo(header_t)!);
    assert.deepEqual(
      layout.fields.map((f) => f.bitOffset ?? f.offset * 8),
      [0, 16, 48, 112, 132, 160],
    );
    assert.deepEqual([layout.size, layout.align], [22, 2]);
    lmm.MM_REG_STRUCT(header_t);
    const h = lmm.XCALLOC(1, header_t);
    h.high = -1;
    h.tail = 0xbeef;
    const { view, offset } = blockBytes(runtime, lmm.addressOf(h));
    // gcc's bytes for the same writes: ... f0 ff ff 00 (bytes 16..19), then the tail.
    assert.equal(view.getUint8(offset + 16), 0xf0, 'high starts at bit 132: the top nibble of byte 16');
    assert.equal(view.getUint16(offset + 17, true), 0xffff);
    assert.equal(view.getUint8(offset + 19), 0x00);
    assert.equal(view.getUint16(offset + 20, true), 0xbeef);
    assert.equal(h.high, -1);
  });

  it('follows pointers inside unions and at unaligned offsets of packed structs in the leak check', () => {
    const { lmm } = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    const { struct, union, ptr, field, u8, u64 } = lmm;
    @struct
    class target_t {
      @u64 payload!: bigint;
    }
    @union
    class either_t {
      @u64 raw!: bigint;
      @ptr(() => target_t) p!: target_t | null;
    }
    @struct({ packed: true })
    class holder_t {
      @u8 tag!: number;
      @ptr(() => target_t) p!: target_t | null;
      @field(() => either_t) e!: either_t;
    }
    for (const cls of [target_t, either_t, holder_t]) lmm.MM_REG_STRUCT(cls);
    const holder = lmm.XCALLOC(1, holder_t);
    lmm.mm_register_root(holder);
    holder.p = lmm.XCALLOC(1, target_t); // at offset 1
    holder.e.p = lmm.XCALLOC(1, target_t); // through the union, at offset 9
    lmm.XCALLOC(1, target_t); // held by nothing
    const check = lmm.mm_leak_check();
    assert.deepEqual(check.summary['still-reachable'], { blocks: 3, bytes: 17 + 8 + 8 });
    assert.deepEqual(check.summary['definitely-lost'], { blocks: 1, bytes: 8 });
  });
});
