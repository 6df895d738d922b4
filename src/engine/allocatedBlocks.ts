/**
 * Which blocks are allocated, by the handle of their meta address (pointers.ts: the low 32 bits of
 * the address as an int32; every simulated address lies in the 4 GiB window under the kernel's
 * top). It lets xfree prove in O(1) that an address is an allocated block's data address, instead
 * of walking the page's block list (which it still does, only on the error path, to tell a double
 * free from an invalid one).
 *
 * No two block metas share an aligned 32-byte span of addresses: a meta is 48 bytes and blocks do
 * not overlap, and across a page edge the last meta of a page and the first of the next are at
 * least 48 + 24 bytes apart. So one byte per 32 bytes of address space names the allocated meta
 * that begins there, exactly: (its address mod 32) + 1, or 0 for none. The bytes come in regions
 * of 8 KiB, one per 256 KiB of addresses, made when a block is first marked there: a mark is one
 * byte read and written where the block is, with no hashing and no probing, and costs 1/32 of the
 * page bytes it covers (regions are kept once made: at most 1/32 of the heap's peak).
 */
const REGION_SHIFT = 18;
const REGION_MASK = (1 << REGION_SHIFT) - 1;
const GROUP_SHIFT = 5;
const GROUP_MASK = (1 << GROUP_SHIFT) - 1;

export class AllocatedBlocks {
  /** Region r covers the addresses (top − (r + 1) × 256 KiB, top − r × 256 KiB], by their distance from the top. */
  private regions: (Uint8Array | undefined)[] = [];
  size = 0;

  has(handle: number): boolean {
    const region = this.regions[regionOf(handle)];
    return region !== undefined && region[(handle & REGION_MASK) >>> GROUP_SHIFT] === (handle & GROUP_MASK) + 1;
  }

  /** Marks `handle` (the handle of a block's meta; callers never add one twice). */
  add(handle: number): void {
    const index = regionOf(handle);
    const region = this.regions[index] ?? (this.regions[index] = new Uint8Array(1 << (REGION_SHIFT - GROUP_SHIFT)));
    region[(handle & REGION_MASK) >>> GROUP_SHIFT] = (handle & GROUP_MASK) + 1;
    this.size++;
  }

  /** Unmarks `handle`; false when it was not marked (nothing changes then). */
  delete(handle: number): boolean {
    const region = this.regions[regionOf(handle)];
    const group = (handle & REGION_MASK) >>> GROUP_SHIFT;
    if (region === undefined || region[group] !== (handle & GROUP_MASK) + 1) return false;
    region[group] = 0;
    this.size--;
    return true;
  }

  /**
   * Unmarks `handle`, which the caller knows is marked (LmmHeap.xfreeLiveHandle): the mark is
   * stored, never loaded, so a mark far from the cache costs no wait.
   */
  forget(handle: number): void {
    this.regions[regionOf(handle)]![(handle & REGION_MASK) >>> GROUP_SHIFT] = 0;
    this.size--;
  }

  /** Every handle, in no particular order (for the invariant checker and snapshots). */
  *values(): IterableIterator<number> {
    for (let index = 0; index < this.regions.length; index++) {
      const region = this.regions[index];
      if (region === undefined) continue;
      for (let group = 0; group < region.length; group++) {
        if (region[group] !== 0) yield handleAt(index, group, region[group]!);
      }
    }
  }

  clone(): AllocatedBlocks {
    const copy = new AllocatedBlocks();
    copy.regions = this.regions.map((region) => region?.slice());
    copy.size = this.size;
    return copy;
  }

  /**
   * The handles (for time-travel snapshots); `restoreState` takes them back. A plain loop that
   * skips four empty bytes at a time: the extension host takes a snapshot in one task while a run
   * goes on, and the generator above spent 56 ms there on a heap of a few thousand blocks.
   */
  saveState(): Int32Array {
    const handles = new Int32Array(this.size);
    let i = 0;
    for (let index = 0; index < this.regions.length; index++) {
      const region = this.regions[index];
      if (region === undefined) continue;
      const words = new Uint32Array(region.buffer, region.byteOffset, region.length >>> 2);
      for (let word = 0; word < words.length; word++) {
        if (words[word] === 0) continue;
        for (let group = word << 2; group < (word + 1) << 2; group++) {
          if (region[group] !== 0) handles[i++] = handleAt(index, group, region[group]!);
        }
      }
    }
    return handles;
  }

  restoreState(handles: Int32Array): void {
    for (const region of this.regions) region?.fill(0);
    this.size = 0;
    for (const handle of handles) this.add(handle);
  }

  /** Bytes held, for the bookkeeping benchmark. */
  get byteLength(): number {
    let bytes = 0;
    for (const region of this.regions) if (region !== undefined) bytes += region.byteLength;
    return bytes;
  }
}

/** The region of a handle: its address's distance from the top, less one, in 256 KiB. */
function regionOf(handle: number): number {
  return (((-handle >>> 0) - 1) >>> 0) >>> REGION_SHIFT;
}

/** The handle marked `mark` in byte `group` of region `index`. */
function handleAt(index: number, group: number, mark: number): number {
  const offset = (group << GROUP_SHIFT) + mark - 1;
  // The region's lowest address is top − (index + 1) × 256 KiB; the top's low 32 bits are 0.
  return (offset - (index + 1) * (1 << REGION_SHIFT)) | 0;
}
