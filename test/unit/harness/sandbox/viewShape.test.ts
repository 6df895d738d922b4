/**
 * A struct view's fields are its prototype's accessors over the block's bytes. A harness may
 * define own properties on a view (a symbol tag is its own business: unknownFields.test.ts), even
 * one named as a field; it then reads its own values through them.
 * What LMM shows of the view does not take them: `print(p)` and `console.log(p)` showed the
 * shadowing values (`{"key":99,"next":null}` while the block held 7 and a pointer), as if they
 * were the block's.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

describe('the harness sandbox: a print of a view shows its block', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('fields shadowed by own properties: print and console.log still show the block’s values', async () => {
    const run = await probe.run(
      'reshape.lmm.ts',
      `${PRELUDE}export default function main() {
  MM_REG_STRUCT(node_t);
  const a = XCALLOC(1, node_t)!;
  const b = XCALLOC(1, node_t)!;
  a.key = 7;
  a.next = b;
  b.key = 8;
  Object.defineProperty(a, 'key', { get: () => 99 });
  Object.defineProperty(a, 'next', { value: null });
  Object.defineProperty(b, 'key', { value: 98 });
  print('OWN', a.key, a.next, b.key);
  print(a);
  console.log(b, JSON.stringify(a));
  XFREE(b);
  XFREE(a);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const [own, printedA, printedB] = run.output.trim().split('\n');
    assert.equal(own, 'OWN 99 null 98', 'the harness reads what it defined');
    assert.match(printedA!, /^node_t 0x[0-9a-f]+ \{"key":7,"name":"","next":"0x[0-9a-f]+"\}$/);
    assert.match(printedB!, /^node_t 0x[0-9a-f]+ \{"key":8,"name":"","next":null\} \{"key":7,"name":"","next":"0x[0-9a-f]+"\}$/);
    assert.equal(printedA!.split('"next":"')[1], `${printedB!.split(' ')[1]}"}`, 'a.next is b, as the block says');
    assert.deepEqual(run.finished!.report.errors, []);
  });
});
