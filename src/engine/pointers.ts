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

/**
 * Inside the engine a block or link is named by its handle: the low 32 bits of its address read
 * as a signed int32 (0 = null). V8 keeps int32 values unboxed (Smis), while an address of the
 * 0x7f.. window is a double that is boxed as a heap object each time it crosses a call that is
 * not inlined: the hot path would allocate on every operation. A handle converts to the address
 * only where the engine meets its callers (returns, events, messages).
 */
export function readHandle(view: DataView, offset: number): number {
  return view.getInt32(offset, true);
}

/** Stores the link whose handle is `handle` as the full 8-byte address (0 stays 0). */
export function writeHandle(view: DataView, offset: number, handle: number): void {
  view.setInt32(offset, handle, true);
  view.setUint32(offset + 4, handle === 0 ? 0 : WINDOW_HIGH, true);
}

/** The handle of an address of the window (callers check that it lies in the window). */
export function handleOf(address: number): number {
  return (address - WINDOW_BASE) | 0;
}

/** The address a handle names (0 for 0). */
export function addressOf(handle: number): number {
  return handle === 0 ? 0 : WINDOW_BASE + (handle >>> 0);
}

/** Whether `address` is a whole number inside the window (so that it has a handle). */
export function inWindow(address: number): boolean {
  return address > WINDOW_BASE && address < WINDOW_BASE + TWO_32 && WINDOW_BASE + (handleOf(address) >>> 0) === address;
}
