/**
 * The policy picker: a status bar item that shows the `lmm.policy` in force for the active file
 * (the allocator Run Harness replays a run under, and Open Trace replays a trace under) and, on a
 * click, a quick pick of the policies with their header costs. `lmm.choosePolicy` is an internal
 * command (not in the palette, which lists LMM's own commands only); given a policy name it sets
 * it without asking. The choice goes where the setting is already set, else to the workspace.
 */
import * as vscode from 'vscode';
import { findPolicy, POLICIES } from '../policies/policyRegistry';
import { COMMANDS } from './contributions';
import { CLASSIC_POLICY, configuredPolicy } from './policyCommands';

export function registerPolicyPicker(context: vscode.ExtensionContext): void {
  const item = vscode.window.createStatusBarItem('lmm.policy', vscode.StatusBarAlignment.Left, 9);
  item.name = 'LMM allocation policy';
  item.command = COMMANDS.choosePolicy;
  const update = () => {
    const policy = configuredPolicy(vscode.window.activeTextEditor?.document.uri);
    const info = findPolicy(policy);
    item.text = `$(beaker) ${policy}`;
    item.tooltip =
      policy === CLASSIC_POLICY
        ? 'LMM policy: lmm-classic, LMM itself. Click to replay runs and traces under another allocator too.'
        : `LMM policy: ${policy} (${info?.header ?? 'unknown'}). Run Harness replays each run under it beside LMM's own views; Open Trace replays traces under it. Click to choose.`;
    item.accessibilityInformation = { label: `LMM allocation policy: ${policy}. Choose another.` };
    item.show();
  };
  update();
  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lmm.policy')) update();
    }),
    vscode.commands.registerCommand(COMMANDS.choosePolicy, (given?: unknown) => choosePolicy(given)),
  );
}

/** Sets `lmm.policy` to `given`, or to what the user picks; returns the policy set, or undefined. */
async function choosePolicy(given: unknown): Promise<string | undefined> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const current = configuredPolicy(uri);
  let chosen: string | undefined;
  if (typeof given === 'string') {
    if (findPolicy(given) === undefined) {
      void vscode.window.showErrorMessage(`LMM: unknown policy '${given}' (one of: ${POLICIES.map((p) => p.name).join(', ')})`);
      return undefined;
    }
    chosen = given;
  } else {
    const picked = await vscode.window.showQuickPick(
      POLICIES.map((p) => ({
        label: p.name,
        description: p.name === current ? `${p.header} · current` : p.header,
        detail: p.summary,
        picked: p.name === current,
      })),
      {
        title: 'LMM: allocation policy for Run Harness and Open Trace (lmm.policy)',
        placeHolder: `now ${current}; harness runs stay on lmm-classic and are replayed under the policy beside it`,
        matchOnDetail: true,
      },
    );
    chosen = picked?.label;
  }
  if (chosen === undefined) return undefined;
  const config = vscode.workspace.getConfiguration('lmm', uri);
  const where = config.inspect<string>('policy');
  const target =
    where?.workspaceFolderValue !== undefined && uri !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : where?.workspaceValue !== undefined || vscode.workspace.workspaceFolders !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update('policy', chosen, target);
  return chosen;
}
