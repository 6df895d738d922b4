/**
 * LMM classic's byte layout (x86-64, LP64), as docs/allocator-model.md describes it.
 * Every number here is part of the conformance contract: the C implementation prints the
 * same offsets, so do not "tidy" them.
 */

/** Default VM page size; a trace's `page N` line or an engine option may change it. */
export const DEFAULT_PAGE_SIZE = 4096;

/** Bytes of block meta data in front of every block's data. */
export const META_SIZE = 48;
/** Data-page header: next page 8, prev page 8, family 8. */
export const PAGE_HEADER_SIZE = 24;
/** The first block's meta data sits right after the page header. */
export const FIRST_META_OFFSET = PAGE_HEADER_SIZE;
/** Where the first block's data begins. */
export const DATA_START = FIRST_META_OFFSET + META_SIZE;

/** Byte offsets of the fields inside one block's meta data. */
export const META = {
  isFree: 0, // u32: 1 free, 0 allocated
  blockSize: 4, // u32: data bytes of the block
  offset: 8, // u32: offset of this meta from the start of its page
  // 12..16: padding
  freeLinkPrev: 16, // glthread left: address of the previous free block's glue (meta + 16)
  freeLinkNext: 24, // glthread right
  prevBlock: 32, // address of the previous block's meta in the same page
  nextBlock: 40, // address of the next block's meta in the same page
} as const;

/** Where a block's free-list glue (the glthread node) sits inside its meta data. */
export const GLUE_OFFSET = META.freeLinkPrev;

/** Byte offsets of the data-page header fields. */
export const PAGE_HEADER = {
  next: 0,
  prev: 8,
  family: 16, // address of the family record in a registry page
} as const;

/** Registry pages: an 8-byte next pointer, then family records. */
export const REGISTRY_NEXT = 0;
export const REGISTRY_FIRST_RECORD = 8;
export const FAMILY_RECORD_SIZE = 64;
export const STRUCT_NAME_MAX = 32;

/** Byte offsets inside one family record. */
export const FAMILY_RECORD = {
  name: 0, // char[32]
  structSize: 32, // u32
  // 36..40: padding
  firstPage: 40, // address of the head data page
  freeHeadLeft: 48, // glthread head of the free list: left (unused, 0)
  freeHeadRight: 56, // glthread head of the free list: right = first free block's glue
} as const;

/** The largest request (units × struct size) one page of `pageSize` bytes can serve. */
export function maxAllocatable(pageSize: number): number {
  return pageSize - DATA_START;
}

/** How many family records one registry page holds. */
export function familiesPerRegistryPage(pageSize: number): number {
  return Math.floor((pageSize - REGISTRY_FIRST_RECORD) / FAMILY_RECORD_SIZE);
}

/** The smallest page size the layout makes sense for: a header, one meta, one record. */
export const MIN_PAGE_SIZE = 128;
/** Free-list buckets cost 16 bytes per possible block size per family: keep pages sane. */
export const MAX_PAGE_SIZE = 1 << 18;
