/**
 * The kernel's page arena: pages live side by side in chunks (256 KiB of pages each when the page
 * size is a power of two, else one page a chunk), reached by the engine through the chunk and by
 * everyone else through a DataView per page. These tests try to make the two disagree, to hand
 * out a page that is not zero, to let pages of one chunk overlap, to keep memory after the pages
 * are gone, and to call a bogus address mapped.
 */
import { strict as assert } from 'node:assert';
import { checkHeap } from '../../../src/engine/invariants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { handleOf } from '../../../src/engine/pointers';
import { MMAP_TOP, SimulatedKernel } from '../../../src/engine/simulatedKernel';
import { dumpHeap } from '../../../src/engine/traceDump';
import { ReferenceModel } from '../../support/referenceModel';

const PAGE_SIZES = [4096, 1024, 128, 1 << 18, 4000, 4104];

function mapPages(kernel: SimulatedKernel, count: number): number[] {
  const pages: number[] = [];
  for (let i = 0; i < count; i++) {
    const page = kernel.mmap();
    assert.notEqual(page, 0, `mmap ${i} failed`);
    pages.push(page);
  }
  return pages;
}

/** Writes a pattern that names the page (its slot) into every 4-byte word of it, through its own view. */
function stamp(kernel: SimulatedKernel, page: number, salt = 0): void {
  const view = kernel.view(page);
  for (let o = 0; o + 4 <= kernel.pageSize; o += 4) view.setUint32(o, (kernel.slotOf(page) * 7919 + o + salt) >>> 0, true);
}

function assertStamped(kernel: SimulatedKernel, page: number, salt = 0): void {
  const slot = kernel.slotOf(page);
  const chunk = kernel.chunkViewOfSlot(slot);
  const start = kernel.pageStart(slot);
  for (let o = 0; o + 4 <= kernel.pageSize; o += 4) {
    const expected = (slot * 7919 + o + salt) >>> 0;
    assert.equal(kernel.view(page).getUint32(o, true), expected, `page 0x${page.toString(16)} offset ${o} (own view)`);
    if (chunk.getUint32(start + o, true) !== expected) assert.fail(`page 0x${page.toString(16)} offset ${o} (chunk view)`);
  }
}

