// LMM: Compare Runs in both of its forms, driven with arguments the way a keybinding would: the
// same workload under several allocator policies (its figures checked against what the CLI's
// `lmm compare --json` prints for the same file and policies), and two finished harness runs side
// by side (picked by run id instead of the quick pick).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { bytesText } from '../../../src/policies/reportFormat';
import { activateLmm, fixtureUri, runHarness, waitFor, within, type LmmTestApi } from './lmmExtension';
import {
  cliCompare,
  countValue,
  mallocLabTrace,
  markdownTable,
  percentValue,
  row,
  seedTrace,
  webviewTab,
  type CliPolicyFigures,
  type MarkdownTable,
} from './policyLab';

const utilizationRow = 'utilization (peak payload ÷ peak mapped)';

/** Every policy column of the extension's table carries the CLI's figures for that policy. */
function assertSameFigures(table: MarkdownTable, cli: CliPolicyFigures[]): void {
  assert.deepEqual(
    table.columns,
    cli.map((figures) => figures.policy),
  );
  cli.forEach((figures, column) => {
    const where = `${figures.policy} on ${figures.trace}`;
    // The table shows one decimal of a percentage: the CLI's ratio rounds to it.
    const utilization = percentValue(row(table, utilizationRow)[column]!);
    assert.ok(
      Math.abs(utilization - figures.utilization * 100) <= 0.05 + 1e-9,
      `${where}: utilization ${utilization}% in the extension, ${figures.utilization * 100}% from the CLI`,
    );
    assert.equal(row(table, 'peak mapped bytes')[column], bytesText(figures.peakMappedBytes), where);
    assert.equal(row(table, 'mapped bytes at the end')[column], bytesText(figures.mappedBytes), where);
    assert.equal(row(table, 'peak live payload')[column], bytesText(figures.peakPayload), where);
    assert.equal(countValue(row(table, 'syscalls (mmap + munmap)')[column]!), figures.syscalls, where);
    assert.equal(countValue(row(table, 'mmap calls')[column]!), figures.mmap, where);
    assert.equal(countValue(row(table, 'munmap calls')[column]!), figures.munmap, where);
    assert.equal(countValue(row(table, 'rejected requests')[column]!), figures.rejected, where);
    assert.equal(row(table, 'integrity and invariants')[column], 'ok', where);
  });
}

describe('LMM Studio in VS Code: Compare Runs on a workload (policies side by side)', function () {
  this.timeout(90_000);

  it('compares three policies on a malloc-lab .rep with the figures the CLI prints', async () => {
    await activateLmm();
    const policies = ['lmm-classic', 'hybrid', 'best-fit'];
    const markdown = await within(
      'lmm.compareRuns on amptjp-bal.rep',
      vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', mallocLabTrace, policies),
      60_000,
    );
    assert.equal(typeof markdown, 'string', 'Compare Runs returns the comparison as Markdown');
    const table = markdownTable(markdown!);
    const cli = cliCompare(mallocLabTrace, policies);
    assert.equal(table.heading, `# LMM: compare policies on amptjp-bal.rep (${cli[0]!.ops} operations)`);
    assertSameFigures(table, cli);
    // Plausible, not only equal: LMM refuses the requests above a page that the others serve, and
    // so peaks at far fewer mapped bytes with a worse utilization than best fit.
    const rejected = row(table, 'rejected requests').map(countValue);
    assert.ok(rejected[0]! > 0 && rejected[1] === 0 && rejected[2] === 0, `rejected: ${rejected.join(', ')}`);
    const utilization = row(table, utilizationRow).map(percentValue);
    assert.ok(utilization[0]! < utilization[2]!, `utilization: ${utilization.join(', ')}`);
    assert.ok(
      utilization.every((u) => u > 0 && u <= 100),
      `utilization: ${utilization.join(', ')}`,
    );
    await waitFor('the comparison page', () =>
      webviewTab('lmm.comparePolicies', 'LMM: amptjp-bal.rep · lmm-classic vs hybrid vs best-fit'),
    );
  });

  it('compares policies on an LMM .trace the same way', async () => {
    const policies = ['lmm-classic', 'tlsf'];
    const markdown = await within(
      'lmm.compareRuns on seed-testapp.trace',
      vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', seedTrace, policies),
      60_000,
    );
    assert.equal(typeof markdown, 'string', 'Compare Runs returns the comparison as Markdown');
    const table = markdownTable(markdown!);
    const cli = cliCompare(seedTrace, policies);
    // The seed program: 120 students allocated and freed, 240 operations.
    assert.equal(table.heading, '# LMM: compare policies on seed-testapp.trace (240 operations)');
    assertSameFigures(table, cli);
    await waitFor('the comparison page', () =>
      webviewTab('lmm.comparePolicies', 'LMM: seed-testapp.trace · lmm-classic vs tlsf'),
    );
  });
});

