/**
 * The Memory Map's layout (webview-ui/src/mapLayout.ts): rows placed from the page counts, pages
 * read from the lists only as far as asked, and a layout kept only while the page lists stay as
 * they were (`pageListsKey`): these tests try to catch it showing a page list that moved on.
 */
import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { HeapTimeline } from '../../../src/engine/heapTimeline';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import {
  RowKind,
  ZOOM_LEVELS,
  buildMapLayout,
  layoutFits,
  pageListsKey,
  pageOfRow,
  rowOfPage,
  type MapLayout,
} from '../../../webview-ui/src/mapLayout';

/** Every row as the lists give it, walked in full: [family id, page (0 for a heading)]. */
function walkedRows(heap: LmmHeap): Array<[number, number]> {
  const rows: Array<[number, number]> = [];
  for (const family of heap.families) {
    rows.push([family.id, 0]);
    for (const page of heap.familyPages(family)) rows.push([family.id, page]);
  }
  return rows;
}

/** Every row of `layout`, its pages read through pageOfRow. */
function laidOutRows(layout: MapLayout): Array<[number, number]> {
  const rows: Array<[number, number]> = [];
  for (let row = 0; row < layout.count; row++) rows.push([layout.family[row]!, pageOfRow(layout, row)]);
  return rows;
}

/** A heap with three families of many pages, some emptied (unmapped) and refilled. */
function busyHeap(seed = 9): { heap: LmmHeap; live: number[]; random: () => number } {
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const heap = new LmmHeap({ pageSize: 4096 });
  const families = [heap.register('node_t', 24), heap.register('student_t', 56), heap.register('record_t', 200)];
  const live: number[] = [];
  for (let i = 0; i < 6000; i++) {
    if (live.length < 500 || random() < 0.6) {
      const address = heap.xcalloc(families[Math.floor(random() * 3)]!, 1 + Math.floor(random() * 3));
      if (address !== 0) live.push(address);
    } else {
      const k = Math.floor(random() * live.length);
      heap.xfree(live[k]!);
      live[k] = live[live.length - 1]!;
      live.pop();
    }
  }
  return { heap, live, random };
}

