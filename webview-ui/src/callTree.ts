/**
 * Call trees of allocations (heaptrack's top-down and bottom-up views): each entry is a call
 * stack (innermost frame first, as the run report lists it) with its bytes and blocks. Top-down
 * starts at the outermost caller and ends at the allocating line; bottom-up starts at the
 * allocating line and walks out to its callers. Inclusive figures count everything under a
 * node; self figures count what the node's line allocated itself (in top-down the ends of the
 * paths, in bottom-up the roots).
 */
import type { SourceSite } from '../../src/protocol/webviewMessages';

export interface StackEntry {
  /** Innermost frame first. */
  stack: SourceSite[];
  struct: string;
  bytes: number;
  blocks: number;
}

export interface CallTreeNode {
  frame: SourceSite | null;
  label: string;
  inclusiveBytes: number;
  inclusiveBlocks: number;
  selfBytes: number;
  selfBlocks: number;
  /** Structs allocated under this node, by bytes. */
  structs: Map<string, number>;
  children: CallTreeNode[];
}

export type TreeDirection = 'top-down' | 'bottom-up';

export function frameLabel(frame: SourceSite | null): string {
  if (!frame) return '(no call stack)';
  return `${frame.file.split(/[\\/]/).pop()}:${frame.line}`;
}

function newNode(frame: SourceSite | null): CallTreeNode {
  return {
    frame,
    label: frameLabel(frame),
    inclusiveBytes: 0,
    inclusiveBlocks: 0,
    selfBytes: 0,
    selfBlocks: 0,
    structs: new Map(),
    children: [],
  };
}

/** The tree of `entries` in `direction`; the root stands for the whole (its frame is null). Children sorted by inclusive bytes. */
export function buildCallTree(entries: readonly StackEntry[], direction: TreeDirection): CallTreeNode {
  const root = newNode(null);
  root.label = 'all';
  const index = new Map<CallTreeNode, Map<string, CallTreeNode>>();
  for (const entry of entries) {
    const frames = entry.stack.length > 0 ? entry.stack : [null];
    const path = direction === 'top-down' ? [...frames].reverse() : frames;
    let node = root;
    let allocating: CallTreeNode | null = null;
    add(node, entry);
    for (const frame of path) {
      let children = index.get(node);
      if (!children) index.set(node, (children = new Map()));
      const key = frame ? `${frame.file}\u0000${frame.line}\u0000${frame.column}` : '';
      let child = children.get(key);
      if (!child) {
        child = newNode(frame);
        children.set(key, child);
        node.children.push(child);
      }
      node = child;
      add(node, entry);
      allocating ??= child;
    }
    const self = direction === 'top-down' ? node : allocating!;
    self.selfBytes += entry.bytes;
    self.selfBlocks += entry.blocks;
  }
  sortTree(root);
  return root;
}

function add(node: CallTreeNode, entry: StackEntry): void {
  node.inclusiveBytes += entry.bytes;
  node.inclusiveBlocks += entry.blocks;
  node.structs.set(entry.struct, (node.structs.get(entry.struct) ?? 0) + entry.bytes);
}

function sortTree(node: CallTreeNode): void {
  node.children.sort((a, b) => b.inclusiveBytes - a.inclusiveBytes || a.label.localeCompare(b.label));
  for (const child of node.children) sortTree(child);
}

/** A site as the report writes it, or null when it is not one (the report is data from a file). */
export function readSite(value: unknown): SourceSite | null {
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  if (typeof o['file'] !== 'string' || typeof o['line'] !== 'number') return null;
  return { file: o['file'], line: o['line'], column: typeof o['column'] === 'number' ? o['column'] : 0 };
}

/** A report entry's call stack (innermost first): its `stack`, else its one `site`, else none. */
export function readStack(entry: Record<string, unknown>): SourceSite[] {
  const stack = Array.isArray(entry['stack']) ? entry['stack'].map(readSite).filter((s): s is SourceSite => s !== null) : [];
  if (stack.length > 0) return stack;
  const site = readSite(entry['site']);
  return site ? [site] : [];
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** The live blocks at the peak, by call stack, as the run report lists them (bytes: application memory). */
export function peakEntries(report: Record<string, unknown> | null): StackEntry[] {
  const peak = report?.['peak'];
  if (typeof peak !== 'object' || peak === null) return [];
  const bySite = (peak as Record<string, unknown>)['bySite'];
  if (!Array.isArray(bySite)) return [];
  return bySite
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      stack: readStack(e),
      struct: typeof e['struct'] === 'string' ? e['struct'] : '?',
      bytes: num(e['appMemory'] ?? e['bytes']),
      blocks: num(e['blocks']),
    }));
}

/** The leaks of the run report (not suppressed, not still-reachable) by call stack (bytes: payload). */
export function leakEntries(report: Record<string, unknown> | null): StackEntry[] {
  const leaks = report?.['leaks'];
  if (!Array.isArray(leaks)) return [];
  return leaks
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .filter((e) => e['suppressed'] !== true && e['kind'] !== 'still-reachable')
    .map((e) => ({
      stack: readStack(e),
      struct: typeof e['struct'] === 'string' ? e['struct'] : '?',
      bytes: num(e['bytes']),
      blocks: num(e['blocks']),
    }));
}
