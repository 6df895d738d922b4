/**
 * The C implementation's report functions as text: `mm_print_registered_page_families`,
 * `mm_print_memory_usage` and `mm_print_block_usage`, with the same words, columns and
 * (simulated) addresses, so students can diff them with their own C program's output. The
 * format follows `test/fixtures/conformance/*.classic-report.txt`, including the C code's spelling
 * of "Applcation".
 */
import type { LmmHeap } from './lmmHeap';
import { META, PAGE_HEADER } from './constants';
import { readPointer } from './pointers';

function pointer(address: number): string {
  return address === 0 ? '(nil)' : '0x' + address.toString(16);
}

function padEnd(value: string | number, width: number): string {
  return String(value).padEnd(width, ' ');
}

/** `mm_print_registered_page_families`: one line per registered struct. */
export function registeredPageFamiliesReport(heap: LmmHeap): string {
  return heap.families.map((f) => `Page Family : ${f.name}, Size = ${f.structSize}\n`).join('');
}

/** `mm_print_memory_usage`: every family's pages and blocks, then the totals. */
export function memoryUsageReport(heap: LmmHeap): string {
  const out: string[] = [];
  writeMemoryUsageReport(heap, (text) => out.push(text));
  return out.join('');
}

/**
 * `mm_print_memory_usage` written piece by piece (a few pieces a line) to `write`: a full heap's
 * report is a line per page and per block, which a caller may pass on in chunks (TextChunks)
 * instead of holding every line.
 */
export function writeMemoryUsageReport(heap: LmmHeap, write: (text: string) => void): void {
  write(`\nPage Size = ${heap.pageSize} Bytes\n`);
  let pages = 0;
  for (const family of heap.families) {
    const c = family.counters;
    write(`vm_page_family : ${family.name}, struct size = ${family.structSize}\n`);
    write(`\tApp Used Memory ${c.appMemory}B, #Sys Calls ${c.mmap + c.munmap}\n`);
    let index = 0;
    for (const page of heap.familyPages(family)) {
      const view = heap.kernel.view(page);
      write(`\tPage Index : ${index} , address = ${pointer(page)}\n`);
      write(
        `\t\t next = ${pointer(readPointer(view, PAGE_HEADER.next))}, prev = ${pointer(readPointer(view, PAGE_HEADER.prev))}\n`,
      );
      write(`\t\t page family = ${family.name}\n`);
      let blockIndex = 0;
      for (const block of heap.pageBlocks(page)) {
        const prev = readPointer(view, block.offset + META.prevBlock);
        const next = readPointer(view, block.offset + META.nextBlock);
        write(
          `\t\t\t${padEnd(pointer(block.meta), 14)} Block ${padEnd(blockIndex, 3)} ${block.free ? 'F R E E D' : 'ALLOCATED'}` +
            `  block_size = ${padEnd(block.size, 6)}  offset = ${padEnd(block.offset, 6)}` +
            `  prev = ${padEnd(pointer(prev), 14)}  next = ${pointer(next)}\n`,
        );
        blockIndex++;
      }
      index++;
      pages++;
    }
    write('\n');
  }
  const mapped = pages * heap.pageSize;
  const ratio = mapped === 0 ? 0 : (heap.appMemory * 100) / mapped;
  write(`\nTotal Applcation Memory Usage : ${heap.appMemory} Bytes\n`);
  write(`# Of VM Pages in Use : ${pages} (${mapped} Bytes)\n`);
  write(`Memory In Use by Application = ${ratio.toFixed(6)}%\n`);
  write(`Total Memory being used by Memory Manager = ${mapped} Bytes\n`);
}

/** `mm_print_block_usage`: TBC / FBC / OBC and application memory per family. */
export function blockUsageReport(heap: LmmHeap): string {
  return heap.families
    .map((family) => {
      const c = family.counters;
      return (
        `${padEnd(family.name, 20)}   TBC : ${padEnd(c.totalBlocks, 4)}    FBC : ${padEnd(c.freeBlocks, 4)}` +
        `    OBC : ${padEnd(c.totalBlocks - c.freeBlocks, 4)} AppMemUsage : ${c.appMemory}\n`
      );
    })
    .join('');
}
