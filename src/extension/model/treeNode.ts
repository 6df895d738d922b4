/**
 * A tree row as the LMM side panel shows it, free of the vscode module so the tree models are
 * tested with plain mocha. `src/extension/treeViews.ts` turns these into `vscode.TreeItem`s.
 */
import type { SuppressFindingArgs } from '../../protocol/lspMessages';
import type { ReportSite } from '../../protocol/runReportSchema';

export interface TreeNode {
  /** Stable across refreshes of the same run (keeps expansion and selection). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id ('symbol-struct', 'warning' …) and an optional theme colour id for it. */
  icon?: string;
  iconColor?: string;
  /** Children, computed when the row is expanded; absent for a leaf. */
  children?: () => TreeNode[];
  expanded?: boolean;
  parent?: TreeNode;
  /** What selecting the row shows: the harness line and / or the block in the Memory Map. */
  site?: ReportSite;
  address?: number;
  /** For menus (`viewItem == …`). */
  contextValue?: string;
  /** A leak row of a harness run: what its Suppress action silences. */
  suppress?: SuppressFindingArgs;
}

/** Rows shown under one parent at most; the rest are summarised, so 10,000 pages stay cheap. */
export const MAX_CHILDREN = 500;

/** Attaches `parent` to each child (for reveal) and caps the list with a summary row. */
export function adopt(parent: TreeNode | undefined, children: TreeNode[], total = children.length): TreeNode[] {
  const shown = children.length > MAX_CHILDREN ? children.slice(0, MAX_CHILDREN) : children;
  for (const child of shown) child.parent = parent;
  if (total > shown.length) {
    shown.push({
      id: `${parent?.id ?? 'root'}/more`,
      label: `${count(shown.length)} of ${count(total)} shown`,
      description: `${count(total - shown.length)} more`,
      tooltip: `${count(total - shown.length)} more not listed, to keep the view fast: the Memory Map shows every one.`,
      icon: 'ellipsis',
      parent,
    });
  }
  return shown;
}

const count = (n: number) => n.toLocaleString('en-US');

export function hex(address: number): string {
  return `0x${address.toString(16)}`;
}

export function siteLabel(site: ReportSite): string {
  const slash = Math.max(site.file.lastIndexOf('/'), site.file.lastIndexOf('\\'));
  return `${site.file.slice(slash + 1)}${site.line > 0 ? `:${site.line}` : ' (line unknown)'}`;
}
