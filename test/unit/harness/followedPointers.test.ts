import { strict as assert } from 'node:assert';
import { checkLeaks, type LeakCheckResult } from '../../../src/analysis/leakCheck';
import { inProcessHarness } from '../../support/inProcessHarness';

interface Leaf {
  x: number;
}

/**
 * What the leak check follows inside a block: pointer fields wherever the layout has them, holding
 * a view or an address; and what it does not, unlike memcheck's scan of every aligned 8 bytes: an
 * address kept as an integer, in a char array or in a buffer's bytes.
 */
describe('pointers the leak check follows inside blocks', () => {
  function setup() {
    const h = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    const { struct, union, field, array, ptr, u8, u64, i32 } = h.lmm;

    @struct
    class leaf_t {
      @i32 x!: number;
    }
    @struct
    class inner_t {
      @i32 tag!: number;
      @ptr(() => leaf_t) p!: leaf_t | null;
    }
    @union
    class either_t {
      @ptr(() => leaf_t) p!: leaf_t | null;
      @u64 bits!: bigint;
    }
    @struct
    class other_t {
      @i32 y!: number;
      @i32 z!: number;
    }
    @struct
    class top_t {
      @array(ptr(() => leaf_t), 3) kids!: (leaf_t | null)[];
      @field(() => inner_t) inner!: inner_t;
      @field(() => either_t) either!: either_t;
      @ptr(() => leaf_t) next!: leaf_t | null;
      @u64 asInteger!: bigint;
      @array(u8, 8) asBytes!: number[];
    }
    for (const type of [leaf_t, other_t, top_t]) h.lmm.MM_REG_STRUCT(type);
    const top = h.lmm.XCALLOC(2, top_t);
    h.lmm.global<top_t>('top').value = top;
    /** The kind of the block at `address` in a leak check now. */
    const kindOf = (address: number): string => {
      const result = h.lmm.mm_leak_check() as unknown as LeakCheckResult;
      const record = result.records.find((r) => (r.addresses ?? []).includes(address));
      assert.ok(record, `no loss record holds 0x${address.toString(16)}`);
      return record.kind;
    };
    return { ...h, leaf_t, other_t, top, kindOf };
  }

  it('follows @ptr fields in pointer arrays, embedded structs, unions and every unit of the block', () => {
    const { lmm, leaf_t, top, kindOf } = setup();
    const inArray = lmm.XCALLOC(1, leaf_t);
    top.kids[2] = inArray;
    const inStruct = lmm.XCALLOC(1, leaf_t);
    top.inner.p = inStruct;
    const inUnion = lmm.XCALLOC(1, leaf_t);
    top.either.p = inUnion;
    const inSecondUnit = lmm.XCALLOC(1, leaf_t);
    top[1]!.next = inSecondUnit;
    for (const block of [inArray, inStruct, inUnion, inSecondUnit]) assert.equal(kindOf(lmm.addressOf(block)), 'still-reachable');
    // Overwriting the union through its other member drops the pointer, as the bytes say.
    top.either.bits = 0n;
    assert.equal(kindOf(lmm.addressOf(inUnion)), 'definitely-lost');
  });

  it('follows a @ptr field whatever block it holds (a C void *) and an address assigned to it as a number', () => {
    const { lmm, other_t, leaf_t, top, kindOf } = setup();
    const other = lmm.XCALLOC(1, other_t);
    top.next = other as unknown as Leaf;
    assert.equal(kindOf(lmm.addressOf(other)), 'still-reachable');

    const pair = lmm.XCALLOC(2, leaf_t);
    top.next = lmm.addressOf(pair) as never;
    assert.equal(lmm.addressOf(top.next), lmm.addressOf(pair));
    assert.equal(kindOf(lmm.addressOf(pair)), 'still-reachable');
    assert.equal(kindOf(lmm.addressOf(other)), 'definitely-lost');
    // C's `s->next = (char *)pair + 2`: an address inside the block makes it possibly lost.
    top.next = (lmm.addressOf(pair) + 2) as never;
    assert.equal(kindOf(lmm.addressOf(pair)), 'possibly-lost');
  });

  it('does not follow an address kept as an integer, in a char array or in a buffer (memcheck would)', () => {
    const { lmm, leaf_t, top, kindOf } = setup();
    const asInteger = lmm.XCALLOC(1, leaf_t);
    top.asInteger = BigInt(lmm.addressOf(asInteger));
    const asBytes = lmm.XCALLOC(1, leaf_t);
    let address = lmm.addressOf(asBytes);
    for (let i = 0; i < 8; i++, address = Math.floor(address / 256)) top.asBytes[i] = address % 256;
    const buffer = lmm.XCALLOC_BUF(8);
    lmm.global('buffer').value = buffer;
    const inBuffer = lmm.XCALLOC(1, leaf_t);
    address = lmm.addressOf(inBuffer);
    for (let i = 0; i < 8; i++, address = Math.floor(address / 256)) buffer[i] = address % 256;
    for (const block of [asInteger, asBytes, inBuffer]) assert.equal(kindOf(lmm.addressOf(block)), 'definitely-lost');
    // The same address in a @ptr field is followed.
    top.next = lmm.addressOf(asInteger) as never;
    assert.equal(kindOf(lmm.addressOf(asInteger)), 'still-reachable');
  });
});
