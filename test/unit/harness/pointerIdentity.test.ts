import { strict as assert } from 'node:assert';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { inProcessHarness } from '../../support/inProcessHarness';

interface Node {
  key: number;
  next: Node | null;
}

/**
 * A pointer read twice is one object, as C's `p == q` compares addresses: `a.next === b` holds
 * wherever the pointer is read from (a field, an array of pointers, a member, a variable), while
 * the block lives; a freed block's address reused by a new block is another object.
 */
describe('pointer identity: a.next === b as C’s a->next == b', () => {
  function setup() {
    const h = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    const { struct, union, field, array, ptr, i32, buf } = h.lmm;

    @struct
    class node_t {
      @i32 key!: number;
      @ptr(() => node_t) next!: node_t | null;
    }
    @union
    class either_t {
      @ptr(() => node_t) node!: node_t | null;
      @i32 tag!: number;
    }
    @struct
    class inner_t {
      @i32 tag!: number;
      @ptr(() => node_t) node!: node_t | null;
    }
    @struct
    class other_t {
      @i32 a!: number;
      @i32 b!: number;
    }
    @struct
    class holder_t {
      @array(ptr(() => node_t), 3) nodes!: (node_t | null)[];
      @field(() => inner_t) inner!: inner_t;
      @field(() => either_t) either!: either_t;
      @array(() => inner_t, 2) inners!: inner_t[];
      @ptr(buf) text!: ReturnType<typeof h.lmm.XCALLOC_BUF> | null;
      @ptr(() => other_t) raw!: other_t | null;
    }
    for (const type of [node_t, other_t, holder_t]) h.lmm.MM_REG_STRUCT(type);
    return { ...h, node_t, other_t, holder_t };
  }

  it('reads a pointer field back as the view XCALLOC returned, the same object each time', () => {
    const { lmm, node_t } = setup();
    const a = lmm.XCALLOC(1, node_t);
    const b = lmm.XCALLOC(1, node_t);
    a.next = b;
    assert.equal(a.next === b, true);
    assert.equal(a.next === a.next, true);
    b.next = a;
    assert.equal(a.next!.next === a, true);
  });

  it('deletes a node from a linked list by identity and ends a walk round a cycle', () => {
    const { lmm, node_t } = setup();
    const nodes = [0, 1, 2, 3].map((key): Node => {
      const n = lmm.XCALLOC(1, node_t);
      n.key = key;
      return n;
    });
    for (let i = 0; i < 3; i++) nodes[i]!.next = nodes[i + 1]!;
    const head = nodes[0]!;
    // C: for (prev = head; prev->next != target; prev = prev->next); prev->next = target->next;
    const target = nodes[2]!;
    let prev = head;
    while (prev.next !== target) prev = prev.next!;
    prev.next = target.next;
    lmm.XFREE(target);
    const keys: number[] = [];
    for (let p: Node | null = head; p !== null; p = p.next) keys.push(p.key);
    assert.deepEqual(keys, [0, 1, 3]);
    // A cycle: the walk stops when it is back at the head (C's do … while (p != head)).
    nodes[3]!.next = head;
    let steps = 0;
    let p = head;
    do {
      p = p.next!;
      steps++;
    } while (p !== head && steps < 10);
    assert.equal(steps, 3);
  });

  it('holds through arrays of pointers, union members, embedded structs and arrays of structs', () => {
    const { lmm, node_t, holder_t } = setup();
    const h = lmm.XCALLOC(1, holder_t);
    const n = lmm.XCALLOC(1, node_t);
    h.nodes[1] = n;
    h.inner.node = n;
    h.either.node = n;
    h.inners[1]!.node = n;
    assert.equal(h.nodes[1] === n, true);
    assert.equal(h.inner.node === n, true);
    assert.equal(h.either.node === n, true);
    assert.equal(h.inners[1]!.node === n, true);
    // The members themselves are one object each, as C's &h->inner is one address.
    assert.equal(h.inner === h.inner, true);
    assert.equal(h.either === h.either, true);
    assert.equal(h.inners[1] === h.inners[1], true);
  });

  it('holds for units v[i] and for a pointer to a unit', () => {
    const { lmm, node_t } = setup();
    const pool = lmm.XCALLOC(3, node_t);
    pool[0]!.next = pool[2]!;
    assert.equal(pool[2] === pool[2], true);
    assert.equal(pool[0] === pool, true);
    assert.equal(pool[0]!.next === pool[2], true);
    // Past the end (C's &pool[3], the end of a walk) is one address too.
    assert.equal(pool[3] === pool[3], true);
  });

  it('holds for a long block (a Proxy) and its units', () => {
    const { lmm, node_t } = setup();
    const big = lmm.XCALLOC(100, node_t);
    const other = lmm.XCALLOC(1, node_t);
    other.next = big;
    assert.equal(other.next === big, true);
    assert.equal(big[0] === big, true);
    big[70]!.next = big[99]!;
    assert.equal(big[70]!.next === big[99], true);
  });

  it('holds for global().value and local().value holding an address', () => {
    const { lmm, node_t } = setup();
    const a = lmm.XCALLOC(1, node_t);
    const g = lmm.global<typeof a>('g');
    g.value = a;
    assert.equal(g.value === a, true);
    // A variable given a bare address reads back the block's view.
    g.address = lmm.addressOf(a);
    assert.equal(g.value === a, true);
    const l = lmm.local<typeof a>(null);
    l.address = lmm.addressOf(a);
    assert.equal(l.value === a, true);
    assert.equal(l.value === l.value, true);
  });

  it('holds for XCALLOC_BUF buffers held in @ptr(buf) fields', () => {
    const { lmm, holder_t } = setup();
    const h = lmm.XCALLOC(1, holder_t);
    const text = lmm.XCALLOC_BUF(16);
    h.text = text;
    assert.equal(h.text === text, true);
    assert.equal(h.text === h.text, true);
    // A pointer into the buffer's middle (C's b + 4) is one object too, and not the buffer.
    const middle = lmm.local<typeof text>(null);
    middle.address = lmm.addressOf(text) + 4;
    assert.equal(middle.value === middle.value, true);
    assert.equal(middle.value === text, false);
    assert.equal(middle.value!.length, 12);
  });

  it('survives a leak check and a realloc in place', () => {
    const { lmm, node_t } = setup();
    const a = lmm.XCALLOC(2, node_t);
    const b = lmm.XCALLOC(1, node_t);
    lmm.global('a').value = a;
    a.next = b;
    lmm.mm_leak_check();
    assert.equal(a.next === b, true);
    b.next = a;
    const same = lmm.XREALLOC(a, 1);
    assert.equal(same === a, true);
    assert.equal(b.next === a, true);
  });

  it('gives a block moved by XREALLOC a new object; the old view dangles', () => {
    const { lmm, node_t, runtime } = setup();
    const a = lmm.XCALLOC(1, node_t);
    const b = lmm.XCALLOC(1, node_t);
    b.next = a;
    const moved = lmm.XREALLOC(a, 50);
    assert.notEqual(moved, a);
    b.next = moved;
    assert.equal(b.next === moved, true);
    const errors = runtime.errors.length;
    void a.key;
    assert.equal(runtime.errors.length, errors + 1, 'the old view reports its use after free');
  });

  it('gives a view of a freed block as a new object each read: addressOf compares it', () => {
    const { lmm, node_t } = setup();
    const holder = lmm.XCALLOC(1, node_t);
    const a = lmm.XCALLOC(1, node_t);
    holder.next = a;
    lmm.XFREE(a);
    const dangling = holder.next!;
    assert.equal(dangling === a, false);
    assert.equal(holder.next === dangling, false);
    assert.equal(lmm.addressOf(holder.next) === lmm.addressOf(a), true);
  });

  it('gives a freed-and-reused address a different object', () => {
    const { lmm, node_t } = setup();
    const holder = lmm.XCALLOC(1, node_t);
    const a = lmm.XCALLOC(1, node_t);
    holder.next = a;
    const address = lmm.addressOf(a);
    lmm.XFREE(a);
    const fresh = lmm.XCALLOC(1, node_t);
    assert.equal(lmm.addressOf(fresh), address, 'LMM hands the freed address out again');
    assert.equal(fresh === a, false);
    // The stale pointer reads the new block there, as C's holder->next == fresh.
    assert.equal(holder.next === fresh, true);
  });

  it('gives a view of another struct at the same address (a cast) as another object, the same each read', () => {
    const { lmm, node_t, holder_t } = setup();
    const h = lmm.XCALLOC(1, holder_t);
    const n = lmm.XCALLOC(1, node_t);
    h.raw = n as never;
    assert.equal(h.raw === (n as never), false);
    assert.equal(h.raw === h.raw, true);
    assert.equal(lmm.addressOf(h.raw), lmm.addressOf(n));
  });

  it('keeps no views of freed blocks: 10^6 XCALLOC/XFREE calls with pointer reads hold none', () => {
    const { lmm, node_t, holder_t, runtime } = setup();
    const head = lmm.XCALLOC(1, node_t);
    for (let i = 0; i < 500_000; i++) {
      const n = lmm.XCALLOC(1, node_t);
      head.next = n;
      n.next = head;
      if (head.next !== n || n.next !== head) assert.fail(`identity lost at ${i}`);
      lmm.XFREE(head.next);
      if (i % 1000 === 0) {
        // A block with views of its units and members: they go with it.
        const pool = lmm.XCALLOC(3, holder_t);
        if (pool[2]!.inner !== pool[2]!.inner) assert.fail(`member identity lost at ${i}`);
        lmm.XFREE(pool);
      }
    }
    assert.equal(runtime.viewIdentity.blocksHeld, 1);
    assert.equal(runtime.viewIdentity.blocksWithInnerViews, 0);
    // Slots are reused: as many as blocks were live at once (the head and a node or a pool), not one per allocation.
    assert.equal(runtime.viewIdentity.slots, 2);
  });
});
