// Runs at speed: Stop Run on a harness that allocates in a tight endless loop takes effect within
// 2 s, and the Leaks view then says no leak check ran (never "no leaks"); a run of another
// harness leaves the first harness's diagnostics in place, marked with the time of its run.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, runHarness, treeTexts, waitFor, within, type LmmTestApi } from './lmmExtension';

describe('LMM Studio in VS Code: live runs at speed', function () {
  this.timeout(120_000);
  let api: LmmTestApi;

  before(async () => {
    api = await activateLmm();
  });

  it('stops a tight allocation loop within 2 s of LMM: Stop Run, and says no leak check ran', async () => {
    const document = await vscode.workspace.openTextDocument(fixtureUri('tight-loop.lmm.ts'));
    await vscode.window.showTextDocument(document);
    const finished = api.whenRunFinished();
    const running = vscode.commands.executeCommand('lmm.runHarness', document.uri);
    // Well into the loop: the host has been taking in the harness's batches for a while.
    await waitFor(
      'the tight loop to make 200,000 heap operations',
      () => {
        const run = api.currentRun();
        return run?.status === 'running' && run.file === document.uri.fsPath && run.steps > 200_000 ? run : undefined;
      },
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const asked = Date.now();
    await vscode.commands.executeCommand('lmm.stopRun');
    await waitFor('the run to be stopped', () => (api.currentRun()?.status === 'stopped' ? true : undefined), 10_000);
    const took = Date.now() - asked;
    assert.ok(took <= 2000, `Stop Run took ${took} ms`);
    await within('the run command to return', running);
    await within('the views to take in the stop', finished);
    const leaks = await treeTexts(api.treeProviders.leaks, 1);
    assert.deepEqual(leaks, ['no leak check ran — leaks unknown']);
  });

  it('keeps a harness’s diagnostics, marked with the time of its run, when another harness runs', async () => {
    const leaky = await vscode.workspace.openTextDocument(fixtureUri('leaky-list.lmm.ts'));
    await vscode.window.showTextDocument(leaky);
    await runHarness(api, leaky.uri);
    const leakLine = lineOf(leaky, 'LEAK: definitely lost');
    const onLeakLine = () =>
      vscode.languages.getDiagnostics(leaky.uri).filter((d) => d.source === 'LMM' && d.range.start.line === leakLine);
    await waitFor('the leak warning of the first harness', () => (onLeakLine().length > 0 ? true : undefined));
    assert.doesNotMatch(onLeakLine()[0]!.message, /from the run of/);

    const other = await vscode.workspace.openTextDocument(fixtureUri('double-free.lmm.ts'));
    await vscode.window.showTextDocument(other);
    await runHarness(api, other.uri);
    await waitFor('the double free of the second harness', () =>
      vscode.languages.getDiagnostics(other.uri).some((d) => d.source === 'LMM' && d.code === 'double-free') ? true : undefined,
    );
    const kept = await waitFor('the first harness’s leak warning, marked', () => {
      const found = onLeakLine();
      return found.length === 1 && /\[from the run of leaky-list\.lmm\.ts at \d\d:\d\d:\d\d\]$/.test(found[0]!.message)
        ? found[0]
        : undefined;
    });
    assert.match(kept.message, /definitely/i);
  });
});
