/**
 * How many single-unit blocks of a struct one data page holds under LMM's split rule, and how
 * many bytes every full page strands: a 24-byte page header, then blocks of 48 bytes of meta
 * data plus the struct, cut from the page's one free block until what is left cannot hold
 * another (fewer than 48 bytes left become a hard fragment; a smaller free block is a soft one).
 */
import { DATA_START, META_SIZE, PAGE_HEADER_SIZE } from '../engine/constants';

export interface PageFit {
  blocksPerPage: number;
  /** Bytes of a full page that hold neither the header nor a block's meta data and payload. */
  strandedBytes: number;
  /** The largest struct size that would fit one more block per page (-1 when none would). */
  sizeForOneMore: number;
}

export function pageFit(pageSize: number, structSize: number): PageFit {
  let free = pageSize - DATA_START; // the page's first free block
  let blocks = 0;
  if (structSize <= free) {
    for (;;) {
      blocks++;
      const remaining = free - structSize;
      if (remaining < META_SIZE) break; // a hard fragment
      free = remaining - META_SIZE;
      if (free < structSize) break; // a soft fragment: a free block too small for one more
    }
  }
  const usable = pageSize - PAGE_HEADER_SIZE;
  const stranded = blocks === 0 ? usable : usable - blocks * (META_SIZE + structSize);
  const oneMore = Math.floor(usable / (blocks + 1)) - META_SIZE;
  return { blocksPerPage: blocks, strandedBytes: stranded, sizeForOneMore: oneMore >= 0 ? oneMore : -1 };
}
