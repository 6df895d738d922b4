/**
 * docs/allocator-model.md's figures and the cases it spells out one by one. (The rules as a whole
 * are checked by the model-based property test, whose reference model is written from the same
 * page; this file pins the sentences a reader quotes.)
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_PAGE_SIZE,
  FAMILY_RECORD,
  FAMILY_RECORD_SIZE,
  META,
  MAX_PAGE_SIZE,
  META_SIZE,
  MIN_PAGE_SIZE,
  PAGE_HEADER,
  PAGE_HEADER_SIZE,
  familiesPerRegistryPage,
  maxAllocatable,
} from '../../../src/engine/constants';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { dumpHeap } from '../../../src/engine/traceDump';

const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'allocator-model.md'), 'utf8');

/** A row of the record table: its size and each field's offset, from the sizes the row gives. */
function tableRow(record: string): { size: number; offsets: number[] } {
  const row = doc.split('\n').find((line) => line.startsWith(`| ${record} |`));
  assert.ok(row, record);
  const [, , size, fields] = row.split('|').map((cell) => cell.trim());
  const offsets: number[] = [];
  let at = 0;
  for (const field of fields!.split(/, (?![^()]*\))/)) {
    const pair = /\(2 × (\d+)\)$/.exec(field);
    const bytes = /\(u32\)|^4 bytes of padding$/.test(field)
      ? 4
      : pair
        ? 2 * Number(pair[1])
        : Number(/\((\d+)(?: bytes)?\)$/.exec(field)![1]);
    if (!field.includes('padding')) offsets.push(at);
    at += bytes;
  }
  assert.equal(at, Number(size!.replace(' B', '')), `${record}: its fields add up to its size`);
  return { size: at, offsets };
}

/** A family's blocks as [offset, size, free] per page, and its free list, after the calls. */
function familyAfter(structSize: number, calls: (heap: LmmHeap, family: number) => void, pageSize = 4096) {
  const heap = new LmmHeap({ pageSize });
  const family = heap.register('s_t', structSize);
  calls(heap, family);
  return dumpHeap(heap).families[0]!;
}

