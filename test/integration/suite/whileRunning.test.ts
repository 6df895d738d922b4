// LMM: Check Leaks Now on a harness that never ends (a server loop): the Leaks view and the
// diagnostics show the check's leaks while the run goes on, labelled as a mid-run check; after
// LMM: Stop Run (no end-of-run report) they keep that last check, labelled as such.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, treeTexts, waitFor, within, type LmmTestApi } from './lmmExtension';

describe('LMM Studio in VS Code: Check Leaks Now while a harness runs', function () {
  this.timeout(90_000);
  let api: LmmTestApi;
  let document: vscode.TextDocument;

  before(async () => {
    api = await activateLmm();
    document = await vscode.workspace.openTextDocument(fixtureUri('server-loop.lmm.ts'));
    await vscode.window.showTextDocument(document);
  });

  it('shows the leaks at the check in the Leaks view and the Problems panel before the run ends, and keeps them after Stop', async () => {
    const finished = api.whenRunFinished();
    const running = vscode.commands.executeCommand('lmm.runHarness', document.uri);
    await waitFor('the server loop to run', () => {
      const run = api.currentRun();
      return run?.status === 'running' && run.file === document.uri.fsPath && run.steps > 50 ? run : undefined;
    });
    await vscode.commands.executeCommand('lmm.checkLeaksNow');
    const lostLine = lineOf(document, 'LOST: one per round');

    const heading = await waitFor('the mid-run check in the Leaks view', async () => {
      const texts = await treeTexts(api.treeProviders.leaks, 1);
      return texts.find((text) =>
        /^leak check at step [\d,]+ \(run in progress\) — Check Leaks Now at server-loop\.lmm\.ts:\d+$/.test(text),
      );
    });
    assert.equal(api.currentRun()?.status, 'running', `the run still goes on: ${heading}`);
    const kinds = await treeTexts(api.treeProviders.leaks, 1);
    assert.ok(
      kinds.some((text) => /^definitely-lost — [\d,]+ blocks/.test(text)),
      kinds.join('\n'),
    );

    const diagnostic = await waitFor('a mid-run leak diagnostic on the LOST line', () =>
      vscode.languages
        .getDiagnostics(document.uri)
        .find(
          (d) =>
            d.source === 'LMM' &&
            d.range.start.line === lostLine &&
            /Check Leaks Now: leak check at step \d+, run in progress/.test(d.message),
        ),
    );
    assert.match(diagnostic.message, /^definitely-lost: \d+ conn_t blocks/);
    assert.equal(api.currentRun()?.status, 'running', 'published while the run goes on');

    await vscode.commands.executeCommand('lmm.stopRun');
    await within('the run to stop', running);
    await within('the views to take in the stop', finished);
    assert.equal(api.currentRun()?.status, 'stopped');
    const after = await treeTexts(api.treeProviders.leaks, 1);
    assert.match(after[0] ?? '', /^leak check at step [\d,]+ \(the run was stopped before its end\)/, after.join('\n'));
    const kept = vscode.languages
      .getDiagnostics(document.uri)
      .filter((d) => d.source === 'LMM' && d.range.start.line === lostLine);
    assert.equal(kept.length, 1, kept.map((d) => d.message).join('\n'));
    assert.match(kept[0]!.message, /Check Leaks Now: leak check at step \d+, run stopped before its end/);
  });
});
