// LMM: Compare Runs on a harness with policies: the harness runs once on lmm-classic (in its
// worker, from the extension host), the operations it made go to the policy worker as a ready
// workload, and the page shows the same figures as `lmm compare` on the harness, and as on the
// equivalent conformance trace.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { activateLmm, within, waitFor } from './lmmExtension';
import { cliCompare, countValue, markdownTable, projectRoot, row, seedTrace, webviewTab } from './policyLab';

const seedHarness = vscode.Uri.file(path.join(projectRoot, 'examples/seed-testapp.lmm.ts'));

describe('LMM Studio in VS Code: Compare Runs on a harness (policies on its operations)', function () {
  this.timeout(90_000);

  it('runs the harness once and compares the policies on what it did, with the figures of lmm compare', async () => {
    await activateLmm();
    const policies = ['lmm-classic', 'tlsf'];
    const markdown = await within(
      'lmm.compareRuns on seed-testapp.lmm.ts',
      vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', seedHarness, policies),
      60_000,
    );
    assert.equal(typeof markdown, 'string', 'Compare Runs returns the comparison as Markdown');
    const table = markdownTable(markdown!);
    // 120 students allocated and freed: 240 operations, as the seed's trace.
    assert.equal(table.heading, '# LMM: compare policies on seed-testapp.lmm.ts (240 operations)');
    assert.deepEqual(table.columns, policies);
    const fromCli = cliCompare(seedHarness, policies);
    const fromTrace = cliCompare(seedTrace, policies);
    policies.forEach((policy, column) => {
      for (const figures of [fromCli[column]!, fromTrace[column]!]) {
        const where = `${policy} (${figures.trace})`;
        assert.equal(countValue(row(table, 'mmap calls')[column]!), figures.mmap, where);
        assert.equal(countValue(row(table, 'munmap calls')[column]!), figures.munmap, where);
        assert.equal(countValue(row(table, 'rejected requests')[column]!), figures.rejected, where);
      }
      assert.equal(row(table, 'integrity and invariants')[column], 'ok', policy);
    });
    // LMM maps a page for every few dozen students (and its registry page): more system calls than TLSF.
    const mmap = row(table, 'mmap calls').map(countValue);
    assert.ok(mmap[0]! > mmap[1]!, `mmap: ${mmap.join(', ')}`);
    await waitFor('the comparison page', () =>
      webviewTab('lmm.comparePolicies', 'LMM: seed-testapp.lmm.ts · lmm-classic vs tlsf'),
    );
  });

  it('refuses a harness that does not compile without a page, and keeps working', async () => {
    await activateLmm();
    const broken = vscode.Uri.file(path.join(mkdtempSync(path.join(tmpdir(), 'lmm-it-')), 'broken.lmm.ts'));
    writeFileSync(
      broken.fsPath,
      `import { MM_REG_STRUCT } from 'lmm-studio';\nexport default function main(): void {\n  MM_REG_STRUCT(;\n}\n`,
    );
    const refused = await within(
      'lmm.compareRuns on broken.lmm.ts',
      vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', broken, ['lmm-classic', 'best-fit']),
      60_000,
    );
    assert.equal(refused, undefined);
    const markdown = await within(
      'lmm.compareRuns on seed-testapp.lmm.ts after the error',
      vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', seedHarness, ['lmm-classic', 'best-fit']),
      60_000,
    );
    assert.deepEqual(markdownTable(markdown!).columns, ['lmm-classic', 'best-fit']);
    const titles = vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => tab.label);
    assert.ok(!titles.some((title) => title.includes('broken.lmm.ts')), titles.join(' | '));
  });
});
