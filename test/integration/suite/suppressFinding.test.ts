// Suppress, as a user reaches it: the quick fix on a memory error in the editor, or a leak row's menu, writes an entry to
// the harness's .lmmsupp, and the next run no longer reports the error as a problem.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, runHarness, waitFor, within } from './lmmExtension';

describe('LMM Studio in VS Code: Suppress from the Problems quick fix and from the Leaks view', function () {
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

  it('a Leaks view row’s Suppress (its menu item: viewItem lmmLeak) writes the leak’s entry, and the next run counts it suppressed', async () => {
    const leaky = fixtureUri('suppress-leaky.lmm.ts');
    const written = fixtureUri('suppress-leaky.lmmsupp');
    await vscode.workspace.fs.copy(fixtureUri('leaky-list.lmm.ts'), leaky, { overwrite: true });
    try {
      const api = await activateLmm();
      await runHarness(api, leaky);
      const provider = api.treeProviders.leaks;
      const kinds = (await provider.getChildren(undefined)) ?? [];
      let row: unknown;
      for (const kind of kinds) {
        if ((await provider.getTreeItem(kind)).label !== 'definitely-lost') continue;
        for (const child of (await provider.getChildren(kind)) ?? []) {
          if ((await provider.getTreeItem(child)).contextValue === 'lmmLeak') row = child;
        }
      }
      assert.ok(row, 'a definitely-lost row with the Suppress menu');
      // The tree hands the menu's command its row, as VS Code does for a view/item/context entry.
      await within('the Suppress command', vscode.commands.executeCommand('lmm.suppressFinding', row));
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(written));
      assert.match(text, /lmm:Leak\n {3}match-leak-kinds: definite\n {3}struct: student_t\n {3}src:suppress-leaky\.lmm\.ts:/);

      await runHarness(api, leaky);
      const report = api.lastReport() as { leaks?: { kind: string; struct: string; suppressed: boolean }[] } | undefined;
      const lost = (report?.leaks ?? []).filter((l) => l.kind === 'definitely-lost');
      assert.deepEqual(
        lost.map((l) => [l.struct, l.suppressed]),
        [['student_t', true]],
      );
    } finally {
      for (const uri of [leaky, written]) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    }
  });
});
