/**
 * Maps a position in the compiled harness (what V8 reports in stack traces) back to the .ts
 * source: esbuild's source map to the instrumented text, then the instrumenter's insertions to
 * the original text. Plain data and pure code, so the sandbox can use it too (for the sites of
 * out-of-bounds and use-after-free accesses, found from a stack trace).
 */
import type { Site } from '../../analysis/analysisInput';
import { originalColumn, type ColumnShift } from './compartmentScript';
import { SourceMapLookup, type RawSourceMap } from './sourceMap';

/** Text the instrumenter inserted at `pos` of the original text. */
export interface Insertion {
  pos: number;
  text: string;
}

export interface LocatorFile {
  /** The path as the source map names it (absolute). */
  path: string;
  displayName: string;
  /** Line start offsets of the instrumented text as esbuild counts lines, and of the original as an editor does. */
  instrumentedLineStarts: number[];
  originalLineStarts: number[];
  insertions: Insertion[];
  /**
   * Flat pairs of original offsets: the `]` of an element store (`a.b[i] = v`), where V8's
   * position maps back to, then where a read of the same element maps back to (`b`). An access
   * error of the store is shown there, so a write and a read of `a.b[4]` name the same column.
   */
  elementStores?: number[];
}

export interface LocatorData {
  map: RawSourceMap;
  /** Directory the map's relative `sources` resolve against. */
  mapDir: string;
  files: LocatorFile[];
  /** What the script the worker evaluates added to esbuild's output (see compartmentScript.ts). */
  columnShifts?: ColumnShift[];
}

export class HarnessLocator {
  private readonly lookup: SourceMapLookup;
  private readonly files = new Map<string, LocatorFile>();
  private readonly elementStores = new Map<string, Map<number, number>>();

  constructor(readonly data: LocatorData) {
    this.lookup = new SourceMapLookup({ ...data.map, sources: data.map.sources.map(sourcePath) });
    for (const file of data.files) {
      this.files.set(file.path, file);
      const stores = file.elementStores ?? [];
      const byBracket = new Map<number, number>();
      for (let i = 0; i + 1 < stores.length; i += 2) byBracket.set(stores[i]!, stores[i + 1]!);
      if (byBracket.size > 0) this.elementStores.set(file.path, byBracket);
    }
  }

  /** The source site of a 0-based line and column of the compiled code, or null when unmapped. */
  locate(line: number, column: number): Site | null {
    const shifts = this.data.columnShifts;
    const position = this.lookup.original(line, shifts ? originalColumn(shifts, line, column) : column);
    if (!position) return null;
    return this.site(joinPath(this.data.mapDir, position.source), position.line, position.column);
  }

  /** A 0-based position in the instrumented text of `path` → a 1-based site in its original text. */
  site(path: string, line: number, column: number): Site {
    const file = this.files.get(path);
    if (!file) return { file: path, line: line + 1, column: column + 1 };
    const offset = (file.instrumentedLineStarts[line] ?? 0) + column;
    const mapped = toOriginalOffset(file.insertions, offset);
    const original = this.elementStores.get(path)?.get(mapped) ?? mapped;
    return { file: file.displayName, ...positionAt(file.originalLineStarts, original) };
  }

  /** The harness frames of a V8 stack trace (frames in `scriptName`), innermost first. */
  framesOf(stack: string, scriptName: string, max = Infinity): Site[] {
    const frames: Site[] = [];
    let from = 0;
    const marker = scriptName + ':';
    while (frames.length < max) {
      const at = stack.indexOf(marker, from);
      if (at < 0) break;
      const match = /^(\d+):(\d+)/.exec(stack.slice(at + marker.length, at + marker.length + 24));
      from = at + marker.length;
      if (!match) continue;
      const site = this.locate(Number(match[1]) - 1, Number(match[2]) - 1);
      if (site) frames.push(site);
    }
    return frames;
  }
}

/**
 * Where each line starts, lines ending as JavaScript ends them (and esbuild and TypeScript count
 * them): LF, CR LF, a lone CR, U+2028 and U+2029. A file with lone CRs was one line here, so an
 * error on its line 3 was shown on line 1. The compiled side's lines (esbuild's source map) are these.
 */
export function lineStarts(text: string): number[] {
  return startsAfter(text, /\r\n?|[\n\u2028\u2029]/g);
}

/**
 * Where each line starts as an editor (VS Code, LSP positions) shows it: after LF, CR LF or a lone
 * CR only. U+2028 and U+2029, legal in a string, end no line there; counted, each moved every site
 * after it a line down. The positions a user reads are these.
 */
export function editorLineStarts(text: string): number[] {
  return startsAfter(text, /\r\n?|\n/g);
}

function startsAfter(text: string, ends: RegExp): number[] {
  const starts = [0];
  for (let match = ends.exec(text); match !== null; match = ends.exec(text)) starts.push(match.index + match[0].length);
  return starts;
}

/** The 1-based line and (UTF-16) column of a 0-based offset, given its text's line starts. */
export function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** Joins a source map's relative source to its directory (POSIX or Windows paths, no Node). */
/**
 * A source map's `sources` entry as a path: esbuild escapes `(`, `)`, `%` and `#` in it as in a URL
 * (`list (1).lmm.ts` is `list %281%29.lmm.ts`), which named a file that does not exist and missed
 * the harness's own line table.
 */
export function sourcePath(source: string): string {
  if (!source.includes('%')) return source;
  try {
    return decodeURIComponent(source);
  } catch {
    return source;
  }
}

export function joinPath(dir: string, path: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const separator = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  const parts = dir.split(/[\\/]/);
  for (const part of path.split(/[\\/]/)) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join(separator);
}

/** Maps an offset in instrumented output back to the original text (inside an insertion: its position). */
export function toOriginalOffset(insertions: readonly Insertion[], offset: number): number {
  let shift = 0;
  for (const insertion of insertions) {
    const start = insertion.pos + shift;
    if (offset < start) break;
    if (offset < start + insertion.text.length) return insertion.pos;
    shift += insertion.text.length;
  }
  return offset - shift;
}
