/**
 * LMM: Open Trace — replays an LMM `.trace` or a malloc-lab `.rep` file (the argument, the active
 * editor's, or one picked) into the views; under another `lmm.policy` it replays the trace under
 * that policy in a page of its own.
 */
import * as vscode from 'vscode';
import { isTraceFile } from '../../harness/harnessFiles';
import { COMMANDS } from '../contributions';
import { CLASSIC_POLICY, configuredPolicy, openTraceUnderPolicy } from '../policyCommands';
import type { ExtensionServices } from './extensionServices';

/** Resolves with the policy page's Markdown table when the trace was replayed under another policy. */
export type OpenTrace = (arg?: unknown) => Promise<string | undefined>;

export function registerOpenTrace({ context, controller, memoryMap, log }: ExtensionServices): OpenTrace {
  const openTrace: OpenTrace = async (arg) => {
    let uri = arg instanceof vscode.Uri ? arg : undefined;
    if (!uri) {
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active && isTraceFile(active.fsPath)) uri = active;
    }
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: 'LMM: Open Trace',
        canSelectMany: false,
        filters: { 'LMM traces': ['trace'], 'malloc-lab traces': ['rep'] },
      });
      uri = picked?.[0];
    }
    if (!uri) return;
    // lmm.policy picks the allocator for trace replays; the Memory Map and the trees are LMM's own views.
    const policy = configuredPolicy(uri);
    if (policy !== CLASSIC_POLICY) return openTraceUnderPolicy(uri, policy, log);
    try {
      if (!memoryMap.visible) memoryMap.show(true);
      await controller.openTrace(uri);
    } catch (error) {
      void vscode.window.showErrorMessage(`LMM: ${(error as Error).message}`);
    }
    return undefined;
  };
  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.openTrace, openTrace));
  return openTrace;
}
