/**
 * The panels beside the map, all showing the heap at the current step: the hovered or selected
 * block (details and a hex dump of its bytes), the counters table, each family's free list in
 * priority order, and the peak's breakdown by struct and by site.
 */
import { META_SIZE } from '../../src/engine/constants';
import { liveBlocksAt } from './liveBlocks';
import type { LmmHeap } from '../../src/engine/lmmHeap';
import { bytes, count } from './chartsView';
import { el, table } from './dom';
import { explainTerms } from './glossary';
import { hexDumpLines } from './hexDump';
import { SegmentKind } from './mapLayout';
import type { MapTarget } from './memoryMapView';
import type { SourceSite } from '../../src/protocol/webviewMessages';
import { hexAddress, type RunModel } from './runModel';

/** Longest hex dump shown, in bytes (meta data + the start of the data). */
const HEX_DUMP_MAX = 512;
/** Free-list entries listed per family before "… n more". */
const FREE_LIST_SHOWN = 64;

export interface BlockFacts {
  title: string;
  rows: Array<[string, string]>;
  /** Bytes to dump: page offset range. */
  dumpFrom: number;
  dumpTo: number;
  allocStep: number;
  siteId: number;
  /** For a free block: the step that freed it (-1: unknown) and that step's site id. */
  freeStep: number;
  freeSiteId: number;
  free: boolean;
  address: number;
}

const KIND_NAMES: Record<SegmentKind, string> = {
  [SegmentKind.PageHeader]: 'page header',
  [SegmentKind.Meta]: 'block meta data',
  [SegmentKind.Allocated]: 'allocated block',
  [SegmentKind.Free]: 'free block',
  [SegmentKind.SoftFragment]: 'soft fragment (free block smaller than its struct)',
  [SegmentKind.HardFragment]: 'hard fragment (bytes in no block)',
};

export function blockFacts(heap: LmmHeap, model: RunModel, step: number, target: MapTarget): BlockFacts {
  const segment = target.segment;
  const rows: Array<[string, string]> = [
    ['Struct', `${target.struct} (${target.structSize} B)`],
    ['Page', hexAddress(target.page)],
  ];
  if (target.meta === 0) {
    rows.push(['Bytes', `0 … ${segment.end - 1} (next, prev, family pointers)`]);
    return {
      title: 'Page header',
      rows,
      dumpFrom: 0,
      dumpTo: segment.end,
      allocStep: -1,
      siteId: -1,
      freeStep: -1,
      freeSiteId: -1,
      free: false,
      address: target.page,
    };
  }
  const block = heap.block(target.meta);
  const address = block.meta + META_SIZE;
  rows.push([
    'State',
    block.free ? (block.size < target.structSize ? KIND_NAMES[SegmentKind.SoftFragment] : 'free') : 'allocated',
  ]);
  rows.push(['Data address', hexAddress(address)]);
  rows.push(['Meta data', `${hexAddress(block.meta)} (offset ${block.offset} in the page)`]);
  rows.push(['Size', `${block.size.toLocaleString('en-US')} B + ${META_SIZE} B meta data`]);
  if (!block.free && target.structSize > 0) rows.push(['Units', String(Math.floor(block.size / target.structSize))]);
  if (segment.kind === SegmentKind.HardFragment) rows.push(['Hard fragment', `${segment.end - segment.start} B after the block`]);
  let allocStep = -1;
  let siteId = -1;
  let freeStep = -1;
  let freeSiteId = -1;
  if (block.free) {
    freeStep = model.freeStepOf(address, step);
    freeSiteId = freeStep >= 0 ? model.siteIdOf(freeStep) : -1;
    const site = freeSiteId >= 0 ? model.sites[freeSiteId] : undefined;
    if (freeStep >= 0)
      rows.push([
        'Freed at',
        `step ${(freeStep + 1).toLocaleString('en-US')}${site ? ` — ${site.file.split(/[\\/]/).pop()}:${site.line}` : ''}`,
      ]);
  } else {
    allocStep = model.allocStepOf(address, step);
    siteId = allocStep >= 0 ? model.siteIdOf(allocStep) : -1;
    const site = siteId >= 0 ? model.sites[siteId] : undefined;
    if (allocStep >= 0)
      rows.push([
        'Allocated at',
        `step ${(allocStep + 1).toLocaleString('en-US')}${site ? ` — ${site.file.split(/[\\/]/).pop()}:${site.line}` : ''}`,
      ]);
  }
  return {
    title: `${target.struct} · ${KIND_NAMES[segment.kind]}`,
    rows,
    dumpFrom: block.offset,
    dumpTo: Math.min(heap.pageSize, block.offset + META_SIZE + block.size, block.offset + HEX_DUMP_MAX),
    allocStep,
    siteId,
    freeStep,
    freeSiteId,
    free: block.free,
    address,
  };
}

