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
