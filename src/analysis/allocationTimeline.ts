/**
 * Replays the run's allocations and frees in step order (from the records' allocStep/freeStep,
 * with a counting sort: no comparisons) to get what only time gives: each site's peak of live
 * blocks and lifetimes, and, like massif, the step at which application memory peaked and what
 * was live then, by struct and by site. Application memory counts 48 bytes of meta data per
 * block plus its payload, as LMM does.
 */
import { META_SIZE } from '../engine/constants';
import { forEachAllocation, type AllocationList, type RunData, type Site } from './analysisInput';
import { isLost, LEAK_KINDS } from './leakKinds';
import type { LeakCheckResult } from './leakCheck';
import { StackInterner } from './siteText';

/** Allocations grouped by (allocation stack, struct). */
export interface SiteStatistics {
  /** The innermost frame (line 0 in the harness file when the stack is empty). */
  site: Site;
  stack: Site[];
  struct: string;
  /** Successful allocations, frees of them, still live at the end, and the most live at once. */
  allocated: number;
  freed: number;
  live: number;
  peakLive: number;
  /** Payload bytes allocated over the run, and live at the end. */
  bytesAllocated: number;
  liveBytes: number;
  /** Blocks of this site a leak check found lost (definitely, indirectly or possibly), suppressed or not. */
  leakedBlocks: number;
  leakedBytes: number;
  /** Mean lifetime of its freed blocks, in heap steps (0 when none was freed). */
  meanLifetimeSteps: number;
}

export interface PeakShare {
  blocks: number;
  /** Payload bytes (units × struct size). */
  bytes: number;
  /** Payload plus 48 bytes of meta data per block: the share of application memory. */
  appMemory: number;
  units: number;
}

export interface PeakReport {
  /** The heap step at which application memory first reached its peak (-1: nothing was allocated). */
  event: number;
  appMemory: number;
  /** The engine's own peak, for a cross-check: equal whenever every allocation was recorded. */
  heapPeakAppMemory: number;
  matchesHeap: boolean;
  byStruct: (PeakShare & { struct: string })[];
  bySite: (PeakShare & { site: Site; stack: Site[]; struct: string })[];
}

export interface AllocationTimeline {
  sites: SiteStatistics[];
  peak: PeakReport;
}

