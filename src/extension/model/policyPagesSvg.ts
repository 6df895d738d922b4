/**
 * A policy's mappings as an SVG picture, one row per page, whatever the policy: headers, live
 * payloads, free blocks and the policy's own bookkeeping in distinct colours, each with a title
 * (offset, size, header bytes, state). Blocks narrower than a couple of pixels merge with their
 * like neighbours so that a page of 512 small blocks stays a few hundred shapes, not thousands.
 */
import type { PolicyMapping } from '../../policies/allocatorPolicy';
import { structClass } from './pagePictureStyles';

const WIDTH = 640;
const ROW = 16;
const BAR = 12;
const LABEL = 150;
const TINY = 2;
/** Rows with more shapes than this are drawn as one path per colour with one title for the row (compact HTML). */
const DETAILED_ROW = 64;

/**
 * The colour class of each kind of bytes (pagePictureStyles.ts gives the page's theme colours):
 * headers as page headers, the policy's bookkeeping as meta data, payload without a struct as the
 * first struct colour, free blocks as free (outlined: their fill is nearly the background).
 */
export const POLICY_COLOURS = {
  header: 'ph',
  used: 's0',
  free: 'fr b',
  overhead: 'md',
} as const;

type SegmentKind = keyof typeof POLICY_COLOURS;

