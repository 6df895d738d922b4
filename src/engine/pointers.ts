/**
 * 8-byte little-endian pointers inside page bytes. Simulated addresses are below 2^53, so a
 * pointer is two u32 halves that fit a JS number exactly. Block meta data is not aligned (a 9-byte
 * struct puts metas at 24, 81, 138 …), which DataView handles.
 */

const TWO_32 = 4294967296;
/** 2^-32 is exact in binary floating point, so multiplying by it is an exact division. */
const INVERSE_TWO_32 = 1 / TWO_32;

export function readPointer(view: DataView, offset: number): number {
  return view.getUint32(offset, true) + view.getUint32(offset + 4, true) * TWO_32;
}

export function writePointer(view: DataView, offset: number, address: number): void {
  view.setUint32(offset, address >>> 0, true);
  view.setUint32(offset + 4, Math.floor(address * INVERSE_TWO_32), true);
}

/**
 * Links the engine itself stores (block, page and free-list links of an LmmHeap) always point
 * into the kernel's 4 GiB window under MMAP_TOP, whose high 32 bits are the same for every
 * address, and whose low 32 bits are never 0 (the memory cap keeps the window's first page
 * unused). So a link is read with one u32 load: 0 is null, anything else is WINDOW_BASE + low.
 */
const WINDOW_BASE = 0x7f0000000000 - TWO_32;
const WINDOW_HIGH = WINDOW_BASE / TWO_32;

export function readLink(view: DataView, offset: number): number {
  const low = view.getUint32(offset, true);
  return low === 0 ? 0 : WINDOW_BASE + low;
}

export function writeLink(view: DataView, offset: number, address: number): void {
  if (address === 0) {
    view.setUint32(offset, 0, true);
    view.setUint32(offset + 4, 0, true);
  } else {
    view.setUint32(offset, address - WINDOW_BASE, true);
    view.setUint32(offset + 4, WINDOW_HIGH, true);
  }
}