export function allocationTimeline(data: RunData, leaks: LeakCheckResult | null): AllocationTimeline {
  const allocations = data.allocations;
  const n = allocations.length;
  const interner = new StackInterner();
  // One pass over the records, into columns: the passes after it read typed arrays only, so a log
  // that makes each record on demand (a run of millions of allocations) is read once.
  const siteOf = new Int32Array(n);
  const structOf = new Int32Array(n);
  const unitsAt = new Int32Array(n);
  const bytesAt = new Float64Array(n);
  const allocStepAt = new Int32Array(n);
  const freeStepAt = new Int32Array(n);
  const siteKey = new Map<number, number>();
  const sites: SiteStatistics[] = [];
  const structIds = new Map<string, number>();
  const structNames: string[] = [];
  let idsArePositions = true;
  let maxStep = Math.max(0, data.steps - 1);
  const lifetimeSum: number[] = [];
  forEachAllocation(allocations, (record, i) => {
    if (record.id !== i) idsArePositions = false;
    let structId = structIds.get(record.struct);
    if (structId === undefined) {
      structId = structIds.size;
      structIds.set(record.struct, structId);
      structNames.push(record.struct);
    }
    const key = interner.id(record.stack) * 65536 + structId;
    let s = siteKey.get(key);
    if (s === undefined) {
      s = sites.length;
      siteKey.set(key, s);
      sites.push({
        site: record.stack[0] ?? { file: data.harnessFile, line: 0, column: 0 },
        stack: record.stack.slice(),
        struct: record.struct,
        allocated: 0,
        freed: 0,
        live: 0,
        peakLive: 0,
        bytesAllocated: 0,
        liveBytes: 0,
        leakedBlocks: 0,
        leakedBytes: 0,
        meanLifetimeSteps: 0,
      });
      lifetimeSum.push(0);
    }
    siteOf[i] = s;
    structOf[i] = structId;
    unitsAt[i] = record.units;
    bytesAt[i] = record.bytes;
    allocStepAt[i] = record.allocStep;
    freeStepAt[i] = record.freeStep;
    const site = sites[s]!;
    site.allocated++;
    site.bytesAllocated += record.bytes;
    if (record.freeStep === -1) {
      site.live++;
      site.liveBytes += record.bytes;
    } else {
      site.freed++;
      lifetimeSum[s]! += record.freeStep - record.allocStep;
      if (record.freeStep > maxStep) maxStep = record.freeStep;
    }
    if (record.allocStep > maxStep) maxStep = record.allocStep;
  });
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s]!;
    site.meanLifetimeSteps = site.freed === 0 ? 0 : lifetimeSum[s]! / site.freed;
  }

  // Events in step order: +(i + 1) for the allocation of record i, −(i + 1) for its free.
  const perStep = new Int32Array(maxStep + 2);
  for (let i = 0; i < n; i++) {
    perStep[allocStepAt[i]! + 1]!++;
    if (freeStepAt[i] !== -1) perStep[freeStepAt[i]! + 1]!++;
  }
  for (let s = 1; s < perStep.length; s++) perStep[s]! += perStep[s - 1]!;
  const events = new Int32Array(perStep[perStep.length - 1]!);
  for (let i = 0; i < n; i++) {
    events[perStep[allocStepAt[i]!]!++] = i + 1;
    if (freeStepAt[i] !== -1) events[perStep[freeStepAt[i]!]!++] = -(i + 1);
  }
  const liveNow = new Int32Array(sites.length);
  let appMemory = 0;
  let peakMemory = 0;
  let peakStep = -1;
  for (let e = 0; e < events.length; e++) {
    const event = events[e]!;
    const i = event > 0 ? event - 1 : -event - 1;
    const s = siteOf[i]!;
    if (event > 0) {
      appMemory += META_SIZE + bytesAt[i]!;
      const live = ++liveNow[s]!;
      if (live > sites[s]!.peakLive) sites[s]!.peakLive = live;
      if (appMemory > peakMemory) {
        peakMemory = appMemory;
        peakStep = allocStepAt[i]!;
      }
    } else {
      appMemory -= META_SIZE + bytesAt[i]!;
      liveNow[s]!--;
    }
  }

  // What was live at the peak.
  const byStruct = new Map<string, PeakShare & { struct: string }>();
  const bySite = new Map<number, PeakShare & { site: Site; stack: Site[]; struct: string }>();
  if (peakStep >= 0) {
    for (let i = 0; i < n; i++) {
      const freeStep = freeStepAt[i]!;
      if (allocStepAt[i]! > peakStep || (freeStep !== -1 && freeStep <= peakStep)) continue;
      const struct = structNames[structOf[i]!]!;
      let share = byStruct.get(struct);
      if (share === undefined) {
        share = { struct, blocks: 0, bytes: 0, appMemory: 0, units: 0 };
        byStruct.set(struct, share);
      }
      addShare(share, unitsAt[i]!, bytesAt[i]!);
      const s = siteOf[i]!;
      let siteShare = bySite.get(s);
      if (siteShare === undefined) {
        const site = sites[s]!;
        siteShare = { site: site.site, stack: site.stack, struct: site.struct, blocks: 0, bytes: 0, appMemory: 0, units: 0 };
        bySite.set(s, siteShare);
      }
      addShare(siteShare, unitsAt[i]!, bytesAt[i]!);
    }
  }

  if (leaks !== null) {
    const position = idsArePositions ? (id: number) => (id >= 0 && id < n ? id : -1) : positionsById(allocations);
    for (let k = 0; k < leaks.liveIds.length; k++) {
      if (!isLost(LEAK_KINDS[leaks.kinds[k]!]!)) continue;
      const i = position(leaks.liveIds[k]!);
      if (i < 0) continue;
      const site = sites[siteOf[i]!]!;
      site.leakedBlocks++;
      site.leakedBytes += bytesAt[i]!;
    }
  }

  const byAppMemory = (a: PeakShare, b: PeakShare) => b.appMemory - a.appMemory;
  return {
    sites,
    peak: {
      event: peakStep,
      appMemory: peakMemory,
      heapPeakAppMemory: data.heap.peakAppMemory,
      matchesHeap: peakMemory === data.heap.peakAppMemory,
      byStruct: [...byStruct.values()].sort(byAppMemory),
      bySite: [...bySite.values()].sort(byAppMemory),
    },
  };
}

function addShare(share: PeakShare, units: number, bytes: number): void {
  share.blocks++;
  share.units += units;
  share.bytes += bytes;
  share.appMemory += META_SIZE + bytes;
}

/** Position of each allocation id in `allocations`, when ids are not positions (records built by hand). */
function positionsById(allocations: AllocationList): (id: number) => number {
  const map = new Map<number, number>();
  for (let i = 0; i < allocations.length; i++) map.set(allocations.at(i)!.id, i);
  return (id) => map.get(id) ?? -1;
}
