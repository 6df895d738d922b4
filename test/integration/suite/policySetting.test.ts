// The lmm.policy setting: Open Trace on a workload file replays it under the configured policy in
// a page of its own (the LMM views keep their lmm-classic picture); a harness still runs on
// lmm-classic (LMM's views), and its operations are then replayed under the policy beside it.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, runHarness, treeTexts, waitFor, within, type LmmTestApi } from './lmmExtension';
import { cliCompare, lmmOutputText, mallocLabTrace, markdownTable, percentValue, row, webviewTab } from './policyLab';

const lmmSettings = () => vscode.workspace.getConfiguration('lmm');

describe('LMM Studio in VS Code: the lmm.policy setting', function () {
  this.timeout(90_000);
  let api: LmmTestApi;

  before(async () => {
    api = await activateLmm();
    // A harness run first: the LMM views then hold a picture that a policy replay must leave alone.
    await runHarness(api, fixtureUri('leaky-list.lmm.ts'));
    await lmmSettings().update('policy', 'best-fit', vscode.ConfigurationTarget.Global);
    assert.equal(lmmSettings().get('policy'), 'best-fit');
  });

  after(async () => {
    await lmmSettings().update('policy', undefined, vscode.ConfigurationTarget.Global);
  });

  it('replays a .rep under best-fit in a page of its own, leaving the LMM views alone (lmm.openTrace)', async () => {
    const runBefore = api.currentRun();
    const reportBefore = api.lastReport();
    const familiesBefore = await treeTexts(api.treeProviders.pageFamilies, 2);
    assert.ok(
      familiesBefore.some((text) => text.includes('student_t')),
      familiesBefore.join('\n'),
    );

    const markdown = await within(
      'lmm.openTrace under best-fit',
      vscode.commands.executeCommand<string | undefined>('lmm.openTrace', mallocLabTrace),
      60_000,
    );
    assert.equal(typeof markdown, 'string', 'Open Trace under a policy returns its table as Markdown');
    const table = markdownTable(markdown!);
    const [cli] = cliCompare(mallocLabTrace, ['best-fit']);
    assert.deepEqual(table.columns, ['best-fit']);
    assert.equal(table.heading, `# LMM: compare policies on amptjp-bal.rep (${cli!.ops} operations)`);
    const utilization = percentValue(row(table, 'utilization (peak payload ÷ peak mapped)')[0]!);
    assert.ok(Math.abs(utilization - cli!.utilization * 100) <= 0.05 + 1e-9, `${utilization}% vs ${cli!.utilization * 100}%`);
    assert.equal(row(table, 'syscalls (mmap + munmap)')[0], String(cli!.syscalls));
    assert.equal(row(table, 'rejected requests')[0], '0', 'best-fit serves the requests above a page');
    await waitFor('the best-fit page', () => webviewTab('lmm.policyRun', 'LMM: amptjp-bal.rep · best-fit'));

    // No LMM replay of the trace took the views: they still show the harness run.
    await api.whenRunFinished();
    assert.deepEqual(api.currentRun(), runBefore);
    assert.equal(api.lastReport(), reportBefore);
    assert.deepEqual(await treeTexts(api.treeProviders.pageFamilies, 2), familiesBefore);
    await waitFor(
      'the best-fit summary in the LMM output',
      () => {
        const text = lmmOutputText();
        return text?.includes(
          `amptjp-bal.rep under best-fit: ${cli!.ops} operations, utilization ${row(table, 'utilization (peak payload ÷ peak mapped)')[0]}`,
        ) && text.includes('(lmm.policy = best-fit; the Memory Map and the trees show lmm-classic runs only)')
          ? true
          : undefined;
      },
      10_000,
    );
  });

  it('runs a harness on lmm-classic, then replays its operations under best-fit beside it (lmm.runHarness)', async () => {
    const previous = api.currentRun()!.id;
    const harness = fixtureUri('double-free.lmm.ts');
    const finished = api.whenRunFinished();
    const markdown = await within(
      'lmm.runHarness under best-fit',
      vscode.commands.executeCommand<string | undefined>('lmm.runHarness', harness),
      60_000,
    );
    await within('the run to finish', finished);
    const run = api.currentRun()!;
    assert.ok(run.id > previous, 'a new run');
    assert.equal(run.kind, 'harness');
    assert.equal(run.status, 'finished');
    // The run is LMM's: its own error detection ran, and the views show it.
    const report = api.lastReport() as { errors?: { kind: string }[] };
    assert.deepEqual(
      (report.errors ?? []).map((error) => error.kind),
      ['double-free'],
    );
    // Then its operations under best-fit, with the figures `lmm compare` gives on the same harness.
    assert.equal(typeof markdown, 'string', 'Run Harness under a policy returns the replay as Markdown');
    const table = markdownTable(markdown!);
    const [cli] = cliCompare(harness, ['best-fit']);
    assert.deepEqual(table.columns, ['best-fit']);
    assert.equal(table.heading, `# LMM: compare policies on double-free.lmm.ts (${cli!.ops} operations)`);
    assert.equal(row(table, 'syscalls (mmap + munmap)')[0], String(cli!.syscalls));
    assert.equal(row(table, 'integrity and invariants')[0], 'ok');
    await waitFor('the best-fit page', () => webviewTab('lmm.policyRun', 'LMM: double-free.lmm.ts · best-fit'));
    const notice = `${harness.fsPath}: ran on lmm-classic (LMM's views and analyses); lmm.policy = best-fit: its ${cli!.ops} allocations and frees replayed under best-fit.`;
    await waitFor('the notice in the LMM output', () => (lmmOutputText()?.includes(notice) ? true : undefined), 10_000);
  });

  it('sets the policy from the status bar picker (lmm.choosePolicy), and refuses an unknown one', async () => {
    try {
      assert.equal(await vscode.commands.executeCommand('lmm.choosePolicy', 'tlsf'), 'tlsf');
      assert.equal(lmmSettings().get('policy'), 'tlsf');
      // With a folder open the choice belongs to the workspace.
      assert.equal(lmmSettings().inspect<string>('policy')?.workspaceValue, 'tlsf');
      assert.equal(await vscode.commands.executeCommand('lmm.choosePolicy', 'no-such-policy'), undefined);
      assert.equal(lmmSettings().get('policy'), 'tlsf');
      // Not one of the palette's commands: the palette lists LMM's own commands only.
      const manifest = vscode.extensions.all.find((e) => e.packageJSON?.name === 'lmm-studio')!.packageJSON as {
        contributes: { commands: { command: string }[] };
      };
      assert.ok(!manifest.contributes.commands.some((c) => c.command === 'lmm.choosePolicy'));
    } finally {
      await lmmSettings().update('policy', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(lmmSettings().get('policy'), 'best-fit', 'the global setting of this suite again');
  });

  it('replays the same .rep into the LMM views once lmm.policy is lmm-classic again', async () => {
    await lmmSettings().update('policy', 'lmm-classic', vscode.ConfigurationTarget.Global);
    const previous = api.currentRun()!.id;
    await within('lmm.openTrace on lmm-classic', vscode.commands.executeCommand('lmm.openTrace', mallocLabTrace), 60_000);
    await within('the replay to finish', api.whenRunFinished(), 60_000);
    const run = api.currentRun()!;
    assert.ok(run.id > previous, 'the replay is a run of the LMM views');
    assert.equal(run.kind, 'trace');
    assert.equal(run.status, 'finished', run.message);
    assert.ok(run.file.endsWith('amptjp-bal.rep'), run.file);
    assert.ok(run.steps > 0, `${run.steps} heap operations`);
  });
});