/** Where the panels' links lead: a source line in the editor, a step on the timeline. */
export interface SideLinks {
  openSite(site: SourceSite): void;
  goToStep(step: number): void;
}

export function renderBlockDetails(
  container: HTMLElement,
  heap: LmmHeap | null,
  facts: BlockFacts | null,
  page: number,
  model?: RunModel,
  links?: SideLinks,
): void {
  container.replaceChildren();
  if (!heap || !facts) {
    container.append(
      el('p', { className: 'muted', text: 'Hover over a block in the map to see its details; click to select it.' }),
    );
    return;
  }
  container.append(el('h3', { text: facts.title }));
  const dl = el('dl', { className: 'facts' });
  for (const [name, value] of facts.rows) dl.append(el('dt', { text: name }), el('dd', { text: value }));
  container.append(dl);
  // Where the block came from (the step that allocated it) or, free, the step that freed it, and
  // that step's line in the harness.
  const linkStep = facts.free ? facts.freeStep : facts.allocStep;
  if (model && links && linkStep >= 0) {
    const stepText = (linkStep + 1).toLocaleString('en-US');
    const go = el('button', {
      className: 'link',
      text: facts.free ? `Go to where it was freed (step ${stepText})` : `Go to its allocation (step ${stepText})`,
    });
    go.addEventListener('click', () => links.goToStep(linkStep));
    const siteId = facts.free ? facts.freeSiteId : facts.siteId;
    const site = siteId >= 0 ? model.sites[siteId] : undefined;
    const row = el('p', { className: 'block-links' }, go);
    if (site) {
      const open = el('button', { className: 'link', text: `Open ${site.file.split(/[\\/]/).pop()}:${site.line}` });
      open.addEventListener('click', () => links.openSite(site));
      row.append(' · ', open);
    }
    container.append(row);
  }
  const bytesOfPage = heap.kernel.pageBytes(page);
  if (bytesOfPage) {
    container.append(
      el('pre', {
        className: 'hex-dump',
        text: hexDumpLines(bytesOfPage, facts.dumpFrom, facts.dumpTo, page).join('\n'),
        attrs: { 'aria-label': 'Block bytes, hex dump' },
      }),
    );
  }
}

export function renderCounters(container: HTMLElement, heap: LmmHeap): void {
  const rows: Array<Array<string>> = [];
  let pages = 0;
  let app = 0;
  for (const family of heap.families) {
    const c = family.counters;
    pages += c.pages;
    app += c.appMemory;
    const largest = c.freeBytes > 0 && family.freeBlocks.largest() !== 0 ? heap.block(family.freeBlocks.largest()).size : 0;
    const external = c.freeBytes === 0 ? 0 : 1 - largest / c.freeBytes;
    rows.push([
      family.name,
      String(family.structSize),
      count(c.pages),
      count(c.mmap),
      count(c.munmap),
      count(c.totalBlocks),
      count(c.freeBlocks),
      count(c.totalBlocks - c.freeBlocks),
      count(c.appMemory),
      count(c.hardFragmentBytes),
      `${count(c.softFragments)} / ${count(c.softFragmentBytes)} B`,
      `${(external * 100).toFixed(1)} %`,
    ]);
  }
  const k = heap.kernel;
  container.replaceChildren(
    el('p', {
      className: 'muted',
      text: 'TBC, FBC, OBC: total, free and occupied block count. App memory: payload + 48 B of meta data per live block.',
    }),
    table(
      'Per struct, at this step',
      ['Struct', 'Size', 'Pages', 'mmap', 'munmap', 'TBC', 'FBC', 'OBC', 'App memory', 'Hard frag B', 'Soft frags', 'Ext. frag'],
      rows,
    ),
    table(
      'Totals (registry pages included)',
      ['', 'Value'],
      [
        ['Data pages', count(pages)],
        ['Mapped pages', count(k.mappedPages)],
        ['Mapped bytes', bytes(k.mappedBytes())],
        ['Application memory', `${count(app)} B`],
        ['mmap calls', count(k.mmapCalls)],
        ['munmap calls', count(k.munmapCalls)],
      ],
    ),
  );
  explainTerms(container);
}

