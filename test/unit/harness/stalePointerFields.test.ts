import { strict as assert } from 'node:assert';
import { checkLeaks, type LeakCheckResult } from '../../../src/analysis/leakCheck';
import { inProcessHarness } from '../../support/inProcessHarness';

interface Pair {
  a: Pair | null;
  b: Pair | null;
}

/**
 * A pointer field left holding a freed block's address dangles, as a pointer variable does: LMM
 * hands that address out again at once, where memcheck keeps freed blocks out of use (its freed
 * queue), so the block LMM puts there is not what the field pointed to, and the field does not
 * make it reachable. A pointer written (or copied) after the new block was allocated does.
 */
describe('pointer fields holding a freed block’s address, when LMM puts a new block there', () => {
  function setup() {
    const h = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    const { struct, union, field, array, ptr, u64 } = h.lmm;

    @struct
    class pair_t {
      @ptr(() => pair_t) a!: pair_t | null;
      @ptr(() => pair_t) b!: pair_t | null;
    }
    @union
    class either_t {
      @ptr(() => pair_t) p!: pair_t | null;
      @u64 bits!: bigint;
    }
    @struct
    class box_t {
      @array(ptr(() => pair_t), 2) many!: (pair_t | null)[];
    }
    @struct
    class holder_t {
      @field(() => box_t) box!: box_t;
      @ptr(() => pair_t) one!: pair_t | null;
      @array(ptr(() => pair_t), 2) many!: (pair_t | null)[];
      @field(() => pair_t) inner!: pair_t;
      @field(() => either_t) either!: either_t;
      @array(() => pair_t, 2) pairs!: pair_t[];
    }
    for (const type of [pair_t, box_t, holder_t]) h.lmm.MM_REG_STRUCT(type);
    const holder = h.lmm.XCALLOC(1, holder_t);
    h.lmm.global<holder_t>('holder').value = holder;
    const kindOf = (block: object): string => {
      const address = h.lmm.addressOf(block);
      const result = h.lmm.mm_leak_check() as unknown as LeakCheckResult;
      const record = result.records.find((r) => (r.addresses ?? []).includes(address));
      assert.ok(record, `no loss record holds 0x${address.toString(16)}`);
      return record.kind;
    };
    /** A pair freed, then the new pair LMM puts at its address (asserted: the case needs the reuse). */
    const freedThenReused = (): Pair => {
      const freed = h.lmm.XCALLOC(1, pair_t);
      const old = h.lmm.addressOf(freed);
      h.lmm.XFREE(freed);
      const block = h.lmm.XCALLOC(1, pair_t);
      assert.equal(h.lmm.addressOf(block), old, 'LMM gives the freed address to the next block of its size');
      return block;
    };
    return { ...h, pair_t, box_t, holder_t, holder, kindOf, freedThenReused };
  }

  it('a field, an array element and a union member still holding the freed address do not reach the new block', () => {
    const { lmm, pair_t, holder, kindOf } = setup();
    for (const store of [
      (p: Pair) => (holder.one = p),
      (p: Pair) => (holder.many[1] = p),
      (p: Pair) => (holder.inner.b = p),
      (p: Pair) => (holder.either.p = p),
    ]) {
      const freed = lmm.XCALLOC(1, pair_t);
      store(freed);
      lmm.XFREE(freed);
      const reused = lmm.XCALLOC(1, pair_t);
      assert.equal(lmm.addressOf(reused), lmm.addressOf(freed));
      assert.equal(kindOf(reused), 'definitely-lost', String(store));
      // Stored again after the new block was allocated: the pointer is the new block's.
      store(reused);
      assert.equal(kindOf(reused), 'still-reachable', String(store));
      lmm.XFREE(reused);
    }
  });

  it('an address written before any block was there (a wild pointer) does not reach the block put there later', () => {
    const { lmm, pair_t, holder, kindOf } = setup();
    const probe = lmm.XCALLOC(1, pair_t);
    const address = lmm.addressOf(probe);
    lmm.XFREE(probe);
    holder.one = address as never;
    const later = lmm.XCALLOC(1, pair_t);
    assert.equal(lmm.addressOf(later), address);
    assert.equal(kindOf(later), 'definitely-lost');
  });

  it('a struct copied over the field or an array element, or an address written into a union’s integer member over it, is a pointer stored now', () => {
    const { lmm, pair_t, holder, kindOf } = setup();
    holder.inner.a = null; // a store before `late` was allocated
    const late = lmm.XCALLOC(1, pair_t);
    const source = lmm.XCALLOC(1, pair_t); // held by no root: lost, and `late` only through holder
    source.a = late;
    holder.inner = source; // C's holder->inner = *source: copies the pointer to `late`
    assert.equal(kindOf(late), 'still-reachable');
    holder.pairs[1]!.b = null;
    const third = lmm.XCALLOC(1, pair_t);
    source.a = null;
    source.b = third;
    holder.pairs[1] = source; // an element of an array of structs, copied as a whole
    assert.equal(kindOf(third), 'still-reachable');
    holder.either.p = null;
    const second = lmm.XCALLOC(1, pair_t);
    holder.either.bits = BigInt(lmm.addressOf(second));
    assert.equal(kindOf(second), 'still-reachable');
  });

  it('a struct copy of a field still holding the freed address copies a pointer that does not reach the new block either', () => {
    const { lmm, pair_t, box_t, holder_t, holder, kindOf } = setup();
    const source = lmm.XCALLOC(1, pair_t); // held by no root
    const freed = lmm.XCALLOC(1, pair_t);
    source.a = freed;
    lmm.XFREE(freed);
    const reused = lmm.XCALLOC(1, pair_t);
    assert.equal(lmm.addressOf(reused), lmm.addressOf(freed));
    holder.inner = source; // C's holder->inner = *source, after `reused` was allocated
    assert.equal(kindOf(reused), 'definitely-lost', 'a copied struct');
    const younger = lmm.XCALLOC(1, holder_t); // a holder allocated after `reused`
    lmm.global<object>('younger').value = younger;
    younger.inner = source;
    assert.equal(kindOf(reused), 'definitely-lost', 'copied into a block younger than the one it points at');
    lmm.XFREE(younger);
    holder.pairs[0] = holder.inner; // a copy of the copy, into an element of an array of structs
    assert.equal(kindOf(reused), 'definitely-lost', 'an array element copied from the copy');
    const box = lmm.XCALLOC(1, box_t);
    box.many[1] = reused; // a pointer to `reused`, freed next
    lmm.XFREE(reused);
    const third = lmm.XCALLOC(1, pair_t); // at the same address again
    assert.equal(lmm.addressOf(third), lmm.addressOf(freed));
    holder.box = box; // a struct holding an array of pointers, copied whole
    assert.equal(kindOf(third), 'definitely-lost', 'an array of pointers copied with its struct');
    holder.box.many[1] = third; // stored again now: the new block's pointer
    assert.equal(kindOf(third), 'still-reachable');
  });

  it('a view of a freed block stored after LMM put a new block there is the freed block’s pointer (C’s `h->one = p`, p dangling)', () => {
    const { lmm, pair_t, holder, kindOf } = setup();
    for (const store of [(p: Pair) => (holder.one = p), (p: Pair) => (holder.many[0] = p), (p: Pair) => (holder.either.p = p)]) {
      const freed = lmm.XCALLOC(1, pair_t);
      lmm.XFREE(freed);
      const reused = lmm.XCALLOC(1, pair_t);
      assert.equal(lmm.addressOf(reused), lmm.addressOf(freed));
      store(freed); // after `reused` was allocated
      assert.equal(kindOf(reused), 'definitely-lost', String(store));
      store(reused);
      assert.equal(kindOf(reused), 'still-reachable', String(store));
      lmm.XFREE(reused);
    }
  });

  it('a field read after LMM put a new block at its freed address gives that block’s view: no error through it, and a pointer to it when stored (memcheck: an access to a freed block, and the block lost)', () => {
    const { lmm, runtime, pair_t, holder, kindOf } = setup();
    const freed = lmm.XCALLOC(1, pair_t);
    holder.one = freed;
    lmm.XFREE(freed);
    lmm.XCALLOC(1, pair_t); // at the freed address
    const read = holder.one!; // C: holder->one, still the freed block's address
    read.a = null; // memcheck: an invalid write to a freed block
    assert.deepEqual(
      runtime.errors.map((e) => e.kind),
      [],
    );
    assert.equal(kindOf(read), 'definitely-lost', 'the field itself does not reach it');
    lmm.global<Pair>('copy').value = read;
    assert.equal(kindOf(read), 'still-reachable', 'a variable given the view read from it does');
  });

  it('a realloc that moves a block keeps its stale pointers stale, and its live ones followed', () => {
    const { lmm, pair_t, kindOf } = setup();
    const src = lmm.XCALLOC(1, pair_t);
    const kept = lmm.XCALLOC(1, pair_t);
    const freed = lmm.XCALLOC(1, pair_t);
    src.a = freed;
    src.b = kept;
    lmm.XFREE(freed);
    const reused = lmm.XCALLOC(1, pair_t);
    assert.equal(lmm.addressOf(reused), lmm.addressOf(freed));
    const moved = lmm.XREALLOC(src, 2)!;
    assert.notEqual(lmm.addressOf(moved), lmm.addressOf(src), 'the realloc moves the block');
    lmm.global<Pair>('moved').value = moved;
    assert.equal(kindOf(reused), 'definitely-lost');
    assert.equal(kindOf(kept), 'still-reachable');
    moved.a = reused; // stored again now
    assert.equal(kindOf(reused), 'still-reachable');
  });

  it('a pointer a realloc copied into a block where an earlier block had stored one is followed', () => {
    const { lmm, pair_t, holder_t, kindOf } = setup();
    const src = lmm.XCALLOC(1, pair_t);
    const earlier = lmm.XCALLOC(1, pair_t);
    earlier.a = null; // stored in `earlier`'s life
    lmm.XFREE(earlier);
    const target = lmm.XCALLOC(1, holder_t); // another family: not at `earlier`'s address
    src.a = target as never;
    const moved = lmm.XREALLOC(src, 2); // copied to a new block, at `earlier`'s address
    assert.equal(lmm.addressOf(moved), lmm.addressOf(earlier), 'the realloc moves the block where `earlier` was');
    lmm.global<Pair>('moved').value = moved;
    assert.equal(kindOf(target), 'still-reachable');
  });

  it('a block whose own earlier occupant wrote the field: the new holder’s pointer is followed as written', () => {
    const { lmm, pair_t, kindOf } = setup();
    const first = lmm.XCALLOC(1, pair_t);
    const target = lmm.XCALLOC(1, pair_t);
    first.a = target;
    lmm.XFREE(first);
    const second = lmm.XCALLOC(1, pair_t); // at first's address: its field bytes are zeroed
    lmm.global<Pair>('second').value = second;
    second.a = target;
    assert.equal(kindOf(target), 'still-reachable');
  });
});
