/**
 * The overview zoom draws each page as one pixel row, so a screen holds about a thousand pages of
 * a big heap and some twenty thousand blocks: drawn as canvas rectangles that is 30 ms and more
 * per frame. Here the rows are written as pixels instead (each block a run of one colour in a
 * Uint32Array over one ImageData) and put on the canvas in one call, a few milliseconds for a
 * full screen. The page's parts are coloured as the other zoom levels colour them.
 */
import { FIRST_META_OFFSET, META_SIZE } from '../../src/engine/constants';
import type { LmmHeap } from '../../src/engine/lmmHeap';
import { pixelOf } from './cssColour';
import { RowKind, pageOfRow, type MapLayout } from './mapLayout';

/** The CSS colours of a page's parts; `struct(familyId)` colours that family's allocated blocks. */
export interface OverviewPalette {
  background: string;
  pageHeader: string;
  meta: string;
  free: string;
  softFragment: string;
  hardFragment: string;
  struct(familyId: number): string;
}

/** Where to draw, in CSS pixels of the canvas, and its device-pixel ratio. */
export interface OverviewArea {
  x: number;
  width: number;
  height: number;
  ratio: number;
}

export class OverviewRaster {
  private image: ImageData | null = null;
  private pixels = new Uint32Array(0);

  /**
   * Draws the page rows of `layout` from `firstRow` on, scrolled by `scrollTop`, into `area` of
   * `ctx`'s canvas (everything else in the area becomes the background); returns the page rows drawn.
   */
  draw(
    ctx: CanvasRenderingContext2D,
    heap: LmmHeap,
    layout: MapLayout,
    firstRow: number,
    scrollTop: number,
    area: OverviewArea,
    palette: OverviewPalette,
  ): number {
    const width = Math.max(1, Math.round(area.width * area.ratio));
    const height = Math.max(1, Math.round(area.height * area.ratio));
    if (!this.image || this.image.width !== width || this.image.height !== height) {
      this.image = new ImageData(width, height);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    const pixels = this.pixels;
    pixels.fill(pixelOf(palette.background));
    const header = pixelOf(palette.pageHeader);
    const meta = pixelOf(palette.meta);
    const free = pixelOf(palette.free);
    const soft = pixelOf(palette.softFragment);
    const hard = pixelOf(palette.hardFragment);
    const pageSize = heap.pageSize;
    const scale = width / pageSize;
    let line = 0;
    /** Colours page bytes [from, to) of the pixel row starting at `line`; at least one pixel each. */
    const run = (from: number, to: number, colour: number) => {
      const a = Math.min(width - 1, Math.round(from * scale));
      const b = Math.min(width, Math.max(a + 1, Math.round(to * scale)));
      pixels.fill(colour, line + a, line + b);
    };
    let rows = 0;
    let family = -1;
    let structSize = 0;
    let allocated = 0;
    for (let row = firstRow; row < layout.count; row++) {
      const y = layout.top[row]! - scrollTop;
      if (y >= area.height) break;
      if (layout.kind[row] !== RowKind.Page) continue;
      const page = pageOfRow(layout, row);
      if (!heap.kernel.isMapped(page)) continue;
      const y0 = Math.max(0, Math.round(y * area.ratio));
      const y1 = Math.min(height, Math.round((y + 1) * area.ratio));
      if (y1 <= y0) continue;
      if (layout.family[row] !== family) {
        family = layout.family[row]!;
        structSize = heap.families[family]!.structSize;
        allocated = pixelOf(palette.struct(family));
      }
      line = y0 * width;
      run(0, FIRST_META_OFFSET, header);
      let end = FIRST_META_OFFSET;
      for (const block of heap.pageBlocks(page)) {
        if (block.offset > end) run(end, block.offset, hard);
        const dataStart = block.offset + META_SIZE;
        end = dataStart + block.size;
        run(block.offset, dataStart, meta);
        run(dataStart, end, !block.free ? allocated : block.size < structSize ? soft : free);
      }
      if (end < pageSize) run(end, pageSize, hard);
      for (let k = y0 + 1; k < y1; k++) pixels.copyWithin(k * width, line, line + width);
      rows++;
    }
    ctx.putImageData(this.image, Math.round(area.x * area.ratio), 0);
    return rows;
  }
}
