/**
 * The `dump` line of the trace format written straight into the output bytes: the same bytes as
 * `JSON.stringify(dumpHeap(heap))` (src/engine/traceDump.ts, which says what each field is), read
 * from the page bytes without an array per block. A dump of a heap of 100,000 blocks built that
 * way made ~30 MB of short-lived arrays and strings for a 2.7 MB line.
 */
import { FIRST_META_OFFSET, META } from '../engine/constants';
import type { LmmHeap } from '../engine/lmmHeap';
import type { ByteOutput } from './byteOutput';

export function writeDump(heap: LmmHeap, out: ByteOutput): void {
  const kernel = heap.kernel;
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
    let pages = 0;
    for (const page of heap.familyPages(family)) {
      const slot = kernel.slotOf(page);
      if (slot >= indexOfSlot.length) indexOfSlot = grown(indexOfSlot, slot);
      indexOfSlot[slot] = pages;
      if (pages++ > 0) out.writeByte(COMMA);
      writePageBlocks(kernel.peekView(page), page % TWO_32, out);
    }
    out.writeAscii('],"free":[');
    let first = true;
    for (const meta of family.freeBlocks.entries()) {
      const slot = kernel.slotOf(meta);
      const offset = meta - kernel.pageAddress(slot);
      if (!first) out.writeByte(COMMA);
      first = false;
      out.writeByte(OPEN);
      out.writeInteger(slot < indexOfSlot.length ? indexOfSlot[slot]! : -1);
      out.writeByte(COMMA);
      out.writeInteger(offset);
      out.writeByte(COMMA);
      out.writeInteger(kernel.peekView(meta).getUint32(offset + META.blockSize, true));
      out.writeByte(CLOSE);
    }
    out.writeAscii(']}');
  }
  out.writeAscii(']}');
}

const TWO_32 = 4294967296;
const OPEN = 91; // [
const CLOSE = 93; // ]
const COMMA = 44;

/** One page's blocks in address order, along the next-block links (offsets from the low words). */
function writePageBlocks(view: DataView, pageLow: number, out: ByteOutput): void {
  out.writeByte(OPEN);
  for (let offset = FIRST_META_OFFSET; ;) {
    if (offset !== FIRST_META_OFFSET) out.writeByte(COMMA);
    out.writeByte(OPEN);
    out.writeInteger(offset);
    out.writeByte(COMMA);
    out.writeInteger(view.getUint32(offset + META.blockSize, true));
    out.writeByte(COMMA);
    out.writeByte(view.getUint32(offset + META.isFree, true) === 1 ? 49 : 48);
    out.writeByte(CLOSE);
    const nextLow = view.getUint32(offset + META.nextBlock, true);
    if (nextLow === 0) break;
    offset = nextLow - pageLow;
  }
  out.writeByte(CLOSE);
}

function grown(old: Int32Array, slot: number): Int32Array {
  let capacity = old.length * 2;
  while (capacity <= slot) capacity *= 2;
  const bigger = new Int32Array(capacity).fill(-1);
  bigger.set(old);
  return bigger;
}
