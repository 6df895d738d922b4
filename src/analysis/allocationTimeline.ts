/**
 * Replays the run's allocations and frees in step order (from the records' allocStep/freeStep,
 * with a counting sort: no comparisons) to get what only time gives: each site's peak of live
 * blocks and lifetimes, and, like massif, the step at which application memory peaked and what
 * was live then, by struct and by site. Application memory counts 48 bytes of meta data per
 * block plus its payload, as LMM does.
 */
import { META_SIZE } from '../engine/constants';
import type { RunData, Site } from './analysisInput';
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
  const siteOf = new Int32Array(n);
  const siteKey = new Map<number, number>();
  const sites: SiteStatistics[] = [];
  const structIds = new Map<string, number>();
  let maxStep = Math.max(0, data.steps - 1);
  const lifetimeSum: number[] = [];
  for (let i = 0; i < n; i++) {
    const record = allocations[i]!;
    let structId = structIds.get(record.struct);
    if (structId === undefined) {
      structId = structIds.size;
      structIds.set(record.struct, structId);
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
  }
  for (let s = 0; s < sites.length; s++) {
    const site = sites[s]!;
    site.meanLifetimeSteps = site.freed === 0 ? 0 : lifetimeSum[s]! / site.freed;
  }

  // Events in step order: +(i + 1) for the allocation of record i, −(i + 1) for its free.
  const perStep = new Int32Array(maxStep + 2);
  for (let i = 0; i < n; i++) {
    const record = allocations[i]!;
    perStep[record.allocStep + 1]!++;
    if (record.freeStep !== -1) perStep[record.freeStep + 1]!++;
  }
  for (let s = 1; s < perStep.length; s++) perStep[s]! += perStep[s - 1]!;
  const events = new Int32Array(perStep[perStep.length - 1]!);
  for (let i = 0; i < n; i++) {
    const record = allocations[i]!;
    events[perStep[record.allocStep]!++] = i + 1;
    if (record.freeStep !== -1) events[perStep[record.freeStep]!++] = -(i + 1);
  }
  const liveNow = new Int32Array(sites.length);
  let appMemory = 0;
  let peakMemory = 0;
  let peakStep = -1;
  for (let e = 0; e < events.length; e++) {
    const event = events[e]!;
    const i = event > 0 ? event - 1 : -event - 1;
    const record = allocations[i]!;
    const s = siteOf[i]!;
    if (event > 0) {
      appMemory += META_SIZE + record.bytes;
      const live = ++liveNow[s]!;
      if (live > sites[s]!.peakLive) sites[s]!.peakLive = live;
      if (appMemory > peakMemory) {
        peakMemory = appMemory;
        peakStep = record.allocStep;
      }
    } else {
      appMemory -= META_SIZE + record.bytes;
      liveNow[s]!--;
    }
  }

  // What was live at the peak.
  const byStruct = new Map<string, PeakShare & { struct: string }>();
  const bySite = new Map<number, PeakShare & { site: Site; stack: Site[]; struct: string }>();
  if (peakStep >= 0) {
    for (let i = 0; i < n; i++) {
      const record = allocations[i]!;
      if (record.allocStep > peakStep || (record.freeStep !== -1 && record.freeStep <= peakStep)) continue;
      let share = byStruct.get(record.struct);
      if (share === undefined) {
        share = { struct: record.struct, blocks: 0, bytes: 0, appMemory: 0, units: 0 };
        byStruct.set(record.struct, share);
      }
      addShare(share, record.units, record.bytes);
      const s = siteOf[i]!;
      let siteShare = bySite.get(s);
      if (siteShare === undefined) {
        const site = sites[s]!;
        siteShare = { site: site.site, stack: site.stack, struct: site.struct, blocks: 0, bytes: 0, appMemory: 0, units: 0 };
        bySite.set(s, siteShare);
      }
      addShare(siteShare, record.units, record.bytes);
    }
  }

  if (leaks !== null) {
    const position = positionsById(data);
    for (let k = 0; k < leaks.liveIds.length; k++) {
      if (!isLost(LEAK_KINDS[leaks.kinds[k]!]!)) continue;
      const i = position(leaks.liveIds[k]!);
      if (i < 0) continue;
      const site = sites[siteOf[i]!]!;
      site.leakedBlocks++;
      site.leakedBytes += allocations[i]!.bytes;
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

/** Position of an allocation id in `data.allocations` (normally the id itself). */
function positionsById(data: RunData): (id: number) => number {
  const allocations = data.allocations;
  let direct = true;
  for (let i = 0; i < allocations.length && direct; i++) if (allocations[i]!.id !== i) direct = false;
  if (direct) return (id) => (id >= 0 && id < allocations.length ? id : -1);
  const map = new Map<number, number>();
  allocations.forEach((record, i) => map.set(record.id, i));
  return (id) => map.get(id) ?? -1;
}
