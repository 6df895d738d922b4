/** Page Families: family → pages → blocks (offset, size, state), the family's counters as descriptions. */
import { siteText } from '../../analysis/siteText';
import { META_SIZE } from '../../engine/constants';
import type { Family } from '../../engine/family';
import { isBufferFamily } from '../../engine/lmmHeap';
import { formatBlocks, formatBytes, formatCount } from './reportFigures';
import { RunStore, type RunState } from './runState';
import { MAX_CHILDREN, adopt, hex, siteLabel, type TreeNode } from './treeNode';

export function pageFamilyNodes(run: RunState | undefined): TreeNode[] {
  if (run === undefined) return [];
  const heap = run.replay.heap;
  return adopt(
    undefined,
    heap.families.map((family) => familyNode(run, family)),
  );
}

function familyNode(run: RunState, family: Family): TreeNode {
  const c = family.counters;
  const node: TreeNode = {
    id: `family/${family.name}`,
    label: family.name,
    description: `${c.pages} page${c.pages === 1 ? '' : 's'} · TBC ${c.totalBlocks} FBC ${c.freeBlocks} OBC ${c.totalBlocks - c.freeBlocks} · ${formatBytes(c.appMemory)}`,
    tooltip:
      `${family.name}: ${family.structSize} bytes per struct\n` +
      `pages ${c.pages} (peak ${c.peakPages}), mmap ${c.mmap}, munmap ${c.munmap}\n` +
      `blocks: total ${c.totalBlocks}, free ${c.freeBlocks}, occupied ${c.totalBlocks - c.freeBlocks}\n` +
      `application memory ${formatCount(c.appMemory)} bytes (peak ${formatCount(c.peakAppMemory)})`,
    icon: 'symbol-struct',
    contextValue: 'lmmFamily',
  };
  if (c.pages > 0) {
    node.children = () => {
      // Only the rows shown are built; the count comes from the family's counter.
      const rows: TreeNode[] = [];
      for (const page of run.replay.heap.familyPages(family)) {
        if (rows.length === MAX_CHILDREN) break;
        rows.push(pageNode(run, family, page, rows.length));
      }
      return adopt(node, rows, family.counters.pages);
    };
  }
  return node;
}

function pageNode(run: RunState, family: Family, page: number, index: number): TreeNode {
  const heap = run.replay.heap;
  let blocks = 0;
  let free = 0;
  let used = 0;
  for (const block of heap.pageBlocks(page)) {
    blocks++;
    if (block.free) free++;
    else used += META_SIZE + block.size;
  }
  const node: TreeNode = {
    id: `page/${page}`,
    label: `page ${index} @ ${hex(page)}`,
    description: `${formatBlocks(blocks)}, ${free} free · ${Math.round((100 * used) / heap.pageSize)}% used`,
    tooltip: `Data page of ${family.name} at ${hex(page)} (${heap.pageSize} bytes): ${formatBlocks(blocks)}, ${free} free, ${formatCount(used)} bytes used by allocated blocks and their meta data`,
    icon: 'file-binary',
    contextValue: 'lmmPage',
  };
  node.children = () =>
    adopt(
      node,
      [...heap.pageBlocks(page)].map((block) => {
        const address = block.meta + META_SIZE;
        const site = block.free ? undefined : RunStore.site(run, run.replay.blockSite.get(address));
        const units = block.free || family.structSize === 0 ? 0 : block.size / family.structSize;
        const soft = block.free && block.size < family.structSize;
        const child: TreeNode = {
          id: `block/${block.meta}`,
          // A buffer's units are its bytes, which the description gives: "+72 buf", not "+72 buf ×13".
          label: `+${block.offset} ${block.free ? 'free' : family.name + (units === 1 || isBufferFamily(family) ? '' : ` ×${units}`)}`,
          description: `${formatCount(block.size)} B${soft ? ' · soft fragment' : ''}${site ? ' · ' + siteLabel(site) : ''}`,
          tooltip: `${block.free ? 'Free block' : 'Allocated block'} at offset ${block.offset}: meta ${hex(block.meta)}, data ${hex(address)}, ${block.size} bytes${site ? `\nallocated at ${siteText(site)}` : ''}`,
          icon: block.free ? 'circle-outline' : 'circle-filled',
          iconColor: block.free ? (soft ? 'charts.yellow' : 'disabledForeground') : 'charts.blue',
          address,
          contextValue: block.free ? 'lmmFreeBlock' : 'lmmBlock',
        };
        if (site) child.site = site;
        return child;
      }),
    );
  return node;
}
