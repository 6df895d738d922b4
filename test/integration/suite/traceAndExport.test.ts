// The other ways into the same views: replaying a trace (lmm.openTrace) and exporting the last
// run's report (lmm.exportReport), both driven with arguments the way a keybinding or another
// extension would.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, runHarness, treeTexts, waitFor, within } from './lmmExtension';

// Bundled into out/integration/: the project's examples are two folders up.
const seedTrace = vscode.Uri.file(path.resolve(__dirname, '../../examples/seed-testapp.trace'));

describe('LMM Studio in VS Code: traces and exports', function () {
  this.timeout(90_000);

  it('replays a trace into the views (lmm.openTrace)', async () => {
    const api = await activateLmm();
    const before = api.lastReport();
    await within('lmm.openTrace', vscode.commands.executeCommand('lmm.openTrace', seedTrace));
    const report = await waitFor('the trace’s report', () => {
      const current = api.lastReport();
      return current !== undefined && current !== before ? current : undefined;
    });
    // The seed's program frees all 120 students: no leaks, two registered families.
    assert.deepEqual((report as { leaks?: unknown[] }).leaks ?? [], []);
    const families = await treeTexts(api.treeProviders.pageFamilies, 1);
    assert.ok(
      families.some((text) => text.includes('student_t')) && families.some((text) => text.includes('emp_t')),
      families.join('\n'),
    );
  });

  it('a malformed trace (line 6 an unknown command): the replay fails with FILE:6 as lmm trace says, the error on line 6, the views go on', async () => {
    const api = await activateLmm();
    const seed = Buffer.from(await vscode.workspace.fs.readFile(seedTrace))
      .toString('utf8')
      .split('\n');
    const broken = fixtureUri('broken.trace');
    await vscode.workspace.fs.writeFile(
      broken,
      Buffer.from([...seed.slice(0, 5), 'bogus line here', ...seed.slice(5)].join('\n')),
    );
    try {
      const finished = api.whenRunFinished();
      await within('lmm.openTrace', vscode.commands.executeCommand('lmm.openTrace', broken));
      await within('the replay to end', finished);
      const run = api.currentRun();
      assert.equal(run?.file, broken.fsPath);
      assert.equal(run?.status, 'failed', JSON.stringify(run));
      assert.equal(run?.message, `${broken.fsPath}:6: unknown command 'bogus' (expected page, reg, alloc, free, dump)`);
      const failure = await waitFor('the failed replay’s diagnostic', () =>
        vscode.languages.getDiagnostics(broken).find((d) => d.source === 'LMM' && d.code === 'run-failed'),
      );
      assert.equal(failure.range.start.line, 5, 'line 6 (0-based 5)');
      // The next replay works.
      await within('lmm.openTrace', vscode.commands.executeCommand('lmm.openTrace', seedTrace));
      await waitFor('the seed trace’s replay to finish', () => (api.currentRun()?.status === 'finished' ? true : undefined));
      assert.equal(api.currentRun()?.file, seedTrace.fsPath);
    } finally {
      await vscode.workspace.fs.delete(broken).then(undefined, () => undefined);
    }
  });

  it('exports the last run as JSON and SARIF (lmm.exportReport)', async () => {
    const api = await activateLmm();
    await runHarness(api, fixtureUri('leaky-list.lmm.ts'));
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const jsonTarget = vscode.Uri.joinPath(folder, 'exported.lmm-report.json');
    await within('export JSON', vscode.commands.executeCommand('lmm.exportReport', 'json', jsonTarget));
    const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(jsonTarget))) as {
      schemaVersion: number;
      leaks: { kind: string; struct: string }[];
    };
    assert.equal(json.schemaVersion, 2);
    assert.ok(
      json.leaks.some((leak) => leak.kind === 'definitely-lost' && leak.struct === 'student_t'),
      JSON.stringify(json.leaks),
    );

    const sarifTarget = vscode.Uri.joinPath(folder, 'exported.sarif');
    await within('export SARIF', vscode.commands.executeCommand('lmm.exportReport', 'sarif', sarifTarget));
    const sarif = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(sarifTarget))) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0]!.results.length > 0, 'SARIF results for the leaks');
  });
});