describe('SimulatedKernel: the page arena', () => {
  for (const pageSize of PAGE_SIZES) {
    describe(`page size ${pageSize} (${new SimulatedKernel(pageSize).chunkPages} pages a chunk)`, () => {
      it('pages across several chunks never overlap, and the chunk view and the page view show the same bytes', () => {
        const kernel = new SimulatedKernel(pageSize);
        const count = Math.min(3 * kernel.chunkPages + 2, 600);
        const pages = mapPages(kernel, count);
        for (const page of pages) stamp(kernel, page);
        for (const page of pages) assertStamped(kernel, page);
        // Every address's chunk offset is its page's start plus its offset in the page, at both ends of a page.
        for (const page of pages) {
          const slot = kernel.slotOf(page);
          for (const inPage of [0, 1, 8, pageSize - 8, pageSize - 1]) {
            const address = page + inPage;
            assert.equal(kernel.slotOfHandle(handleOf(address)), slot);
            assert.equal(kernel.chunkOffsetOfHandle(handleOf(address), slot), kernel.pageStart(slot) + inPage);
          }
          assert.ok(kernel.pageStart(slot) + pageSize <= kernel.chunkViewOfSlot(slot).byteLength);
        }
      });

      it('a page mapped again is zero-filled, in a chunk still in use and in a reused chunk buffer', () => {
        const kernel = new SimulatedKernel(pageSize);
        const pages = mapPages(kernel, 2 * kernel.chunkPages + 1);
        for (const page of pages) stamp(kernel, page, 1);
        // One page in the middle of a live chunk, then every page of the last chunks (their buffers go spare).
        kernel.munmap(pages[1]!);
        const again = kernel.mmap();
        assert.equal(again, pages[1], 'the lowest free slot is reused');
        assert.ok(kernel.bytesOfSlot(kernel.slotOf(again)).every((b) => b === 0));
        for (const page of pages.slice(kernel.chunkPages)) kernel.munmap(page);
        const remapped = mapPages(kernel, kernel.chunkPages + 1);
        for (const page of remapped) {
          const bytes = kernel.bytesOfSlot(kernel.slotOf(page));
          assert.equal(bytes.length, pageSize);
          assert.ok(
            bytes.every((b) => b === 0),
            `page 0x${page.toString(16)} is not zero`,
          );
        }
        // The pages that stayed mapped kept their bytes.
        for (const page of pages.slice(2, kernel.chunkPages)) assertStamped(kernel, page, 1);
      });

      it('lets a chunk go with its last page: memory held follows the mapped pages down', () => {
        const kernel = new SimulatedKernel(pageSize);
        const pages = mapPages(kernel, 4 * kernel.chunkPages);
        const chunkBytes = kernel.chunkPages * pageSize;
        assert.equal(kernel.heldBytes(), 4 * chunkBytes);
        for (const page of pages.slice(1)) kernel.munmap(page);
        // The first chunk holds the one page left; one empty chunk is kept for churn at the edge.
        assert.equal(kernel.heldBytes(), 2 * chunkBytes);
        assert.equal(kernel.mappedPages, 1);
        // Churn at a chunk's edge reuses the spare buffer: nothing more is held.
        for (let i = 0; i < 50; i++) {
          const more = mapPages(kernel, kernel.chunkPages);
          for (const page of more) kernel.munmap(page);
        }
        assert.equal(kernel.heldBytes(), 2 * chunkBytes);
      });

      it('the memory cap holds at a chunk edge and one page past it, and mapping resumes after an unmap', () => {
        const capPages = kernel0(pageSize).chunkPages + 1;
        const kernel = new SimulatedKernel(pageSize, capPages * pageSize);
        const pages = mapPages(kernel, capPages);
        assert.equal(kernel.mmap(), 0);
        assert.equal(kernel.failedMmapCalls, 1);
        assert.equal(kernel.mappedPages, capPages);
        assert.ok(kernel.heldBytes() <= 2 * kernel.chunkPages * pageSize);
        kernel.munmap(pages[pages.length - 1]!);
        assert.equal(kernel.mmap(), pages[pages.length - 1]);
      });
    });
  }

  it('no bogus address is mapped, not even one whose slot wraps around a 32-bit shift onto a live chunk', () => {
    const kernel = new SimulatedKernel(4096);
    const [page] = mapPages(kernel, 3);
    const wrapped = MMAP_TOP - (2 ** 32 + 1) * 4096; // slot 2^32: 2^32 >>> 6 would be chunk 0
    const bogus = [0, 1, -4096, NaN, Infinity, MMAP_TOP, MMAP_TOP + 4096, wrapped, wrapped + 24, page! - 3 * 4096];
    for (const address of bogus) {
      assert.equal(kernel.isMapped(address), false, String(address));
      assert.equal(kernel.pageBytes(address), undefined, String(address));
      assert.throws(() => kernel.munmap(address), /not a mapped page/, String(address));
    }
    assert.equal(kernel.mappedPages, 3);
    // An address inside a mapped page is mapped, but only the page's own address can be unmapped.
    for (const inside of [page! + 8, page! + 0.5]) {
      assert.equal(kernel.isMapped(inside), true);
      assert.throws(() => kernel.munmap(inside), /not a mapped page/);
    }
    kernel.munmap(page!);
    assert.equal(kernel.isMapped(page!), false);
    assert.equal(kernel.viewOfSlot(kernel.slotOf(page!)), undefined, 'an unmapped page has no view (callers check)');
    assert.throws(() => kernel.munmap(page!), /not a mapped page/, 'a second munmap');
  });

  it('an LmmHeap refuses bogus frees without touching the arena', () => {
    const heap = new LmmHeap();
    const family = heap.register('node_t', 24);
    const block = heap.xcalloc(family, 1);
    const before = JSON.stringify(dumpHeap(heap));
    const wrapped = MMAP_TOP - (2 ** 32 + 1) * 4096 + 72;
    for (const address of [1, wrapped, block + 1, block - 48, block + 4096, MMAP_TOP + 72, NaN]) {
      assert.equal(heap.xfree(address), false, String(address));
      assert.equal(heap.lastError?.kind, 'invalid-free');
    }
    assert.equal(JSON.stringify(dumpHeap(heap)), before);
    assert.deepEqual(checkHeap(heap), []);
  });

  it('restoring a saved state maps exactly its pages, and a page view held across the restore still shows the page', () => {
    const kernel = new SimulatedKernel(4096);
    const pages = mapPages(kernel, 3 * kernel.chunkPages);
    const kept = pages[5]!;
    const held = kernel.view(kept);
    held.setUint32(0, 0xdeadbeef, true);
    for (const page of pages.slice(kernel.chunkPages, 2 * kernel.chunkPages)) kernel.munmap(page);
    const state = kernel.saveState();
    const mappedThen = pages.filter((page) => kernel.isMapped(page));
    for (const page of mappedThen.slice(10)) kernel.munmap(page);
    mapPages(kernel, 2 * kernel.chunkPages);
    kernel.restoreState(state);
    for (const page of pages) assert.equal(kernel.isMapped(page), mappedThen.includes(page), `0x${page.toString(16)}`);
    assert.equal(kernel.mappedPages, mappedThen.length);
    assert.equal(kernel.view(kept).getUint32(0, true), 0xdeadbeef);
    held.setUint32(4, 0xfeedface, true);
    assert.equal(
      kernel.chunkViewOfSlot(kernel.slotOf(kept)).getUint32(kernel.pageStart(kernel.slotOf(kept)) + 4, true),
      0xfeedface,
    );
    // The kernel goes on from the state: the next mmap is the state's.
    const next = kernel.mmap();
    assert.equal(kernel.slotOf(next), Math.min(...Array.from(state.freeSlots)));
  });

  it('a clone owns its bytes', () => {
    const kernel = new SimulatedKernel(4096);
    const pages = mapPages(kernel, kernel.chunkPages + 3);
    for (const page of pages) stamp(kernel, page);
    const copy = kernel.clone();
    for (const page of pages) kernel.view(page).setUint32(0, 1, true);
    for (const page of pages) assertStamped(copy, page);
    assert.equal(copy.heldBytes(), kernel.heldBytes());
  });

  it('keepUnmappedPages holds the buffers: a heap that empties and fills again allocates nothing more', () => {
    const kernel = new SimulatedKernel(4096);
    kernel.keepUnmappedPages(3 * kernel.chunkPages);
    const held = kernel.heldBytes();
    assert.equal(held, 3 * kernel.chunkPages * 4096);
    for (let round = 0; round < 3; round++) {
      const pages = mapPages(kernel, 3 * kernel.chunkPages);
      for (const page of pages) kernel.munmap(page);
      assert.equal(kernel.heldBytes(), held);
    }
  });

  it('the hot path accessors count as touches of a watched page', () => {
    const kernel = new SimulatedKernel(4096);
    const pages = mapPages(kernel, 2);
    const watched = new Uint8Array(2).fill(1);
    const touched: number[] = [];
    kernel.watch(watched, (slot) => touched.push(slot));
    kernel.chunkViewOfSlot(kernel.slotOf(pages[1]!));
    kernel.chunkBytesOfSlot(kernel.slotOf(pages[1]!));
    kernel.chunkViewOfSlot(kernel.slotOf(pages[0]!));
    kernel.unwatch();
    assert.deepEqual(touched, [kernel.slotOf(pages[1]!), kernel.slotOf(pages[0]!)]);
  });

  for (const pageSize of [4096, 1024, 4000]) {
    it(`a heap that grows past several chunks and shrinks again matches the reference model (page size ${pageSize})`, () => {
      const heap = new LmmHeap({ pageSize });
      const model = new ReferenceModel(pageSize);
      const sizes = [24, 56, 120, 300];
      sizes.forEach((size, i) => assert.equal(heap.register(`f${i}_t`, size) >= 0, model.register(`f${i}_t`, size)));
      let x = 7;
      const random = (n: number): number => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return (x >>> 8) % n;
      };
      const live: { address: number; handle: number }[] = [];
      const target = 4 * heap.kernel.chunkPages * Math.max(1, Math.floor(pageSize / 400));
      const steps = 6 * target;
      for (let step = 0; step < steps; step++) {
        // Grow to `target` live blocks, then shrink to none.
        const grow = step < steps / 2 ? random(10) < 8 : random(10) < 2;
        if (grow || live.length === 0) {
          const family = random(4);
          const units = 1 + random(3);
          const address = heap.xcalloc(family, units);
          const handle = model.alloc(family, units);
          assert.equal(address !== 0, handle !== 0);
          if (address !== 0) live.push({ address, handle });
        } else {
          const [pair] = live.splice(random(live.length), 1);
          assert.equal(heap.xfree(pair!.address), model.free(pair!.handle));
        }
        if (step % 500 === 0) assert.deepEqual(dumpHeap(heap), model.dump(), `step ${step}`);
      }
      assert.ok(heap.kernel.peakMappedPages > 2 * heap.kernel.chunkPages, `grew to ${heap.kernel.peakMappedPages} pages`);
      assert.deepEqual(dumpHeap(heap), model.dump());
      assert.deepEqual(checkHeap(heap), []);
      for (const pair of live) assert.equal(heap.xfree(pair.address), model.free(pair.handle));
      assert.deepEqual(dumpHeap(heap), model.dump());
      assert.equal(heap.kernel.mappedPages, 1, 'only the registry page is left');
      assert.ok(heap.kernel.heldBytes() <= 2 * heap.kernel.chunkPages * pageSize);
    });
  }
});

function kernel0(pageSize: number): SimulatedKernel {
  return new SimulatedKernel(pageSize);
}
