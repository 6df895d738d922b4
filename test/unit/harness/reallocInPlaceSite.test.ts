import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarnessFile } from '../../../src/harness/runHarness';

/**
 * memcheck names the realloc as where the block it returned was allocated, even when the block
 * did not move (memcheck's realloc3 test): so does a harness's XREALLOC that keeps a block in
 * place, in the leak records and in the errors about the block. And XFREE of a plain number
 * (C's free((void *)0x87654321), memcheck's badfree test) is an invalid free naming the address,
 * which never frees the block that may live there.
 */
describe('a realloc that keeps its block in place is the block allocation; XFREE of a number frees nothing', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-realloc-site-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(body: string) {
    const file = join(dir, `h${Math.random().toString(36).slice(2)}.lmm.ts`);
    writeFileSync(
      file,
      `import { struct, i32, global, addressOf, MM_REG_STRUCT, XCALLOC, XREALLOC, XFREE } from 'lmm-studio';
@struct class cell_t { @i32 v!: number; }
export default function main() {
  MM_REG_STRUCT(cell_t);
${body}
}
`,
    );
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'completed', result.message);
    return result.finished!.report;
  }

  it('same size, then smaller: the leak record and an access past the end name the last XREALLOC line', async () => {
    const report = await run(
      [
        '  let c = XCALLOC(4, cell_t);', // line 5
        '  c = XREALLOC(c, 4);', // line 6: same size, in place
        '  c = XREALLOC(c, 2);', // line 7: smaller, in place (LMM keeps the 4 units)
        '  c[9].v = 1;', // line 8: past the end
      ].join('\n'),
    );
    assert.deepEqual(
      report.leaks.map((leak) => [leak.kind, leak.bytes, leak.site?.line]),
      [['definitely-lost', 16, 7]],
    );
    assert.deepEqual(
      report.errors.map((error) => [error.kind, error.site?.line, error.allocSite?.line]),
      [['out-of-bounds', 8, 7]],
    );
    assert.match(report.errors[0]!.message, /allocated at h\w+\.lmm\.ts:7:/);
  });

  it('a block grown (moved) by XREALLOC and then kept in place names the one that kept it', async () => {
    const report = await run(
      [
        '  let c = XCALLOC(1, cell_t);', // line 5
        '  c = XREALLOC(c, 8);', // line 6: moves
        '  c = XREALLOC(c, 8);', // line 7: in place
      ].join('\n'),
    );
    assert.deepEqual(
      report.leaks.map((leak) => [leak.kind, leak.bytes, leak.site?.line]),
      [['definitely-lost', 32, 7]],
    );
  });

  it('a view kept from before a realloc that keeps the block in place still reaches it: no error (memcheck, whose realloc moves, reports one)', async () => {
    const report = await run(
      [
        '  let c = XCALLOC(4, cell_t);', // line 5
        '  const before = c;', // line 6
        '  c = XREALLOC(c, 2);', // line 7: in place
        '  before[1].v = 1;', // line 8: memcheck: "Invalid write of size 4 ... inside a block of size 16 free'd"
        '  XFREE(c);', // line 9
      ].join('\n'),
    );
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.leaks, []);
  });

  it('XFREE of a number is an invalid free naming it; the live block at that address stays allocated and reachable', async () => {
    const report = await run(
      [
        "  const keep = global<cell_t>('keep', XCALLOC(1, cell_t));", // line 5
        '  XFREE(addressOf(keep.value) as unknown as object);', // line 6
        '  XFREE(0x87654321 as unknown as object);', // line 7
      ].join('\n'),
    );
    assert.deepEqual(
      report.errors.map((error) => [error.kind, error.site?.line]),
      [
        ['invalid-free', 6],
        ['invalid-free', 7],
      ],
    );
    assert.match(
      report.errors[0]!.message,
      /^invalid free: 0x[\da-f]+ is the address of the block of cell_t allocated at h\w+\.lmm\.ts:5:.*nothing is freed/,
    );
    assert.equal(report.errors[1]!.message, 'invalid free: 0x87654321 is not the address of a block');
    assert.equal(report.leakSummary['still-reachable'].blocks, 1, 'the block is neither freed nor lost');
    assert.equal(report.totals.frees, 0);
  });
});
