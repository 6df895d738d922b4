import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../src/engine/heapOps';
import { HeapReplay } from '../../src/extension/model/heapReplay';

/** A batch of allocations and frees with a write after each allocation, and fields on some structs. */
export function batchWithWrites(ops: number): HeapOpBatch {
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10_000_000 });
  const heap = replay.heap;
  const recorder = new HeapOpRecorder(64);
  const live: number[] = [];
  const families: number[] = [];
  const bytes = new DataView(new ArrayBuffer(16));
  for (let i = 0; i < ops; i++) {
    if (i % 97 === 0) {
      const name = `s${families.length}`;
      families.push(heap.register(name, 16));
      // Every other struct has fields: a joined batch keeps names and fields side by side.
      const fields = families.length % 2 === 0 ? [{ name: 'x', type: 'u32', offset: 0, size: 4 }] : undefined;
      recorder.record(HeapOpKind.Register, 16, 0, families[families.length - 1]!, -1, name, fields);
    } else if (live.length > 3 && i % 4 === 0) {
      const address = live.shift()!;
      recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, i % 5);
    } else {
      const address = heap.xcalloc(families[i % families.length]!, 1);
      live.push(address);
      recorder.record(HeapOpKind.Alloc, families[i % families.length]!, 1, address, i % 5);
      bytes.setUint32(0, i, true);
      recorder.recordWrite(address, 4, bytes, 0);
    }
  }
  return recorder.flush()!;
}
