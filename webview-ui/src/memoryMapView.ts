/**
 * The Memory Map: every data page as a strip of its bytes drawn to scale (header, meta data,
 * blocks coloured by struct, free blocks, soft fragments, hard-fragment bytes), grouped by
 * family. Only the rows in view are drawn (a sticky canvas over a spacer as tall as all rows),
 * so 10,000 pages scroll as smoothly as 10.
 */
import { META_SIZE } from '../../src/engine/constants';
import type { LmmHeap } from '../../src/engine/lmmHeap';
import {
  FAMILY_ROW_HEIGHT,
  PAGE_ROW_HEIGHT,
  RowKind,
  SegmentKind,
  buildMapLayout,
  pageSegments,
  rowAt,
  type MapLayout,
  type Segment,
} from './mapLayout';
import { bytes, count } from './chartsView';
import { fitText } from './fitText';
import { structColor, type MapColors } from './themeColors';

const LABEL_WIDTH = 112;
/**
 * Below this map width the page labels keep only the last six hex digits (the pages of one run
 * share their leading digits; the tooltip names the full address), so the strips keep their room.
 */
const NARROW_MAP_WIDTH = 420;
const NARROW_LABEL_WIDTH = 64;
const RIGHT_PAD = 8;

/** What the pointer is over (or what is selected): one segment of one page. */
export interface MapTarget {
  row: number;
  page: number;
  familyId: number;
  struct: string;
  structSize: number;
  segment: Segment;
  /** Block meta address (0 for the page header). */
  meta: number;
}

export interface MemoryMapCallbacks {
  onHover(target: MapTarget | null, clientX: number, clientY: number): void;
  onSelect(target: MapTarget): void;
}

export class MemoryMapView {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly spacer: HTMLDivElement;
  private readonly context: CanvasRenderingContext2D;
  private heap: LmmHeap | null = null;
  private layout: MapLayout | null = null;
  private colors: MapColors | null = null;
  private overrides: Record<string, string> = {};
  private hoverMeta = -1;
  private selectedMeta = -1;
  private selectedPage = -1;
  private drawQueued = false;
  /** Milliseconds the last draw took, and how many page rows it drew (for tests and the benchmark). */
  lastDrawMs = 0;
  lastRowsDrawn = 0;
  /** The family headings drawn at the last draw, with their widths (for tests: they must fit). */
  readonly headingBoxes: Array<{ text: string; full: string; width: number; maxWidth: number }> = [];

