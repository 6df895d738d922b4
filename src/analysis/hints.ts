/**
 * LMM's own promise: "from these stats, application memory usage can be analyzed and can
 * provide hints to further optimize the memory requirements of the process". Each hint is
 * measured on this run and says how many bytes acting on it would save.
 */
import { forEachAllocation, type FieldLayout, type RunData, type Site, type StructLayout } from './analysisInput';
import type { AllocationTimeline } from './allocationTimeline';
import { META_SIZE } from '../engine/constants';
import { heapStatistics } from '../engine/statistics';
import { pageFit } from './pageFit';
import { siteText } from './siteText';
import { reorderedForPadding } from './cLayout';

export type HintKind = 'padding' | 'page-fit' | 'fragmentation' | 'short-lived';

export interface Hint {
  kind: HintKind;
  struct?: string;
  site?: Site;
  message: string;
  /** Bytes this run would have saved (at its peak unless the message says otherwise). */
  savingBytes: number;
  /** padding: the reordered layout, its field names in order, and the bytes saved per object. */
  layout?: FieldLayout[];
  reorderedFields?: string[];
  perObjectBytes?: number;
  /** page-fit: blocks per page and bytes stranded in each page. */
  blocksPerPage?: number;
  strandedBytesPerPage?: number;
  /** fragmentation: pages held and pages that would suffice. */
  pages?: number;
  pagesNeeded?: number;
}

/** Thresholds of the short-lived-blocks hint. */
const SHORT_LIVED_MIN_ALLOCATIONS = 16;
const SHORT_LIVED_MAX_MEAN_STEPS = 4;

