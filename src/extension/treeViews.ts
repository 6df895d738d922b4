/**
 * The four LMM side-panel trees: vscode.TreeDataProviders over the vscode-free tree models.
 * Refreshes are throttled (a live run posts many batches a second; a tree redraw per batch would
 * flood the UI) and the latest node per id is kept so a tree can reveal a block by id.
 */
import * as vscode from 'vscode';
import { COMMANDS } from './contributions';
import type { RunState } from './model/runState';
import type { TreeNode } from './model/treeNode';
import { runStepLabel } from './model/runStepLabel';

export type NodesOf = (run: RunState | undefined) => TreeNode[];

export class LmmTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private run: RunState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, TreeNode>();
  /** Set by the extension once the TreeView exists (for reveal). */
  view: vscode.TreeView<TreeNode> | undefined;

  constructor(
    readonly viewId: string,
    private readonly nodesOf: NodesOf,
    private readonly throttleMs = 250,
  ) {}

  /** Shows `run` (now, or within the throttle interval while a run goes on). */
  setRun(run: RunState | undefined, immediate = false): void {
    this.run = run;
    if (immediate) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.refresh();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.refresh();
      }, this.throttleMs);
    }
  }

  private refresh(): void {
    this.seen.clear();
    // The header names the step the rows show (the trees read the same state as the status bar).
    if (this.view) this.view.description = runStepLabel(this.run);
    this.changed.fire();
  }

  /** The top-level rows, as the view shows them (also for tests through the extension's API). */
  roots(): TreeNode[] {
    return this.getChildren();
  }

  getChildren(element?: TreeNode): TreeNode[] {
    const nodes = element ? (element.children?.() ?? []) : this.nodesOf(this.run);
    for (const node of nodes) this.seen.set(node.id, node);
    return nodes;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.parent;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const state = node.children
      ? node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, state);
    item.id = `${this.run?.id ?? 0}/${node.id}`;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip !== undefined) item.tooltip = node.tooltip;
    if (node.icon)
      item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    if (node.contextValue) item.contextValue = node.contextValue;
    item.accessibilityInformation = { label: [node.label, node.description].filter(Boolean).join(', ') };
    if (node.site || node.address !== undefined) {
      item.command = { command: COMMANDS.revealNode, title: 'Show', arguments: [node.site, node.address] };
    }
    return item;
  }

  /** Finds a row by model id among the rows built so far, expanding from the top if needed. */
  find(id: string, path: string[] = []): TreeNode | undefined {
    const known = this.seen.get(id);
    if (known) return known;
    let level = this.getChildren();
    for (const step of path) {
      const next = level.find((n) => n.id === step);
      if (!next) return undefined;
      level = this.getChildren(next);
    }
    return this.seen.get(id);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}
