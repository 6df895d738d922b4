/**
 * LMM: Run Harness and LMM: Stop Run. Run Harness takes the argument, the active editor's
 * harness, the only harness of the workspace, or one picked; a trace given to it is opened as a
 * trace. Harnesses run only in a trusted workspace.
 */
import * as vscode from 'vscode';
import { isTraceFile } from '../../harness/harnessFiles';
import { COMMANDS } from '../contributions';
import { CLASSIC_POLICY, configuredPolicy, showHarnessRunUnderPolicy } from '../policyCommands';
import type { ExtensionServices } from './extensionServices';
import type { OpenTrace } from './openTraceCommand';
import { isHarnessDocument, notOnDiskReason } from '../model/harnessOnDisk';

/** The refusals Run Harness showed so far, in order (for the integration tests, through the extension's API). */
const refusals: string[] = [];

export function runRefusalsShown(): readonly string[] {
  return refusals;
}

const SAVE_AS = 'Save As…';

const TRUST_MESSAGE =
  'LMM Studio does not run harnesses in an untrusted workspace: a harness is a program, and running it would execute code from this folder. Trust the workspace to run harnesses; traces, the views and the static checks work without trust.';

export type RunHarness = (arg?: unknown) => Promise<string | undefined>;

export function registerRunHarness(services: ExtensionServices, openTrace: OpenTrace): RunHarness {
  const { context, controller, memoryMap, log } = services;

  const runHarness: RunHarness = async (arg) => {
    const uri = arg instanceof vscode.Uri ? arg : await pickHarness();
    if (!uri) return undefined;
    if (isTraceFile(uri.fsPath)) return openTrace(uri);
    if (!vscode.workspace.isTrusted) {
      refusals.push(TRUST_MESSAGE);
      const choice = await vscode.window.showWarningMessage(TRUST_MESSAGE, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const notOnDisk = notOnDiskReason(uri.scheme, uri.path.slice(uri.path.lastIndexOf('/') + 1));
    if (notOnDisk !== undefined) {
      // Said before anything runs: the runtime would fail to find a file of that name, or
      // (worse) find another one of the same name in its working folder.
      refusals.push(notOnDisk);
      const choice = await vscode.window.showWarningMessage(notOnDisk, SAVE_AS);
      if (choice !== SAVE_AS) return undefined;
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (document) await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.saveAs');
      const saved = vscode.window.activeTextEditor?.document.uri;
      return saved && saved.scheme === 'file' && saved.toString() !== uri.toString() ? runHarness(saved) : undefined;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) await document.save();
    if (!memoryMap.visible) memoryMap.show(true);
    // Under another lmm.policy the run is still LMM's (its views and analyses read LMM's page
    // bytes); its operations are then replayed under that policy, in a page beside the editor.
    const policy = configuredPolicy(uri);
    const run = await controller.runHarness(uri);
    if (policy !== CLASSIC_POLICY && (run.status === 'finished' || run.status === 'failed'))
      return showHarnessRunUnderPolicy(run, policy, log);
    return undefined;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.runHarness, runHarness),
    vscode.commands.registerCommand(COMMANDS.stopRun, () => {
      if (!controller.stop()) void vscode.window.showInformationMessage('LMM: no run is going on.');
    }),
  );
  return runHarness;
}

/** The harness to run when none is given: the active editor's, the only one, or one picked. */
async function pickHarness(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && (isHarnessDocument(active) || isTraceFile(active.fileName))) return active.uri;
  const found = await vscode.workspace.findFiles('**/*.lmm.ts', '**/node_modules/**', 200);
  const open = vscode.workspace.textDocuments.filter(isHarnessDocument).map((d) => d.uri);
  const all = [...new Map([...open, ...found].map((u) => [u.toString(), u])).values()];
  if (all.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'LMM: no harness in this workspace (a *.lmm.ts file, or a .ts file importing lmm-studio).',
      'New Harness',
    );
    if (choice) await vscode.commands.executeCommand(COMMANDS.newHarness);
    return undefined;
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'LMM: Run Harness', placeHolder: 'Which harness?' },
  );
  return picked?.uri;
}
