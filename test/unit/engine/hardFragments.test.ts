// README, "Words used in the views", and the webview's glossary: "**hard fragment**: bytes after a
// block too few to be a block of their own (under the 48 bytes of meta data one needs), which
// belong to no block until that block is freed". They said "bytes at a page's end"; a split of a
// free block between two live ones leaves them in the middle of a page too.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { META_SIZE } from '../../../src/engine/constants';
import { dumpHeap } from '../../../src/engine/traceDump';
import { explain } from '../../../webview-ui/src/glossary';

/** One family of 20-byte structs whose first page is full: 59 one-unit blocks of 68 bytes. */
function fullPage() {
  const heap = new LmmHeap();
  const family = heap.register('rec_t', 20);
  const counters = heap.counters(family);
  const blocks: number[] = [];
  while (counters.pages < 2) blocks.push(heap.xcalloc(family, 1));
  heap.xfree(blocks.pop()!);
  assert.equal(counters.pages, 1);
  return { heap, family, counters, blocks };
}

/** The page's blocks as [offset, size], in address order. */
function pageBlocks(heap: LmmHeap, family = 'rec_t'): [number, number][] {
  const dump = dumpHeap(heap) as unknown as { families: { name: string; pages: [number, number, number][][] }[] };
  return dump.families.find((f) => f.name === family)!.pages[0]!.map(([offset, size]) => [offset, size]);
}

describe('hard fragments: bytes after a block that belong to no block', () => {
  it('in the middle of a page: a free block between two live ones split with fewer than 48 bytes left', () => {
    const { heap, family, counters, blocks } = fullPage();
    assert.equal(counters.hardFragmentBytes, 0);
    heap.xfree(blocks[10]!);
    heap.xfree(blocks[11]!); // merged: 20 + 48 + 20 = 88 bytes, between blocks 9 and 12
    const three = heap.xcalloc(family, 3); // 60 bytes: 28 left, too few for a block's 48 of meta data
    assert.equal(three, blocks[10]);
    assert.equal(counters.hardFragmentBytes, 88 - 60);
    const layout = pageBlocks(heap);
    const at = layout.findIndex(([, size]) => size === 60);
    const [offset, size] = layout[at]!;
    const [nextOffset] = layout[at + 1]!;
    assert.equal(nextOffset - (offset + META_SIZE + size), 28, 'the 28 bytes lie between the block and the next one');
    assert.ok(at + 1 < layout.length - 1, 'not at the page’s end');
    // Freed, the block takes them back.
    heap.xfree(three);
    assert.equal(counters.hardFragmentBytes, 0);
  });

  it('at a page’s end too: the page’s last free block split with fewer than 48 bytes left', () => {
    const heap = new LmmHeap();
    const family = heap.register('tail_t', 24);
    const counters = heap.counters(family);
    // The page's free block shrinks by 24 + 48 bytes an allocation: 4,024, … 64 after 55 of them.
    const blocks: number[] = [];
    for (let i = 0; i < 56; i++) blocks.push(heap.xcalloc(family, 1));
    assert.equal(counters.pages, 1);
    assert.equal(counters.hardFragmentBytes, 64 - 24);
    const layout = pageBlocks(heap, 'tail_t');
    const [offset, size] = layout.at(-1)!;
    assert.equal(4096 - (offset + META_SIZE + size), 40, 'the page’s last 40 bytes are in no block');
    heap.xfree(blocks.at(-1)!);
    assert.equal(counters.hardFragmentBytes, 0);
  });

  it('the README and the views’ glossary define it so, and not as "at a page\'s end"', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const definition = /\*\*hard fragment\*\*: ([^.;]*)/.exec(readme)?.[1];
    const glossary = explain('hard fragment');
    for (const text of [definition, glossary]) {
      assert.ok(text, 'defined');
      assert.match(text, /after a block/);
      assert.match(text, /48/);
      assert.doesNotMatch(text, /end of a page|page's end|page’s end/);
    }
  });
});
