/**
 * What a tree shows, as one string: every visible row's id, label, description, tooltip, icon and
 * context (the top level, and the children of each row that is open). Two equal digests mean a
 * redraw of the tree would show nothing new. While a run goes on the trees are asked again only when
 * this changes: each redraw makes VS Code fetch the rows from the extension host, and while it
 * waits the view shows its animated progress bar, which keeps the window drawing frames.
 */
import type { TreeNode } from './treeNode';

/** Past this many rows the digest stops and says "changed" (a redraw is cheaper than the walk). */
export const DIGEST_MAX_ROWS = 5_000;

/**
 * The digest of `roots` and, under each row for which `isOpen` holds, of its children; undefined
 * when there are more than DIGEST_MAX_ROWS rows to read (the caller redraws). `childrenRead` is
 * given each open row's children as they were read, so that the redraw can show those rather than
 * build them again.
 */
export function treeRowsDigest(
  roots: TreeNode[],
  isOpen: (node: TreeNode) => boolean,
  childrenRead?: (node: TreeNode, children: TreeNode[]) => void,
): string | undefined {
  const parts: string[] = [];
  const pending: { node: TreeNode; depth: number }[] = roots.map((node) => ({ node, depth: 0 })).reverse();
  while (pending.length > 0) {
    if (parts.length >= DIGEST_MAX_ROWS) return undefined;
    const { node, depth } = pending.pop()!;
    // JSON keeps the fields apart whatever a label holds (a struct name, a file name).
    parts.push(
      JSON.stringify([
        depth,
        node.id,
        node.label,
        node.description ?? '',
        node.tooltip ?? '',
        node.icon ?? '',
        node.iconColor ?? '',
        node.contextValue ?? '',
        node.children ? (isOpen(node) ? 'open' : 'closed') : 'leaf',
      ]),
    );
    if (node.children && isOpen(node)) {
      const children = node.children();
      childrenRead?.(node, children);
      for (let i = children.length - 1; i >= 0; i--) pending.push({ node: children[i]!, depth: depth + 1 });
    }
  }
  return parts.join('\n');
}
