/**
 * A name that is no field of the struct, read or assigned through a view, is an error naming the
 * struct and the name (in C, a compile error), while the names JavaScript itself reads on any
 * object (`then`, symbols, `Object.prototype`'s) keep working.
 */
import { strict as assert } from 'node:assert';
import { inProcessHarness } from '../../support/inProcessHarness';
import { HarnessProbe, PRELUDE } from '../../support/harnessProbe';

describe('harness views: a name that is no field of the struct', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, union, u32, f32, ptr, field } = h.lmm;

    @struct
    class node_t {
      @u32 key!: number;
      @ptr(() => node_t) next!: node_t | null;
    }

    @union
    class number_u {
      @u32 whole!: number;
      @f32 real!: number;
    }

    @struct
    class holder_t {
      @field(() => node_t) inner!: node_t;
      @field(() => number_u) value!: number_u;
    }

    h.lmm.MM_REG_STRUCT(node_t);
    h.lmm.MM_REG_STRUCT(holder_t);
    return { ...h, node_t, holder_t };
  }
  const noField = (struct: string, name: string) => (error: unknown) =>
    error instanceof TypeError && error.message.startsWith(`${struct} has no field '${name}'`);

  it('refuses a write to a typo’d field, naming the struct, the name and its fields; the real field stays unset', () => {
    const { lmm, node_t } = setup();
    const a = lmm.XCALLOC(1, node_t);
    const b = lmm.XCALLOC(1, node_t);
    assert.throws(() => {
      (a as unknown as Record<string, unknown>).nxet = b;
    }, /^TypeError: node_t has no field 'nxet' \(its fields: key, next\)$/);
    assert.equal(a.next, null);
    assert.deepEqual(Object.getOwnPropertyNames(a), []);
    assert.throws(() => Object.assign(a, { nxet: b }), noField('node_t', 'nxet'));
  });

  it('refuses a read of a name the struct does not have, instead of undefined', () => {
    const { lmm, node_t } = setup();
    const a = lmm.XCALLOC(1, node_t) as unknown as Record<string, unknown>;
    assert.throws(() => a.nope, noField('node_t', 'nope'));
    assert.throws(() => a.length, noField('node_t', 'length'));
    // `in` asks without reading: no error, and the answer is C's.
    assert.equal('nope' in a, false);
    assert.equal('key' in a, true);
  });

  it('refuses unknown names on embedded structs, union members, long blocks and elements past the end', () => {
    const { lmm, node_t, holder_t } = setup();
    const h = lmm.XCALLOC(1, holder_t);
    assert.throws(() => (h.inner as unknown as Record<string, unknown>).nope, noField('node_t', 'nope'));
    assert.throws(
      () => {
        (h.value as unknown as Record<string, unknown>).integer = 1;
      },
      noField('number_u', 'integer'),
    );
    const long = lmm.XCALLOC(100, node_t) as unknown as Record<string, unknown>[];
    assert.throws(() => long[0]!.nope, noField('node_t', 'nope'));
    assert.throws(() => long[99]!.nope, noField('node_t', 'nope'));
    const one = lmm.XCALLOC(1, node_t) as unknown as Record<string, unknown>[];
    assert.throws(() => one[70]!.nope, noField('node_t', 'nope'));
    // Indexes are still elements, not unknown names.
    assert.equal(typeof one[70], 'object');
  });

  it('keeps what JavaScript reads on any object working: then, symbols, toJSON, Object.prototype', async () => {
    const { lmm, node_t } = setup();
    const a = lmm.XCALLOC(1, node_t);
    a.key = 7;
    const loose = a as unknown as Record<PropertyKey, unknown>;
    assert.equal(loose.then, undefined);
    assert.equal(await Promise.resolve(a), a, 'a view is no thenable');
    assert.equal(await (async () => a)(), a);
    assert.equal(JSON.stringify(a), '{"key":7,"next":null}');
    assert.equal(`${a}`, '[object node_t]');
    assert.equal(String(a), '[object node_t]');
    assert.deepEqual(Object.keys(a), []);
    assert.deepEqual({ ...a }, {});
    assert.equal(Object.prototype.hasOwnProperty.call(a, 'key'), false);
    assert.equal(typeof loose.hasOwnProperty, 'function');
    assert.equal(typeof loose.constructor, 'function');
    assert.equal(Object.getPrototypeOf(a), loose.__proto__);
    assert.equal(loose[Symbol.iterator], undefined);
    assert.throws(() => [...(a as unknown as number[])], /not iterable/);
    // A symbol is the harness's own business (a tag on an object), as on any object.
    const tag = Symbol('tag');
    loose[tag] = 1;
    assert.equal(loose[tag], 1);
  });

  it('a buffer refuses unknown names too, and keeps length, text, iteration and JSON', async () => {
    const { lmm } = setup();
    const b = lmm.XCALLOC_BUF(4);
    b.text = 'abc';
    assert.throws(() => (b as unknown as Record<string, unknown>).lenght, noField('buf', 'lenght'));
    assert.throws(() => {
      (b as unknown as Record<string, unknown>).txt = 'x';
    }, /'txt' cannot be assigned/);
    assert.equal(b.length, 4);
    assert.deepEqual([...b], [97, 98, 99, 0]);
    assert.equal(JSON.stringify(b), '{"buf":4,"text":"abc"}');
    assert.equal(await Promise.resolve(b), b);
  });

  it('an array field refuses a typo or an Array method, with what it has; JSON shows its elements', async () => {
    const { lmm } = inProcessHarness();
    const { struct, u32, u64, array, ptr } = lmm;

    @struct
    class row_t {
      @array(u32, 3) values!: number[];
      @array(u64, 2) wide!: bigint[];
      @array(ptr(() => row_t), 2) links!: (row_t | null)[];
    }

    lmm.MM_REG_STRUCT(row_t);
    const r = lmm.XCALLOC(1, row_t);
    r.values[1] = 5;
    r.wide[0] = 2n ** 60n;
    r.links[1] = r;
    const loose = r.values as unknown as Record<string, unknown>;
    assert.throws(
      () => loose.lenght,
      /^TypeError: row_t\.values \(an array of 3\) has no 'lenght': it has v\[0\] … v\[2\], length and iteration \(\[\.\.\.v\] makes a JavaScript array\)$/,
    );
    assert.throws(() => r.values.map((x) => x), /row_t\.values \(an array of 3\) has no 'map'/);
    assert.equal(r.values.length, 3);
    assert.deepEqual([...r.values], [0, 5, 0]);
    assert.deepEqual(Array.from(r.values), [0, 5, 0]);
    assert.equal(loose.then, undefined);
    assert.equal(await Promise.resolve(loose), loose, 'an array view is no thenable');
    const address = `0x${lmm.addressOf(r).toString(16)}`;
    assert.equal(JSON.stringify(r), `{"values":[0,5,0],"wide":["${2n ** 60n}","0"],"links":[null,"${address}"]}`);
  });

  it('an object that merely inherits from a view is no view: it reads as any object', () => {
    const { lmm, node_t } = setup();
    const heir = Object.create(lmm.XCALLOC(1, node_t) as object) as Record<string, unknown>;
    assert.equal(heir.nope, undefined);
  });

  describe('in a run', function () {
    this.timeout(60_000);
    const probe = new HarnessProbe();
    after(() => probe.dispose());

    it('ends the run at the harness line and column of the typo', async () => {
      const run = await probe.run(
        'typo.lmm.ts',
        `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  const a = XCALLOC(1, node_t);\n  (a as any).nxet = a;\n}\n`,
      );
      assert.equal(run.outcome, 'crashed', run.message);
      assert.match(run.message!, /typo\.lmm\.ts:6:14: TypeError: node_t has no field 'nxet' \(its fields: key, name, next\)/);
    });
  });
});
