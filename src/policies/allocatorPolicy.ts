/**
 * One interface for every allocation policy of the policy lab, so that the replay driver, the
 * comparison, the benchmark and the views treat LMM and its rivals alike. Every policy runs over
 * a `SimulatedKernel` (its pages, its mmap/munmap counts, its page reservoir) and keeps its own
 * block headers in the simulated memory; only debugging aids (which words start a live block)
 * live outside it.
 */
import type { ReservoirOptions, SimulatedKernel } from '../engine/simulatedKernel';

export interface PolicyOptions {
  /** VM page size in bytes (default 4096). */
  pageSize?: number;
  /** Cap on mapped bytes (default 1 GiB). */
  memoryCap?: number;
  /** Keep emptied pages mapped for reuse (default off). */
  reservoir?: ReservoirOptions;
}

/** What a stretch of a mapping holds: a live block, a free block, or the policy's own bookkeeping. */
export type PolicyBlockState = 'used' | 'free' | 'overhead';

/** One block of a mapping, in address order, whatever the policy. */
export interface PolicyBlock {
  /** Byte offset of the block's first byte (its header, if it has one) from the mapping's address. */
  offset: number;
  /** Header bytes in front of the payload (meta data, boundary tag, ...). */
  header: number;
  /** Payload bytes (what a program may use, or could be given when free). */
  size: number;
  state: PolicyBlockState;
  /** The struct family the block belongs to, for policies that have families. */
  family: string | null;
}

/** One mapping of the policy: a page, a multi-page run or a growable arena. */
export interface PolicyMapping {
  address: number;
  pages: number;
  kind: 'page' | 'run' | 'arena' | 'registry';
  blocks: PolicyBlock[];
}

export interface PolicyStatistics {
  mappedBytes: number;
  peakMappedBytes: number;
  /** Blocks in use and the payload bytes they hold (as granted, not as requested). */
  liveBlocks: number;
  livePayload: number;
  mmapCalls: number;
  munmapCalls: number;
  /** mmap + munmap calls. */
  syscalls: number;
  /** Pages the reservoir keeps mapped right now. */
  reservoirPages: number;
  /** Requests refused because they exceed what the policy can ever serve (lmm-classic: one page). */
  rejected: number;
}

export interface AllocatorPolicy {
  readonly name: string;
  readonly kernel: SimulatedKernel;
  /** The largest request the policy can serve at all (Infinity when multi-page requests are served). */
  readonly maxRequest: number;
  /** Why the last call failed, or null after a call that succeeded. */
  lastError: string | null;

  /** Declares a struct family (LMM policies register it; the others only remember the name). */
  registerFamily(name: string, size: number): number;
  /** Allocates `bytes` (or `units` of `family` when family ≥ 0); returns the payload address, or 0. */
  allocate(bytes: number, family?: number, units?: number): number;
  /** Frees a block by its payload address; false (see `lastError`) when it is not a live block. */
  free(address: number): boolean;
  /** Resizes in place when the policy can, else allocates, copies and frees; 0 leaves the block as it was. */
  realloc(address: number, bytes: number): number;
  /** The live payload bytes at `address` as a view into the simulated memory. */
  payload(address: number, length: number): Uint8Array;
  statistics(): PolicyStatistics;
  /** Every violated invariant as a sentence; empty when the heap is sound. */
  check(): string[];
  /** The mappings and their blocks in address order (policy-neutral, for views). */
  mappings(): PolicyMapping[];
  /** Ends the run: hands the policy's buffers back for the next run (the policy is unusable afterwards). */
  dispose(): void;
}

/**
 * realloc for a block that cannot grow where it is: it stays when it already holds `bytes`
 * (its `capacity`, −1 for an address that is not a live block), else it moves to a new block
 * (allocate, copy, free). 0 leaves the block as it was.
 */
export function reallocByMoving(policy: AllocatorPolicy, address: number, bytes: number, capacity: number): number {
  if (capacity < 0) {
    policy.lastError = `invalid realloc: 0x${address.toString(16)} is not a live block`;
    return 0;
  }
  if (bytes <= capacity) {
    policy.lastError = null;
    return address;
  }
  const moved = policy.allocate(bytes);
  if (moved === 0) return 0;
  policy.payload(moved, capacity).set(policy.payload(address, capacity));
  policy.free(address);
  return moved;
}

/** Statistics every policy reads from its kernel the same way. */
export function kernelStatistics(
  kernel: SimulatedKernel,
  liveBlocks: number,
  livePayload: number,
  rejected: number,
): PolicyStatistics {
  return {
    mappedBytes: kernel.mappedPages * kernel.pageSize,
    peakMappedBytes: kernel.peakMappedPages * kernel.pageSize,
    liveBlocks,
    livePayload,
    mmapCalls: kernel.mmapCalls,
    munmapCalls: kernel.munmapCalls,
    syscalls: kernel.mmapCalls + kernel.munmapCalls,
    reservoirPages: kernel.reservoirPages,
    rejected,
  };
}