  constructor(private readonly callbacks: MemoryMapCallbacks) {
    this.element = document.createElement('div');
    this.element.className = 'map-scroll';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'img');
    this.element.setAttribute(
      'aria-label',
      'Memory map: pages grouped by struct family. Arrow keys move between blocks, Enter selects the block.',
    );
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'map-canvas';
    this.spacer = document.createElement('div');
    this.spacer.className = 'map-spacer';
    this.element.append(this.canvas, this.spacer);
    this.context = this.canvas.getContext('2d', { alpha: false })!;
    this.element.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.element.scrollTop;
        this.queueDraw();
      },
      { passive: true },
    );
    this.canvas.addEventListener('pointermove', (event) => this.pointerMoved(event));
    this.canvas.addEventListener('pointerleave', () => {
      this.hoverMeta = -1;
      this.callbacks.onHover(null, 0, 0);
      this.queueDraw();
    });
    this.canvas.addEventListener('click', (event) => {
      const target = this.targetAt(event.offsetX, event.offsetY);
      if (target) this.select(target);
    });
    this.element.addEventListener('keydown', (event) => this.keyPressed(event));
    // Sizes and the scroll position are cached (resize / scroll events), so drawing never reads
    // layout from the DOM and never forces a synchronous layout in the middle of a frame.
    new ResizeObserver(([entry]) => {
      this.width = Math.floor(entry!.contentRect.width);
      this.height = Math.floor(entry!.contentRect.height);
      this.draw();
    }).observe(this.element);
  }

  private width = 0;
  private height = 0;
  private scrollTop = 0;

  /** Where the strips begin: after the page labels, shorter ones in a narrow map. */
  private get labelWidth(): number {
    return this.width < NARROW_MAP_WIDTH ? NARROW_LABEL_WIDTH : LABEL_WIDTH;
  }

  private setScrollTop(value: number): void {
    this.element.scrollTop = value;
    this.scrollTop = this.element.scrollTop;
  }

  setColors(colors: MapColors, overrides: Record<string, string>): void {
    this.colors = colors;
    this.overrides = overrides;
    this.queueDraw();
  }

  /** Shows `heap` (the heap at the current step); lays out its pages and redraws now. */
  show(heap: LmmHeap): void {
    this.heap = heap;
    this.layout = buildMapLayout(heap);
    // The selection is kept across time travel: it shows again whenever its block exists.
    this.draw();
  }

  get pageCount(): number {
    return this.layout?.pageCount ?? 0;
  }

  /** The selected block's meta address, or -1. */
  get selection(): number {
    return this.selectedMeta;
  }

  /** Forgets the selection and hover (a new run). */
  clearSelection(): void {
    this.selectedMeta = -1;
    this.selectedPage = -1;
    this.hoverMeta = -1;
    this.setScrollTop(0);
  }

  /** Scrolls to the block whose data address is `address` and selects it; false when no block is there. */
  reveal(address: number): boolean {
    const heap = this.heap;
    const layout = this.layout;
    if (!heap || !layout) return false;
    const meta = address - META_SIZE;
    const family = heap.blockFamily(meta) ?? heap.blockFamily(address);
    if (!family) return false;
    const blockMeta = heap.blockFamily(meta) ? meta : address;
    const page = heap.kernel.pageOf(blockMeta);
    for (let row = 0; row < layout.count; row++) {
      if (layout.page[row] !== page) continue;
      this.setScrollTop(Math.max(0, layout.top[row]! - this.height / 2));
      const segment = pageSegments(heap, page, family.structSize).find(
        (s) => s.meta === blockMeta && s.kind !== SegmentKind.Meta,
      );
      if (segment) this.select(this.makeTarget(row, segment)!, false);
      return true;
    }
    return false;
  }

  queueDraw(): void {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  draw(): void {
    const started = performance.now();
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = this.width;
    const height = this.height;
    const layout = this.layout;
    this.spacer.style.height = `${Math.max(0, (layout?.totalHeight ?? 0) - height)}px`;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = this.context;
    const colors = this.colors;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (!colors) return;
    ctx.fillStyle = colors.background;
    ctx.fillRect(0, 0, width, height);
    const heap = this.heap;
    if (!heap || !layout || layout.count === 0) {
      ctx.fillStyle = colors.muted;
      ctx.font = colors.font;
      ctx.fillText(heap ? 'No pages are mapped at this step.' : 'No run yet.', 12, 24);
      this.lastDrawMs = performance.now() - started;
      return;
    }
    const scrollTop = this.scrollTop;
    const first = Math.max(0, rowAt(layout, scrollTop));
    const stripWidth = Math.max(10, width - this.labelWidth - RIGHT_PAD);
    const scale = stripWidth / heap.pageSize;
    const narrow = width < NARROW_MAP_WIDTH;
    ctx.font = colors.font;
    ctx.textBaseline = 'middle';
    let rowsDrawn = 0;
    this.headingBoxes.length = 0;
    for (let row = first; row < layout.count; row++) {
      const y = layout.top[row]! - scrollTop;
      if (y > height) break;
      const family = heap.families[layout.family[row]!]!;
      if (layout.kind[row] === RowKind.Family) {
        ctx.fillStyle = colors.foreground;
        const wordings = familyHeadings(family);
        const measure = (text: string) => ctx.measureText(text).width;
        const heading = fitText(measure, wordings, width - 8);
        ctx.fillText(heading, 4, y + FAMILY_ROW_HEIGHT / 2 + 1);
        this.headingBoxes.push({ text: heading, full: wordings[0]!, width: measure(heading), maxWidth: width - 8 });
        continue;
      }
      const page = layout.page[row]!;
      if (!heap.kernel.isMapped(page)) continue; // the live heap moved on since the layout; redrawn next frame
      ctx.fillStyle = colors.muted;
      const address = page.toString(16);
      ctx.fillText(narrow ? `…${address.slice(-6)}` : address, 4, y + PAGE_ROW_HEIGHT / 2 + 1);
      const color = structColor(colors, this.overrides, family.name, family.id);
      rowsDrawn++;
      for (const segment of pageSegments(heap, page, family.structSize)) {
        ctx.fillStyle = segmentColor(colors, segment.kind, color);
        const x = this.labelWidth + segment.start * scale;
        const w = Math.max(1, (segment.end - segment.start) * scale);
        ctx.fillRect(x, y, w, PAGE_ROW_HEIGHT);
        if (segment.kind === SegmentKind.Free || segment.kind === SegmentKind.SoftFragment) {
          ctx.strokeStyle = colors.freeBorder;
          ctx.lineWidth = 1;
          ctx.strokeRect(x + 0.5, y + 0.5, Math.max(0, w - 1), PAGE_ROW_HEIGHT - 1);
        }
        if (segment.meta !== 0 && (segment.meta === this.selectedMeta || segment.meta === this.hoverMeta)) {
          if (segment.kind === SegmentKind.Meta || segment.kind === SegmentKind.HardFragment) continue;
          const start = this.labelWidth + (segment.start - META_SIZE) * scale;
          ctx.strokeStyle = segment.meta === this.selectedMeta ? colors.selection : colors.hover;
          ctx.lineWidth = 2;
          ctx.strokeRect(
            start + 1,
            y + 1,
            Math.max(2, (segment.end - segment.start + META_SIZE) * scale - 2),
            PAGE_ROW_HEIGHT - 2,
          );
        }
      }
      if (page === this.selectedPage && this.selectedMeta === 0) {
        ctx.strokeStyle = colors.selection;
        ctx.lineWidth = 2;
        ctx.strokeRect(this.labelWidth + 1, y + 1, stripWidth - 2, PAGE_ROW_HEIGHT - 2);
      }
    }
    this.lastRowsDrawn = rowsDrawn;
    this.lastDrawMs = performance.now() - started;
  }

  /**
   * Where the data of the block with meta address `meta` is drawn, in the map element's
   * coordinates (scrolled into view first), or null when it is not on the map.
   */
  dataRect(meta: number): { x: number; y: number; width: number; height: number } | null {
    const heap = this.heap;
    const layout = this.layout;
    if (!heap || !layout || heap.blockFamily(meta) === undefined) return null;
    const page = heap.kernel.pageOf(meta);
    const row = layout.page.indexOf(page);
    if (row < 0) return null;
    const top = layout.top[row]!;
    if (top < this.scrollTop || top + PAGE_ROW_HEIGHT > this.scrollTop + this.height) {
      this.setScrollTop(top);
      this.draw();
    }
    const block = heap.block(meta);
    const scale = Math.max(10, this.width - this.labelWidth - RIGHT_PAD) / heap.pageSize;
    return {
      x: this.labelWidth + (block.offset + META_SIZE) * scale,
      y: top - this.scrollTop,
      width: block.size * scale,
      height: PAGE_ROW_HEIGHT,
    };
  }

  /** The segment under canvas position (x, y), or null. */
  targetAt(x: number, y: number): MapTarget | null {
    const heap = this.heap;
    const layout = this.layout;
    if (!heap || !layout || x < this.labelWidth) return null;
    const row = rowAt(layout, y + this.scrollTop);
    if (row < 0 || layout.kind[row] !== RowKind.Page) return null;
    if (y + this.scrollTop > layout.top[row]! + PAGE_ROW_HEIGHT) return null;
    const stripWidth = Math.max(10, this.width - this.labelWidth - RIGHT_PAD);
    const offset = Math.floor(((x - this.labelWidth) / stripWidth) * heap.pageSize);
    if (offset < 0 || offset >= heap.pageSize) return null;
    const family = heap.families[layout.family[row]!]!;
    if (!heap.kernel.isMapped(layout.page[row]!)) return null;
    const segment = pageSegments(heap, layout.page[row]!, family.structSize).find((s) => offset >= s.start && offset < s.end);
    return segment ? this.makeTarget(row, segment) : null;
  }

  private makeTarget(row: number, segment: Segment): MapTarget | null {
    const heap = this.heap;
    const layout = this.layout;
    if (!heap || !layout) return null;
    const family = heap.families[layout.family[row]!]!;
    return {
      row,
      page: layout.page[row]!,
      familyId: family.id,
      struct: family.name,
      structSize: family.structSize,
      segment,
      meta: segment.meta,
    };
  }

  /**
   * The tooltip for canvas (x, y): a family row's full heading, or a page label's full address
   * (both may be cut to fit); '' elsewhere (blocks have their own tooltip).
   */
  rowTitleAt(x: number, y: number): string {
    const heap = this.heap;
    const layout = this.layout;
    if (!heap || !layout) return '';
    const row = rowAt(layout, y + this.scrollTop);
    if (row < 0) return '';
    if (layout.kind[row] === RowKind.Family) return familyHeadings(heap.families[layout.family[row]!]!)[0]!;
    return x < this.labelWidth ? `page 0x${layout.page[row]!.toString(16)}` : '';
  }

  private pointerMoved(event: PointerEvent): void {
    const title = this.rowTitleAt(event.offsetX, event.offsetY);
    if (this.canvas.title !== title) this.canvas.title = title;
    const target = this.targetAt(event.offsetX, event.offsetY);
    const meta = target ? target.meta : -1;
    if (meta !== this.hoverMeta) {
      this.hoverMeta = meta;
      this.queueDraw();
    }
    this.callbacks.onHover(target, event.clientX, event.clientY);
  }

  private select(target: MapTarget, notify = true): void {
    this.selectedMeta = target.meta;
    this.selectedPage = target.page;
    this.queueDraw();
    if (notify) this.callbacks.onSelect(target);
    else this.callbacks.onHover(target, -1, -1);
  }

  /** Arrow keys walk blocks (left/right) and pages (up/down); Enter reports the selection. */
  private keyPressed(event: KeyboardEvent): void {
    const heap = this.heap;
    const layout = this.layout;
    if (!heap || !layout || layout.pageCount === 0) return;
    let row = this.selectedPage >= 0 ? layout.page.indexOf(this.selectedPage) : -1;
    if (row < 0) row = layout.kind[0] === RowKind.Page ? 0 : 1;
    const blocksOf = (r: number) => {
      const family = heap.families[layout.family[r]!]!;
      return pageSegments(heap, layout.page[r]!, family.structSize).filter(
        (s) => s.kind === SegmentKind.Allocated || s.kind === SegmentKind.Free || s.kind === SegmentKind.SoftFragment,
      );
    };
    let blocks = blocksOf(row);
    let index = Math.max(
      0,
      blocks.findIndex((s) => s.meta === this.selectedMeta),
    );
    switch (event.key) {
      case 'ArrowRight':
        index = Math.min(blocks.length - 1, index + 1);
        break;
      case 'ArrowLeft':
        index = Math.max(0, index - 1);
        break;
      case 'ArrowDown':
      case 'ArrowUp': {
        const direction = event.key === 'ArrowDown' ? 1 : -1;
        let next = row + direction;
        while (next >= 0 && next < layout.count && layout.kind[next] !== RowKind.Page) next += direction;
        if (next < 0 || next >= layout.count) break;
        row = next;
        blocks = blocksOf(row);
        index = Math.min(index, blocks.length - 1);
        break;
      }
      case 'Enter':
      case ' ': {
        const target = blocks[index] ? this.makeTarget(row, blocks[index]!) : null;
        if (target) this.select(target, true);
        event.preventDefault();
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
    const segment = blocks[index];
    if (!segment) return;
    const target = this.makeTarget(row, segment)!;
    const top = layout.top[row]!;
    if (top < this.scrollTop || top + PAGE_ROW_HEIGHT > this.scrollTop + this.height) {
      this.setScrollTop(top - this.height / 2);
    }
    this.select(target, false);
  }
}

/**
 * A family row's heading, most complete first: at narrow widths the figures stay (pages, live
 * and free blocks, application memory) and the words around them go.
 */
export function familyHeadings(family: LmmHeap['families'][number]): string[] {
  const c = family.counters;
  const allocated = count(c.totalBlocks - c.freeBlocks);
  const free = count(c.freeBlocks);
  const name = `${family.name} (${family.structSize} B)`;
  const pages = `${count(c.pages)} ${c.pages === 1 ? 'page' : 'pages'}`;
  const app = bytes(c.appMemory);
  return [
    `${name} · ${pages} · ${allocated} allocated / ${free} free blocks · ${count(c.appMemory)} B app memory`,
    `${name} · ${pages} · ${allocated} allocated / ${free} free · ${app}`,
    `${family.name} · ${pages} · ${allocated} alloc / ${free} free · ${app}`,
    `${family.name} · ${count(c.pages)} pg · ${allocated}/${free} · ${app}`,
    `${family.name} · ${count(c.pages)} pg · ${allocated}/${free}`,
  ];
}

function segmentColor(colors: MapColors, kind: SegmentKind, structColour: string): string {
  switch (kind) {
    case SegmentKind.PageHeader:
      return colors.pageHeader;
    case SegmentKind.Meta:
      return colors.meta;
    case SegmentKind.Allocated:
      return structColour;
    case SegmentKind.Free:
      return colors.free;
    case SegmentKind.SoftFragment:
      return colors.softFragment;
    default:
      return colors.hardFragment;
  }
}
