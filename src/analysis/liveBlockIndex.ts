/**
 * Finds the live block that holds an address, in O(1) page lookup plus a binary search among
 * that page's blocks (a page holds at most ~80). Blocks are bucketed by the kernel's page slot
 * with a counting sort, so building the index over 1,000,000 blocks costs two linear passes and
 * no per-block objects.
 */
import type { SimulatedKernel } from '../engine/simulatedKernel';
import { ScratchArrays } from './scratchArrays';

export const NO_BLOCK = -1;

export class LiveBlockIndex {
  /** Block indices ordered by page slot, then by address within the page. */
  private readonly order: Int32Array;
  /** order[bucketStart[s - minSlot] .. bucketStart[s - minSlot + 1]) are the blocks of slot s. */
  private readonly bucketStart: Int32Array;
  private readonly minSlot: number;
  private readonly maxSlot: number;

  /**
   * @param address data address of block i
   * @param bytes payload bytes of block i
   */
  constructor(
    private readonly kernel: SimulatedKernel,
    private readonly address: Float64Array,
    private readonly bytes: Int32Array,
    count: number,
    scratch: ScratchArrays = new ScratchArrays(),
  ) {
    const slots = scratch.int32('index.slots', count);
    let minSlot = Infinity;
    let maxSlot = -Infinity;
    for (let i = 0; i < count; i++) {
      const slot = kernel.slotOf(address[i]!);
      slots[i] = slot;
      if (slot < minSlot) minSlot = slot;
      if (slot > maxSlot) maxSlot = slot;
    }
    if (count === 0) {
      minSlot = 0;
      maxSlot = -1;
    }
    this.minSlot = minSlot;
    this.maxSlot = maxSlot;
    const buckets = maxSlot - minSlot + 1;
    const start = new Int32Array(buckets + 1);
    for (let i = 0; i < count; i++) start[slots[i]! - minSlot + 1]!++;
    for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
    const fill = start.slice(0, buckets);
    const order = scratch.int32('index.order', count);
    for (let i = 0; i < count; i++) order[fill[slots[i]! - minSlot]!++] = i;
    // Within a page, blocks usually arrive in address order already: insertion sort is ~linear.
    for (let b = 0; b < buckets; b++) {
      const end = start[b + 1]!;
      for (let k = start[b]! + 1; k < end; k++) {
        const block = order[k]!;
        const a = address[block]!;
        let j = k - 1;
        while (j >= start[b]! && address[order[j]!]! > a) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = block;
      }
    }
    this.order = order;
    this.bucketStart = start;
  }

  /**
   * The block whose payload holds `pointer`, or NO_BLOCK. A pointer equal to a block's data
   * address always finds it (even a 0-byte block); any other must fall inside the payload.
   */
  find(pointer: number): number {
    if (!(pointer > 0)) return NO_BLOCK;
    const slot = this.kernel.slotOf(pointer);
    if (slot < this.minSlot || slot > this.maxSlot) return NO_BLOCK;
    const b = slot - this.minSlot;
    let lo = this.bucketStart[b]!;
    let hi = this.bucketStart[b + 1]! - 1;
    const order = this.order;
    const address = this.address;
    // The last block whose address is <= pointer.
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (address[order[mid]!]! <= pointer) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return NO_BLOCK;
    const block = order[found]!;
    const start = address[block]!;
    return pointer === start || pointer < start + this.bytes[block]! ? block : NO_BLOCK;
  }
}
