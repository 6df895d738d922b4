/**
 * The `dump` line of the trace format written straight into the output bytes: the same bytes as
 * `JSON.stringify(dumpHeap(heap))` (src/engine/traceDump.ts, which says what each field is), read
 * from the page bytes without an array per block. A dump of a heap of 100,000 blocks built that
 * way made ~30 MB of short-lived arrays and strings for a 2.7 MB line.
 *
 * A trace usually dumps once, at its end, so this code runs cold: it walks the pages and the free
 * lists through the kernel's arena chunks by handle (no DataView, generator or object per page or
 * per entry) and writes digits into room reserved per page and per free-list entry.
 */
import { FAMILY_RECORD, FIRST_META_OFFSET, GLUE_OFFSET, META, META_SIZE, PAGE_HEADER } from '../engine/constants';
import type { LmmHeap } from '../engine/lmmHeap';
import type { SimulatedKernel } from '../engine/simulatedKernel';
import { handleOf, readHandle } from '../engine/pointers';
import type { ByteOutput } from './byteOutput';

/** Bytes one `,[offset,size,free]` entry may take: offsets and sizes are below 2^18 (6 digits at most). */
const ENTRY_ROOM = 20;
/** Bytes one `,[page,offset,size]` free-list entry may take (a page index has at most 10 digits). */
const FREE_ENTRY_ROOM = 32;

export function writeDump(heap: LmmHeap, out: ByteOutput): void {
  const kernel = heap.kernel;
  const pageSize = kernel.pageSize;
  // A page holds at most one block per META_SIZE bytes (a meta and no data), plus its brackets.
  const pageRoom = Math.ceil(pageSize / META_SIZE) * ENTRY_ROOM + 8;
  out.writeAscii('{"mmap":');
  out.writeInteger(kernel.mmapCalls);
  out.writeAscii(',"munmap":');
  out.writeInteger(kernel.munmapCalls);
  out.writeAscii(',"families":[');
  // Each page's index in its family's list, by kernel slot (-1: not in the family being written).
  let indexOfSlot: Int32Array = new Int32Array(64);
  const families = heap.families;
  for (let f = 0; f < families.length; f++) {
    const family = families[f]!;
    if (f > 0) out.writeByte(COMMA);
    out.writeAscii('{"name":');
    out.writeText(JSON.stringify(family.name));
    out.writeAscii(',"size":');
    out.writeInteger(family.structSize);
    out.writeAscii(',"pages":[');
    indexOfSlot.fill(-1);
    const record = handleOf(family.recordAddress);
    const recordSlot = kernel.slotOfHandle(record);
    let page = readHandle(
      kernel.peekChunkViewOfSlot(recordSlot),
      kernel.chunkOffsetOfHandle(record, recordSlot) + FAMILY_RECORD.firstPage,
    );
    let pages = 0;
    while (page !== 0) {
      const slot = kernel.slotOfHandle(page);
      if (slot >= indexOfSlot.length) indexOfSlot = grown(indexOfSlot, slot);
      indexOfSlot[slot] = pages;
      page = writePage(kernel, page, slot, pages++ > 0, pageRoom, out);
    }
    out.writeAscii('],"free":[');
    const largest = family.freeBlocks.largestHandle();
    let glue = largest === 0 ? 0 : (largest + GLUE_OFFSET) | 0;
    for (let first = true; glue !== 0; first = false) glue = writeFreeEntry(kernel, glue, indexOfSlot, first, out);
    out.writeAscii(']}');
  }
  out.writeAscii(']}');
}

/**
 * Writes the page whose handle is `page` (in `slot`) as its blocks in address order, along the
 * next-block links; returns the handle of the next page in its family's list (0: none). One call a
 * page (and `writeFreeEntry` one a free-list entry), so that V8 optimizes them after a few hundred
 * calls, where one loop over the whole heap would wait for an on-stack replacement.
 */
function writePage(kernel: SimulatedKernel, page: number, slot: number, comma: boolean, room: number, out: ByteOutput): number {
  const view = kernel.peekChunkViewOfSlot(slot);
  const start = kernel.pageStart(slot);
  const bytes = out.room(room);
  let at = out.length;
  if (comma) bytes[at++] = COMMA;
  bytes[at++] = OPEN;
  // Blocks of one page are less than a page apart: a link's handle less the page's is the offset.
  for (let offset = FIRST_META_OFFSET; ;) {
    const meta = start + offset;
    if (offset !== FIRST_META_OFFSET) bytes[at++] = COMMA;
    bytes[at++] = OPEN;
    at = putInteger(bytes, at, offset);
    bytes[at++] = COMMA;
    at = putInteger(bytes, at, view.getInt32(meta + META.blockSize, true));
    bytes[at++] = COMMA;
    bytes[at++] = view.getInt32(meta + META.isFree, true) === 1 ? 49 : 48;
    bytes[at++] = CLOSE;
    const next = readHandle(view, meta + META.nextBlock);
    if (next === 0) break;
    offset = (next - page) | 0;
  }
  bytes[at++] = CLOSE;
  out.length = at;
  return readHandle(view, start + PAGE_HEADER.next);
}

/** Writes the free-list entry whose glue has handle `glue`; returns the next entry's glue (0: none). */
function writeFreeEntry(kernel: SimulatedKernel, glue: number, indexOfSlot: Int32Array, first: boolean, out: ByteOutput): number {
  const meta = (glue - GLUE_OFFSET) | 0;
  const slot = kernel.slotOfHandle(meta);
  const view = kernel.peekChunkViewOfSlot(slot);
  const inChunk = kernel.chunkOffsetOfHandle(meta, slot);
  const bytes = out.room(FREE_ENTRY_ROOM);
  let at = out.length;
  if (!first) bytes[at++] = COMMA;
  bytes[at++] = OPEN;
  const index = slot < indexOfSlot.length ? indexOfSlot[slot]! : -1;
  if (index < 0) {
    bytes[at++] = MINUS;
    bytes[at++] = 49;
  } else {
    at = putInteger(bytes, at, index);
  }
  bytes[at++] = COMMA;
  at = putInteger(bytes, at, inChunk - kernel.pageStart(slot));
  bytes[at++] = COMMA;
  at = putInteger(bytes, at, view.getInt32(inChunk + META.blockSize, true));
  bytes[at++] = CLOSE;
  out.length = at;
  return readHandle(view, inChunk + META.freeLinkNext);
}

const OPEN = 91; // [
const CLOSE = 93; // ]
const COMMA = 44;
const MINUS = 45;

/**
 * Writes `value` (0 ≤ value < 2^31) in decimal at `at` in `bytes`, which has room for it;
 * returns where it ends. int32 arithmetic: V8 divides by the constant 10 without a floating point
 * division.
 */
function putInteger(bytes: Uint8Array, at: number, value: number): number {
  let rest = value | 0;
  let end = at + 1;
  for (let scale = 10; scale <= rest && end - at < 10; scale *= 10) end++;
  let i = end;
  do {
    const tenth = (rest / 10) | 0;
    bytes[--i] = 48 + rest - tenth * 10;
    rest = tenth;
  } while (rest > 0);
  return end;
}

function grown(old: Int32Array, slot: number): Int32Array {
  let capacity = old.length * 2;
  while (capacity <= slot) capacity *= 2;
  const bigger = new Int32Array(capacity).fill(-1);
  bigger.set(old);
  return bigger;
}