describe('LMM Studio in VS Code: Compare Runs on bad input', function () {
  this.timeout(60_000);

  it('refuses one policy, an unknown policy and a malformed .rep without a page, and keeps working', async () => {
    await activateLmm();
    const compare = (what: string, uri: vscode.Uri, policies: string[]) =>
      within(what, vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', uri, policies));
    assert.equal(await compare('one policy', seedTrace, ['hybrid']), undefined);
    assert.equal(await compare('an unknown policy', seedTrace, ['lmm-classic', 'no-such-policy']), undefined);
    // bad-request.rep's line 6 is an unknown request: the policy worker's syntax error.
    assert.equal(await compare('a malformed .rep', fixtureUri('bad-request.rep'), ['lmm-classic', 'hybrid']), undefined);

    // The policy worker is not left broken: the next comparison runs and opens its page.
    const markdown = await compare('a comparison after the errors', seedTrace, ['lmm-classic', 'hybrid']);
    assert.deepEqual(markdownTable(markdown!).columns, ['lmm-classic', 'hybrid']);
    await waitFor('the comparison page', () =>
      webviewTab('lmm.comparePolicies', 'LMM: seed-testapp.trace · lmm-classic vs hybrid'),
    );
    // Tabs reach the extension host in the order they opened: a page for a refused comparison would be here by now.
    const titles = vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => tab.label);
    for (const refused of ['seed-testapp.trace · hybrid', 'no-such-policy', 'bad-request.rep']) {
      assert.ok(!titles.some((title) => title.includes(refused)), `no page for '${refused}': ${titles.join(' | ')}`);
    }
  });
});

describe('LMM Studio in VS Code: Compare Runs on two finished harness runs', function () {
  this.timeout(90_000);
  let api: LmmTestApi;
  let leaky: NonNullable<ReturnType<LmmTestApi['currentRun']>>;
  let leakyReport: { totals: { peakAppMemory?: number } };

  before(async () => {
    api = await activateLmm();
    await runHarness(api, fixtureUri('leaky-list.lmm.ts'));
    leaky = api.currentRun()!;
    leakyReport = api.lastReport() as typeof leakyReport;
  });

  it('puts the counters of a leaking run and a double-free run side by side', async () => {
    await runHarness(api, fixtureUri('double-free.lmm.ts'));
    const doubleFree = api.currentRun()!;
    const doubleFreeReport = api.lastReport() as typeof leakyReport;
    assert.equal(leaky.status, 'finished');
    assert.equal(doubleFree.status, 'finished');
    assert.notEqual(doubleFree.id, leaky.id);

    const markdown = await within(
      'lmm.compareRuns on two run ids',
      vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', [leaky.id, doubleFree.id]),
    );
    assert.equal(typeof markdown, 'string', 'Compare Runs returns the comparison as Markdown');
    const table = markdownTable(markdown!);
    assert.deepEqual(table.columns, [`#${leaky.id} leaky-list.lmm.ts`, `#${doubleFree.id} double-free.lmm.ts`, 'difference']);
    const counts = (label: string) => row(table, label).slice(0, 2).map(countValue);
    assert.deepEqual(counts('heap operations'), [leaky.steps, doubleFree.steps]);
    // leaky-list loses a student_t head and the two it drags; double-free loses nothing but frees twice.
    assert.deepEqual(row(table, 'leaked blocks'), ['3', '0', '-3 (-100.0%)']);
    assert.deepEqual(row(table, 'memory errors'), ['0', '1', '+1']);
    assert.deepEqual(counts('peak application memory (bytes)'), [
      leakyReport.totals.peakAppMemory,
      doubleFreeReport.totals.peakAppMemory,
    ]);
    // Each run's families, with zeros where the other run has none.
    assert.deepEqual(counts('student_t: peak pages'), [1, 0]);
    assert.deepEqual(counts('emp_t: peak pages'), [1, 0]);
    assert.deepEqual(counts('point_t: peak pages'), [0, 1]);
    // LMM counts a block's 48 bytes of meta data as application memory: 48 + 2 × sizeof(point_t).
    assert.deepEqual(counts('point_t: peak application memory'), [0, 48 + 2 * 8]);
    await waitFor('the comparison page', () => webviewTab('lmm.compareRuns', `LMM: #${leaky.id} vs #${doubleFree.id}`));
  });

  it('finds no difference between two runs of the same harness', async () => {
    await runHarness(api, fixtureUri('leaky-list.lmm.ts'));
    const again = api.currentRun()!;
    const markdown = await within(
      'lmm.compareRuns on two runs of leaky-list',
      vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', [leaky.id, again.id]),
    );
    const table = markdownTable(markdown!);
    assert.deepEqual(table.columns, [`#${leaky.id} leaky-list.lmm.ts`, `#${again.id} leaky-list.lmm.ts`, 'difference']);
    assert.equal(countValue(row(table, 'leaked blocks')[0]!), 3);
    const different = [...table.rows].filter(([, cells]) => cells[2] !== '=');
    assert.deepEqual(different, [], 'a deterministic harness gives the same counters twice');
  });

  it('says which run it no longer has instead of comparing something else', async () => {
    const result = await vscode.commands.executeCommand<string | undefined>('lmm.compareRuns', [9999, leaky.id]);
    assert.equal(result, undefined);
  });
});
