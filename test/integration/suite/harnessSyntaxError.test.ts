// A harness with a syntax error, run in VS Code: the run fails with the FILE:LINE:COL message
// `lmm run` prints, the error sits on that line and column in the editor (with no stack trace),
// and once the line is mended and saved the next run works and the error is gone.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, runHarness, waitFor, type LmmTestApi } from './lmmExtension';

/** Line 11 (1-based) holds `1 + ;`: the `;` is at column 22. Written by the test: lint would refuse it as a fixture. */
const BROKEN_HARNESS = [
  '// A harness with a syntax error on line 11, column 22.',
  "import { MM_REG_STRUCT, struct, u32, XCALLOC, XFREE } from 'lmm-studio';",
  '',
  '@struct',
  'class cell_t {',
  '  @u32 value!: number;',
  '}',
  '',
  'export default function main(): void {',
  '  MM_REG_STRUCT(cell_t);',
  '  const broken = 1 + ;',
  '  const cell = XCALLOC(1, cell_t)!;',
  '  cell.value = broken;',
  '  XFREE(cell);',
  '}',
  '',
].join('\n');

describe('LMM Studio in VS Code: a harness with a syntax error', function () {
  this.timeout(90_000);
  let api: LmmTestApi;
  const uri = fixtureUri('syntax-error.lmm.ts');

  before(async () => {
    api = await activateLmm();
    await vscode.workspace.fs.writeFile(uri, Buffer.from(BROKEN_HARNESS));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it('fails with FILE:11:22, and puts the error at line 11, column 22 of the harness', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await runHarness(api, uri);
    const run = api.currentRun();
    assert.equal(run?.file, uri.fsPath);
    assert.equal(run?.status, 'failed', JSON.stringify(run));
    assert.ok(run?.message?.startsWith(`${uri.fsPath}:11:22: `), run?.message);
    assert.match(run?.message ?? '', /Unexpected ";"/);
    assert.doesNotMatch(run?.message ?? '', /\n\s+at /, 'no stack trace');
    const failure = await waitFor('the run-failed diagnostic', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.source === 'LMM' && d.code === 'run-failed'),
    );
    assert.equal(failure.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([failure.range.start.line, failure.range.start.character], [10, 21], 'line 11, column 22 (0-based 10, 21)');
    assert.match(failure.message, /^the run failed: Unexpected ";"/);
  });

  it('runs once the line is mended and saved, and the error is gone', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const line = document.lineAt(10);
    const at = line.text.indexOf('1 + ;');
    assert.ok(at >= 0, line.text);
    await editor.edit((edit) => edit.replace(new vscode.Range(10, at, 10, at + '1 + ;'.length), '1 + 2;'));
    await document.save();
    await runHarness(api, uri);
    assert.equal(api.currentRun()?.status, 'finished', JSON.stringify(api.currentRun()));
    await waitFor('the run-failed diagnostic to go', () =>
      vscode.languages.getDiagnostics(uri).some((d) => d.code === 'run-failed') ? undefined : true,
    );
  });
});
