/**
 * Where every row of the Memory Map goes: one header row per page family, then one strip per
 * data page of that family (list order). Kept as typed arrays so 10,000 pages lay out in well
 * under a millisecond, and rows are found by binary search on their y (virtualised drawing).
 */
import { DATA_START, FIRST_META_OFFSET, META_SIZE } from '../../src/engine/constants';
import type { LmmHeap } from '../../src/engine/lmmHeap';

export const FAMILY_ROW_HEIGHT = 22;
export const PAGE_ROW_HEIGHT = 14;
export const PAGE_ROW_GAP = 2;

/**
 * How large a page is drawn. A page is `lines` strips of `pageSize / lines` bytes each, one under
 * the other (text wraps the same way), so zooming in widens every byte without a sideways
 * scroll: at 16 lines a 4096-byte page has 256 bytes per strip and a 56-byte block is wide
 * enough to carry its struct and size. The overview draws each page as one pixel row, so
 * thousands of pages fit in a few screens.
 */
export interface ZoomLevel {
  name: string;
  /** Strips per page, and the height of one strip. */
  lines: number;
  lineHeight: number;
  /** Space below a page. */
  gap: number;
  /** Blocks carry their struct, size and state when there is room; pages carry their address. */
  labels: boolean;
  pageLabels: boolean;
}

export const ZOOM_LEVELS: readonly ZoomLevel[] = [
  { name: 'overview', lines: 1, lineHeight: 1, gap: 0, labels: false, pageLabels: false },
  { name: '1×', lines: 1, lineHeight: PAGE_ROW_HEIGHT, gap: PAGE_ROW_GAP, labels: false, pageLabels: true },
  { name: '2×', lines: 2, lineHeight: 16, gap: 4, labels: true, pageLabels: true },
  { name: '4×', lines: 4, lineHeight: 20, gap: 6, labels: true, pageLabels: true },
  { name: '8×', lines: 8, lineHeight: 22, gap: 8, labels: true, pageLabels: true },
  { name: '16×', lines: 16, lineHeight: 24, gap: 10, labels: true, pageLabels: true },
];
/** The zoom a run opens at (one 14-px strip per page). */
export const DEFAULT_ZOOM = 1;

/** A page row's height at `zoom` (its strips, without the gap below). */
export function pageRowHeight(zoom: ZoomLevel): number {
  return zoom.lines * zoom.lineHeight;
}

export const enum RowKind {
  Family = 1,
  Page = 2,
}

export interface MapLayout {
  count: number;
  kind: Uint8Array;
  family: Int32Array;
  /**
   * Page address of a page row (0 for a family row, and for a page row not read yet): read it
   * with `pageOfRow`, which walks the family's page list as far as the row (see `buildMapLayout`).
   */
  page: Float64Array;
  /** Top y of each row; `totalHeight` is the bottom of the last. */
  top: Float64Array;
  totalHeight: number;
  pageCount: number;
  /** The heap laid out, and its page lists' state then (`pageListsKey`). */
  heap: LmmHeap;
  key: string;
  /** Per family id: its page list, read as far as `pageOfRow` needed. */
  walks: Map<number, FamilyWalk>;
}

interface FamilyWalk {
  /** The row of the family's first page, and the rows its pages take. */
  firstRow: number;
  rows: number;
  /** Pages read so far (rows firstRow … firstRow + read − 1 hold them), and the list's iterator. */
  read: number;
  pages: Iterator<number>;
  done: boolean;
}

/**
 * Names the state of `heap`'s page lists. A family's data page list changes only when a page is
 * mapped (added at its head) or unmapped, and struct registration adds families; the kernel's
 * counts of mmap and munmap calls only grow along a run. So two heaps of one run whose families
 * and counts are the same have the same page lists, page for page: a layout made for one step
 * serves every step of the same key (stepping, scrubbing within a stretch where no page came or
 * went), and a heap whose key moved on must be laid out again.
 */
export function pageListsKey(heap: LmmHeap): string {
  return `${heap.families.length}:${heap.kernel.mmapCalls}:${heap.kernel.munmapCalls}`;
}

/** True when `layout` still describes `heap`'s page lists (the same heap, the same key). */
export function layoutFits(layout: MapLayout, heap: LmmHeap): boolean {
  return layout.heap === heap && layout.key === pageListsKey(heap);
}

/**
 * Lays out the rows: each family's heading and page rows, placed from the families' page counts
 * alone. The pages themselves are read from the lists only as far as rows are asked for
 * (`pageOfRow`): a screen at the top of 13,000 pages reads a few dozen, where walking every list
 * took tens of milliseconds per step.
 */