describe('docs/allocator-model.md', () => {
  it('gives the three records the sizes and field offsets the engine uses', () => {
    const family = tableRow('family record (in a registry page)');
    assert.equal(family.size, FAMILY_RECORD_SIZE);
    assert.deepEqual(family.offsets, [
      FAMILY_RECORD.name,
      FAMILY_RECORD.structSize,
      FAMILY_RECORD.firstPage,
      FAMILY_RECORD.freeHeadLeft,
    ]);
    const header = tableRow('data-page header');
    assert.equal(header.size, PAGE_HEADER_SIZE);
    assert.deepEqual(header.offsets, [PAGE_HEADER.next, PAGE_HEADER.prev, PAGE_HEADER.family]);
    const meta = tableRow('block meta data');
    assert.equal(meta.size, META_SIZE);
    assert.deepEqual(meta.offsets, [META.isFree, META.blockSize, META.offset, META.freeLinkPrev, META.prevBlock, META.nextBlock]);
  });

  it('fits ⌊(P − 8) / 64⌋ family records in a registry page (63 on 4096-byte pages), and serves P − 72 bytes at most (4,024)', () => {
    assert.match(doc, /`⌊\(P − 8\) \/ 64⌋` family records \(63 on 4096-byte pages\)/);
    assert.equal(familiesPerRegistryPage(4096), 63);
    assert.match(doc, /`P − 72` bytes \(4,024 on 4096-byte pages\)/);
    assert.equal(maxAllocatable(4096), 4024);
    for (const pageSize of [128, 4096, 262144]) {
      const last = familyAfter(
        8,
        (heap, family) => {
          assert.equal(heap.xcalloc(family, (pageSize - 72) / 8 + 1), 0, 'a byte above P − 72 fails');
          assert.notEqual(heap.xcalloc(family, (pageSize - 72) / 8), 0, 'P − 72 is served');
        },
        pageSize,
      );
      assert.deepEqual(last.pages, [[[24, pageSize - 72, 0]]]);
    }
  });

  it('takes a page size of 128 to 262,144 bytes, 4096 by default, in a trace, lmm run and the lmm.pageSize setting alike', () => {
    assert.match(doc.replace(/\s+/g, ' '), /`P` is the page size: 4096 bytes unless .* \(128 to 262,144 bytes\)/);
    assert.deepEqual([DEFAULT_PAGE_SIZE, MIN_PAGE_SIZE, MAX_PAGE_SIZE], [4096, 128, 262144]);
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties['lmm.pageSize'];
    assert.deepEqual([setting.default, setting.minimum, setting.maximum], [4096, 128, 262144]);
  });

  it('refuses a name registered twice, and any name that is not 1 to 32 printable ASCII characters', () => {
    assert.match(doc.replace(/\s+/g, ' '), /a name is 1 to 32 printable ASCII characters, space not among them/);
    const heap = new LmmHeap();
    assert.ok(heap.register('x'.repeat(32), 8) >= 0, '32 characters');
    assert.ok(heap.register('~!#_', 8) >= 0, 'any printable ASCII');
    for (const name of ['x'.repeat(32), '', 'x'.repeat(33), 'caf\u00e9', 'a b', 'a\u0001', '\u00e9'.repeat(16)]) {
      assert.equal(heap.register(name, 8), -1, JSON.stringify(name));
      assert.match(heap.lastError!.kind, /^(duplicate-registration|invalid-name)$/);
    }
  });

  it('packs blocks unaligned: a 9-byte struct at offsets 24, 81, 138', () => {
    assert.match(doc, /blocks of a 9-byte struct sit at offsets 24, 81, 138/);
    const family = familyAfter(9, (heap, id) => {
      for (let i = 0; i < 3; i++) heap.xcalloc(id, 1);
    });
    assert.deepEqual(
      family.pages[0]!.slice(0, 3).map(([offset]) => offset),
      [24, 81, 138],
    );
  });

  describe('what is left over when a block shrinks to the request (one page)', () => {
    // The page's one free block holds 4,024 bytes: a request of 4,024 − r leaves r.
    const leaving = (remaining: number) =>
      familyAfter(1, (heap, id) => {
        heap.xcalloc(id, 4024 - remaining);
      }).pages[0]!;
    const leavingStruct = (remaining: number, size: number) =>
      familyAfter(size, (heap, id) => {
        assert.equal((4024 - remaining) % size, 0);
        heap.xcalloc(id, (4024 - remaining) / size);
      });

    it('nothing left: the block is the request', () => {
      assert.deepEqual(leaving(0), [[24, 4024, 0]]);
    });
    it('fewer than 48 bytes: they belong to no block (hard internal fragmentation)', () => {
      assert.deepEqual(leaving(47), [[24, 3977, 0]]);
    });
    it('exactly 48 bytes: a free block of 0 bytes', () => {
      assert.deepEqual(leaving(48), [
        [24, 3976, 0],
        [4048, 0, 1],
      ]);
    });
    it('more than 48 but fewer than 48 + struct size: a free block smaller than one struct (a soft fragment)', () => {
      const family = leavingStruct(124, 100); // 4024 − 124 = 3900 = 39 × 100
      assert.deepEqual(family.pages[0], [
        [24, 3900, 0],
        [3972, 76, 1],
      ]);
    });
    it('at least 48 + struct size: a new free block at offset + 48 + request, of remaining − 48 bytes', () => {
      const family = leavingStruct(224, 100); // 4024 − 224 = 3800 = 38 × 100
      assert.deepEqual(family.pages[0], [
        [24, 3800, 0],
        [24 + 48 + 3800, 224 - 48, 1],
      ]);
      assert.deepEqual(family.free, [[0, 3872, 176]]);
    });
  });
  it("knows blocks only by address: a merged block's old address is an invalid free, and an old address a newer block occupies frees that block", () => {
    assert.match(
      doc.replace(/\s+/g, ' '),
      /after a block has merged into a neighbour its old address is an invalid free, and an old address that a newer block now occupies frees that newer block/,
    );
    const heap = new LmmHeap();
    const id = heap.register('s_t', 100);
    const a = heap.xcalloc(id, 1);
    const b = heap.xcalloc(id, 1);
    heap.xcalloc(id, 37); // 3,700 of the 3,728 bytes left: 28 bytes of hard fragmentation, no free block
    assert.ok(heap.xfree(b));
    assert.ok(heap.xfree(a), 'a frees, and b (free, next to it) merges into it');
    assert.equal(heap.xfree(b), false);
    assert.equal(heap.lastError?.kind, 'invalid-free');
    const newer = heap.xcalloc(id, 1);
    assert.equal(newer, a, 'the largest free block is the merged one, at a');
    assert.ok(heap.xfree(a), "a's old address frees the newer block");
    assert.deepEqual(dumpHeap(heap).families[0]!.pages[0]!.slice(0, 2), [
      [24, 248, 1],
      [320, 3700, 0],
    ]);
  });
});
