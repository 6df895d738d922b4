/**
 * The Memory Map: every data page as a strip of its bytes drawn to scale (header, meta data,
 * blocks coloured by struct, free blocks, soft fragments, hard-fragment bytes), grouped by
 * family. Only the rows in view are drawn (a sticky canvas over a spacer as tall as all rows),
 * so 10,000 pages scroll as smoothly as 10. Zoom (Ctrl+wheel, +/−, 0 to fit, or the buttons)
 * goes from an overview of one pixel row per page to a page wrapped over 16 strips whose blocks
 * are labelled with their struct, size and state; the heading of the family in view stays at
 * the top.
 */
import { META_SIZE } from '../../src/engine/constants';
import type { LmmHeap } from '../../src/engine/lmmHeap';
import {
  DEFAULT_ZOOM,
  FAMILY_ROW_HEIGHT,
  RowKind,
  SegmentKind,
  ZOOM_LEVELS,
  buildMapLayout,
  fitZoom,
  layoutFits,
  pageOfRow,
  pageRowHeight,
  pageSegments,
  rowAt,
  rowOfPage,
  type MapLayout,
  type Segment,
  type ZoomLevel,
} from './mapLayout';
import { bytes, count } from './chartsView';
import { textColourOn } from './cssColour';
import { fitText } from './fitText';
import { OverviewRaster } from './overviewRaster';
import { structColor, type MapColors } from './themeColors';

const LABEL_WIDTH = 112;
/**
 * Below this map width the page labels keep only the last six hex digits (the pages of one run
 * share their leading digits; the tooltip names the full address), so the strips keep their room.
 */
const NARROW_MAP_WIDTH = 420;
const NARROW_LABEL_WIDTH = 64;
const RIGHT_PAD = 8;
/** Room below the last page, so the zoom buttons floating over the map's corner hide no page. */
const ZOOM_BAR_CLEARANCE = 32;
/** Width of the bar that marks the peak's page in the label column. */
const PEAK_BAR_WIDTH = 10;
/** Zoomed in, the peak's page has a bar this wide at the label column's left edge (its text starts at 4). */
const PEAK_EDGE_WIDTH = 3;
/** Page addresses sit in the middle of the first strip, at most this tall. */
const PAGE_LABEL_LINE = 14;

