/**
 * The invariant checker: walks the whole heap through its page bytes and proves it sound.
 * Returns every violation found as a sentence (an empty list means the heap is sound).
 *
 * - blocks tile each data page from offset 24 with the offsets of docs/allocator-model.md; a gap (hard internal
 *   fragment) only behind an allocated block and only of fewer than 48 bytes;
 * - each block's stored offset, prev/next links and page-header links agree;
 * - no two adjacent free blocks, no page left holding one free block only;
 * - the free list (read through its links in the page bytes) holds exactly the family's free
 *   blocks, largest first, and its back links agree; the run tails and the bitmap of sizes kept
 *   beside it agree with it;
 * - every counter equals a recount; mapped pages = data pages + registry pages + reservoir pages.
 */
import { FAMILY_RECORD, FIRST_META_OFFSET, GLUE_OFFSET, META, META_SIZE, PAGE_HEADER } from './constants';
import type { LmmHeap } from './lmmHeap';
import { readPointer } from './pointers';

export function checkHeap(heap: LmmHeap): string[] {
  const problems: string[] = [];
  const kernel = heap.kernel;
  const P = heap.pageSize;
  let dataPages = 0;
  let totalApp = 0;
  const allocatedSeen = new Set<number>();
  for (const family of heap.families) {
    const name = family.name;
    const recordView = kernel.view(family.recordAddress);
    const recordOffset = family.recordAddress - kernel.pageOf(family.recordAddress);
    let page = readPointer(recordView, recordOffset + FAMILY_RECORD.firstPage);
    let previousPage = 0;
    let pages = 0;
    let blocks = 0;
    let free = 0;
    let app = 0;
    let hard = 0;
    let soft = 0;
    let softBytes = 0;
    let freeBytes = 0;
    const freeBlocks = new Set<number>();
    while (page !== 0) {
      if (pages > kernel.mappedPages) {
        problems.push(`${name}: the page list has a cycle`);
        break;
      }
      if (!kernel.isMapped(page) || kernel.pageOf(page) !== page) {
        problems.push(`${name}: page 0x${page.toString(16)} in the list is not mapped`);
        break;
      }
      if (heap.pageFamilyId(page) !== family.id) problems.push(`${name}: page ${hx(page)} is filed under another family`);
      const view = kernel.view(page);
      if (readPointer(view, PAGE_HEADER.prev) !== previousPage) problems.push(`${name}: page ${hx(page)} prev link is wrong`);
      if (readPointer(view, PAGE_HEADER.family) !== family.recordAddress) {
        problems.push(`${name}: page ${hx(page)} does not point at its family record`);
      }
      pages++;
      let offset = FIRST_META_OFFSET;
      let previousMeta = 0;
      let previousFree = false;
      let blocksInPage = 0;
      for (;;) {
        const meta = page + offset;
        const isFree = view.getUint32(offset + META.isFree, true);
        const size = view.getUint32(offset + META.blockSize, true);
        if (isFree !== 0 && isFree !== 1) problems.push(`${name}: block at ${hx(meta)} has is_free = ${isFree}`);
        if (view.getUint32(offset + META.offset, true) !== offset) {
          problems.push(`${name}: block at ${hx(meta)} stores the wrong offset`);
        }
        if (readPointer(view, offset + META.prevBlock) !== previousMeta) {
          problems.push(`${name}: block at ${hx(meta)} has a wrong prev_block`);
        }
        if (isFree === 1 && previousFree) problems.push(`${name}: adjacent free blocks at ${hx(meta)}`);
        blocks++;
        blocksInPage++;
        if (isFree === 1) {
          free++;
          freeBytes += size;
          freeBlocks.add(meta);
          if (size < family.structSize) {
            soft++;
            softBytes += size;
          }
        } else {
          app += META_SIZE + size;
          allocatedSeen.add(meta);
        }
        const end = offset + META_SIZE + size;
        const next = readPointer(view, offset + META.nextBlock);
        const nextOffset = next === 0 ? P : next - page;
        const gap = nextOffset - end;
        if (gap < 0 || nextOffset > P) {
          problems.push(`${name}: block at ${hx(meta)} overlaps what follows it`);
          break;
        }
        if (gap > 0 && (isFree === 1 || gap >= META_SIZE)) {
          problems.push(`${name}: a gap of ${gap} bytes after the ${isFree ? 'free' : 'allocated'} block at ${hx(meta)}`);
        }
        hard += gap;
        if (next === 0) break;
        if (kernel.pageOf(next) !== page) {
          problems.push(`${name}: block at ${hx(meta)} links to another page`);
          break;
        }
        previousMeta = meta;
        previousFree = isFree === 1;
        offset = nextOffset;
      }
      if (blocksInPage === 1 && view.getUint32(FIRST_META_OFFSET + META.isFree, true) === 1) {
        problems.push(`${name}: page ${hx(page)} holds one free block and was not unmapped`);
      }
      previousPage = page;
      page = readPointer(view, PAGE_HEADER.next);
    }
    dataPages += pages;
    totalApp += app;

    // The free list, through its glue links in the page bytes.
    const head = family.recordAddress + FAMILY_RECORD.freeHeadLeft;
    let expectedPrevGlue = head;
    let lastSize = Infinity;
    let listed = 0;
    for (const meta of family.freeBlocks.entries()) {
      if (listed > free + 1) {
        problems.push(`${name}: the free list is longer than the free blocks (a cycle?)`);
        break;
      }
      listed++;
      if (!freeBlocks.has(meta)) problems.push(`${name}: free list holds ${hx(meta)}, which is not a free block of the family`);
      freeBlocks.delete(meta);
      const view = kernel.view(meta);
      const offset = meta - kernel.pageOf(meta);
      const size = view.getUint32(offset + META.blockSize, true);
      if (size > lastSize) problems.push(`${name}: free list out of order at ${hx(meta)} (${size} after ${lastSize})`);
      lastSize = size;
      if (readPointer(view, offset + META.freeLinkPrev) !== expectedPrevGlue) {
        problems.push(`${name}: free-list back link of ${hx(meta)} is wrong`);
      }
      expectedPrevGlue = meta + GLUE_OFFSET;
    }
    for (const missing of freeBlocks) problems.push(`${name}: free block ${hx(missing)} is not in the free list`);
    if (listed !== family.freeBlocks.length)
      problems.push(`${name}: free list length ${family.freeBlocks.length}, walked ${listed}`);
    else for (const problem of family.freeBlocks.runProblems()) problems.push(`${name}: free list ${problem}`);

    const c = family.counters;
    const recount: [string, number, number][] = [
      ['pages', c.pages, pages],
      ['TBC', c.totalBlocks, blocks],
      ['FBC', c.freeBlocks, free],
      ['application memory', c.appMemory, app],
      ['hard fragment bytes', c.hardFragmentBytes, hard],
      ['soft fragments', c.softFragments, soft],
      ['soft fragment bytes', c.softFragmentBytes, softBytes],
      ['free bytes', c.freeBytes, freeBytes],
      ['pages mapped − unmapped', c.mmap - c.munmap, pages],
    ];
    for (const [what, kept, counted] of recount) {
      if (kept !== counted) problems.push(`${name}: ${what} is ${kept}, a recount gives ${counted}`);
    }
    if (c.peakPages < c.pages || c.peakAppMemory < c.appMemory) problems.push(`${name}: a peak is below the current value`);
  }
  const tracked = new Set(heap.allocatedMetas());
  if (tracked.size !== allocatedSeen.size || [...allocatedSeen].some((meta) => !tracked.has(meta))) {
    problems.push(`the allocated-block set holds ${tracked.size} blocks, the pages ${allocatedSeen.size} (or other ones)`);
  }
  if (heap.appMemory !== totalApp) problems.push(`total application memory is ${heap.appMemory}, a recount gives ${totalApp}`);
  // Pages the reservoir keeps are mapped but belong to no family.
  const held = dataPages + heap.registryPages.length + kernel.reservoirPages;
  if (kernel.mappedPages !== held) {
    problems.push(`${kernel.mappedPages} pages are mapped but families, the registry and the page reservoir hold ${held}`);
  }
  if (kernel.reservoirPages < 0 || kernel.reservoirPages > kernel.reservoirLimit) {
    problems.push(`the page reservoir holds ${kernel.reservoirPages} pages, its limit is ${kernel.reservoirLimit}`);
  }
  if (kernel.mmapCalls - kernel.munmapCalls !== kernel.mappedPages) problems.push('mmap − munmap differs from mapped pages');
  return problems;
}

function hx(n: number): string {
  return '0x' + n.toString(16);
}
