// The program's writes reach both copies of a run's heap: the extension host's replay (its block
// bytes are the program's, at the replayed step) and a Memory Map that lost batches and asked the
// host to resend them (writes made after its last step included).
import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../../src/engine/heapOps';
import { HeapTimeline } from '../../../src/engine/heapTimeline';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { MemoryMapFeed, runIdOf } from '../../../src/extension/model/memoryMapFeed';
import { RunStore } from '../../../src/extension/model/runState';
import { IngestQueue } from '../../../webview-ui/src/ingestQueue';

const PAGE = 4096;

/** A program as the harness runtime records it: heap calls and writes into its own heap. */
class RecordedProgram {
  readonly heap = new LmmHeap({ pageSize: PAGE });
  readonly recorder = new HeapOpRecorder(64);
  readonly batches: HeapOpBatch[] = [];

  register(name: string, size: number): number {
    const family = this.heap.register(name, size);
    this.recorder.record(HeapOpKind.Register, size, 0, family, 0, name);
    return family;
  }

  alloc(family: number): number {
    const address = this.heap.xcalloc(family, 1);
    this.recorder.record(HeapOpKind.Alloc, family, 1, address, 0);
    return address;
  }

  free(address: number): void {
    this.recorder.record(HeapOpKind.Free, address, 0, this.heap.xfree(address) ? 1 : 0, 0);
  }

  write(address: number, bytes: number[]): void {
    const page = this.heap.kernel.pageBytes(address)!;
    const offset = address - this.heap.kernel.pageOf(address);
    page.set(bytes, offset);
    this.recorder.recordWrite(address, bytes.length, new DataView(page.buffer, page.byteOffset, page.byteLength), offset);
  }

  flush(): HeapOpBatch {
    const batch = this.recorder.flush();
    assert.ok(batch);
    this.batches.push(batch);
    return batch;
  }
}

const bytesAt = (heap: LmmHeap, address: number, length: number) => {
  const page = heap.kernel.pageBytes(address)!;
  const offset = address - heap.kernel.pageOf(address);
  return [...page.subarray(offset, offset + length)];
};

describe('the program’s writes in the replayed heaps', () => {
  it('the host’s replay holds the bytes the program wrote, also those of a writes-only batch', () => {
    const program = new RecordedProgram();
    const family = program.register('node_t', 16);
    const block = program.alloc(family);
    program.write(block, [0xde, 0xad, 0xbe, 0xef]);
    const first = program.flush();
    program.write(block + 8, [1, 2, 3]);
    const writesOnly = program.flush();
    assert.equal(writesOnly.count, 0, 'the second batch carries writes only');

    const replay = new HeapReplay({ pageSize: PAGE, eventsKept: 1000 });
    replay.apply(first);
    assert.deepEqual(bytesAt(replay.heap, block, 4), [0xde, 0xad, 0xbe, 0xef]);
    replay.apply(writesOnly);
    assert.deepEqual(bytesAt(replay.heap, block, 16), bytesAt(program.heap, block, 16));
    assert.deepEqual(bytesAt(replay.heap, block + 8, 3), [1, 2, 3]);
  });

  it('applies each write between the operations where it happened (a freed and reused block is zeroed again)', () => {
    const program = new RecordedProgram();
    const family = program.register('node_t', 16);
    const block = program.alloc(family);
    program.write(block, [9, 9, 9, 9, 9, 9, 9, 9]);
    program.free(block);
    const again = program.alloc(family);
    assert.equal(again, block, 'the engine reuses the freed block');
    program.write(again + 12, [7]);
    const batch = program.flush();
    assert.equal(batch.count, 4);
    const replay = new HeapReplay({ pageSize: PAGE, eventsKept: 1000 });
    replay.apply(batch);
    // Writes applied after the whole batch would leave the 9s of the first life in the block.
    assert.deepEqual(bytesAt(replay.heap, block, 16), bytesAt(program.heap, block, 16));
    assert.deepEqual(bytesAt(replay.heap, block, 4), [0, 0, 0, 0]);
  });

  it('refuses writes out of step order rather than showing wrong bytes', () => {
    const program = new RecordedProgram();
    const family = program.register('node_t', 16);
    const block = program.alloc(family);
    program.write(block, [5]);
    const batch = program.flush();
    // The write claims a step the batch does not reach.
    batch.writes!.step[0] = 7;
    const replay = new HeapReplay({ pageSize: PAGE, eventsKept: 1000 });
    assert.throws(() => replay.apply(batch), /out of step order/);
  });

  it('a Memory Map that lost a writes-only batch gets it back on resync, with the bytes after its last step', async () => {
    const program = new RecordedProgram();
    const family = program.register('node_t', 16);
    const block = program.alloc(family);
    program.flush();
    program.write(block, [0x11, 0x22, 0x33, 0x44]);
    program.flush(); // writes only, after step 1: lost on the way
    const second = program.alloc(family);
    program.flush(); // lost too
    program.write(second, [0x55]);
    program.alloc(family);
    program.flush(); // arrives: a gap

    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: PAGE, eventsKept: 1000 });
    const run = store.begin({ kind: 'harness', file: '/w/h.lmm.ts', label: 'h.lmm.ts', replay, sites: [] });
    for (const batch of program.batches) replay.apply(batch);
    const feed = new MemoryMapFeed();
    const sent = feed.update(run).flatMap((m) => (m.type === 'heapOps' ? [m.batch] : []));
    assert.equal(sent.length, 4);

    // The webview's side: its ingest queue and timeline (the Memory Map's copy of the heap). The
    // queue yields through a MessageChannel; here through setImmediate (a port would keep Node alive).
    const timeline = new HeapTimeline(PAGE);
    let resync: number | undefined;
    const queue = withImmediateChannel(
      () =>
        new IngestQueue(
          (batch) => {
            if (batch.firstStep !== timeline.length) return false;
            timeline.append(batch);
            return true;
          },
          () => timeline.length,
          () => {},
          (expected) => (resync = expected),
        ),
    );
    queue.push(sent[0]!);
    queue.push(sent[3]!);
    await until(() => resync !== undefined && !queue.busy);
    assert.equal(resync, 2, 'the webview asks again from the step after its last');
    for (const message of feed.resync(run, runIdOf(run), resync!)) if (message.type === 'heapOps') queue.push(message.batch);
    await until(() => !queue.busy);
    assert.equal(timeline.length, 4);
    const heap = timeline.heapAt(timeline.length - 1);
    assert.deepEqual(bytesAt(heap, block, 16), bytesAt(program.heap, block, 16), 'the first block’s bytes');
    assert.deepEqual(bytesAt(heap, block, 4), [0x11, 0x22, 0x33, 0x44]);
    assert.deepEqual(bytesAt(heap, second, 1), [0x55]);
  });
});

/** Builds `make()` with a MessageChannel that delivers through setImmediate. */
function withImmediateChannel<T>(make: () => T): T {
  const real = globalThis.MessageChannel;
  class ImmediateChannel {
    readonly port1: { onmessage: (() => void) | null } = { onmessage: null };
    readonly port2 = { postMessage: () => setImmediate(() => this.port1.onmessage?.()) };
  }
  globalThis.MessageChannel = ImmediateChannel as unknown as typeof MessageChannel;
  try {
    return make();
  } finally {
    globalThis.MessageChannel = real;
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(condition(), 'the ingest queue settled');
}
