/**
 * Struct Usage: per struct, live blocks and application memory as the description; pages,
 * mmap/munmap, TBC/FBC/OBC and internal / external fragmentation as children.
 * Read from the replayed heap's counters, so it is current while a run goes on.
 */
import { META_SIZE } from '../../engine/constants';
import { familyStatistics } from '../../engine/statistics';
import { formatBytes, formatCount } from './reportFigures';
import type { RunState } from './runState';
import { adopt, type TreeNode } from './treeNode';

export function structUsageNodes(run: RunState | undefined): TreeNode[] {
  if (run === undefined) return [];
  const heap = run.replay.heap;
  return adopt(
    undefined,
    heap.families.map((family) => {
      const s = familyStatistics(heap, family);
      // LMM blocks hold exactly units × size bytes, so what a struct "wastes" inside its pages is
      // the meta data of its blocks plus the hard fragments; the rest of a page is free space.
      const internal = s.obc * META_SIZE + s.hardFragmentBytes;
      const node: TreeNode = {
        id: `struct/${s.name}`,
        label: s.name,
        description: `${formatCount(s.obc)} live · ${formatBytes(s.appMemory)}`,
        tooltip: `${s.name} (${s.size} bytes): ${s.obc} live blocks, ${formatCount(s.appMemory)} bytes of application memory`,
        icon: 'symbol-struct',
        contextValue: 'lmmStruct',
      };
      const rows: [string, string, string][] = [
        ['live blocks', formatCount(s.obc), 'Allocated (occupied) blocks now'],
        [
          'application memory',
          `${formatCount(s.appMemory)} B (peak ${formatCount(s.peakAppMemory)} B)`,
          'Σ (48 bytes of meta data + block size) over allocated blocks',
        ],
        ['pages', `${s.pages} (peak ${s.peakPages})`, 'Data pages of this family now, and at most'],
        ['mmap / munmap', `${s.mmap} / ${s.munmap}`, "Calls that mapped and unmapped this family's data pages"],
        ['TBC / FBC / OBC', `${s.tbc} / ${s.fbc} / ${s.obc}`, 'Total, free and occupied block counts'],
        [
          'internal fragmentation',
          `${formatCount(internal)} B`,
          'Meta data of allocated blocks plus hard-fragment bytes (too small to be a block)',
        ],
        [
          'external fragmentation',
          `${(100 * s.externalFragmentation).toFixed(1)}% · ${s.softFragments} soft fragments (${formatCount(s.softFragmentBytes)} B)`,
          '1 − largest free block ÷ free bytes; soft fragments are free blocks smaller than one struct',
        ],
      ];
      node.children = () =>
        adopt(
          node,
          rows.map(([label, description, tooltip]) => ({ id: `${node.id}/${label}`, label, description, tooltip })),
        );
      return node;
    }),
  );
}
