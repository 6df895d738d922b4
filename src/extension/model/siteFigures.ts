/**
 * Per-allocation-site figures (allocated, freed, live, peak live, leaked) counted from the heap
 * operation log, for reports that do not carry `sites` themselves. Leaked blocks and bytes come
 * from the report's loss records at the same site (lost kinds only, not suppressed).
 */
import type { HeapReplay } from './heapReplay';
import type { FreeSiteFigures, LmmReport, ReportSite, ReportSiteFigures } from '../../protocol/runReportSchema';

export function siteFigures(
  replay: HeapReplay,
  sites: readonly ReportSite[],
  report: LmmReport | undefined,
): ReportSiteFigures[] {
  const families = replay.heap.families;
  const key = (s: ReportSite) => `${s.file}\n${s.line}\n${s.column}`;
  const leaked = new Map<string, { blocks: number; bytes: number; struct: string }>();
  for (const leak of report?.leaks ?? []) {
    if (leak.suppressed || leak.kind === 'still-reachable') continue;
    const entry = leaked.get(key(leak.site)) ?? { blocks: 0, bytes: 0, struct: leak.struct };
    entry.blocks += leak.blocks;
    entry.bytes += leak.bytes;
    leaked.set(key(leak.site), entry);
  }
  const out: ReportSiteFigures[] = [];
  const count = Math.min(sites.length, replay.siteAllocated.length);
  for (let id = 0; id < count; id++) {
    const allocated = replay.siteAllocated[id]!;
    if (allocated === 0) continue;
    const site = sites[id]!;
    const lost = leaked.get(key(site));
    out.push({
      site,
      stack: [site],
      struct: families[replay.siteFamily(id)]?.name ?? lost?.struct ?? '',
      allocated,
      freed: replay.siteFreed[id]!,
      live: replay.siteLive[id]!,
      peakLive: replay.sitePeakLive[id]!,
      leakedBlocks: lost?.blocks ?? 0,
      leakedBytes: lost?.bytes ?? 0,
    });
  }
  return out;
}

/** Per XFREE site: blocks freed there and frees refused there (double or invalid frees). */
export function freeSiteFigures(replay: HeapReplay, sites: readonly ReportSite[]): FreeSiteFigures[] {
  const out: FreeSiteFigures[] = [];
  for (const [id, [freed, refused]] of replay.freeSiteCounts) {
    const site = sites[id];
    if (site) out.push({ site, freed, refused });
  }
  return out;
}
