// A harness typed into an untitled editor (File: New File, language TypeScript), then LMM: Run
// Harness from the command palette: nothing runs (a run compiles the harness from its file), the
// person is told to save it, naming it, and the run and views of before are left as they were.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, waitFor, type LmmTestApi } from './lmmExtension';

const UNTITLED_HARNESS = [
  "import { MM_REG_STRUCT, struct, u32, XCALLOC } from 'lmm-studio';",
  '',
  '@struct',
  'class cell_t {',
  '  @u32 value!: number;',
  '}',
  '',
  'export default function main(): void {',
  '  MM_REG_STRUCT(cell_t);',
  '  XCALLOC(1, cell_t);',
  '}',
  '',
].join('\n');

describe('LMM Studio in VS Code: a harness in an untitled editor', function () {
  this.timeout(60_000);
  let api: LmmTestApi;

  before(async () => {
    api = await activateLmm();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs nothing and asks for the harness to be saved, naming it', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: UNTITLED_HARNESS });
    assert.equal(document.uri.scheme, 'untitled');
    await vscode.window.showTextDocument(document);
    const before = api.currentRun();
    const refusalsBefore = api.runRefusals().length;
    // No argument: Run Harness takes the active editor's harness, as from the command palette.
    // Not awaited: the command waits for the person's answer to the message.
    void vscode.commands.executeCommand('lmm.runHarness');
    const refusal = await waitFor('the refusal', () => api.runRefusals()[refusalsBefore]);
    const name = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
    assert.ok(refusal.startsWith(`LMM: save ${name} before running it`), refusal);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.deepEqual(api.currentRun(), before, 'no run started, the last one is still shown');
    assert.equal(document.isUntitled, true, 'nothing was saved for the person');
  });
});
