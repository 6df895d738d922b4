import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTextReport } from '../../../src/analysis/textReport';
import { runHarnessFile } from '../../../src/harness/runHarness';

/**
 * The HEAP SUMMARY's "total heap usage" counts calls as memcheck does: every realloc of a block
 * is an alloc of its new size and a free (memcheck's realloc always moves), also when LMM keeps
 * the block in place or refuses the realloc, and every free of something is a free, also a double
 * or invalid one; free(NULL) is nothing. The report's own totals count blocks.
 */
describe('total heap usage counts allocation calls as memcheck does', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-heap-usage-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the C program below gives what valgrind 3.19 printed for it: 6 allocs, 5 frees, 56 bytes allocated', async () => {
    // char *p = malloc(10); p = realloc(p, 10); p = realloc(p, 4); free(p); free(NULL); free(NULL);
    // realloc(p, 20) (p freed: an invalid realloc); realloc(NULL, 7); s = malloc(5); realloc(s, 0).
    const file = join(dir, 'calls.lmm.ts');
    writeFileSync(
      file,
      `import { XCALLOC_BUF, XREALLOC_BUF, XFREE } from 'lmm-studio';
export default function main() {
  XFREE(null);
  XFREE(null);
  let p = XCALLOC_BUF(10);
  p = XREALLOC_BUF(p, 10);
  p = XREALLOC_BUF(p, 4);
  XFREE(p);
  XREALLOC_BUF(p, 20);
  XREALLOC_BUF(null, 7);
  const s = XCALLOC_BUF(5);
  XREALLOC_BUF(s, 0);
}
`,
    );
    const result = await runHarnessFile(file, { classicText: true });
    assert.equal(result.outcome, 'completed', result.message);
    const report = result.finished!.report;
    assert.deepEqual(report.totals.heapUsage, { allocs: 6, frees: 5, bytes: 56 });
    assert.match(
      formatTextReport(report, result.finished!.classicText!),
      /^ {2}total heap usage: 6 allocs, 5 frees, 56 bytes allocated$/m,
    );
    // The blocks: the 10-byte buffer (kept in place twice), the 7 bytes and the 5 bytes.
    assert.deepEqual([report.totals.allocations, report.totals.frees, report.totals.bytesAllocated], [3, 2, 22]);
    assert.deepEqual(
      report.errors.map((error) => [error.kind, error.site?.line]),
      [['double-free', 9]],
    );
  });

  it('a struct realloc counts its new size in bytes, a refused XFREE of a number counts as a free', async () => {
    const file = join(dir, 'structs.lmm.ts');
    writeFileSync(
      file,
      `import { struct, i64, MM_REG_STRUCT, XCALLOC, XREALLOC, XFREE } from 'lmm-studio';
@struct class pair_t { @i64 a!: bigint; @i64 b!: bigint; }
export default function main() {
  MM_REG_STRUCT(pair_t);
  let v = XCALLOC(3, pair_t);
  v = XREALLOC(v, 2);
  v = XREALLOC(v, 5);
  XFREE(0x87654321 as never);
  XFREE(v);
}
`,
    );
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'completed', result.message);
    // Allocs: 48 bytes, the realloc kept in place (32), the realloc that moved (80).
    assert.deepEqual(result.finished!.report.totals.heapUsage, { allocs: 3, frees: 4, bytes: 160 });
  });
});
