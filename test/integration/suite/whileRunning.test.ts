// LMM: Check Leaks Now on a harness that never ends (a server loop): the Leaks view and the
// diagnostics show the check's leaks while the run goes on, labelled as a mid-run check; after
// LMM: Stop Run (no end-of-run report) they keep that last check, labelled as such. A server loop
// that frees a request twice gets its error diagnostic on the XFREE line as soon as it happens.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, treeTexts, waitFor, within, type LmmTestApi } from './lmmExtension';

describe('LMM Studio in VS Code: leak checks and memory errors while a harness runs', function () {
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

  it('shows a double free as an error on its XFREE line while the run goes on, and keeps it, labelled, after Stop', async () => {
    const server = await vscode.workspace.openTextDocument(fixtureUri('server-double-free.lmm.ts'));
    await vscode.window.showTextDocument(server);
    const freeLine = lineOf(server, 'DOUBLE FREE: once, early');
    const finished = api.whenRunFinished();
    const running = vscode.commands.executeCommand('lmm.runHarness', server.uri);
    const diagnostic = await waitFor('the double free in the Problems panel while the server runs', () =>
      vscode.languages
        .getDiagnostics(server.uri)
        .find((d) => d.source === 'LMM' && d.code === 'double-free' && /run in progress\]$/.test(d.message)),
    );
    const run = api.currentRun();
    assert.equal(run?.file, server.uri.fsPath);
    assert.equal(run?.status, 'running', `published while the run goes on: ${diagnostic.message}`);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, freeLine, 'on the second XFREE');
    // The first XFREE is the line above the second: its 1-based number is the second's 0-based one.
    const firstFreeLine = freeLine;
    assert.match(
      diagnostic.message,
      new RegExp(
        `^double free: the block of req_t allocated at server-double-free\\.lmm\\.ts:\\d+:\\d+ was already freed at server-double-free\\.lmm\\.ts:${firstFreeLine}:\\d+ \\[memory error at step \\d+, run in progress\\]$`,
      ),
    );
    assert.ok(
      diagnostic.relatedInformation?.some((r) => r.message === 'the block was freed here'),
      'says where the block was freed first',
    );

    await vscode.commands.executeCommand('lmm.stopRun');
    await within('the run to stop', running);
    await within('the views to take in the stop', finished);
    assert.equal(api.currentRun()?.status, 'stopped');
    const kept = vscode.languages.getDiagnostics(server.uri).filter((d) => d.source === 'LMM' && d.code === 'double-free');
    assert.equal(kept.length, 1, kept.map((d) => d.message).join('\n'));
    assert.equal(kept[0]!.range.start.line, freeLine);
    assert.match(kept[0]!.message, /\[memory error at step \d+, run stopped before its end\]$/);
  });
});
