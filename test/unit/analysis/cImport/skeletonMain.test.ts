/**
 * The `main` an imported header's harness gets: its commented-out lines are a promise that they
 * run once uncommented with the names they say to import, and that the block is a global's (a
 * root, as README's "Pointer variables are the roots" says), freed with no leak or error.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { runHarnessFile } from '../../../../src/harness/runHarness';

describe('import-c: the skeleton main, uncommented as it says', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-skeleton-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs once XCALLOC, XFREE and global are imported: the block is allocated, held by a global and freed', async () => {
    const header = 'struct node { int key; struct node *next; char *name; };\nstruct other { long x; };\n';
    const { source } = importCHeader(header, join(dir, 'n.h'));
    const said = source.match(/\/\/ Allocate, link and free as the C program does \(add ([A-Za-z, ]+) to the import\)/);
    assert.ok(said, source);
    const names = said[1]!.split(/, | and /);
    assert.deepEqual(names, ['XCALLOC', 'XFREE', 'global']);
    const uncommented = source
      .replace(/^ {2}\/\/ (const head|head\.value|XFREE)/gm, '  $1')
      .replace(/^import \{ /m, `import { ${names.join(', ')}, `);
    assert.notEqual(uncommented, source);
    const file = join(dir, 'n.lmm.ts');
    writeFileSync(file, uncommented);
    const result = await runHarnessFile(file, {});
    assert.equal(result.outcome, 'completed', `${result.message}\n${uncommented}`);
    const report = result.finished!.report;
    assert.equal(report.totals.allocations, 1, 'one block of the first struct');
    assert.equal(report.totals.frees, 1);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.leaks, []);
  });
});