export function computeHints(data: RunData, timeline: AllocationTimeline): Hint[] {
  const hints: Hint[] = [];
  const pageSize = data.heap.pageSize;
  const peakUnits = new Map(timeline.peak.byStruct.map((s) => [s.struct, s.units]));
  const allocatedUnits = new Map<string, number>();
  forEachAllocation(data.allocations, (a) => allocatedUnits.set(a.struct, (allocatedUnits.get(a.struct) ?? 0) + a.units));

  // Padding a reordering of the fields removes.
  for (const layout of data.structs) {
    const reordered = reorderedForPadding(layout);
    const perObject = layout.size - reordered.size;
    if (perObject <= 0) continue;
    const atPeak = peakUnits.get(layout.name) ?? 0;
    const allocated = allocatedUnits.get(layout.name) ?? 0;
    const before = pageFit(pageSize, layout.size).blocksPerPage;
    const after = pageFit(pageSize, reordered.size).blocksPerPage;
    hints.push({
      kind: 'padding',
      struct: layout.name,
      ...(layout.site ? { site: layout.site } : {}),
      message:
        `${layout.name} is ${layout.size} bytes, ${perObject} of them padding that reordering its fields removes: ` +
        `${layoutText(reordered)} is ${reordered.size} bytes (${before} → ${after} per page). ` +
        `This run: ${perObject} × ${count(atPeak)} objects live at the peak = ${count(perObject * atPeak)} bytes; ` +
        `${count(perObject * allocated)} bytes over ${count(allocated)} allocated.`,
      savingBytes: perObject * atPeak,
      layout: reordered.fields,
      reorderedFields: reordered.fields.map((f) => f.name),
      perObjectBytes: perObject,
    });
  }

  const stats = heapStatistics(data.heap);
  const declared = new Set(data.structs.map((layout) => layout.name));
  for (const family of stats.families) {
    if (family.peakPages === 0) continue;
    // Both hints count blocks of one unit each; the built-in family `buf` (XCALLOC_BUF) serves
    // blocks of any number of 1-byte units, so neither applies to it.
    if (!declared.has(family.name)) continue;
    const fit = pageFit(pageSize, family.size);
    // Struct sizes that strand bytes in every page.
    if (fit.strandedBytes > 0 && fit.blocksPerPage > 0) {
      const stranded = fit.strandedBytes * family.peakPages;
      const growth = Math.floor(fit.strandedBytes / fit.blocksPerPage);
      const oneMore =
        (fit.sizeForOneMore > 0 ? ` At ${fit.sizeForOneMore} bytes or less, ${fit.blocksPerPage + 1} would fit per page.` : '') +
        (growth > 0 ? ` Fields up to ${growth} ${growth === 1 ? 'byte' : 'bytes'} larger would cost no extra page.` : '');
      hints.push({
        kind: 'page-fit',
        struct: family.name,
        message:
          `${family.name} (${family.size} bytes + ${META_SIZE} of meta data) fits ${fit.blocksPerPage} per ${pageSize}-byte page, ` +
          `stranding ${fit.strandedBytes} bytes in every page: ${count(stranded)} bytes over the ${count(family.peakPages)} page(s) at the peak.` +
          oneMore,
        savingBytes: stranded,
        blocksPerPage: fit.blocksPerPage,
        strandedBytesPerPage: fit.strandedBytes,
      });
    }
    // Pages that sit mostly empty: now, and at the peak of pages.
    const capacity = Math.max(1, fit.blocksPerPage) * (META_SIZE + family.size);
    const neededNow = Math.ceil(family.appMemory / capacity);
    const neededAtPeak = Math.ceil(family.peakAppMemory / capacity);
    const excessNow = family.pages - neededNow;
    const excessAtPeak = family.peakPages - neededAtPeak;
    const atPeak = excessAtPeak > excessNow;
    const pages = atPeak ? family.peakPages : family.pages;
    const needed = atPeak ? neededAtPeak : neededNow;
    const used = atPeak ? family.peakAppMemory : family.appMemory;
    if (pages - needed >= 1 && used < 0.5 * pages * capacity) {
      const percent = ((100 * used) / (pages * capacity)).toFixed(0);
      hints.push({
        kind: 'fragmentation',
        struct: family.name,
        message:
          `${family.name}'s pages sit mostly empty (external fragmentation): ` +
          (atPeak
            ? `at its peak the family held ${count(pages)} pages, yet its largest application memory (${count(used)} bytes) needs ${count(needed)}`
            : `${count(pages)} pages hold ${count(used)} bytes of blocks (${percent}% full) where ${count(needed)} would suffice`) +
          `. Blocks freed out of allocation order keep half-empty pages mapped; allocating long-lived objects together ` +
          `(or from a pool) returns whole pages.`,
        savingBytes: (pages - needed) * pageSize,
        pages,
        pagesNeeded: needed,
      });
    }
  }

  // Sites that allocate many short-lived blocks.
  for (const site of timeline.sites) {
    if (site.allocated < SHORT_LIVED_MIN_ALLOCATIONS || site.freed < 0.9 * site.allocated) continue;
    if (site.meanLifetimeSteps > SHORT_LIVED_MAX_MEAN_STEPS) continue;
    const perBlock = META_SIZE + site.bytesAllocated / site.allocated;
    hints.push({
      kind: 'short-lived',
      struct: site.struct,
      site: site.site,
      message:
        `${siteText(site.site)} allocates many short-lived ${site.struct} blocks: ${count(site.allocated)} allocations, ` +
        `freed after ${site.meanLifetimeSteps.toFixed(1)} heap steps on average, at most ${count(site.peakLive)} live at once. ` +
        `Reusing one object (or a local variable) saves ${count(site.allocated + site.freed)} allocator calls and ` +
        `${Math.round(site.peakLive * perBlock)} bytes of application memory at its peak.`,
      savingBytes: Math.round(site.peakLive * perBlock),
    });
  }
  return hints.sort((a, b) => b.savingBytes - a.savingBytes);
}

/** A count as the text report writes it: 10,000,000. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `{ u64 b; char a; char c[3]; }` from a layout's fields. */
export function layoutText(layout: StructLayout): string {
  return `{ ${layout.fields.map((f) => declaration(f) + ';').join(' ')} }`;
}

function declaration(field: FieldLayout): string {
  const array = /^(.*?)\s*((\[\d+\])+)$/.exec(field.type);
  if (array !== null) return `${array[1]} ${field.name}${array[2]}`;
  if (field.type.endsWith('*')) return `${field.type}${field.name}`;
  return `${field.type} ${field.name}`;
}
