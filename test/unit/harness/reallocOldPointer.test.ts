import { strict as assert } from 'node:assert';
import { checkLeaks, type LeakCheckResult } from '../../../src/analysis/leakCheck';
import { inProcessHarness } from '../../support/inProcessHarness';

interface Cell {
  v: number;
}

/**
 * The pointer a program kept from before a realloc. In C it is indeterminate afterwards, moved or
 * not; memcheck's realloc always moves, so every use of it is an error there. LMM's XREALLOC keeps
 * a block that has the units in place and gives back the very view it was given: the old pointer
 * is the new one, and LMM cannot tell a use of one from a use of the other. A realloc that moves
 * frees the old block, and the old pointer dangles as after any free.
 */
describe('a pointer kept from before a realloc', () => {
  function setup() {
    const h = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    const { struct, ptr, i32 } = h.lmm;
    @struct
    class cell_t {
      @i32 v!: number;
    }
    @struct
    class node_t {
      @ptr(() => cell_t) data!: Cell | null;
    }
    for (const type of [cell_t, node_t]) h.lmm.MM_REG_STRUCT(type);
    const node = h.lmm.XCALLOC(1, node_t);
    h.lmm.global<node_t>('node').value = node;
    const kindOf = (block: object): string | undefined => {
      const address = h.lmm.addressOf(block);
      const result = h.lmm.mm_leak_check() as unknown as LeakCheckResult;
      return result.records.find((r) => (r.addresses ?? []).includes(address))?.kind;
    };
    const errors = () => h.runtime.errors.map((e) => e.kind);
    return { ...h, cell_t, node, kindOf, errors };
  }

  it('kept in place: it is the view XREALLOC gives back, so using it, holding it in a field and freeing through it are the new pointer’s', () => {
    const { lmm, cell_t, node, kindOf, errors } = setup();
    const before = lmm.XCALLOC(4, cell_t);
    node.data = before; // the only pointer the program keeps to the block
    const after = lmm.XREALLOC(before, 2)!; // in place: LMM keeps the 4 units
    assert.equal(after, before, 'the same view');
    before[1]!.v = 1; // memcheck: "Invalid write of size 4 ... inside a block of size 16 free'd"
    assert.deepEqual(errors(), []);
    // memcheck finds the realloc's block definitely lost: the field holds the freed block's address.
    assert.equal(kindOf(after), 'still-reachable');
    node.data = null;
    lmm.global<Cell>('old').value = before; // a variable holding the old pointer: a root of the block
    assert.equal(kindOf(after), 'still-reachable');
    const buffer = lmm.XCALLOC_BUF(16);
    assert.equal(lmm.XREALLOC_BUF(buffer, 8), buffer, 'a buffer kept in place is the same view too');
    lmm.XFREE(buffer);
    lmm.XFREE(before); // memcheck: an invalid free of the block the realloc freed
    lmm.XFREE(after); // memcheck: frees the realloc's block; LMM: the block is freed already
    assert.deepEqual(errors(), ['double-free']);
  });

  it('moved: it is a pointer to a freed block, as after XFREE (what memcheck reports for every realloc)', () => {
    const { lmm, cell_t, node, kindOf, errors } = setup();
    const before = lmm.XCALLOC(1, cell_t);
    node.data = before;
    const after = lmm.XREALLOC(before, 8)!;
    assert.notEqual(lmm.addressOf(after), lmm.addressOf(before), 'the realloc moves the block');
    before.v = 1;
    assert.deepEqual(errors(), ['use-after-free']);
    assert.equal(kindOf(after), 'definitely-lost', 'the field holds the old block’s address');
    lmm.XFREE(before);
    assert.deepEqual(errors(), ['use-after-free', 'double-free']);
    lmm.XFREE(after);
    assert.deepEqual(errors(), ['use-after-free', 'double-free']);
  });
});
