/**
 * LMM: Compare Runs on a workload file (argument or active editor): policies side by side; else two
 * finished runs. Arguments (for keybindings and tests): a workload Uri and the policies' names,
 * or two run ids (`[3, 4]`, see the test API's currentRun) to compare those runs without picks.
 */
import * as vscode from 'vscode';
import { isHarnessFile } from '../../harness/harnessFiles';
import { makeNonce } from '../../protocol/memoryMapHtml';
import { COMMANDS } from '../contributions';
import { compareRunsHtml, compareRunsMarkdown } from '../model/compareRuns';
import { compareRunsChoice } from '../model/compareRunsChoice';
import type { RunState } from '../model/runState';
import { comparePoliciesOn } from '../policyCommands';
import type { ExtensionServices } from './extensionServices';

export function registerCompareRuns({ context, store, log }: ExtensionServices): void {
  const compareRuns = async (arg?: unknown, policiesArg?: unknown) => {
    const runs = store.runs.filter((r) => r.report);
    if (Array.isArray(arg) && arg.length === 2 && arg.every((id) => Number.isInteger(id))) {
      const given = arg.map((id) => runs.find((run) => run.id === id));
      if (!given[0] || !given[1]) {
        const missing = given[0] ? arg[1] : arg[0];
        void vscode.window.showWarningMessage(
          `LMM: Compare Runs: run #${missing} is not among the last finished runs kept (${runs.map((r) => `#${r.id}`).join(', ') || 'none'}).`,
        );
        return undefined;
      }
      return showRunComparison(given[0], given[1]);
    }
    const choice = compareRunsChoice(
      arg instanceof vscode.Uri ? arg : undefined,
      vscode.window.activeTextEditor?.document.uri,
      (uri) => uri.fsPath,
      runs.length,
      // A harness is a workload too (its run's operations): by name, or by an open editor's text.
      (uri) =>
        isHarnessFile(uri.fsPath, vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText()),
    );
    if (choice.kind === 'policies') return comparePoliciesOn(choice.workload, policiesArg, log);
    if (choice.kind === 'ask') {
      const name = choice.workload.path.slice(choice.workload.path.lastIndexOf('/') + 1);
      const picked = await vscode.window.showQuickPick(
        [
          { label: `Compare policies on ${name}`, description: 'the same workload under two or more allocators', policies: true },
          { label: 'Compare two finished runs', description: `${runs.length} runs`, policies: false },
        ],
        { title: 'LMM: Compare Runs' },
      );
      if (!picked) return;
      if (picked.policies) return comparePoliciesOn(choice.workload, policiesArg, log);
    }
    if (choice.kind === 'pick-workload') {
      const answer = await vscode.window.showInformationMessage(
        'LMM: Compare Runs needs two finished runs (e.g. the same harness before and after a change), or a trace (.rep or .trace) or a harness to replay under several policies.',
        'Compare Policies on a Trace…',
      );
      if (!answer) return;
      const picked = await vscode.window.showOpenDialog({
        title: 'LMM: Compare Runs — workload',
        canSelectMany: false,
        filters: { 'malloc-lab traces': ['rep'], 'LMM traces': ['trace'], 'LMM harnesses': ['ts'] },
      });
      if (!picked?.[0]) return;
      return comparePoliciesOn(picked[0], policiesArg, log);
    }
    let pair: [RunState, RunState] = [runs[runs.length - 2]!, runs[runs.length - 1]!];
    if (runs.length > 2) {
      const picked = await vscode.window.showQuickPick(
        runs.map((run) => ({
          label: `#${run.id} ${run.label}`,
          description: `${run.status} · ${new Date(run.startedAt).toLocaleTimeString()}`,
          run,
        })),
        { title: 'LMM: Compare Runs — pick two', canPickMany: true },
      );
      if (!picked || picked.length !== 2) return;
      pair = [picked[0]!.run, picked[1]!.run];
    }
    return showRunComparison(pair[0], pair[1]);
  };
  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.compareRuns, compareRuns));
}

/** Counters and both maps side by side in a script-less webview (the table is returned as Markdown too). */
function showRunComparison(a: RunState, b: RunState): string {
  const panel = vscode.window.createWebviewPanel('lmm.compareRuns', `LMM: #${a.id} vs #${b.id}`, vscode.ViewColumn.Active, {
    enableScripts: false,
    localResourceRoots: [],
  });
  panel.webview.html = compareRunsHtml(a, b, makeNonce(), panel.webview.cspSource);
  return compareRunsMarkdown(a, b);
}
