import { strict as assert } from 'node:assert';
import { HeapSnapshot, PendingSnapshot, STAGING_CHUNK_PAGES, type SnapshotScratch } from '../../../src/engine/heapSnapshot';
import { LmmHeap, type HeapOptions } from '../../../src/engine/lmmHeap';
import { checkHeap } from '../../../src/engine/invariants';
import { heapImage } from '../../support/heapImage';

/** Drives a heap with a seeded mix of allocations, frees and bad frees; returns the results. */
function churn(heap: LmmHeap, live: number[], steps: number, seed: number): number[] {
  let x = seed;
  const random = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return Math.floor((x / 4294967296) * n);
  };
  const results: number[] = [];
  for (let i = 0; i < steps; i++) {
    const r = random(100);
    if (r < 2 && heap.families.length < 6) results.push(heap.register(`late_${heap.families.length}`, 8 + random(60)));
    else if (r < 55 || live.length === 0) {
      const address = heap.xcalloc(random(heap.families.length), 1 + random(4));
      if (address !== 0) live.push(address);
      results.push(address);
    } else if (r < 97) {
      const [address] = live.splice(random(live.length), 1);
      results.push(heap.xfree(address!) ? 1 : 0);
    } else results.push(heap.xfree(live[0] === undefined ? 4096 : live[0] + 8) ? 1 : 0);
  }
  return results;
}

function scenario(options: HeapOptions): void {
  const heap = new LmmHeap(options);
  for (const [name, size] of [
    ['a_t', 24],
    ['b_t', 100],
    ['c_t', 700],
  ] as const)
    heap.register(name, size);
  const live: number[] = [];
  churn(heap, live, 3000, 1);
  const scratch = { buffer: new Uint32Array(0) };
  const snapshot = HeapSnapshot.take(heap, scratch);
  const reference = heap.clone();
  const referenceLive = [...live];
  const image = heapImage(heap);
  if (options.memoryCap !== undefined)
    assert.ok(
      heap.kernel.failedMmapCalls > 0,
      `the cap was reached: ${heap.kernel.mappedPages} pages, ${live.length} live, ${JSON.stringify([...heap.errorCounts])}`,
    );

  // Into a fresh heap (fewer families, no pages), and into the same heap after it moved on
  // (more pages and families, other bytes): byte for byte the heap it was taken of.
  const fresh = new LmmHeap(options);
  snapshot.restoreInto(fresh);
  assert.equal(heapImage(fresh), image);
  churn(heap, live, 4000, 2);
  assert.notEqual(heapImage(heap), image);
  snapshot.restoreInto(heap);
  assert.equal(heapImage(heap), image);
  assert.deepEqual(checkHeap(heap), []);

  // And it behaves the same from there on: same results, same bytes.
  const expected = churn(reference, [...referenceLive], 3000, 3);
  assert.deepEqual(churn(heap, [...referenceLive], 3000, 3), expected);
  assert.deepEqual(churn(fresh, [...referenceLive], 3000, 3), expected);
  assert.equal(heapImage(heap), heapImage(reference));
  assert.equal(heapImage(fresh), heapImage(reference));
}

describe('HeapSnapshot (time-travel snapshots)', () => {
  it('taken a few pages at a time while the heap moves on, holds the heap as it was when begun', () => {
    for (const options of [{ pageSize: 4096 }, { pageSize: 1000, reservoir: { pages: 5, delay: 40 } }]) {
      const heap = new LmmHeap(options);
      for (const [name, size] of [
        ['a_t', 24],
        ['b_t', 100],
        ['c_t', 700],
      ] as const)
        heap.register(name, size);
      const live: number[] = [];
      churn(heap, live, 3000, 1);
      const image = heapImage(heap);
      const pending = new PendingSnapshot(heap, { buffer: new Uint32Array(0) });
      const pages = pending.remaining;
      for (let i = 0; pending.remaining > 0; i++) {
        churn(heap, live, 20, 10 + i); // touches (and frees, unmaps) pages not saved yet
        pending.advance(1);
      }
      assert.ok(pages > 20, `${pages} pages`);
      const snapshot = pending.finish();
      assert.notEqual(heapImage(heap), image);
      const after = heapImage(heap);
      snapshot.restoreInto(heap);
      assert.equal(heapImage(heap), image);
      const fresh = new LmmHeap(options);
      snapshot.restoreInto(fresh);
      assert.equal(heapImage(fresh), image);
      assert.notEqual(after, image);
    }
  });

  it('restores a heap byte for byte, into a fresh heap or one that moved on', () => scenario({ pageSize: 4096 }));
  it('keeps the page reservoir and a page size that is not a multiple of 128', () =>
    scenario({ pageSize: 1000, reservoir: { pages: 5, delay: 40 } }));
  it('keeps the memory cap state (failed mmaps)', () => scenario({ pageSize: 512, memoryCap: 40 * 512 }));

  it('copies only the pages the heap touches before they are encoded, however big the heap, and restores them across chunks', () => {
    const heap = new LmmHeap({ pageSize: 4096 });
    const big = heap.register('page_t', 4000);
    const blocks: number[] = [];
    for (let i = 0; i < 2_000; i++) blocks.push(heap.xcalloc(big, 1));
    // Each block's first bytes the program's (not zeros): a copy that lost them would show.
    for (const [i, address] of blocks.entries())
      heap.kernel.pageBytes(address)![address - heap.kernel.pageOf(address)] = 1 + (i % 250);
    const image = heapImage(heap);
    const scratch: SnapshotScratch = { buffer: new Uint32Array(0) };
    const pending = new PendingSnapshot(heap, scratch);
    const touched = STAGING_CHUNK_PAGES * 2 + 5; // three chunks, the last part-filled
    // Frees from the end: the pages the snapshot encodes last are touched (and staged) first.
    for (let i = 0; i < touched; i++) heap.xfree(blocks[blocks.length - 1 - i]!);
    const staged = scratch.staging ?? [];
    assert.equal(staged.length, 3, `${staged.length} staging chunks for ${touched} touched pages`);
    assert.ok(
      staged.every((chunk) => chunk.length === STAGING_CHUNK_PAGES * 4096),
      'each chunk holds its pages, not the heap',
    );
    const snapshot = pending.finish();
    assert.ok((scratch.staging?.length ?? 0) <= 4, 'a few chunks kept for the next snapshot');
    snapshot.restoreInto(heap);
    assert.equal(heapImage(heap), image);
    assert.deepEqual(checkHeap(heap), []);
  });
});
