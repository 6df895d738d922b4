/**
 * A recorded write put back into a heap's page bytes: what the host's replay (heapReplay.ts) and
 * the Memory Map's timeline (heapTimeline.ts) both do for every write a harness made. Page by page
 * (a struct copy may cross a page end); bytes on no mapped page are skipped. A field write is a
 * few bytes: copied one by one it makes no view (a subarray per write was a third of what the
 * extension host allocated while replaying a tight loop, all of it garbage at once).
 */
import type { LmmHeap } from './lmmHeap';

/** Writes `length` bytes of `bytes` from `from` at `address` of `heap`. */
export function writeBytesAt(heap: LmmHeap, address: number, bytes: Uint8Array, from: number, length: number): void {
  const kernel = heap.kernel;
  for (let done = 0; done < length;) {
    const where = address + done;
    const pageStart = kernel.pageOf(where);
    const n = Math.min(length - done, pageStart + heap.pageSize - where);
    const page = kernel.isMapped(where) ? kernel.pageBytes(where) : undefined;
    if (page !== undefined) copyBytes(bytes, from + done, n, page, where - pageStart);
    done += n;
  }
}

/** Copies `length` bytes of `source` from `from` into `target` at `at`: byte by byte when short. */
export function copyBytes(source: Uint8Array, from: number, length: number, target: Uint8Array, at: number): void {
  if (length > 64) {
    target.set(source.subarray(from, from + length), at);
    return;
  }
  for (let k = 0; k < length; k++) target[at + k] = source[from + k]!;
}
