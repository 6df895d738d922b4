import { strict as assert } from 'node:assert';
import { printable } from '../../../src/harness/api/printedText';
import { inProcessHarness } from '../../support/inProcessHarness';

/**
 * `print(v)` and `console.log(v)` show a view's fields while its bytes are the block's; a freed
 * view, a unit past the block's end or a bad pointer's view is shown as such, with no field read:
 * a debugging print adds no use-after-free or out-of-bounds error to the run (it added one per
 * field, shown as zeros).
 */
describe('printing a view whose bytes cannot be read', () => {
  function setup() {
    const h = inProcessHarness();
    const { struct, i32, ptr } = h.lmm;
    @struct
    class node_t {
      @i32 key!: number;
      @ptr(() => node_t) next!: node_t | null;
    }
    h.lmm.MM_REG_STRUCT(node_t);
    return { ...h, node_t };
  }

  it('prints a live view’s fields, and a freed one as freed, reading none', () => {
    const { lmm, node_t, runtime } = setup();
    const n = lmm.XCALLOC(1, node_t);
    n.key = 7;
    const address = lmm.addressOf(n).toString(16);
    assert.equal(printable(n), `node_t 0x${address} {"key":7,"next":null}`);
    lmm.XFREE(n);
    assert.equal(printable(n), `node_t 0x${address} (freed: its fields are not read)`);
    assert.equal(runtime.errors.length, 0);
  });

  it('prints a unit past the block’s end as outside it, reading none', () => {
    const { lmm, node_t, runtime } = setup();
    const pair = lmm.XCALLOC(2, node_t) as unknown as Record<number, object>;
    assert.match(printable(pair[1]), /^node_t 0x[0-9a-f]+ \{"key":0,"next":null\}$/);
    assert.match(printable(pair[2]), /^node_t 0x[0-9a-f]+ \(outside its block: its fields are not read\)$/);
    assert.equal(runtime.errors.length, 0);
  });

  it('prints a pointer into no block as such', () => {
    const { lmm, node_t, runtime } = setup();
    const holder = lmm.XCALLOC(1, node_t);
    holder.next = 0x10 as never;
    const wild = holder.next!;
    const errors = runtime.errors.length;
    assert.match(printable(wild), /\(no block: its fields are not read\)$/);
    assert.equal(runtime.errors.length, errors, 'the print adds none to the bad pointer’s own report');
  });
});
