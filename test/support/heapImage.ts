import type { LmmHeap } from '../../src/engine/lmmHeap';
import { dumpHeap } from '../../src/engine/traceDump';

/** Everything observable of a heap: its dump, counters, mapped slots and every page byte. */
export function heapImage(heap: LmmHeap): string {
  const kernel = heap.kernel;
  const state = kernel.saveState();
  const pages = [...state.slots].map((slot) => Buffer.from(kernel.peekBytesOfSlot(slot)).toString('base64'));
  return JSON.stringify({
    dump: dumpHeap(heap),
    kernel: [...state.counters],
    free: [...state.freeSlots],
    kept: [...state.keptSlots, ...state.keptAt],
    slots: [...state.slots],
    pages,
    app: [heap.appMemory, heap.peakAppMemory],
    allocated: [...heap.allocatedMetas()].sort((a, b) => a - b),
    errors: [...heap.errorCounts],
    lastError: heap.lastError,
    counters: heap.families.map((f) => f.counters),
    queues: heap.families.map((f) => [...f.freeBlocks.entries()]),
  });
}