describe('Memory Map layout (mapLayout)', () => {
  it('places every row as a full walk of the lists does, at every zoom', () => {
    const { heap } = busyHeap();
    const walked = walkedRows(heap);
    for (const zoom of ZOOM_LEVELS) {
      const layout = buildMapLayout(heap, zoom);
      assert.deepEqual(laidOutRows(layout), walked, zoom.name);
      assert.equal(layout.pageCount, walked.filter(([, page]) => page !== 0).length);
      // Rows are stacked without overlap, headings FAMILY_ROW_HEIGHT apart from their first page.
      for (let row = 1; row < layout.count; row++)
        assert.ok(layout.top[row]! > layout.top[row - 1]!, `row ${row} below the one before`);
    }
  });

  it('reads a list only as far as the row asked, and the rows read later are the right ones', () => {
    const { heap } = busyHeap();
    const walked = walkedRows(heap);
    const layout = buildMapLayout(heap);
    const firstPageRow = layout.kind.indexOf(RowKind.Page);
    const family = layout.family[firstPageRow]!;
    assert.equal(pageOfRow(layout, firstPageRow + 4), walked[firstPageRow + 4]![1]);
    assert.equal(layout.walks.get(family)!.read, 5, 'five pages read for the fifth row');
    // The last family's walk has not begun: its rows cost nothing until they are drawn.
    const lastFamily = heap.families[heap.families.length - 1]!.id;
    assert.equal(layout.walks.get(lastFamily)!.read, 0);
    // Backwards, then past the end of the lists: the same as the full walk.
    for (let row = layout.count - 1; row >= 0; row--) assert.equal(pageOfRow(layout, row), walked[row]![1], `row ${row}`);
    assert.equal(pageOfRow(layout, layout.count), 0);
    assert.equal(pageOfRow(layout, -1), 0);
  });

  it('finds the row of any page, and -1 for a page it does not show', () => {
    const { heap } = busyHeap();
    const layout = buildMapLayout(heap);
    const walked = walkedRows(heap);
    for (let row = 0; row < walked.length; row += 37) {
      const page = walked[row]![1];
      if (page !== 0) assert.equal(rowOfPage(layout, page), row);
    }
    assert.equal(rowOfPage(layout, 0), -1);
    assert.equal(rowOfPage(layout, 4096), -1);
  });

  it('no longer fits once a page is unmapped and another mapped, even at the same address and with the same page count', () => {
    const { heap, live } = busyHeap();
    const layout = buildMapLayout(heap);
    assert.ok(layoutFits(layout, heap));
    // Empty the last page of the first family (it is unmapped), then allocate until a page is
    // mapped again: the kernel hands the same address back.
    const family = heap.families[0]!;
    const pages = [...heap.familyPages(family)];
    const victim = pages[pages.length - 1]!;
    const before = family.counters.pages;
    for (const address of live.filter((a) => heap.kernel.pageOf(a) === victim)) heap.xfree(address);
    assert.ok(!heap.kernel.isMapped(victim), 'the page was unmapped');
    while (family.counters.pages < before) heap.xcalloc(family.id, 100);
    assert.equal(family.counters.pages, before, 'as many pages as when laid out');
    assert.ok([...heap.familyPages(family)].includes(victim), 'the address came back');
    assert.ok(!layoutFits(layout, heap), 'the lists changed: the layout does not fit');
    // The stale layout read on does not throw (the map lays out again before it draws).
    assert.doesNotThrow(() => laidOutRows(layout));
    assert.deepEqual(laidOutRows(buildMapLayout(heap)), walkedRows(heap));
  });

  it('is kept while blocks come and go within mapped pages, and not for another heap', () => {
    const { heap, live } = busyHeap();
    const layout = buildMapLayout(heap);
    // Free one block of a page that keeps others: no page comes or goes.
    const address = live.find((a) => [...heap.pageBlocks(heap.kernel.pageOf(a))].filter((b) => !b.free).length > 2)!;
    heap.xfree(address);
    assert.ok(layoutFits(layout, heap));
    assert.deepEqual(laidOutRows(layout), walkedRows(heap));
    assert.ok(!layoutFits(layout, busyHeap().heap), 'another heap, even with the same lists');
  });

  it('on a run replayed: steps with the same key have the same page lists, page for page', () => {
    let seed = 5;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const heap = new LmmHeap({ pageSize: 4096 });
    const recorder = new HeapOpRecorder(4096);
    recorder.record(HeapOpKind.Register, 56, 0, heap.register('student_t', 56), 0, 'student_t');
    recorder.record(HeapOpKind.Register, 24, 0, heap.register('node_t', 24), 0, 'node_t');
    const live: number[] = [];
    while (recorder.steps < 30_000) {
      if (recorder.steps === 15_000) recorder.record(HeapOpKind.Register, 200, 0, heap.register('record_t', 200), 0, 'record_t');
      // Growth and shrinking by turns, so pages are mapped and unmapped all along.
      else if (live.length < 20 || random() < (Math.floor(recorder.steps / 5000) % 2 === 0 ? 0.7 : 0.3)) {
        const family = Math.floor(random() * heap.families.length);
        const units = 1 + Math.floor(random() * 4);
        const address = heap.xcalloc(family, units);
        recorder.record(HeapOpKind.Alloc, family, units, address, 1, undefined);
        if (address !== 0) live.push(address);
      } else {
        const k = Math.floor(random() * live.length);
        recorder.record(HeapOpKind.Free, live[k]!, 0, heap.xfree(live[k]!) ? 1 : 0, 2, undefined);
        live[k] = live[live.length - 1]!;
        live.pop();
      }
    }
    const timeline = new HeapTimeline(4096, { snapshotEvery: 4000 });
    timeline.append(recorder.flush()!);
    // Walk the run (snapshot steps, one before and after, and random ones) on the time-travel
    // heap; keep the lists seen per key and compare every step with the same key.
    const seen = new Map<string, string>();
    const steps: number[] = [];
    for (const s of timeline.snapshotInfo().steps) if (s >= 0) steps.push(s - 1, s, s + 1);
    for (let i = 0; i < 300; i++) steps.push(Math.floor(random() * (timeline.length - 1)));
    // And each step that unmapped a page (a free: no page is mapped there), with the step before.
    const munmap = timeline.series.munmap;
    let unmaps = 0;
    for (let s = 1; s < timeline.length - 1 && unmaps < 40; s++) {
      if (munmap[s]! > munmap[s - 1]!) {
        steps.push(s - 1, s);
        unmaps++;
      }
    }
    assert.ok(unmaps > 10, `pages unmapped: ${unmaps}`);
    let compared = 0;
    for (const step of steps.sort((a, b) => a - b)) {
      if (step < 0 || step >= timeline.length - 1) continue;
      const at = timeline.heapAt(step);
      const key = pageListsKey(at);
      const lists = JSON.stringify(walkedRows(at));
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        assert.equal(lists, earlier, `step ${step}: same key ${key}, other lists`);
        compared++;
      } else seen.set(key, lists);
      // A layout made and read here, kept for the next step when its key is the same, shows
      // that step's lists; read half here and half there, too.
      const layout = buildMapLayout(at);
      const half = buildMapLayout(at);
      const rows = laidOutRows(layout);
      for (let row = 0; row < half.count / 2; row++) pageOfRow(half, row);
      const next = timeline.heapAt(step + 1);
      if (next !== at) continue; // the last step is the live heap: another heap, laid out anew
      if (layoutFits(layout, next)) {
        assert.deepEqual(rows, walkedRows(next), `step ${step + 1}`);
        assert.deepEqual(laidOutRows(half), walkedRows(next), `step ${step + 1}, read in two halves`);
      } else assert.notEqual(pageListsKey(next), key);
    }
    assert.ok(compared > 20, `steps of one key compared: ${compared}`);
  });
});
