// Suppress, as a user reaches it: the quick fix on a memory error in the editor writes an entry to
// the harness's .lmmsupp, and the next run no longer reports the error as a problem.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, runHarness, waitFor, within } from './lmmExtension';

describe('LMM Studio in VS Code: Suppress a memory error from its quick fix', function () {
  this.timeout(120_000);
  // A copy of the double-free fixture, so the suppressions file it gets touches no other suite's harness.
  const harness = fixtureUri('suppress-me.lmm.ts');
  const suppressions = fixtureUri('suppress-me.lmmsupp');

  before(async () => {
    await vscode.workspace.fs.copy(fixtureUri('double-free.lmm.ts'), harness, { overwrite: true });
  });
  after(async () => {
    for (const uri of [harness, suppressions]) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it('writes the entry to suppress-me.lmmsupp, and the next run reports the error as suppressed', async () => {
    const api = await activateLmm();
    const document = await vscode.workspace.openTextDocument(harness);
    await vscode.window.showTextDocument(document);
    await runHarness(api, harness);
    const errorLine = lineOf(document, 'ERROR: double free');
    const error = await waitFor('the double-free diagnostic', () =>
      vscode.languages.getDiagnostics(harness).find((d) => d.source === 'LMM' && d.code === 'double-free'),
    );
    assert.equal(error.range.start.line, errorLine);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      harness,
      error.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const suppress = actions.find((a) => a.title.startsWith('Suppress this double-free'));
    assert.ok(suppress?.command, actions.map((a) => a.title).join('\n'));
    await within(
      'the Suppress command',
      vscode.commands.executeCommand(suppress.command.command, ...(suppress.command.arguments ?? [])),
    );

    const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(suppressions));
    assert.match(written, /^\{\n {3}double-free-at-suppress-me\.lmm\.ts:\d+\n {3}lmm:double-free\n {3}src:suppress-me\.lmm\.ts:/);

    await runHarness(api, harness);
    const report = api.lastReport() as { errors?: { kind: string; suppressed?: boolean }[] } | undefined;
    assert.deepEqual(
      (report?.errors ?? []).map((e) => [e.kind, e.suppressed]),
      [['double-free', true]],
    );
    await waitFor('no double-free problem after the suppressed run', () =>
      vscode.languages.getDiagnostics(harness).some((d) => d.code === 'double-free') ? undefined : true,
    );
  });
});
