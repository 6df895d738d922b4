/** A page family: every data page of one registered struct, and its running counters. */
import type { FreeBlockQueue } from './freeBlockQueue';

/** Counters kept as the heap changes, so any of them can be read at any event in O(1). */
export interface FamilyCounters {
  /** Data pages in the family now, and at most so far. */
  pages: number;
  peakPages: number;
  /** mmap / munmap calls for this family's data pages (registry pages are not a family's). */
  mmap: number;
  munmap: number;
  /** Total and free block counts (TBC, FBC); occupied = TBC − FBC. */
  totalBlocks: number;
  freeBlocks: number;
  /** Σ over allocated blocks of (48 + block size), now and at most so far. */
  appMemory: number;
  peakAppMemory: number;
  /** Bytes that belong to no block (splits that left fewer than 48 bytes). */
  hardFragmentBytes: number;
  /** Free blocks smaller than one struct, and their bytes. */
  softFragments: number;
  softFragmentBytes: number;
  /** Σ of free block sizes. */
  freeBytes: number;
}

export function emptyCounters(): FamilyCounters {
  return {
    pages: 0,
    peakPages: 0,
    mmap: 0,
    munmap: 0,
    totalBlocks: 0,
    freeBlocks: 0,
    appMemory: 0,
    peakAppMemory: 0,
    hardFragmentBytes: 0,
    softFragments: 0,
    softFragmentBytes: 0,
    freeBytes: 0,
  };
}

export interface Family {
  readonly id: number;
  readonly name: string;
  readonly structSize: number;
  /** Address of the family record in its registry page. */
  readonly recordAddress: number;
  readonly freeBlocks: FreeBlockQueue;
  readonly counters: FamilyCounters;
}
