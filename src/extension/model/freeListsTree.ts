/** Free Lists: each family's priority queue of free blocks, in queue order (largest first). */
import { formatCount } from './reportFigures';
import type { RunState } from './runState';
import { MAX_CHILDREN, adopt, hex, type TreeNode } from './treeNode';
import { META_SIZE } from '../../engine/constants';

export function freeListNodes(run: RunState | undefined): TreeNode[] {
  if (run === undefined) return [];
  const heap = run.replay.heap;
  return adopt(
    undefined,
    heap.families.map((family) => {
      const length = family.freeBlocks.length;
      const largest = family.freeBlocks.largest();
      const node: TreeNode = {
        id: `freelist/${family.name}`,
        label: family.name,
        description: length === 0 ? 'empty' : `${length} free · largest ${formatCount(heap.block(largest).size)} B`,
        tooltip: `Free blocks of ${family.name} in LMM's priority order: largest first, then the one that became free earliest`,
        icon: 'list-ordered',
        contextValue: 'lmmFreeList',
      };
      if (length > 0) {
        node.children = () => {
          const rows: TreeNode[] = [];
          let rank = 0;
          for (const meta of family.freeBlocks.entries()) {
            if (rank === MAX_CHILDREN) break;
            rank++;
            const block = heap.block(meta);
            const page = heap.kernel.pageOf(meta);
            rows.push({
              id: `free/${meta}`,
              label: `#${rank} ${formatCount(block.size)} B`,
              description: `page ${hex(page)} +${block.offset}${block.size < family.structSize ? ' · soft fragment' : ''}`,
              tooltip: `Free block: meta ${hex(meta)}, ${block.size} bytes, offset ${block.offset} in page ${hex(page)}`,
              icon: 'circle-outline',
              address: meta + META_SIZE,
            });
          }
          return adopt(node, rows, family.freeBlocks.length);
        };
      }
      return node;
    }),
  );
}
