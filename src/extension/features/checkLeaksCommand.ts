/**
 * LMM: Check Leaks Now. While a harness runs, asks for a leak check at its next heap call (or loop turn);
 * otherwise shows the last run's leaks again in the Leaks view and the Problems panel.
 */
import * as vscode from 'vscode';
import { COMMANDS, TREE_VIEWS } from '../contributions';
import { lastRunLeaksMessage } from '../model/shownLeakCheck';
import type { ExtensionServices } from './extensionServices';

export function registerCheckLeaksNow({ context, controller, store, settle }: ExtensionServices): void {
  const checkLeaksNow = async () => {
    if (controller.checkLeaksNow()) {
      void vscode.window.setStatusBarMessage(
        'LMM: leak check requested; it runs at the harness’s next heap call (or loop turn) and joins the Leaks view and the Memory Map’s leak-check markers.',
        5000,
      );
      return;
    }
    const run = store.current;
    if (!run || run.status === 'running') {
      void vscode.window.showInformationMessage(
        'LMM: run a harness first; its leaks are checked at the end of main and at each mm_leak_check().',
      );
      return;
    }
    await settle(run);
    await vscode.commands.executeCommand(`${TREE_VIEWS.leaks}.focus`);
    void vscode.window.showInformationMessage(lastRunLeaksMessage(run));
  };
  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.checkLeaksNow, checkLeaksNow));
}
