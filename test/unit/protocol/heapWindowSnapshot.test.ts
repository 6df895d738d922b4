/**
 * The heap a `heapWindow` message carries (HeapSnapshot.toWire): its allocated blocks are the
 * engine's list of meta handles, which the webview's validator must take as the engine saves them
 * and refuse when they would mark memory outside the snapshot's pages.
 */
import { strict as assert } from 'node:assert';
import { checkHeap } from '../../../src/engine/invariants';
import { HeapSnapshot } from '../../../src/engine/heapSnapshot';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { dumpHeap } from '../../../src/engine/traceDump';
import { parseHostToWebview } from '../../../src/protocol/webviewMessages';

/** A heap over a few pages, with allocated and free blocks, and the `heapWindow` message of its snapshot. */
function windowMessage(): {
  heap: LmmHeap;
  message: { type: 'heapWindow'; runId: string; firstStep: number; heap: ReturnType<HeapSnapshot['toWire']>; fields: [] };
} {
  const heap = new LmmHeap();
  const node = heap.register('node_t', 24);
  const big = heap.register('big_t', 1000);
  const blocks: number[] = [];
  for (let i = 0; i < 300; i++) blocks.push(heap.xcalloc(i % 3 === 0 ? big : node, 1 + (i % 2)));
  for (let i = 0; i < blocks.length; i += 3) heap.xfree(blocks[i]!);
  const wire = HeapSnapshot.take(heap, { buffer: new Uint32Array(0) }).toWire();
  return { heap, message: { type: 'heapWindow', runId: 'r', firstStep: 10, heap: wire, fields: [] } };
}

function withAllocated(message: ReturnType<typeof windowMessage>['message'], allocated: Int32Array) {
  return { ...message, heap: { ...message.heap, state: { ...message.heap.state, allocated } } };
}

describe('webview protocol: the allocated blocks of a window snapshot', () => {
  it('accepts the engine’s own list, of any length, and the heap restored from it is the same heap', () => {
    const { heap, message } = windowMessage();
    const allocated = message.heap.state.allocated;
    assert.equal(allocated.length, heap.allocatedBlocks().count);
    assert.notEqual(allocated.length & (allocated.length - 1), 0, 'not a power of two: a list, not a hash table');
    const parsed = parseHostToWebview(message);
    assert.equal(parsed.ok, true, parsed.ok ? '' : parsed.error);
    const copy = new LmmHeap();
    copy.register('node_t', 24);
    copy.register('big_t', 1000);
    HeapSnapshot.fromWire(message.heap).restoreInto(copy);
    assert.deepEqual(dumpHeap(copy), dumpHeap(heap));
    assert.deepEqual(checkHeap(copy), []);
    assert.deepEqual([...copy.allocatedMetas()].sort(), [...heap.allocatedMetas()].sort());
  });

  it('accepts a heap with no allocated block', () => {
    const { message } = windowMessage();
    const parsed = parseHostToWebview(withAllocated(message, new Int32Array(0)));
    assert.equal(parsed.ok, true);
  });

  const hostile: [string, (handles: Int32Array) => Int32Array][] = [
    ['a handle given twice', (h) => Int32Array.of(...h, h[0]!)],
    ['a null handle', (h) => Int32Array.of(...h, 0)],
    ['a handle in a page the snapshot does not map', (h) => Int32Array.of(...h, (h[0]! - (1 << 24)) | 0)],
    ['a handle far below every page (a far region of the marks)', () => Int32Array.of(-0x7fffffff)],
    ['a positive handle (the top of the window wrapped)', () => Int32Array.of(48)],
  ];
  for (const [what, make] of hostile) {
    it(`refuses ${what}`, () => {
      const { message } = windowMessage();
      const parsed = parseHostToWebview(withAllocated(message, make(message.heap.state.allocated)));
      assert.equal(parsed.ok, false);
      assert.match((parsed as { error: string }).error, /allocated\[\d+\].*mapped page/);
    });
  }
});