export function renderFreeLists(container: HTMLElement, heap: LmmHeap, onReveal: (address: number) => void): void {
  container.replaceChildren();
  if (heap.families.length === 0)
    container.append(el('p', { className: 'muted', text: 'No struct is registered at this step.' }));
  for (const family of heap.families) {
    const queue = family.freeBlocks;
    const details = el('details', { className: 'free-list' });
    details.open = true;
    details.append(
      el('summary', {
        text: `${family.name}: ${count(queue.length)} free blocks, ${count(family.counters.freeBytes)} B (largest first)`,
      }),
    );
    const list = el('ol', { attrs: { 'aria-label': `${family.name} free list, priority order` } });
    let shown = 0;
    for (const meta of queue.entries()) {
      if (shown === FREE_LIST_SHOWN) break;
      const block = heap.block(meta);
      const soft = block.size < family.structSize;
      const item = el(
        'li',
        {},
        el('button', {
          className: `link${soft ? ' soft' : ''}`,
          text: `${block.size.toLocaleString('en-US')} B at ${hexAddress(meta + META_SIZE)}${soft ? ' (soft fragment)' : ''}`,
          title: 'Show this block in the map',
        }),
      );
      item.firstChild!.addEventListener('click', () => onReveal(meta + META_SIZE));
      list.append(item);
      shown++;
    }
    details.append(list);
    if (queue.length > shown) details.append(el('p', { className: 'muted', text: `… ${count(queue.length - shown)} more` }));
    container.append(details);
  }
}

/** The peak: application memory and, at that moment, the top structs and sites (from the report, or computed). */
export function renderPeak(container: HTMLElement, model: RunModel, onGo: (step: number) => void, links?: SideLinks): void {
  container.replaceChildren();
  const peak = model.peakStep;
  if (peak < 0) {
    container.append(el('p', { className: 'muted', text: 'No allocation yet.' }));
    return;
  }
  // The run's peak may be before the map's window (lmm.eventsKept): then the window's own highest
  // step is shown, and named as that.
  const before = model.peakBeforeWindow;
  const what = before >= 0 ? 'the highest in the window' : 'the peak';
  const go = el('vscode-button', {
    text: `Go to ${what} (step ${(peak + 1).toLocaleString('en-US')})`,
    attrs: { icon: 'flame' },
  });
  go.addEventListener('click', () => onGo(peak));
  const bytes = count(model.timeline.series.appMemory[model.timeline.seriesIndex(peak)]!);
  container.append(
    el('p', {
      text:
        before >= 0
          ? `The run's peak of application memory was at step ${(before + 1).toLocaleString('en-US')}, before the window the map keeps. The highest in the window: ${bytes} B at step ${(peak + 1).toLocaleString('en-US')}.`
          : `Peak of application memory: ${bytes} B at step ${(peak + 1).toLocaleString('en-US')}.`,
    }),
    go,
  );
  // One pass over the steps up to the peak: the live allocations then, by struct and by site.
  // (Not heapAt(peak): that would move the timeline's cursor heap under the map.)
  const families = model.heapAt(model.length - 1).families;
  const byStruct = new Map<string, { blocks: number; bytes: number }>();
  const bySite = new Map<string, { label: string; blocks: number; bytes: number; struct: string; site?: SourceSite }>();
  // Blocks allocated before the map's window (lmm.eventsKept) count too, with no site.
  for (const block of liveBlocksAt(model, peak)) {
    const family = families[block.family];
    const struct = family?.name ?? '?';
    const size = META_SIZE + block.units * (family?.structSize ?? 0);
    const s = byStruct.get(struct) ?? { blocks: 0, bytes: 0 };
    s.blocks++;
    s.bytes += size;
    byStruct.set(struct, s);
    // Rows by allocating line and struct: the site ids tell call paths apart, which this table
    // (one line per row) could not show, so paths through the same line add up.
    const site = block.siteId;
    const where = model.sites[site];
    const label = where ? `${where.file.split(/[\\/]/).pop()}:${where.line}` : site < 0 ? '(no site)' : `site ${site}`;
    const key = `${label}\u0000${struct}`;
    const entry = bySite.get(key) ?? { label, blocks: 0, bytes: 0, struct, ...(where ? { site: where } : {}) };
    entry.blocks++;
    entry.bytes += size;
    bySite.set(key, entry);
  }
  const structRows = [...byStruct.entries()]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 10)
    .map(([struct, e]) => [struct, count(e.blocks), count(e.bytes)]);
  container.append(table('Top structs at the peak', ['Struct', 'Blocks', 'App memory B'], structRows));
  const siteRows = [...bySite.values()]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 10)
    .map((e) => {
      let site: string | HTMLElement = e.label;
      if (e.site && links) {
        const where = e.site;
        site = el('button', { className: 'link', text: e.label, title: `Open ${where.file}:${where.line}` });
        site.addEventListener('click', () => links.openSite(where));
      }
      return [site, e.struct, count(e.blocks), count(e.bytes)];
    });
  container.append(table('Top sites at the peak', ['Site', 'Struct', 'Blocks', 'App memory B'], siteRows, 2));
}
