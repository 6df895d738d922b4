import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLeaks, type LeakCheckResult } from '../../../src/analysis/leakCheck';
import { checkHeap } from '../../../src/engine/invariants';
import { runHarness } from '../../../src/harness/runHarness';
import { blockBytes, inProcessHarness } from '../../support/inProcessHarness';

/** The fields of `rec_t` (declared inside setup(), so its class is a value there). */
interface Rec {
  id: number;
  pad: number;
  next: Rec | null;
}

/** Roots are the C program's pointer variables: globals, locals in scope, registered blocks. */
describe('pointer variables as roots (global, local, mm_register_root)', () => {
  function setup() {
    const h = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    const { struct, u32, ptr } = h.lmm;

    @struct
    class rec_t {
      @u32 id!: number;
      @u32 pad!: number;
      @ptr(() => rec_t) next!: rec_t | null;
    }
    h.lmm.MM_REG_STRUCT(rec_t);
    const kinds = () => {
      const result = h.lmm.mm_leak_check() as unknown as LeakCheckResult;
      const out: Record<string, number> = {};
      for (const [kind, { blocks }] of Object.entries(result.summary)) if (blocks > 0) out[kind] = blocks;
      return out;
    };
    return { ...h, rec_t, kinds };
  }

  describe('global', () => {
    it('holds what it is assigned: re-pointing loses the old block, null clears it', () => {
      const { lmm, rec_t, kinds } = setup();
      const g = lmm.global<Rec>('g');
      assert.equal(g.value, null);
      const a = lmm.XCALLOC(1, rec_t);
      g.value = a;
      assert.deepEqual(kinds(), { 'still-reachable': 1 });
      g.value = lmm.XCALLOC(1, rec_t);
      assert.deepEqual(kinds(), { 'definitely-lost': 1, 'still-reachable': 1 });
      g.value = null;
      assert.deepEqual(kinds(), { 'definitely-lost': 2 });
      assert.equal(g.address, 0);
    });

    it('is declared once, with a name', () => {
      const { lmm } = setup();
      lmm.global('head');
      assert.throws(() => lmm.global('head'), /global head is declared twice/);
      assert.throws(() => lmm.global('' as string), /a global needs its name/);
      assert.throws(() => lmm.global(7 as unknown as string), /a global needs its name/);
    });

    it('takes an initial block, and refuses what is not a pointer with a clear error', () => {
      const { lmm, rec_t, kinds } = setup();
      const g = lmm.global('g', lmm.XCALLOC(1, rec_t));
      assert.deepEqual(kinds(), { 'still-reachable': 1 });
      assert.throws(() => {
        (g as { value: unknown }).value = 5;
      }, /assign an address to \.address, a block to \.value/);
      assert.throws(() => {
        (g as { address: unknown }).address = lmm.XCALLOC(1, rec_t);
      }, /\.address takes a number/);
      assert.throws(() => {
        g.address = -8;
      }, /a pointer holds a block \(a view\), null or an address/);
      assert.throws(() => lmm.global('h', 'text' as never), /a pointer holds a block/);
    });

    it('exposes nothing of the runtime: name, value and address only, frozen', () => {
      const { lmm } = setup();
      const g = lmm.global('g');
      assert.deepEqual(Object.keys(g), ['name', 'value']);
      assert.deepEqual(Object.getOwnPropertyNames(g).sort(), ['address', 'name', 'value']);
      assert.ok(Object.isFrozen(g));
      assert.equal(Object.getPrototypeOf(g), Object.prototype);
      for (const key of ['value', 'address']) {
        const descriptor = Object.getOwnPropertyDescriptor(g, key)!;
        assert.equal(descriptor.get!.length, 0);
        assert.equal(Object.keys(descriptor.get!).length, 0);
      }
    });
  });

  describe('dangling pointers', () => {
    it('a global still holding a freed block is no root: the block LMM puts at that address is lost', () => {
      const { runtime, lmm, rec_t, kinds } = setup();
      const g = lmm.global<Rec>('g');
      g.value = lmm.XCALLOC(1, rec_t);
      lmm.XFREE(g.value);
      const reused = lmm.XCALLOC(1, rec_t);
      assert.equal(lmm.addressOf(reused), g.address, 'LMM hands the same address out again');
      assert.deepEqual(kinds(), { 'definitely-lost': 1 });
      assert.deepEqual(runtime.roots, []);
      // Using it is a use after free (of the old block), never a touch of the new one.
      g.value!.id = 3;
      assert.equal(reused.id, 0);
      assert.deepEqual(
        runtime.errors.map((e) => e.kind),
        ['use-after-free'],
      );
    });

    it('mm_register_root of a block later freed dangles too (a root outliving its block)', () => {
      const { lmm, rec_t, kinds } = setup();
      const a = lmm.XCALLOC(1, rec_t);
      lmm.mm_register_root(a);
      lmm.XFREE(a);
      lmm.XCALLOC(1, rec_t);
      assert.deepEqual(kinds(), { 'definitely-lost': 1 });
    });

    it('an address assigned to .address dangles once its block is freed', () => {
      const { lmm, rec_t, kinds } = setup();
      const g = lmm.global<Rec>('g');
      const a = lmm.XCALLOC(1, rec_t);
      g.address = lmm.addressOf(a);
      assert.deepEqual(kinds(), { 'still-reachable': 1 });
      lmm.XFREE(a);
      lmm.XCALLOC(1, rec_t);
      assert.deepEqual(kinds(), { 'definitely-lost': 1 });
    });
  });

  describe('interior pointers', () => {
    it('a variable pointing into a block makes it possibly lost; it reads back as a view there', () => {
      const { lmm, rec_t, kinds } = setup();
      const g = lmm.global<Rec>('g');
      const list = lmm.XCALLOC(3, rec_t);
      list[1].id = 42;
      g.address = lmm.addressOf(list) + 16;
      assert.deepEqual(kinds(), { 'possibly-lost': 1 });
      assert.equal(g.value!.id, 42);
      assert.equal(lmm.addressOf(g.value), lmm.addressOf(list) + 16);
      g.value = list[2];
      assert.deepEqual(kinds(), { 'possibly-lost': 1 });
      g.value = list;
      assert.deepEqual(kinds(), { 'still-reachable': 1 });
    });

    it('mm_register_root takes an address inside a block, and mm_unregister_root the same address', () => {
      const { lmm, rec_t, kinds } = setup();
      const a = lmm.XCALLOC(2, rec_t);
      lmm.mm_register_root(lmm.addressOf(a) + 4);
      assert.deepEqual(kinds(), { 'possibly-lost': 1 });
      lmm.mm_unregister_root(lmm.addressOf(a) + 4);
      assert.deepEqual(kinds(), { 'definitely-lost': 1 });
    });

    it('a view at an address where the struct no longer fits reaches the fields inside the block, and no further', () => {
      const { runtime, lmm, rec_t } = setup();
      const a = lmm.XCALLOC(1, rec_t);
      const after = lmm.XCALLOC(1, rec_t);
      const g = lmm.global<Rec>('g');
      g.address = lmm.addressOf(a) + 8; // a rec_t from here would end 8 bytes past the block
      g.value!.id = 1; // bytes 8..11 of the block: a's `next`, low half
      g.value!.pad = 2; // bytes 12..15
      g.value!.next = after; // bytes 16..23: past the end
      assert.equal(g.value!.next, null);
      const bytes = blockBytes(runtime, lmm.addressOf(a));
      assert.deepEqual([bytes.view.getUint32(bytes.offset + 8, true), bytes.view.getUint32(bytes.offset + 12, true)], [1, 2]);
      assert.deepEqual(
        runtime.errors.map((e) => [e.kind, e.count]),
        [['out-of-bounds', 2]],
      );
      assert.equal(runtime.errors[0]!.access!.offset, 16);
      assert.match(runtime.errors[0]!.message, /field `next`, 0 bytes after the end of a 16-byte rec_t block/);
      assert.deepEqual(checkHeap(runtime.heap), []);
    });

    it('an address in no block reads back as null and roots nothing', () => {
      const { lmm, kinds } = setup();
      const g = lmm.global('g');
      g.address = 12345;
      assert.equal(g.value, null);
      assert.deepEqual(kinds(), {});
    });

    it("C's free(p) of a wild pointer is XFREE(p.address): an invalid free (XFREE(p.value) is XFREE(null), nothing)", () => {
      const { lmm, runtime } = setup();
      const g = lmm.global('g');
      g.address = 12345;
      lmm.XFREE(g.value);
      assert.equal(runtime.errors.length, 0);
      lmm.XFREE(g.address as never);
      assert.deepEqual(
        runtime.errors.map((e) => [e.kind, e.message]),
        [['invalid-free', 'invalid free: 0x3039 is not the address of a block']],
      );
    });

    it('XFREE of the variable itself, not its block, is an invalid free that says to write p.value, and frees nothing', () => {
      const { lmm, runtime, rec_t, kinds } = setup();
      const head = lmm.global<Rec>('head', lmm.XCALLOC(1, rec_t));
      lmm.XFREE(head);
      assert.deepEqual(
        runtime.errors.map((e) => [e.kind, e.message]),
        [
          [
            'invalid-free',
            'XFREE(head) is given the pointer variable, not the block it holds: write XFREE(head.value) (nothing is freed)',
          ],
        ],
      );
      assert.deepEqual(kinds(), { 'still-reachable': 1 });
    });
  });

  describe('local', () => {
    it('is a root while its scope lives (using), and not after', () => {
      const { lmm, rec_t, kinds } = setup();
      {
        using p = lmm.local(lmm.XCALLOC(1, rec_t), 'p');
        p.value!.next = lmm.XCALLOC(1, rec_t);
        assert.deepEqual(kinds(), { 'still-reachable': 2 });
        {
          using q = lmm.local<Rec>();
          q.value = lmm.XCALLOC(1, rec_t);
          assert.deepEqual(kinds(), { 'still-reachable': 3 });
        }
        assert.deepEqual(kinds(), { 'definitely-lost': 1, 'still-reachable': 2 });
      }
      assert.deepEqual(kinds(), { 'definitely-lost': 2, 'indirectly-lost': 1 });
    });

    it('a plain TypeScript variable is no root: what only it holds is lost at a check in its scope', () => {
      const { lmm, rec_t, kinds } = setup();
      const held = lmm.XCALLOC(1, rec_t);
      assert.deepEqual(kinds(), { 'definitely-lost': 1 });
      using p = lmm.local(held, 'p');
      assert.deepEqual(kinds(), { 'still-reachable': 1 });
      assert.equal(p.value, held);
    });

    it('leaves its scope however the scope ends (an exception too)', () => {
      const { lmm, rec_t, kinds } = setup();
      assert.throws(() => {
        using p = lmm.local(lmm.XCALLOC(1, rec_t));
        void p;
        throw new Error('out');
      }, /out/);
      assert.deepEqual(kinds(), { 'definitely-lost': 1 });
    });

    it('is named in the root path of what it keeps reachable', () => {
      const { lmm, rec_t } = setup();
      using head = lmm.local(lmm.XCALLOC(1, rec_t), 'head');
      head.value!.next = lmm.XCALLOC(1, rec_t);
      const result = lmm.mm_leak_check() as unknown as LeakCheckResult;
      // Both blocks share a struct and (in this process) a stack: one record, first block the head.
      assert.equal(result.records.length, 1);
      assert.deepEqual(
        result.records[0]!.rootPath.map((step) => step.field),
        ['local head (test.lmm.ts)'],
      );
    });
  });

  describe('exit() in a run', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'lmm-roots-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const run = async (body: string) => {
      const file = join(dir, `h${Math.random().toString(36).slice(2)}.lmm.ts`);
      writeFileSync(
        file,
        `import { struct, u32, local, exit, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class rec_t { @u32 id!: number; }
export default function main(): void {
  MM_REG_STRUCT(rec_t);
${body}
}
`,
      );
      return runHarness(file).result;
    };

    it('ends the run as completed, with the locals of open scopes still roots', async () => {
      const result = await run(`  using p = local(XCALLOC(1, rec_t));\n  exit(0);\n  p.value!.id = 1;`);
      assert.equal(result.outcome, 'completed', result.message);
      assert.equal(result.finished!.report.leakSummary['still-reachable'].blocks, 1);
    });

    it('returning from main instead ends the scope: the block is lost', async () => {
      const result = await run(`  using p = local(XCALLOC(1, rec_t));\n  void p;`);
      assert.equal(result.outcome, 'completed', result.message);
      assert.equal(result.finished!.report.leakSummary['definitely-lost'].blocks, 1);
    });

    it('refuses a status that is not a whole number (the run crashes with that message)', async () => {
      const result = await run(`  exit(1.5);`);
      assert.equal(result.outcome, 'crashed');
      assert.match(result.message ?? '', /exit\(status\): the status is a whole number/);
    });
  });
});
