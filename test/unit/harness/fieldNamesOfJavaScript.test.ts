/**
 * C field names that JavaScript also uses (`toString`, `valueOf`, `hasOwnProperty`, `__proto__`,
 * `toJSON`, `then`) are the struct's fields: read, written, printed and shown as JSON as any other,
 * in the sandbox, where `Object.prototype` is frozen. A name that is a unit index (`'0'`, `'-1'`)
 * cannot be a field, since `v[0]` is the view's first unit: it is refused where it is declared.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../support/harnessProbe';

const HEADER = `import { struct, u32, MM_REG_STRUCT, XCALLOC, print } from 'lmm-studio';\n`;

describe('harness views: fields named as JavaScript names', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('reads, writes, prints and stringifies fields named as Object.prototype members', async () => {
    const run = await probe.run(
      'prototype-names.lmm.ts',
      `${HEADER}@struct class named_t {
  @u32 toString!: number;
  @u32 valueOf!: number;
  @u32 hasOwnProperty!: number;
  @u32 isPrototypeOf!: number;
  @u32 __proto__!: number;
  @u32 then!: number;
}
export default async function main() {
  MM_REG_STRUCT(named_t);
  const v = XCALLOC(1, named_t) as any;
  v.toString = 1; v.valueOf = 2; v.hasOwnProperty = 3; v.isPrototypeOf = 4; v.__proto__ = 5; v.then = 6;
  print('fields', v.toString, v.valueOf, v.hasOwnProperty, v.isPrototypeOf, v.__proto__, v.then);
  print('json', JSON.stringify(v));
  console.log('logged', v);
  print('awaited', (await v) === v);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^fields 1 2 3 4 5 6$/m);
    const json = '{"toString":1,"valueOf":2,"hasOwnProperty":3,"isPrototypeOf":4,"__proto__":5,"then":6}';
    assert.ok(run.output.includes(`json ${json}\n`), run.output);
    assert.match(run.output, new RegExp(`^logged named_t 0x[0-9a-f]+ ${json.replace(/[{}]/g, '\\$&')}$`, 'm'));
    assert.match(run.output, /^awaited true$/m);
  });

  it('reads and prints a field named toJSON', async () => {
    const run = await probe.run(
      'tojson.lmm.ts',
      `${HEADER}@struct class shown_t { @u32 toJSON!: number; @u32 key!: number; }
export default function main() {
  MM_REG_STRUCT(shown_t);
  const v = XCALLOC(1, shown_t);
  v.toJSON = 7;
  v.key = 8;
  print('field', v.toJSON);
  console.log(v);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^field 7$/m);
    assert.match(run.output, /^shown_t 0x[0-9a-f]+ \{"toJSON":7,"key":8\}$/m);
  });

  for (const name of ['0', '7', '-1']) {
    it(`refuses a field named '${name}' where it is declared (v[${name}] is a unit)`, async () => {
      const run = await probe.run(
        'index-name.lmm.ts',
        `${HEADER}@struct class digits_t {
  @u32 key!: number;
  @u32 '${name}'!: number;
}
export default function main() {
  MM_REG_STRUCT(digits_t);
  XCALLOC(1, digits_t);
}
`,
      );
      assert.equal(run.outcome, 'crashed');
      assert.match(run.message!, new RegExp(`index-name\\.lmm\\.ts:4:8: TypeError: field '${name}': .*v\\[${name}\\]`));
    });
  }
});
