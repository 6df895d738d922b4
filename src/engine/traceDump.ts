/** The `dump` line of the trace format (docs/trace-format.md): one JSON object of the state. */
import type { LmmHeap } from './lmmHeap';

export interface DumpFamily {
  name: string;
  size: number;
  /** Pages in list order; each page is its blocks in address order as [offset, size, free]. */
  pages: [number, number, 0 | 1][][];
  /** The free list in order, each entry [page index in `pages`, offset, size]. */
  free: [number, number, number][];
}

export interface Dump {
  mmap: number;
  munmap: number;
  families: DumpFamily[];
}

export function dumpHeap(heap: LmmHeap): Dump {
  const families = heap.families.map((family): DumpFamily => {
    const pageIndex = new Map<number, number>();
    const pages: DumpFamily['pages'] = [];
    for (const page of heap.familyPages(family)) {
      pageIndex.set(page, pages.length);
      const blocks: [number, number, 0 | 1][] = [];
      for (const block of heap.pageBlocks(page)) blocks.push([block.offset, block.size, block.free ? 1 : 0]);
      pages.push(blocks);
    }
    const free: DumpFamily['free'] = [];
    for (const meta of family.freeBlocks.entries()) {
      const block = heap.block(meta);
      free.push([pageIndex.get(heap.kernel.pageOf(meta)) ?? -1, block.offset, block.size]);
    }
    return { name: family.name, size: family.structSize, pages, free };
  });
  return { mmap: heap.kernel.mmapCalls, munmap: heap.kernel.munmapCalls, families };
}