/** Calls `draw` for each strip piece (x, y, width) of page bytes [start, end) of the page row at `top`. */
type Pieces = (top: number, start: number, end: number, draw: (x: number, y: number, w: number) => void) => void;

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
  /** Data address of the block whose allocation made the run's peak (0: none, or a step before it). */
  private peakBlock = 0;
  private drawQueued = false;
  /** Index in ZOOM_LEVELS. */
  private zoomLevel = DEFAULT_ZOOM;
  /** The zoom buttons and the level's name, placed above the map by the app. */
  readonly zoomBar: HTMLDivElement;
  private readonly zoomLabel: HTMLSpanElement;
  /** Block labels drawn at the last draw (for tests: each fits its block). */
  readonly blockLabels: Array<{ text: string; width: number; room: number }> = [];
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
      'Memory map: pages grouped by struct family. Arrow keys move between blocks, Enter selects the block; plus and minus zoom, 0 fits every page.',
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
    // Ctrl+wheel (and a pinch on a touchpad, which the browser reports as one) zooms at the pointer.
    this.element.addEventListener(
      'wheel',
      (event) => {
        if (!event.ctrlKey) return;
        event.preventDefault();
        this.zoomTo(this.zoomLevel + (event.deltaY < 0 ? 1 : -1), event.offsetY);
      },
      { passive: false },
    );
    this.zoomBar = document.createElement('div');
    this.zoomBar.className = 'map-zoom';
    this.zoomBar.setAttribute('role', 'toolbar');
    this.zoomBar.setAttribute('aria-label', 'Memory map zoom');
    const zoomButton = (icon: string, label: string, action: () => void) => {
      const b = document.createElement('vscode-toolbar-button');
      b.setAttribute('icon', icon);
      b.setAttribute('label', label);
      b.setAttribute('title', label);
      b.setAttribute('aria-label', label);
      b.dataset.zoom = icon;
      b.addEventListener('click', action);
      this.zoomBar.append(b);
    };
    zoomButton('zoom-out', 'Zoom out (−)', () => this.zoomTo(this.zoomLevel - 1));
    zoomButton('zoom-in', 'Zoom in (+)', () => this.zoomTo(this.zoomLevel + 1));
    zoomButton('screen-full', 'Fit all pages (0)', () => this.zoomToFit());
    this.zoomLabel = document.createElement('span');
    this.zoomLabel.className = 'map-zoom-level';
    this.zoomLabel.setAttribute('aria-live', 'polite');
    this.zoomBar.append(this.zoomLabel);
    this.updateZoomLabel();
    // Sizes and the scroll position are cached (resize / scroll events), so drawing never reads
    // layout from the DOM and never forces a synchronous layout in the middle of a frame.
    new ResizeObserver(([entry]) => {
      const width = Math.floor(entry!.contentRect.width);
      const height = Math.floor(entry!.contentRect.height);
      // Sub-pixel changes (the panel's other rows reflowing as their text changes) keep the picture.
      if (width === this.width && height === this.height) return;
      this.width = width;
      this.height = height;
      this.draw();
    }).observe(this.element);
  }

  private width = 0;
  private height = 0;
  private scrollTop = 0;

  /** Where the strips begin: after the page labels, shorter ones in a narrow map. */
  /** Width of the page-label column on the left (narrower on a narrow map). */
  get labelWidth(): number {
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

  /** The zoom level's index in ZOOM_LEVELS, and the level. */
  get zoomIndex(): number {
    return this.zoomLevel;
  }

  private get zoom(): ZoomLevel {
    return ZOOM_LEVELS[this.zoomLevel]!;
  }

  /**
   * Zooms to `level` (clamped), keeping the page at `anchorY` (map coordinates; default the top)
   * where it is on screen.
   */
  zoomTo(level: number, anchorY = 0): void {
    const next = Math.max(0, Math.min(ZOOM_LEVELS.length - 1, level));
    if (next === this.zoomLevel) return;
    const heap = this.heap;
    // The rows of one heap state are the same at every zoom, only their heights change: the row
    // at the anchor stays there. (While time travel is under way the rows drawn are the last
    // picture's: the nearest there is.)
    const before = this.held ? this.layout : this.freshLayout();
    let anchorRow = -1;
    let anchorFraction = 0;
    if (before) {
      anchorRow = rowAt(before, this.scrollTop + anchorY);
      if (anchorRow >= 0 && before.kind[anchorRow] === RowKind.Page) {
        const rowBottom = anchorRow + 1 < before.count ? before.top[anchorRow + 1]! : before.totalHeight;
        anchorFraction = (this.scrollTop + anchorY - before.top[anchorRow]!) / Math.max(1, rowBottom - before.top[anchorRow]!);
      }
    }
    this.zoomLevel = next;
    this.updateZoomLabel();
    if (!heap) return;
    this.layout = buildMapLayout(heap, this.zoom);
    const layout = this.layout;
    let top = 0;
    if (anchorRow >= 0 && anchorRow < layout.count) {
      const rowBottom = anchorRow + 1 < layout.count ? layout.top[anchorRow + 1]! : layout.totalHeight;
      top = layout.top[anchorRow]! + anchorFraction * (rowBottom - layout.top[anchorRow]!) - anchorY;
    }
    // The spacer must be as tall as the new layout before the scroll position can reach it.
    this.spacer.style.height = `${Math.max(0, layout.totalHeight + ZOOM_BAR_CLEARANCE - this.height)}px`;
    this.setScrollTop(Math.max(0, top));
    this.draw();
  }

  /** Zooms to the largest level that shows every page at once (the overview when none does). */
  zoomToFit(): void {
    const heap = this.heap;
    if (!heap) return;
    const pages = this.layout?.pageCount ?? 0;
    this.zoomTo(fitZoom(pages, heap.families.length, this.height));
  }

  private updateZoomLabel(): void {
    this.zoomLabel.textContent = `Zoom: ${this.zoom.name}`;
    for (const button of this.zoomBar.querySelectorAll<HTMLElement>('[data-zoom]')) {
      const disabled =
        (button.dataset.zoom === 'zoom-out' && this.zoomLevel === 0) ||
        (button.dataset.zoom === 'zoom-in' && this.zoomLevel === ZOOM_LEVELS.length - 1);
      button.toggleAttribute('disabled', disabled);
    }
  }

  /**
   * Keeps the picture drawn until the next `show`: the heap it was drawn from is being moved to
   * another step (time travel under way) and reading it now would show neither step. Meanwhile
   * the map neither redraws (a scroll waits) nor answers the pointer or the keys.
   */
  hold(): void {
    this.held = true;
  }

  private held = false;
  /** Milliseconds the last layout took (0 when the last show kept the layout), for the benchmark. */
  lastLayoutMs = 0;

  /**
   * Shows `heap` (the heap at the current step) and redraws now. The rows are laid out again only
   * when its page lists changed (`layoutFits`): stepping or scrubbing where no page came or went
   * keeps them.
   */
  show(heap: LmmHeap): void {
    this.held = false;
    this.heap = heap;
    this.lastLayoutMs = 0;
    this.freshLayout();
    // The selection is kept across time travel: it shows again whenever its block exists.
    this.draw();
  }

  /** The layout of the heap shown, made again when its page lists moved on since (a live run's heap grows). */
  private freshLayout(): MapLayout | null {
    const heap = this.heap;
    if (!heap) return this.layout;
    if (!this.layout || !layoutFits(this.layout, heap)) {
      const started = performance.now();
      this.layout = buildMapLayout(heap, this.zoom);
      this.lastLayoutMs = performance.now() - started;
    }
    return this.layout;
  }

  get pageCount(): number {
    return this.layout?.pageCount ?? 0;
  }

  /** The selected block's meta address, or -1. */
  get selection(): number {
    return this.selectedMeta;
  }

  /**
   * Marks the page that holds the block whose allocation made the run's peak of application
   * memory (`address`, a data address; 0: no mark), so the overview of thousands of pages says
   * where the peak's allocation went.
   */
  setPeakBlock(address: number): void {
    if (address === this.peakBlock) return;
    this.peakBlock = address;
    this.queueDraw();
  }

  /** The data address set by setPeakBlock (0: none). */
  get peakBlockAddress(): number {
    return this.peakBlock;
  }

  /** The page marked as the peak's, or -1 (for tests). */
  get peakPage(): number {
    const heap = this.heap;
    if (!heap || this.peakBlock <= META_SIZE) return -1;
    const page = heap.kernel.pageOf(this.peakBlock - META_SIZE);
    return heap.kernel.isMapped(page) ? page : -1;
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
    const layout = this.freshLayout();
    if (!heap || !layout) return false;
    const meta = address - META_SIZE;
    const family = heap.blockFamily(meta) ?? heap.blockFamily(address);
    if (!family) return false;
    const blockMeta = heap.blockFamily(meta) ? meta : address;
    const page = heap.kernel.pageOf(blockMeta);
    const row = rowOfPage(layout, page);
    if (row >= 0) {
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
      // Drawn already since it was asked (a render's show): once per frame is enough.
      if (!this.drawQueued) return;
      this.drawQueued = false;
      this.draw();
    });
  }

  draw(): void {
    if (this.held) return;
    this.drawQueued = false;
    const started = performance.now();
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = this.width;
    const height = this.height;
    const layout = this.freshLayout();
    this.spacer.style.height = `${Math.max(0, (layout?.totalHeight ?? 0) + ZOOM_BAR_CLEARANCE - height)}px`;
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
    const zoom = this.zoom;
    const labelWidth = this.labelWidth;
    const stripWidth = Math.max(10, width - labelWidth - RIGHT_PAD);
    const bytesPerLine = heap.pageSize / zoom.lines;
    const scale = stripWidth / bytesPerLine;
    const rowHeight = pageRowHeight(zoom);
    // Strips of one page are 2 px apart when it wraps, so the lines read as lines.
    const stripHeight = zoom.lines > 1 ? zoom.lineHeight - 2 : zoom.lineHeight;
    const narrow = width < NARROW_MAP_WIDTH;
    ctx.font = colors.font;
    // The same few words ("meta", "free", "56 B", headings) are measured again and again: once is enough.
    if (this.measuredFont !== colors.font || this.measured.size > 4096) {
      this.measured.clear();
      this.measuredFont = colors.font;
    }
    const measured = this.measured;
    const measure = (text: string) => {
      let width = measured.get(text);
      if (width === undefined) measured.set(text, (width = ctx.measureText(text).width));
      return width;
    };
    ctx.textBaseline = 'middle';
    let rowsDrawn = 0;
    const peakPage = this.peakPage;
    this.headingBoxes.length = 0;
    this.blockLabels.length = 0;
    /** Calls `draw` for each strip piece of page bytes [start, end) of the row at `top`. */
    const pieces: Pieces = (top, start, end, draw) => {
      for (let line = Math.floor(start / bytesPerLine); line < zoom.lines && line * bytesPerLine < end; line++) {
        const from = Math.max(start, line * bytesPerLine);
        const to = Math.min(end, (line + 1) * bytesPerLine);
        draw(labelWidth + (from - line * bytesPerLine) * scale, top + line * zoom.lineHeight, (to - from) * scale);
      }
    };
    // The overview (one pixel row per page) is written as pixels, not rectangles: see OverviewRaster.
    const rastered = zoom.lineHeight === 1;
    if (rastered) {
      const overrides = this.overrides;
      this.raster.draw(
        ctx,
        heap,
        layout,
        first,
        scrollTop,
        { x: labelWidth, width: stripWidth, height, ratio },
        {
          ...colors,
          struct: (familyId) => structColor(colors, overrides, heap.families[familyId]!.name, familyId),
        },
      );
    }
    const hoverPage = this.hoverMeta > 0 ? heap.kernel.pageOf(this.hoverMeta) : -1;
    for (let row = first; row < layout.count; row++) {
      const y = layout.top[row]! - scrollTop;
      if (y > height) break;
      const family = heap.families[layout.family[row]!]!;
      if (layout.kind[row] === RowKind.Family) {
        this.drawHeading(family, y, width, measure, true);
        continue;
      }
      const page = pageOfRow(layout, row);
      if (!heap.kernel.isMapped(page)) continue;
      if (zoom.pageLabels) {
        // The peak's page writes its address in the peak's colour.
        ctx.fillStyle = page === peakPage ? colors.peak : colors.muted;
        const address = page.toString(16);
        ctx.fillText(narrow ? `…${address.slice(-6)}` : address, 4, y + Math.min(zoom.lineHeight, PAGE_LABEL_LINE) / 2 + 1);
      }
      const color = structColor(colors, this.overrides, family.name, family.id);
      rowsDrawn++;
      if (rastered && page !== this.selectedPage && page !== hoverPage) {
        if (page === peakPage) this.markPeakPage(y, labelWidth, rowHeight, true);
        continue;
      }
      const segments = pageSegments(heap, page, family.structSize);
      if (!rastered) this.drawSegments(segments, y, color, pieces, stripHeight, family.name, measure);
      for (const segment of segments) {
        if (segment.meta === 0 || (segment.meta !== this.selectedMeta && segment.meta !== this.hoverMeta)) continue;
        if (segment.kind === SegmentKind.Meta || segment.kind === SegmentKind.HardFragment) continue;
        ctx.strokeStyle = segment.meta === this.selectedMeta ? colors.selection : colors.hover;
        ctx.lineWidth = 2;
        pieces(y, segment.start - META_SIZE, segment.end, (x, py, w) =>
          ctx.strokeRect(x + 1, py + 1, Math.max(2, w - 2), Math.max(1, stripHeight - 2)),
        );
      }
      if (page === this.selectedPage) {
        if (this.selectedMeta === 0) {
          ctx.strokeStyle = colors.selection;
          ctx.lineWidth = 2;
          ctx.strokeRect(labelWidth + 1, y + 1, stripWidth - 2, Math.max(1, rowHeight - 2));
        }
        if (!zoom.pageLabels) {
          // In the overview a row is one pixel: a bar in the label column marks the selected page.
          ctx.fillStyle = colors.selection;
          ctx.fillRect(2, y - 2, labelWidth - 6, 5);
        }
      }
      if (page === peakPage) this.markPeakPage(y, labelWidth, rowHeight, !zoom.pageLabels);
    }
    this.drawStickyHeading(layout, scrollTop, width, measure);
    this.lastRowsDrawn = rowsDrawn;
    this.lastDrawMs = performance.now() - started;
  }

  /** Fills a page's segments (rectangles, free blocks outlined) and labels them when zoomed in. */
  private drawSegments(
    segments: Segment[],
    y: number,
    structColour: string,
    pieces: Pieces,
    stripHeight: number,
    struct: string,
    measure: (text: string) => number,
  ): void {
    const ctx = this.context;
    const colors = this.colors!;
    for (const segment of segments) {
      const fill = segmentColor(colors, segment.kind, structColour);
      const outlined = segment.kind === SegmentKind.Free || segment.kind === SegmentKind.SoftFragment;
      pieces(y, segment.start, segment.end, (x, py, w) => {
        ctx.fillStyle = fill;
        ctx.fillRect(x, py, Math.max(1, w), stripHeight);
        if (outlined && stripHeight > 2) {
          ctx.strokeStyle = colors.freeBorder;
          ctx.lineWidth = 1;
          ctx.strokeRect(x + 0.5, py + 0.5, Math.max(0, w - 1), stripHeight - 1);
        }
      });
      if (this.zoom.labels) this.labelSegment(segment, struct, fill, y, pieces, stripHeight, measure);
    }
  }

  /**
   * The peak's page, in the peak's colour (the timeline's and the charts' peak marker): in the
   * overview, where a page is a pixel row, a bar five pixels tall at the right of the label column
   * and the word "peak" beside it; zoomed in, a bar down the label column's left edge, clear of the
   * page's address.
   */
  private markPeakPage(y: number, labelWidth: number, rowHeight: number, overview: boolean): void {
    const ctx = this.context;
    const colors = this.colors!;
    const barWidth = PEAK_BAR_WIDTH;
    const x = labelWidth - barWidth - 4;
    ctx.fillStyle = colors.peak;
    if (overview) {
      ctx.fillRect(x, y - 2, barWidth, 5);
      if (this.selectedPage !== this.heap?.kernel.pageOf(this.peakBlock - META_SIZE)) {
        ctx.textAlign = 'right';
        ctx.fillText('peak', x - 3, y + 1);
        ctx.textAlign = 'left';
      }
    } else {
      ctx.fillRect(0, y, PEAK_EDGE_WIDTH, Math.max(3, rowHeight - 2));
    }
  }

  /** A family's heading at y; `record` keeps its box for the tests. */
  private drawHeading(
    family: LmmHeap['families'][number],
    y: number,
    width: number,
    measure: (text: string) => number,
    record: boolean,
  ): void {
    const ctx = this.context;
    ctx.fillStyle = this.colors!.foreground;
    const wordings = familyHeadings(family);
    const heading = fitText(measure, wordings, width - 8);
    ctx.fillText(heading, 4, y + FAMILY_ROW_HEIGHT / 2 + 1);
    if (record) this.headingBoxes.push({ text: heading, full: wordings[0]!, width: measure(heading), maxWidth: width - 8 });
  }

  /**
   * The heading of the family whose pages are at the top stays there while they scroll by, and
   * the next family's heading pushes it up as it arrives.
   */
  private drawStickyHeading(layout: MapLayout, scrollTop: number, width: number, measure: (text: string) => number): void {
    const heap = this.heap!;
    const row = rowAt(layout, scrollTop);
    if (row < 0 || (layout.kind[row] === RowKind.Family && layout.top[row] === scrollTop)) {
      this.stickyFamily = -1;
      return;
    }
    let next = row + 1;
    while (next < layout.count && layout.kind[next] !== RowKind.Family) next++;
    const nextTop = next < layout.count ? layout.top[next]! - scrollTop : Infinity;
    const y = Math.min(0, nextTop - FAMILY_ROW_HEIGHT);
    const ctx = this.context;
    ctx.fillStyle = this.colors!.background;
    ctx.fillRect(0, y, width, FAMILY_ROW_HEIGHT);
    ctx.fillStyle = this.colors!.grid;
    ctx.fillRect(0, y + FAMILY_ROW_HEIGHT - 1, width, 1);
    this.drawHeading(heap.families[layout.family[row]!]!, y, width, measure, false);
    this.stickyFamily = layout.family[row]!;
    this.stickyBottom = y + FAMILY_ROW_HEIGHT;
  }

  /** The family whose heading sticks at the top (-1: none), and where that heading ends. */
  private stickyFamily = -1;
  private stickyBottom = 0;
  private readonly raster = new OverviewRaster();
  /** Widths of the texts drawn, in `measuredFont`. */
  private readonly measured = new Map<string, number>();
  private measuredFont = '';

  /** Writes a block's struct, size and state in it, in its widest strip piece, when a wording fits. */
  private labelSegment(
    segment: Segment,
    struct: string,
    fill: string,
    top: number,
    pieces: Pieces,
    stripHeight: number,
    measure: (text: string) => number,
  ): void {
    const size = segment.end - segment.start;
    const wordings = segmentLabels(segment.kind, struct, size);
    if (wordings.length === 0 || stripHeight < 12) return;
    let best = { x: 0, y: 0, w: 0 };
    pieces(top, segment.start, segment.end, (x, y, w) => {
      if (w > best.w) best = { x, y, w };
    });
    const room = best.w - 6;
    const text = wordings.find((wording) => measure(wording) <= room);
    if (!text) return;
    const ctx = this.context;
    ctx.fillStyle = textColourOn(fill, this.colors!.foreground);
    ctx.fillText(text, best.x + 3, best.y + stripHeight / 2 + 1);
    this.blockLabels.push({ text, width: measure(text), room });
  }

  /**
   * Where the data of the block with meta address `meta` is drawn, in the map element's
   * coordinates (scrolled into view first), or null when it is not on the map.
   */
  dataRect(meta: number): { x: number; y: number; width: number; height: number } | null {
    const heap = this.heap;
    const layout = this.freshLayout();
    if (!heap || !layout || heap.blockFamily(meta) === undefined) return null;
    const page = heap.kernel.pageOf(meta);
    const row = rowOfPage(layout, page);
    if (row < 0) return null;
    const zoom = this.zoom;
    const block = heap.block(meta);
    const bytesPerLine = heap.pageSize / zoom.lines;
    const start = block.offset + META_SIZE;
    const line = Math.floor(start / bytesPerLine);
    const top = layout.top[row]! + line * zoom.lineHeight;
    if (top < this.scrollTop || top + zoom.lineHeight > this.scrollTop + this.height) {
      this.setScrollTop(top);
      this.draw();
    }
    const scale = Math.max(10, this.width - this.labelWidth - RIGHT_PAD) / bytesPerLine;
    const end = Math.min(start + block.size, (line + 1) * bytesPerLine);
    return {
      x: this.labelWidth + (start - line * bytesPerLine) * scale,
      y: top - this.scrollTop,
      width: (end - start) * scale,
      height: zoom.lines > 1 ? zoom.lineHeight - 2 : zoom.lineHeight,
    };
  }

  /** The segment under canvas position (x, y), or null. */
  targetAt(x: number, y: number): MapTarget | null {
    const heap = this.heap;
    const layout = this.freshLayout();
    if (!heap || !layout || this.held || x < this.labelWidth) return null;
    if (this.stickyFamily >= 0 && y < this.stickyBottom) return null; // the sticky heading covers it
    const row = rowAt(layout, y + this.scrollTop);
    if (row < 0 || layout.kind[row] !== RowKind.Page) return null;
    const zoom = this.zoom;
    const within = y + this.scrollTop - layout.top[row]!;
    if (within >= pageRowHeight(zoom)) return null;
    const line = Math.floor(within / zoom.lineHeight);
    const stripWidth = Math.max(10, this.width - this.labelWidth - RIGHT_PAD);
    const bytesPerLine = heap.pageSize / zoom.lines;
    const inLine = Math.floor(((x - this.labelWidth) / stripWidth) * bytesPerLine);
    if (inLine < 0 || inLine >= bytesPerLine) return null;
    const offset = line * bytesPerLine + inLine;
    if (offset < 0 || offset >= heap.pageSize) return null;
    const family = heap.families[layout.family[row]!]!;
    const page = pageOfRow(layout, row);
    if (!heap.kernel.isMapped(page)) return null;
    const segment = pageSegments(heap, page, family.structSize).find((s) => offset >= s.start && offset < s.end);
    return segment ? this.makeTarget(row, segment) : null;
  }

  private makeTarget(row: number, segment: Segment): MapTarget | null {
    const heap = this.heap;
    const layout = this.freshLayout();
    if (!heap || !layout) return null;
    const family = heap.families[layout.family[row]!]!;
    return {
      row,
      page: pageOfRow(layout, row),
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
    const layout = this.freshLayout();
    if (!heap || !layout) return '';
    const row = rowAt(layout, y + this.scrollTop);
    if (row < 0) return '';
    if (this.stickyFamily >= 0 && y < this.stickyBottom) return familyHeadings(heap.families[this.stickyFamily]!)[0]!;
    if (layout.kind[row] === RowKind.Family) return familyHeadings(heap.families[layout.family[row]!]!)[0]!;
    return x < this.labelWidth ? `page 0x${pageOfRow(layout, row).toString(16)}` : '';
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
    const layout = this.freshLayout();
    if (!heap || !layout || this.held || layout.pageCount === 0) return;
    if (!event.ctrlKey && !event.altKey && !event.metaKey) {
      const zoomKey = { '+': 1, '=': 1, '-': -1, _: -1 }[event.key];
      if (zoomKey !== undefined || event.key === '0') {
        event.preventDefault();
        event.stopPropagation();
        if (event.key === '0') this.zoomToFit();
        else this.zoomTo(this.zoomLevel + zoomKey!);
        return;
      }
    }
    let row = this.selectedPage >= 0 ? rowOfPage(layout, this.selectedPage) : -1;
    if (row < 0) row = layout.kind[0] === RowKind.Page ? 0 : 1;
    const blocksOf = (r: number) => {
      const family = heap.families[layout.family[r]!]!;
      return pageSegments(heap, pageOfRow(layout, r), family.structSize).filter(
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
    if (
      top < this.scrollTop + (this.stickyFamily >= 0 ? FAMILY_ROW_HEIGHT : 0) ||
      top + pageRowHeight(this.zoom) > this.scrollTop + this.height
    ) {
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

/** What a segment says about itself when zoomed in, longest first (none fits: no label). */
function segmentLabels(kind: SegmentKind, struct: string, size: number): string[] {
  const n = count(size);
  switch (kind) {
    case SegmentKind.PageHeader:
      return ['page header', 'header'];
    case SegmentKind.Meta:
      return [`meta data ${n} B`, 'meta', 'm'];
    case SegmentKind.Allocated:
      return [`${struct} · ${n} B`, `${n} B`];
    case SegmentKind.Free:
      return [`free · ${n} B`, 'free'];
    case SegmentKind.SoftFragment:
      return [`soft fragment · ${n} B`, `soft · ${n} B`, 'soft'];
    default:
      return [`hard fragment · ${n} B`, `${n} B`];
  }
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
