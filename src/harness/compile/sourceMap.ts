/**
 * Just enough of source map v3 to map a position in the compiled harness back to its source:
 * decode the VLQ mappings once, then look positions up by line (binary search on columns).
 */

export interface RawSourceMap {
  sources: string[];
  mappings: string;
  sourceRoot?: string;
}

export interface OriginalPosition {
  source: string;
  /** 0-based line and column, as in the map. */
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

export class SourceMapLookup {
  /** Per generated line: flat [genColumn, source, line, column] quadruples, by column. */
  private readonly lines: Int32Array[] = [];

  constructor(private readonly map: RawSourceMap) {
    let source = 0;
    let line = 0;
    let column = 0;
    for (const text of map.mappings.split(';')) {
      const segments: number[] = [];
      let genColumn = 0;
      for (const segment of text.split(',')) {
        if (segment === '') continue;
        const values = decodeVlq(segment);
        genColumn += values[0]!;
        if (values.length < 4) continue;
        source += values[1]!;
        line += values[2]!;
        column += values[3]!;
        segments.push(genColumn, source, line, column);
      }
      this.lines.push(Int32Array.from(segments));
    }
  }

  /** The original position of generated (0-based) line and column, or null when unmapped. */
  original(line: number, column: number): OriginalPosition | null {
    const segments = this.lines[line];
    if (!segments || segments.length === 0) return null;
    let lo = 0;
    let hi = segments.length / 4 - 1;
    if (segments[0]! > column) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid * 4]! <= column) lo = mid;
      else hi = mid - 1;
    }
    const i = lo * 4;
    return { source: this.map.sources[segments[i + 1]!]!, line: segments[i + 2]!, column: segments[i + 3]! };
  }
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = DIGIT[text.charCodeAt(i)]!;
    if (digit < 0) throw new Error(`bad source map character '${text[i]}'`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value - 1) / 2 : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return values;
}
