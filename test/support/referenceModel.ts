/**
 * A small, obviously correct model of LMM classic, written straight from docs/allocator-model.md with plain
 * arrays and linear searches (no page bytes, no buckets, no bitmaps). The model-based test runs
 * the same operations on it and on the engine and compares their dumps after every step.
 */
import type { Dump } from '../../src/engine/traceDump';

interface ModelBlock {
  offset: number;
  size: number;
  free: boolean;
}
interface ModelPage {
  id: number;
  blocks: ModelBlock[];
}
interface ModelFreeEntry {
  page: ModelPage;
  block: ModelBlock;
  seq: number;
}
interface ModelFamily {
  name: string;
  size: number;
  pages: ModelPage[];
  free: ModelFreeEntry[];
}

export class ReferenceModel {
  mmap = 0;
  munmap = 0;
  families: ModelFamily[] = [];
  private seq = 0;
  private pageIds = 0;
  /** Data handle → block, for frees. */
  private handles = new Map<number, { family: ModelFamily; page: ModelPage; block: ModelBlock }>();
  private nextHandle = 1;

  constructor(readonly pageSize = 4096) {}

  register(name: string, size: number): boolean {
    if (size > this.pageSize || this.families.some((f) => f.name === name)) return false;
    if (this.families.length % Math.floor((this.pageSize - 8) / 64) === 0) this.mmap++;
    this.families.push({ name, size, pages: [], free: [] });
    return true;
  }

  /** Returns a handle (> 0) or 0. */
  alloc(familyIndex: number, units: number): number {
    const family = this.families[familyIndex];
    if (!family) return 0;
    const req = units * family.size;
    if (req > this.pageSize - 72) return 0;
    let entry = family.free[0];
    if (!entry || entry.block.size < req) {
      const page: ModelPage = { id: this.pageIds++, blocks: [{ offset: 24, size: this.pageSize - 72, free: true }] };
      this.mmap++;
      family.pages.unshift(page);
      this.enter(family, page, page.blocks[0]!);
      entry = family.free.find((e) => e.page === page)!;
    }
    const { page, block } = entry;
    family.free.splice(family.free.indexOf(entry), 1);
    block.free = false;
    const remaining = block.size - req;
    block.size = req;
    if (remaining >= 48) {
      const remainder: ModelBlock = { offset: block.offset + 48 + req, size: remaining - 48, free: true };
      page.blocks.splice(page.blocks.indexOf(block) + 1, 0, remainder);
      this.enter(family, page, remainder);
    }
    const handle = this.nextHandle++;
    this.handles.set(handle, { family, page, block });
    return handle;
  }

  free(handle: number): boolean {
    const found = this.handles.get(handle);
    if (!found) return false;
    this.handles.delete(handle);
    const { family, page } = found;
    let block = found.block;
    block.free = true;
    const index = page.blocks.indexOf(block);
    const next = page.blocks[index + 1];
    block.size = (next ? next.offset : this.pageSize) - block.offset - 48;
    if (next && next.free) {
      this.leave(family, next);
      block.size += 48 + next.size;
      page.blocks.splice(index + 1, 1);
    }
    const prev = page.blocks[index - 1];
    if (prev && prev.free) {
      this.leave(family, prev);
      prev.size += 48 + block.size;
      page.blocks.splice(index, 1);
      block = prev;
    }
    if (page.blocks.length === 1) {
      family.pages.splice(family.pages.indexOf(page), 1);
      this.munmap++;
    } else {
      this.enter(family, page, block);
    }
    return true;
  }

  dump(): Dump {
    return {
      mmap: this.mmap,
      munmap: this.munmap,
      families: this.families.map((f) => ({
        name: f.name,
        size: f.size,
        pages: f.pages.map((p) => p.blocks.map((b): [number, number, 0 | 1] => [b.offset, b.size, b.free ? 1 : 0])),
        free: f.free.map((e): [number, number, number] => [f.pages.indexOf(e.page), e.block.offset, e.block.size]),
      })),
    };
  }

  private enter(family: ModelFamily, page: ModelPage, block: ModelBlock): void {
    const entry = { page, block, seq: this.seq++ };
    let i = 0;
    while (i < family.free.length && family.free[i]!.block.size >= block.size) i++;
    family.free.splice(i, 0, entry);
  }

  private leave(family: ModelFamily, block: ModelBlock): void {
    family.free.splice(
      family.free.findIndex((e) => e.block === block),
      1,
    );
  }
}
