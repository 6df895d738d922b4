/**
 * The counters of docs/allocator-model.md (Counters and fragmentation), per family and in total, as plain data (JSON-ready). Everything is read
 * from the engine's running counters, so a snapshot costs O(families) at any event.
 */
import type { Family } from './family';
import type { LmmHeap } from './lmmHeap';

export interface FamilyStatistics {
  name: string;
  size: number;
  pages: number;
  peakPages: number;
  mmap: number;
  munmap: number;
  /** Total, free and occupied block counts. */
  tbc: number;
  fbc: number;
  obc: number;
  appMemory: number;
  peakAppMemory: number;
  hardFragmentBytes: number;
  softFragments: number;
  softFragmentBytes: number;
  freeBytes: number;
  largestFreeBlock: number;
  /** 1 − largest free block ÷ free bytes; 0 when there are no free bytes. */
  externalFragmentation: number;
}

export interface TotalStatistics {
  pages: number;
  peakPages: number;
  registryPages: number;
  mappedBytes: number;
  appMemory: number;
  peakAppMemory: number;
  /** appMemory ÷ bytes mapped for data pages, as the classic report's "Memory In Use by Application". */
  appMemoryRatio: number;
  mmap: number;
  munmap: number;
  hardFragmentBytes: number;
  softFragments: number;
  softFragmentBytes: number;
}

export interface HeapStatistics {
  pageSize: number;
  families: FamilyStatistics[];
  totals: TotalStatistics;
}

export function familyStatistics(heap: LmmHeap, family: Family): FamilyStatistics {
  const c = family.counters;
  const largestMeta = family.freeBlocks.largest();
  const largestFreeBlock = largestMeta === 0 ? 0 : heap.block(largestMeta).size;
  return {
    name: family.name,
    size: family.structSize,
    pages: c.pages,
    peakPages: c.peakPages,
    mmap: c.mmap,
    munmap: c.munmap,
    tbc: c.totalBlocks,
    fbc: c.freeBlocks,
    obc: c.totalBlocks - c.freeBlocks,
    appMemory: c.appMemory,
    peakAppMemory: c.peakAppMemory,
    hardFragmentBytes: c.hardFragmentBytes,
    softFragments: c.softFragments,
    softFragmentBytes: c.softFragmentBytes,
    freeBytes: c.freeBytes,
    largestFreeBlock,
    externalFragmentation: c.freeBytes === 0 ? 0 : 1 - largestFreeBlock / c.freeBytes,
  };
}

export function heapStatistics(heap: LmmHeap): HeapStatistics {
  const families = heap.families.map((family) => familyStatistics(heap, family));
  let pages = 0;
  let hard = 0;
  let soft = 0;
  let softBytes = 0;
  for (const f of families) {
    pages += f.pages;
    hard += f.hardFragmentBytes;
    soft += f.softFragments;
    softBytes += f.softFragmentBytes;
  }
  const kernel = heap.kernel;
  return {
    pageSize: heap.pageSize,
    families,
    totals: {
      pages,
      peakPages: kernel.peakMappedPages,
      registryPages: heap.registryPages.length,
      mappedBytes: kernel.mappedBytes(),
      appMemory: heap.appMemory,
      peakAppMemory: heap.peakAppMemory,
      appMemoryRatio: pages === 0 ? 0 : heap.appMemory / (pages * heap.pageSize),
      mmap: kernel.mmapCalls,
      munmap: kernel.munmapCalls,
      hardFragmentBytes: hard,
      softFragments: soft,
      softFragmentBytes: softBytes,
    },
  };
}
