/**
 * `new node_t()`, what a JavaScript programmer writes for a struct (and a port of C's
 * `struct node n;`): a struct's bytes are in the heap, so it is an error naming XCALLOC, where it
 * used to make a plain object with no bytes that failed far away (a pointer field, XFREE).
 */
import { strict as assert } from 'node:assert';
import { inProcessHarness } from '../../support/inProcessHarness';

describe('a @struct class constructed with new', () => {
  it('is a TypeError naming XCALLOC, for structs, unions and structs declared with options', () => {
    const { lmm } = inProcessHarness();
    const { struct, union, u32, f32 } = lmm;

    @struct
    class node_t {
      @u32 key!: number;
    }

    @union
    class number_u {
      @u32 whole!: number;
      @f32 real!: number;
    }

    @struct({ packed: true })
    class packed_t {
      @u32 key!: number;
    }

    assert.throws(
      () => new node_t(),
      /^TypeError: new node_t\(\): a struct lives in the heap: allocate it with XCALLOC\(1, node_t\)$/,
    );
    assert.throws(() => new number_u(), /^TypeError: new number_u\(\): a union lives in the heap/);
    assert.throws(() => new packed_t(), /^TypeError: new packed_t\(\): a struct lives in the heap/);
    assert.throws(() => Reflect.construct(node_t, []), /allocate it with XCALLOC/);
  });

  it('leaves the class usable as the struct: XCALLOC, sizeof, its name, statics, a struct extending it', () => {
    const { lmm } = inProcessHarness();
    const { struct, u32 } = lmm;

    @struct
    class base_t {
      static readonly LIMIT = 4;
      @u32 key!: number;
    }

    @struct
    class derived_t extends base_t {
      @u32 extra!: number;
    }

    lmm.MM_REG_STRUCT(base_t);
    lmm.MM_REG_STRUCT(derived_t);
    assert.equal(base_t.name, 'base_t');
    assert.equal(base_t.LIMIT, 4);
    assert.equal(lmm.sizeof(base_t), 4);
    assert.equal(lmm.sizeof(derived_t), 8);
    const d = lmm.XCALLOC(1, derived_t);
    d.key = 1;
    d.extra = 2;
    assert.deepEqual(JSON.parse(JSON.stringify(d)), { key: 1, extra: 2 });
    assert.throws(() => new derived_t(), /new derived_t\(\): a struct lives in the heap/);
  });

  it('answers instanceof for views: a view of the struct (a pointer read back too) is one, anything else is not', () => {
    const { lmm } = inProcessHarness();
    const { struct, u32, ptr } = lmm;

    @struct
    class node_t {
      @u32 key!: number;
      @ptr(() => node_t) next!: node_t | null;
    }

    @struct
    class other_t {
      @u32 key!: number;
    }

    lmm.MM_REG_STRUCT(node_t);
    lmm.MM_REG_STRUCT(other_t);
    const a = lmm.XCALLOC(2, node_t);
    a.next = lmm.XCALLOC(1, node_t);
    assert.equal(a instanceof node_t, true);
    assert.equal(a.next instanceof node_t, true);
    assert.equal((a as unknown as node_t[])[1] instanceof node_t, true);
    assert.equal(a instanceof other_t, false);
    assert.equal(lmm.XCALLOC(1, other_t) instanceof node_t, false);
    assert.equal(lmm.XCALLOC_BUF(4) instanceof node_t, false);
    assert.equal({} instanceof node_t, false);
    assert.equal((null as unknown as object) instanceof node_t, false);
  });
});
