/**
 * The four LMM side-panel trees: vscode.TreeDataProviders over the vscode-free tree models.
 * Refreshes are throttled (a live run posts many batches a second; a tree redraw per batch would
 * flood the UI) and the latest node per id is kept so a tree can reveal a block by id. While a run
 * goes on, the rows are redrawn only when what they show changed, at most once per LIVE_ROWS_MS,
 * and the header names the step of the rows on screen (it moves at every refresh while they read
 * the same, as in a steady loop; see ShownRowsStep): each redraw makes VS Code fetch the rows from
 * this host, and while it waits the view shows its animated progress bar, which keeps the window
 * drawing frames on the cores the run needs.
 */
import * as vscode from 'vscode';
import { COMMANDS } from './contributions';
import type { RunState } from './model/runState';
import type { TreeNode } from './model/treeNode';
import { runStepLabel } from './model/runStepLabel';
import { ShownRowsStep } from './model/shownRowsStep';
import { treeRowsDigest } from './model/treeRowsDigest';

/** How often a live run's trees are refreshed: their headers, and their rows when changed (at most every LIVE_ROWS_MS). */
export const LIVE_REFRESH_MS = 250;

/** While a run goes on, a tree's rows are redrawn at most this often. */
export const LIVE_ROWS_MS = 600;

/**
 * Rows held back (`rowsHeld`, while a check's rows are drawn) wait at most until the header has
 * stood still this long: the header names their step, and it must move at least every second.
 */
export const HELD_ROWS_MAX_MS = 600;

export type NodesOf = (run: RunState | undefined) => TreeNode[];

export class LmmTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private run: RunState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly seen = new Map<string, TreeNode>();
  /** The children of the open rows, as the last refresh read them for its digest, by row id. */
  private readonly childrenRead = new Map<string, TreeNode[]>();
  /** The top-level rows last drawn, their digest and when (performance.now()). */
  private shown: TreeNode[] | undefined;
  private shownDigest: string | undefined;
  private rowsShownAt = -Infinity;
  /** The step the rows on screen are of: the header's. */
  private readonly rowsStep = new ShownRowsStep();
  /** Rows the user opened or closed, by node id, in the run `openRunId`. */
  private readonly opened = new Set<string>();
  private readonly closed = new Set<string>();
  private openRunId: number | undefined;
  /** Set by the extension once the TreeView exists (for reveal). */
  view: vscode.TreeView<TreeNode> | undefined;
  /** Called when the rows' redraw is fired, and when VS Code then asks for the top-level rows. */
  onRedraw: (() => void) | undefined;
  onRootsFetched: (() => void) | undefined;
  /** While this says so, a live run's changed rows wait (and the header, which names their step): the window has more urgent rows to draw. */
  rowsHeld: (() => boolean) | undefined;

  constructor(
    readonly viewId: string,
    private readonly nodesOf: NodesOf,
    private readonly throttleMs = LIVE_REFRESH_MS,
  ) {}

  /** Shows `run` (now, or within the throttle interval while a run goes on). */
  setRun(run: RunState | undefined, immediate = false): void {
    this.run = run;
    if (immediate) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.refresh(true);
    } else if (!this.timer) this.refreshIn(this.throttleMs);
  }

  private refreshIn(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh(false);
    }, delayMs);
  }

  /** Redraws the header alone (it says how long a live run has been quiet, in seconds that tick). */
  showHeader(): void {
    if (this.view) this.view.description = runStepLabel(this.run, Date.now(), this.rowsStep.step);
  }

  private refresh(immediate: boolean): void {
    if (this.run?.id !== this.openRunId) {
      // Rows of another run have other ids: VS Code opens them as their nodes say.
      this.openRunId = this.run?.id;
      this.opened.clear();
      this.closed.clear();
    }
    const roots = this.nodesOf(this.run);
    // The newest rows answer VS Code from now on, also when it is not told to redraw: a row the
    // user opens later shows its children as they are now.
    this.shown = roots;
    this.seen.clear();
    for (const node of roots) this.seen.set(node.id, node);
    this.childrenRead.clear();
    const rows = treeRowsDigest(
      roots,
      (node) => this.isOpen(node),
      (node, children) => this.childrenRead.set(node.id, children),
    );
    const digest = rows === undefined ? undefined : `${this.run?.id ?? ''}\n${rows}`;
    const step = this.run?.replay.steps ?? 0;
    // The header names the step of the rows on screen (the trees read the same state as the
    // status bar): rows that read as those shown are of this step too; changed rows waiting for
    // their redraw are not, and the header waits with them.
    const waiting = (): void => {
      this.rowsStep.refreshed(this.run?.id, step, digest, false);
      this.showHeader();
    };
    if (digest !== undefined && digest === this.shownDigest) return waiting();
    const heldFor = HELD_ROWS_MAX_MS - this.rowsStep.unchangedForMs;
    if (!immediate && heldFor > 0 && this.rowsHeld?.()) {
      if (!this.timer) this.refreshIn(Math.min(heldFor, this.throttleMs));
      return waiting();
    }
    const wait = this.rowsShownAt + LIVE_ROWS_MS - performance.now();
    if (!immediate && wait > 0) {
      // Changed, but redrawn less than LIVE_ROWS_MS ago: once that much time has passed (a
      // shorter timer first, so that rows that change back are seen at the usual pace).
      if (!this.timer) this.refreshIn(Math.min(wait, this.throttleMs));
      return waiting();
    }
    this.shownDigest = digest;
    this.rowsShownAt = performance.now();
    this.rowsStep.refreshed(this.run?.id, step, digest, true);
    this.showHeader();
    this.changed.fire();
    this.onRedraw?.();
  }

  /** Whether VS Code shows `node`'s children: as the node says, unless the user toggled it. */
  private isOpen(node: TreeNode): boolean {
    return this.opened.has(node.id) || (node.expanded === true && !this.closed.has(node.id));
  }

  /** Follows the user's expanding and collapsing of rows (the rows a redraw would show). */
  trackExpansion(view: vscode.TreeView<TreeNode>): vscode.Disposable {
    return vscode.Disposable.from(
      view.onDidExpandElement(({ element }) => {
        this.closed.delete(element.id);
        this.opened.add(element.id);
      }),
      view.onDidCollapseElement(({ element }) => {
        this.opened.delete(element.id);
        this.closed.add(element.id);
      }),
    );
  }

  /** The top-level rows, as the view shows them (also for tests through the extension's API). */
  roots(): TreeNode[] {
    return this.getChildren();
  }

  getChildren(element?: TreeNode): TreeNode[] {
    // VS Code may hold a row from an earlier fetch: its children come from the newest row of that id.
    const nodes = element
      ? (this.childrenRead.get(element.id) ?? (this.seen.get(element.id) ?? element).children?.() ?? [])
      : (this.shown ??= this.nodesOf(this.run));
    for (const node of nodes) this.seen.set(node.id, node);
    if (!element) this.onRootsFetched?.();
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