export function buildMapLayout(heap: LmmHeap, zoom: ZoomLevel = ZOOM_LEVELS[DEFAULT_ZOOM]!): MapLayout {
  const pageStep = pageRowHeight(zoom) + zoom.gap;
  let rows = heap.families.length;
  for (const family of heap.families) rows += family.counters.pages;
  const layout: MapLayout = {
    count: rows,
    kind: new Uint8Array(rows),
    family: new Int32Array(rows),
    page: new Float64Array(rows),
    top: new Float64Array(rows),
    totalHeight: 0,
    pageCount: rows - heap.families.length,
    heap,
    key: pageListsKey(heap),
    walks: new Map(),
  };
  let y = 0;
  let i = 0;
  for (const family of heap.families) {
    layout.kind[i] = RowKind.Family;
    layout.family[i] = family.id;
    layout.top[i] = y;
    y += FAMILY_ROW_HEIGHT;
    i++;
    const pages = family.counters.pages;
    layout.walks.set(family.id, { firstRow: i, rows: pages, read: 0, pages: heap.familyPages(family), done: false });
    for (let k = 0; k < pages; k++, i++) {
      layout.kind[i] = RowKind.Page;
      layout.family[i] = family.id;
      layout.top[i] = y;
      y += pageStep;
    }
  }
  layout.totalHeight = y;
  return layout;
}

/**
 * The page of row `row` (0 for a family row, or past the end of a list shorter than its count,
 * which only a corrupt heap has). Reads the family's list up to the row; call it only while
 * `layoutFits(layout, heap)`, as the list is read from the heap laid out.
 */
export function pageOfRow(layout: MapLayout, row: number): number {
  if (row < 0 || row >= layout.count || layout.kind[row] !== RowKind.Page) return 0;
  if (layout.page[row] !== 0) return layout.page[row]!;
  const walk = layout.walks.get(layout.family[row]!)!;
  const kernel = layout.heap.kernel;
  while (!walk.done && walk.read <= row - walk.firstRow) {
    // The last page read must still be mapped for the list to be read on from it.
    const last = walk.read > 0 ? layout.page[walk.firstRow + walk.read - 1]! : 0;
    const next = last !== 0 && !kernel.isMapped(last) ? undefined : walk.pages.next();
    if (next === undefined || next.done || walk.read >= walk.rows) {
      walk.done = true;
      break;
    }
    layout.page[walk.firstRow + walk.read] = next.value;
    walk.read++;
  }
  return layout.page[row]!;
}

/** The row at vertical position `y`, or -1. */
export function rowAt(layout: MapLayout, y: number): number {
  if (layout.count === 0 || y < 0 || y >= layout.totalHeight) return -1;
  let lo = 0;
  let hi = layout.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.top[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The row showing page `page`, or -1 (reads every list as far as needed). */
export function rowOfPage(layout: MapLayout, page: number): number {
  if (page === 0) return -1;
  for (let i = 0; i < layout.count; i++) if (layout.kind[i] === RowKind.Page && pageOfRow(layout, i) === page) return i;
  return -1;
}

export const enum SegmentKind {
  PageHeader = 1,
  Meta = 2,
  Allocated = 3,
  Free = 4,
  SoftFragment = 5,
  HardFragment = 6,
}

/** One run of bytes of a page, for drawing and hit testing. `meta` is the block it belongs to (0 for the header). */
export interface Segment {
  kind: SegmentKind;
  start: number;
  end: number;
  meta: number;
}

/** A page's bytes as segments in address order: header, then per block its meta data, data and any hard fragment. */
export function pageSegments(heap: LmmHeap, page: number, structSize: number): Segment[] {
  const segments: Segment[] = [{ kind: SegmentKind.PageHeader, start: 0, end: FIRST_META_OFFSET, meta: 0 }];
  const blocks = [...heap.pageBlocks(page)];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const dataStart = block.offset + META_SIZE;
    const dataEnd = dataStart + block.size;
    segments.push({ kind: SegmentKind.Meta, start: block.offset, end: dataStart, meta: block.meta });
    const kind = !block.free ? SegmentKind.Allocated : block.size < structSize ? SegmentKind.SoftFragment : SegmentKind.Free;
    segments.push({ kind, start: dataStart, end: dataEnd, meta: block.meta });
    const nextStart = i + 1 < blocks.length ? blocks[i + 1]!.offset : heap.pageSize;
    if (nextStart > dataEnd) segments.push({ kind: SegmentKind.HardFragment, start: dataEnd, end: nextStart, meta: block.meta });
  }
  return segments;
}

/**
 * The zoom level (index in ZOOM_LEVELS) that shows all `pageCount` pages of `familyCount`
 * families in `height` pixels: the largest whose rows fit, else the overview.
 */
export function fitZoom(pageCount: number, familyCount: number, height: number): number {
  for (let level = ZOOM_LEVELS.length - 1; level > 0; level--) {
    const zoom = ZOOM_LEVELS[level]!;
    if (familyCount * FAMILY_ROW_HEIGHT + pageCount * (pageRowHeight(zoom) + zoom.gap) <= height) return level;
  }
  return 0;
}

/** The usable data bytes of one page (everything after the header and the first meta data). */
export function pageCapacity(pageSize: number): number {
  return pageSize - DATA_START;
}
