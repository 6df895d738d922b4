/**
 * The events carry enough to redo and undo every change: a layout rebuilt from the event stream
 * alone matches the engine's after every step, and undoing the events of a step in reverse gives
 * back the layout before it.
 */
import { strict as assert } from 'node:assert';
import { DATA_START } from '../../../src/engine/constants';
import type { HeapEvent } from '../../../src/engine/heapEvents';
import { LmmHeap } from '../../../src/engine/lmmHeap';

/** Pages → blocks (meta → [size, free]) rebuilt only from events. */
type Layout = Map<number, Map<number, [number, boolean]>>;

function redo(layout: Layout, event: HeapEvent, pageSize: number, pageOf: (a: number) => number): void {
  switch (event.type) {
    case 'mmap':
      if (event.family >= 0) layout.set(event.page, new Map([[event.page + 24, [pageSize - DATA_START, true]]]));
      break;
    case 'munmap':
      layout.delete(event.page);
      break;
    case 'split': {
      const blocks = layout.get(pageOf(event.block))!;
      blocks.set(event.block, [event.size, false]);
      if (event.remainder !== 0) blocks.set(event.remainder, [event.remainderSize, true]);
      break;
    }
    case 'free': {
      const blocks = layout.get(pageOf(event.address))!;
      blocks.set(event.address - 48, [event.size + event.absorbed, true]);
      break;
    }
    case 'merge': {
      const blocks = layout.get(pageOf(event.into))!;
      blocks.set(event.into, [event.after, true]);
      blocks.delete(event.absorbed);
      break;
    }
    default:
      break;
  }
}

function undo(layout: Layout, event: HeapEvent, pageSize: number, pageOf: (a: number) => number): void {
  switch (event.type) {
    case 'mmap':
      if (event.family >= 0) layout.delete(event.page);
      break;
    case 'munmap':
      layout.set(event.page, new Map([[event.page + 24, [pageSize - DATA_START, true]]]));
      break;
    case 'split': {
      const blocks = layout.get(pageOf(event.block))!;
      blocks.set(event.block, [event.before, true]);
      if (event.remainder !== 0) blocks.delete(event.remainder);
      break;
    }
    case 'free':
      layout.get(pageOf(event.address))!.set(event.address - 48, [event.size, false]);
      break;
    case 'merge': {
      const blocks = layout.get(pageOf(event.into))!;
      blocks.set(event.into, [event.before, true]);
      blocks.set(event.absorbed, [event.absorbedSize, true]);
      break;
    }
    default:
      break;
  }
}

function engineLayout(heap: LmmHeap): Layout {
  const layout: Layout = new Map();
  for (const family of heap.families) {
    for (const page of heap.familyPages(family)) {
      layout.set(page, new Map([...heap.pageBlocks(page)].map((b) => [b.meta, [b.size, b.free] as [number, boolean]])));
    }
  }
  return layout;
}

function canonical(layout: Layout): string {
  return JSON.stringify(
    [...layout].sort((a, b) => a[0] - b[0]).map(([page, blocks]) => [page, [...blocks].sort((a, b) => a[0] - b[0])]),
  );
}

describe('heap events', () => {
  it('emit every kind of change, with the split kinds of the spec', () => {
    const heap = new LmmHeap();
    const events: HeapEvent[] = [];
    heap.listener = (e) => events.push(e);
    const s = heap.register('student_t', 56);
    heap.register('student_t', 56); // duplicate → error event
    const a = heap.xcalloc(s, 1); // full split
    const b = heap.xcalloc(s, 1); // keeps the page mapped when a is freed
    heap.xfree(a);
    heap.xfree(a); // double free → error event
    heap.xfree(b); // merges with a's free block, then the empty page goes back
    const t = heap.register('tiny_t', 100);
    const c = heap.xcalloc(t, 40); // 4000 of 4024: 24 left → hard
    heap.xfree(c);
    const d = heap.xcalloc(t, 39); // 3900: 124 left, 76-byte remainder < 100 → soft
    heap.xfree(d);
    const kinds = new Set(events.map((e) => (e.type === 'split' ? `split:${e.kind}` : e.type)));
    for (const expected of [
      'register',
      'mmap',
      'munmap',
      'alloc',
      'free',
      'merge',
      'error',
      'split:full',
      'split:hard',
      'split:soft',
    ]) {
      assert.ok(kinds.has(expected), `no ${expected} event in ${[...kinds].join(', ')}`);
    }
    const hard = events.find((e) => e.type === 'split' && e.kind === 'hard');
    assert.equal(hard?.type === 'split' && hard.hardBytes, 24);
    const absorbed = events.find((e) => e.type === 'free' && e.absorbed > 0);
    assert.ok(absorbed, 'the hard fragment is taken back on free');
    const errors = events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.error.kind);
    assert.deepEqual(errors, ['duplicate-registration', 'double-free']);
  });

  it('carry enough to redo and undo every step of a random run', function () {
    this.timeout(120_000);
    const heap = new LmmHeap();
    const pageOf = (address: number) => heap.kernel.pageOf(address);
    let stepEvents: HeapEvent[] = [];
    heap.listener = (e) => stepEvents.push(e);
    const families = [9, 36, 56, 300, 1000].map((size, i) => heap.register(`f${i}_t`, size));
    const rebuilt: Layout = new Map();
    const live: number[] = [];
    let seed = 42;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let step = 0; step < 2500; step++) {
      const before = canonical(rebuilt);
      stepEvents = [];
      if (live.length === 0 || random(100) < 55) {
        const address = heap.xcalloc(families[random(families.length)]!, 1 + random(4));
        if (address) live.push(address);
      } else {
        heap.xfree(live.splice(random(live.length), 1)[0]!);
      }
      for (const event of stepEvents) redo(rebuilt, event, heap.pageSize, pageOf);
      assert.equal(canonical(rebuilt), canonical(engineLayout(heap)), `redo differs at step ${step}`);
      const undone: Layout = new Map([...rebuilt].map(([page, blocks]) => [page, new Map(blocks)]));
      for (const event of [...stepEvents].reverse()) undo(undone, event, heap.pageSize, pageOf);
      assert.equal(canonical(undone), before, `undo differs at step ${step}`);
    }
  });

  it('cost nothing to build when no one listens', () => {
    const heap = new LmmHeap();
    let built = 0;
    const s = heap.register('s_t', 56);
    heap.listener = () => built++;
    heap.xfree(heap.xcalloc(s, 1));
    const withListener = built;
    heap.listener = null;
    heap.xfree(heap.xcalloc(s, 1));
    assert.ok(withListener > 0);
    assert.equal(built, withListener, 'no listener, no events');
  });
});
