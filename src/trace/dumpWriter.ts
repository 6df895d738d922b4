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
  heap.families.forEach((family, f) => {
    if (f > 0) out.writeAscii(',');
    out.writeAscii('{"name":');
    out.writeText(JSON.stringify(family.name));
    out.writeAscii(',"size":');
    out.writeInteger(family.structSize);
    out.writeAscii(',"pages":[');
    const pageIndex = new Map<number, number>();
    for (const page of heap.familyPages(family)) {
      if (pageIndex.size > 0) out.writeAscii(',');
      pageIndex.set(page, pageIndex.size);
      const view = kernel.peekView(page);
      // The page's blocks in address order, along the next-block links (offsets from the low words).
      const pageLow = page % 4294967296;
      let offset = FIRST_META_OFFSET;
      out.writeAscii('[');
      for (;;) {
        out.writeAscii(offset === FIRST_META_OFFSET ? '[' : ',[');
        out.writeInteger(offset);
        out.writeAscii(',');
        out.writeInteger(view.getUint32(offset + META.blockSize, true));
        out.writeAscii(view.getUint32(offset + META.isFree, true) === 1 ? ',1]' : ',0]');
        const nextLow = view.getUint32(offset + META.nextBlock, true);
        if (nextLow === 0) break;
        offset = nextLow - pageLow;
      }
      out.writeAscii(']');
    }
    out.writeAscii('],"free":[');
    let first = true;
    for (const meta of family.freeBlocks.entries()) {
      const page = kernel.pageOf(meta);
      const view = kernel.peekView(page);
      const offset = meta - page;
      out.writeAscii(first ? '[' : ',[');
      first = false;
      out.writeInteger(pageIndex.get(page) ?? -1);
      out.writeAscii(',');
      out.writeInteger(offset);
      out.writeAscii(',');
      out.writeInteger(view.getUint32(offset + META.blockSize, true));
      out.writeAscii(']');
    }
    out.writeAscii(']}');
  });
  out.writeAscii(']}');
}
