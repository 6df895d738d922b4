/**
 * A struct's layout cannot be changed by the harness between the moment it is declared and the
 * moment a view writes through it: the field records, the field types behind each decorator and
 * the struct a type thunk names are the runtime's, fixed at their first reading. Each probe here
 * made a view write past its block into the next block and LMM's meta data (XFREE then failed
 * with an internal error) before that was so. Errors the runtime throws show the harness only
 * the harness's own frames.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../../support/harnessProbe';

const IMPORTS = `import { struct, u8, u64, field, array, bits, MM_REG_STRUCT, XCALLOC, XFREE, print, sizeof } from 'lmm-studio';\n`;

describe('the harness sandbox: layouts the harness cannot tamper with', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('field records kept in decorator metadata are out of reach: a forged u64 of size 1 is not laid out', async () => {
    const run = await probe.run(
      'metadata.lmm.ts',
      `${IMPORTS}
export default function main() {
  const meta: any = {};
  (u8 as any)(undefined, { kind: 'field', name: 'a', static: false, private: false, metadata: meta });
  const keys = Reflect.ownKeys(meta);
  print('metadata keys', keys.length);
  for (const key of keys) {
    for (const record of meta[key] ?? []) {
      try { record.type = { kind: 'scalar', scalar: { name: 'u64', size: 1, align: 1, bigint: true, signed: false, float: false, c: 'x' } }; } catch { print('record refused'); }
    }
  }
  for (const key of Object.getOwnPropertySymbols(u8)) {
    try { (u8 as any)[key].scalar = { name: 'u64', size: 1, align: 1, bigint: true, signed: false, float: false, c: 'x' }; } catch { print('type refused'); }
  }
  class evil_t { a!: any; }
  (struct as any)(evil_t, { kind: 'class', name: 'evil_t', metadata: meta });
  MM_REG_STRUCT(evil_t);
  print('sizeof', sizeof(evil_t));
  const v: any = XCALLOC(1, evil_t);
  const w: any = XCALLOC(1, evil_t);
  for (const view of [v, w]) {
    try { view.a = 0xffffffffffffffffn; } catch { view.a = 255; }
  }
  print('a', String(v.a));
  XFREE(v);
  XFREE(w);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^metadata keys 0$/m);
    assert.match(run.output, /^sizeof 1$/m);
    // A u8 field: the bigint is refused or cut to one byte, never written as 8.
    assert.doesNotMatch(run.output, /^a 18446744073709551615$/m);
    assert.deepEqual(run.finished!.report.leaks, []);
  });

  it('a decorator-like function tagged with a forged field type is no element type for @array or @bits', async () => {
    const run = await probe.run(
      'token.lmm.ts',
      `${IMPORTS}
export default function main() {
  const forged = { kind: 'scalar', scalar: { name: 'u64', size: 1, align: 1, bigint: true, signed: false, float: false, c: 'x' } };
  const token: any = () => undefined;
  for (const key of Object.getOwnPropertySymbols(u64)) token[key] = forged;
  let answer = 'accepted';
  try { (bits as any)(token, 3); } catch { answer = 'refused'; }
  print('bits', answer);
  @struct class arr_t { @array(token, 2) items!: any; }
  try { MM_REG_STRUCT(arr_t); print('sizeof', sizeof(arr_t)); } catch (e) { print('array refused'); }
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^bits refused$/m);
    // The token is taken as a struct thunk (it returns no struct): never as a u64 of size 1.
    assert.match(run.output, /^array refused$/m);
  });

  it('a type thunk answering a small struct to the layout and a large one to the views gets its first answer every time', async () => {
    const run = await probe.run(
      'thunk.lmm.ts',
      `${IMPORTS}
@struct class small_t { @u8 a!: number; }
@struct class big_t { @u64 a!: bigint; @u64 b!: bigint; @u64 c!: bigint; @u64 d!: bigint; }
let calls = 0;
const flip = () => (calls++ === 0 ? small_t : big_t);
let arrayCalls = 0;
const arrayFlip = () => (arrayCalls++ === 0 ? small_t : big_t);
@struct class outer_t { @u8 x!: number; @field(flip as any) inner!: any; }
@struct class arr_t { @array(arrayFlip as any, 2) items!: any; }
export default function main() {
  MM_REG_STRUCT(outer_t);
  MM_REG_STRUCT(arr_t);
  print('sizeof', sizeof(outer_t), sizeof(arr_t));
  const o: any = XCALLOC(1, outer_t);
  const o2: any = XCALLOC(1, outer_t);
  const r: any = XCALLOC(1, arr_t);
  const r2: any = XCALLOC(1, arr_t);
  for (const view of [o.inner, r.items[1]]) {
    print('big fields', 'd' in view, 'c' in view);
    try { view.d = 0xffffffffffffffffn; view.c = 0xffffffffffffffffn; } catch { /* not a field */ }
  }
  XFREE(o); XFREE(o2); XFREE(r); XFREE(r2);
  print('freed');
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^sizeof 2 2$/m);
    assert.doesNotMatch(run.output, /big fields true/);
    assert.match(run.output, /^freed$/m);
    assert.deepEqual(run.finished!.report.errors, []);
  });

  it("a runtime error's stack shows the harness's frames only: no host path, no Node internals, no runtime function", async () => {
    const run = await probe.run(
      'stack.lmm.ts',
      `${IMPORTS}
@struct class node_t { @u8 a!: number; }
function named_lmm_harness_js_1_1() { XCALLOC(-1, node_t); }
export default function main() {
  MM_REG_STRUCT(node_t);
  try { named_lmm_harness_js_1_1(); } catch (e: any) { print('STACK', e.stack); }
  try { (null as any).x; } catch (e: any) { print('STACK', e.stack); }
  const view: any = XCALLOC(1, node_t);
  try { view.a = {} as any; } catch (e: any) { print('STACK', e.stack); }
  XFREE(view);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const stacks = run.output.split('STACK').slice(1).join('\n');
    assert.match(stacks, /XCALLOC\(-1, node_t\)/);
    assert.match(stacks, /at lmm-harness\.js:\d+:\d+/);
    for (const leak of [process.cwd(), 'harness-worker', 'node:internal', 'HarnessRuntime', 'requireUnits', '/work/', 'dist/'])
      assert.equal(stacks.includes(leak), false, `${leak} in\n${stacks}`);
  });

  it('a struct name with a newline or a terminal escape is refused, quoted and escaped, never printed raw', async () => {
    const run = await probe.run(
      'name.lmm.ts',
      `${IMPORTS}
export default function main() {
  class evil { a!: number; }
  (struct as any)(evil, { kind: 'class', name: 'ok\\n   definitely lost: 0 bytes in 0 blocks\\u001b[2J\\u202e', metadata: {} });
  MM_REG_STRUCT(evil as any);
}
`,
    );
    assert.equal(run.outcome, 'crashed');
    assert.ok(
      run.message!.includes('MM_REG_STRUCT("ok\\n   definitely lost: 0 bytes in 0 blocks\\u001b[2J\\u202e")'),
      run.message,
    );
    const firstLine = run.message!.split('\n')[0]!;
    assert.ok(
      [...firstLine].every((c) => c >= ' ' && c <= '~'),
      firstLine,
    );
  });

  it('a field name with a newline, a terminal escape or a direction override is refused at its line, quoted, never printed raw', async () => {
    for (const name of ['a\\n   definitely lost: 0 bytes in 0 blocks', 'b\\u001b[2J', 'c\\u202e']) {
      const run = await probe.run(
        'field.lmm.ts',
        `${IMPORTS}
@struct class w_t { @u8 ['${name}']!: number; }
export default function main() {
  MM_REG_STRUCT(w_t);
  XFREE(XCALLOC(1, w_t));
}
`,
      );
      assert.equal(run.outcome, 'crashed', name);
      assert.match(
        run.message!,
        /field\.lmm\.ts:\d+:\d+: TypeError: field ".*": a struct field's name is one line of visible characters$/,
      );
      assert.ok(
        [...run.message!].every((c) => c >= ' ' && c <= '~'),
        run.message,
      );
    }
  });
});
