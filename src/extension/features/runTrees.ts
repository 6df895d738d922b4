/** The four LMM side-bar trees: one provider and one TreeView each, all fed the same RunState. */
import * as vscode from 'vscode';
import { TREE_VIEWS } from '../contributions';
import { freeListNodes } from '../model/freeListsTree';
import { leakNodes } from '../model/leaksTree';
import { pageFamilyNodes } from '../model/pageFamiliesTree';
import { structUsageNodes } from '../model/structUsageTree';
import { LmmTreeProvider } from '../treeViews';
import type { RunTrees } from './extensionServices';

export function createRunTrees(context: vscode.ExtensionContext): RunTrees {
  const trees: RunTrees = {
    pageFamilies: new LmmTreeProvider(TREE_VIEWS.pageFamilies, pageFamilyNodes),
    structUsage: new LmmTreeProvider(TREE_VIEWS.structUsage, structUsageNodes),
    leaks: new LmmTreeProvider(TREE_VIEWS.leaks, leakNodes),
    freeLists: new LmmTreeProvider(TREE_VIEWS.freeLists, freeListNodes),
  };
  for (const provider of Object.values(trees)) {
    const view = vscode.window.createTreeView(provider.viewId, { treeDataProvider: provider, showCollapseAll: true });
    provider.view = view;
    context.subscriptions.push(provider, view, provider.trackExpansion(view));
  }
  return trees;
}
