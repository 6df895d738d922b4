// The extension activates in a real VS Code and contributes exactly what the manifest promises:
// the LMM commands (registered, not only declared), the LMM views and the settings.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MENU_COMMANDS, PALETTE_COMMANDS } from '../../../src/extension/contributions';
import { activateLmm, extensionId } from './lmmExtension';

// Declared in the manifest: the palette's commands and those that only menus show (with a title and icon).
const lmmCommands = [...Object.values(PALETTE_COMMANDS), ...Object.values(MENU_COMMANDS)];

describe('LMM Studio in VS Code: activation and contributions', () => {
  it('activates and returns the test API', async () => {
    const api = await activateLmm();
    assert.ok(vscode.extensions.getExtension(extensionId)?.isActive, 'extension is active');
    for (const view of ['pageFamilies', 'structUsage', 'leaks', 'freeLists'] as const) {
      assert.equal(typeof api.treeProviders[view]?.getChildren, 'function', `treeProviders.${view} is a TreeDataProvider`);
    }
    assert.equal(typeof api.lastReport, 'function');
    assert.equal(typeof api.whenRunFinished, 'function');
  });

  it('registers every LMM command', async () => {
    await activateLmm();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = lmmCommands.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `commands declared but not registered: ${missing.join(', ')}`);
  });

  it('declares the commands under the LMM category and the LMM views', () => {
    const manifest = vscode.extensions.getExtension(extensionId)!.packageJSON;
    const commands = manifest.contributes.commands as { command: string; title: string; category: string }[];
    const runHarness = commands.find((command) => command.command === 'lmm.runHarness');
    assert.deepEqual({ title: runHarness?.title, category: runHarness?.category }, { title: 'Run Harness', category: 'LMM' });
    assert.deepEqual(commands.map((command) => command.command).sort(), [...lmmCommands].sort());
    const container = manifest.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'lmm');
    assert.equal(container?.title, 'LMM');
    const views = (manifest.contributes.views.lmm as { id: string; name: string }[]).map((view) => `${view.id}=${view.name}`);
    assert.deepEqual(views, [
      'lmm.pageFamilies=Page Families',
      'lmm.structUsage=Struct Usage',
      'lmm.leaks=Leaks',
      'lmm.freeLists=Free Lists',
    ]);
  });

  it('exposes the settings with their defaults', () => {
    const configuration = vscode.workspace.getConfiguration('lmm');
    assert.equal(configuration.get('pageSize'), 4096);
    assert.equal(configuration.get('runOnSave'), false);
    for (const setting of ['timeLimit', 'eventsKept', 'structColors', 'trace.server', 'policy']) {
      assert.notEqual(configuration.inspect(setting)?.defaultValue, undefined, `lmm.${setting} has a default`);
    }
  });
});