interface Rect {
  row: number;
  kind: SegmentKind;
  fill: string;
  x0: number;
  x1: number;
  blocks: number;
  title: string;
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface PagesSvgOptions {
  /** Page rows drawn at most; the rest are counted in a note under the picture. */
  maxRows?: number;
  label?: string;
}

/** Page rows the mappings span. */
export function pageRows(mappings: readonly PolicyMapping[]): number {
  let rows = 0;
  for (const m of mappings) rows += Math.max(1, m.pages);
  return rows;
}

export function policyPagesSvg(mappings: readonly PolicyMapping[], pageSize: number, options: PagesSvgOptions = {}): string {
  const maxRows = options.maxRows ?? 160;
  const scale = WIDTH / pageSize;
  const familyColour = new Map<string, string>();
  const colourOf = (family: string | null): string => {
    if (family === null) return POLICY_COLOURS.used;
    let colour = familyColour.get(family);
    if (colour === undefined) {
      // Structs take the Memory Map's colours, in the order they appear here.
      colour = structClass(familyColour.size);
      familyColour.set(family, colour);
    }
    return colour;
  };
  const shapes: string[] = [];
  let row = 0;
  // A holder, not a `let`: the closures below reassign it, which control-flow narrowing cannot see.
  const pending: { open: Rect | null } = { open: null };
  /** Each drawn row's rectangles; drawn at the end, in detail or (dense rows) as one path per colour. */
  const rowRects = new Map<number, Rect[]>();
  const emit = (r: Rect) => {
    let list = rowRects.get(r.row);
    if (list === undefined) rowRects.set(r.row, (list = []));
    list.push(r);
  };
  /** Adds the byte range [from, to) of the mapping starting at `firstRow`, split at page rows. */
  const segment = (firstRow: number, from: number, to: number, kind: SegmentKind, fill: string, title: string) => {
    while (from < to) {
      const r = firstRow + Math.floor(from / pageSize);
      if (r >= maxRows) return;
      const rowEnd = (Math.floor(from / pageSize) + 1) * pageSize;
      const end = Math.min(to, rowEnd);
      const x0 = (from % pageSize) * scale;
      const x1 = x0 + (end - from) * scale;
      const open = pending.open;
      if (
        open !== null &&
        open.row === r &&
        open.kind === kind &&
        open.fill === fill &&
        Math.abs(open.x1 - x0) < 0.01 &&
        (open.x1 - open.x0 < TINY || x1 - x0 < TINY)
      ) {
        open.x1 = x1;
        open.blocks++;
      } else {
        if (open !== null) emit(open);
        pending.open = { row: r, kind, fill, x0, x1, blocks: 1, title };
      }
      from = end;
    }
  };
  for (const mapping of mappings) {
    if (row >= maxRows) break;
    const pages = Math.max(1, mapping.pages);
    for (let p = 0; p < pages && row + p < maxRows; p++) {
      const y = (row + p) * ROW;
      shapes.push(
        `<rect x="${LABEL}" y="${y}" width="${WIDTH}" height="${BAR}" fill="none" stroke="#777" stroke-width="0.5"/>`,
        `<text x="0" y="${y + 10}" font-size="10">${escapeHtml(p === 0 ? `${mapping.kind} 0x${mapping.address.toString(16)}` : `  … page ${p + 1} of ${pages}`)}</text>`,
      );
    }
    for (const block of mapping.blocks) {
      const where = `+${block.offset}`;
      const family = block.family !== null ? ` ${block.family}` : '';
      if (block.header > 0) {
        segment(
          row,
          block.offset,
          block.offset + block.header,
          'header',
          POLICY_COLOURS.header,
          `header ${where}, ${block.header} B`,
        );
      }
      const fill = block.state === 'used' ? colourOf(block.family) : POLICY_COLOURS[block.state];
      segment(
        row,
        block.offset + block.header,
        block.offset + block.header + block.size,
        block.state,
        fill,
        `${block.state}${family} ${where}, ${block.size} B payload, ${block.header} B header`,
      );
    }
    if (pending.open !== null) emit(pending.open);
    pending.open = null;
    row += pages;
  }
  for (const [r, list] of rowRects) shapes.push(list.length <= DETAILED_ROW ? detailedRow(list) : denseRow(r, list, scale));
  const total = pageRows(mappings);
  const drawn = Math.min(total, maxRows);
  const label = options.label ?? 'Policy pages';
  const note = total > drawn ? `<p class="note">${total - drawn} more pages not drawn.</p>` : '';
  if (total === 0) return `<p class="note">No pages mapped.</p>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL + WIDTH}" height="${drawn * ROW}" viewBox="0 0 ${LABEL + WIDTH} ${drawn * ROW}" role="img" aria-label="${escapeHtml(`${label}: ${total} page${total === 1 ? '' : 's'}, one row per page`)}">${shapes.join('')}</svg>${note}`;
}

const rectTitle = (r: Rect): string =>
  r.blocks > 1 ? `${r.blocks} ${r.kind === 'header' ? 'headers' : `${r.kind} blocks`}` : r.title;

function detailedRow(list: Rect[]): string {
  return list
    .map(
      (r) =>
        `<rect x="${(LABEL + r.x0).toFixed(2)}" y="${r.row * ROW}" width="${Math.max(0.5, r.x1 - r.x0).toFixed(2)}" height="${BAR}" class="${r.fill}"><title>${escapeHtml(rectTitle(r))}</title></rect>`,
    )
    .join('');
}

/** A dense row: one path per colour, and a title that counts the row's blocks and bytes by state. */
function denseRow(row: number, list: Rect[], scale: number): string {
  const paths = new Map<string, string[]>();
  const counts = new Map<SegmentKind, { blocks: number; bytes: number }>();
  for (const r of list) {
    let d = paths.get(r.fill);
    if (d === undefined) paths.set(r.fill, (d = []));
    const w = Math.max(0.5, r.x1 - r.x0);
    d.push(`M${(LABEL + r.x0).toFixed(1)} ${row * ROW}h${w.toFixed(1)}v${BAR}h-${w.toFixed(1)}z`);
    const c = counts.get(r.kind) ?? { blocks: 0, bytes: 0 };
    c.blocks += r.blocks;
    c.bytes += Math.round((r.x1 - r.x0) / scale);
    counts.set(r.kind, c);
  }
  const title = [...counts]
    .map(([kind, c]) => `${c.blocks} ${kind === 'header' ? 'headers' : `${kind} blocks`} (${c.bytes} B)`)
    .join(', ');
  const body = [...paths].map(([fill, d]) => `<path class="${fill}" d="${d.join('')}"/>`).join('');
  return `<g><title>${escapeHtml(title)}</title>${body}</g>`;
}
