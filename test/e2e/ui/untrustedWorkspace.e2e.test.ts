// UI end-to-end: LMM Studio in a folder VS Code does not trust (Restricted Mode), as a person gets
// it when they open a stranger's repository: a harness is a program, so none runs there, by command
// or on save; the static checks and traces, which run no code from the folder, still work
// (package.json's `capabilities.untrustedWorkspaces`, the README's "In VS Code").
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../vscode-host/codeServer';
import { packageExtension } from '../../vscode-host/vsix';
import { Workbench, assertEventually } from './workbench';

const examples = path.join(projectRoot, 'examples');
const artifacts = path.join(projectRoot, 'test/artifacts');
const TRUST_REFUSAL = 'does not run harnesses in an untrusted workspace';

describe('LMM Studio UI in an untrusted workspace (Restricted Mode, packaged extension)', function () {
  this.timeout(120_000);
  let workbench: Workbench;
  let failures = 0;

  afterEach(function () {
    if (this.currentTest?.state !== 'passed') failures++;
  });

  before(async function () {
    this.timeout(20 * 60_000); // a first run installs code-server and packages
    const vsix = await packageExtension();
    workbench = await Workbench.open(
      vsix,
      (workspace) => {
        mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
        for (const file of [
          'leak-definitely-lost.lmm.ts',
          'error-unregistered-struct.lmm.ts',
          'seed-testapp.trace',
          'tsconfig.json',
        ])
          copyFileSync(path.join(examples, file), path.join(workspace, file));
        // The folder asks for a run on every save: a restricted setting, ignored while it is untrusted.
        writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'lmm.runOnSave': true }));
      },
      { workspaceTrust: true },
    );
  });

  after(async () => {
    if (!workbench) return;
    if (failures > 0) {
      mkdirSync(artifacts, { recursive: true });
      await workbench.page.screenshot({ path: path.join(artifacts, 'untrusted-failure.png') }).catch(() => {});
    }
    await workbench.close();
  });

  /** The LMM status bar item's text (`LMM` alone: no run yet). */
  const lmmStatus = () =>
    workbench.page
      .locator('.statusbar-item', { hasText: /\bLMM\b/ })
      .first()
      .innerText()
      .then((text) => text.trim());

  /** Waits `ms`, then says whether a run has started meanwhile (the status bar left its no-run text). */
  async function noRunAfter(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const text = await lmmStatus();
      assert.equal(text, 'LMM', `a run started: the status bar says "${text}"`);
      await workbench.page.waitForTimeout(250);
    }
  }

  it('opens the folder in Restricted Mode', async () => {
    await workbench.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    assert.equal(await lmmStatus(), 'LMM');
  });

  it('refuses LMM: Run Harness with a message that says why, and starts no run', async () => {
    await workbench.openFile('leak-definitely-lost.lmm.ts');
    await workbench.runCommand('LMM: Run Harness');
    await workbench.page
      .locator('.notifications-toasts .notification-toast', { hasText: TRUST_REFUSAL })
      .first()
      .waitFor({ timeout: 20_000 });
    await noRunAfter(3000);
    assert.equal(
      await workbench.page.locator('.tabs-container .tab', { hasText: 'Memory Map' }).count(),
      0,
      'no Memory Map was opened for a run',
    );
  });

  it('runs no harness on save, although the folder sets lmm.runOnSave', async () => {
    await workbench.page.keyboard.press('Escape');
    await workbench.goTo(1, 1);
    await workbench.page.keyboard.type('// edited\n');
    await workbench.page.keyboard.press('Control+S');
    // The tab's dirty mark goes once the save is done.
    await workbench.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 20_000 });
    await noRunAfter(4000);
  });

  it('still runs the static checks: a struct allocated but never registered is a problem before any run', async () => {
    await workbench.openFile('error-unregistered-struct.lmm.ts');
    await workbench.runCommand('View: Focus Problems');
    const rows = workbench.page.locator('.markers-panel .monaco-list-row');
    await assertEventually(async () => {
      const texts = await rows.allInnerTexts();
      return texts.some((text) => text.includes('never registered with MM_REG_STRUCT'));
    }, 'the unregistered-struct warning in the Problems panel');
    assert.equal(await lmmStatus(), 'LMM', 'the check ran nothing');
  });

  it('still opens a trace: its replay fills the status bar', async () => {
    await workbench.openFile('seed-testapp.trace');
    await workbench.runCommand('LMM: Run Harness');
    const text = await assertEventually(async () => {
      const shown = await lmmStatus();
      return shown !== 'LMM' && /page|step/.test(shown) ? shown : undefined;
    }, 'the trace in the status bar');
    assert.match(text, /\d/);
  });
});
