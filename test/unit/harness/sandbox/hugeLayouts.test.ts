/**
 * Structs far larger than any page (arrays of 2^40 elements) are laid out at once and refused
 * when registered. Before, laying out `@array(u8, 2 ** 53)` listed pointer offsets element by
 * element: the run hit its time limit with no line, inside the runtime.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../../support/harnessProbe';

describe('the harness sandbox: huge layouts', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('arrays of 2^53 bytes, of 2^40 u64 and of 2^20 such structs are sized at once and refused as too large', async () => {
    const run = await probe.run(
      'huge-arrays.lmm.ts',
      `import { struct, u8, u64, array, ptr, MM_REG_STRUCT, XCALLOC, print, sizeof } from 'lmm-studio';
@struct class bytes_t { @array(u8, 2 ** 53) x!: unknown; }
@struct class wide_t { @array(u64, 2 ** 40) z!: unknown; }
@struct class nest_t { @array(() => bytes_t, 2 ** 20) y!: unknown; }
@struct class ptrs_t { @array(ptr(() => ptrs_t), 2 ** 40) p!: unknown; }
export default function main() {
  for (const t of [bytes_t, wide_t, nest_t, ptrs_t]) { print(sizeof(t)); MM_REG_STRUCT(t); print(String(XCALLOC(1, t))); }
}
`,
      { timeLimitMs: 5_000 },
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, `${2 ** 53}\nnull\n${2 ** 43}\nnull\n${2 ** 73}\nnull\n${2 ** 43}\nnull\n`);
    // Each of the four: registration refused (too large for a page), then XCALLOC of an unregistered struct.
    const report = run.finished!.report;
    assert.deepEqual(report.errors.map((e) => e.kind).sort(), ['struct-too-large', 'unregistered-struct']);
    assert.equal(report.errorSummary.errors, 8);
    assert.ok(run.ms < 4_000, `${run.ms} ms`);
  });

  it('an array of pointers that fits a page still has every pointer followed by the leak check', async () => {
    const run = await probe.run(
      'pointer-array.lmm.ts',
      `import { struct, u32, array, ptr, global, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class leaf_t { @u32 v!: number; }
@struct class table_t { @array(ptr(() => leaf_t), 500) slots!: (leaf_t | null)[]; }
const root = global<table_t>('root');
export default function main() {
  MM_REG_STRUCT(leaf_t); MM_REG_STRUCT(table_t);
  const t = XCALLOC(1, table_t);
  root.value = t;
  t.slots[0] = XCALLOC(1, leaf_t);
  t.slots[499] = XCALLOC(1, leaf_t);
  XCALLOC(1, leaf_t);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const summary = run.finished!.report.leakSummary;
    assert.deepEqual([summary['still-reachable'].blocks, summary['definitely-lost'].blocks], [3, 1]);
  });
});
