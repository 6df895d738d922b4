/**
 * The conformance trace format (docs/trace-format.md), parsed into a compact program:
 * typed arrays of operations with interned IDs and struct names, so a 1,000,000-line trace
 * costs a few megabytes and replays without allocating per line.
 */
import { TextKeyTable } from './textKeyTable';
import { TraceIdTable } from './traceIdTable';

export const enum TraceOp {
  Register = 1,
  Alloc = 2,
  Free = 3,
  Dump = 4,
}

export interface TraceProgram {
  pageSize: number;
  /** Operation count and, per operation: kind, first and second argument, source line. */
  length: number;
  ops: Uint8Array;
  /** Register: name index; Alloc: ID index; Free: ID index. */
  argA: Int32Array;
  /** Register: struct size; Alloc: name index (units in `argC`). */
  argB: Int32Array;
  argC: Float64Array;
  lines: Int32Array;
  names: string[];
  /** The IDs, by index; their text is cut from the trace only when asked for (diagnostics). */
  ids: TraceIds;
}

export interface TraceIds {
  readonly length: number;
  at(index: number): string;
}

/** A malformed trace: `line` is 1-based. */
export class TraceSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const COMMANDS = 'page, reg, alloc, free, dump';
/** The `page` line is not an operation; it gets a code of its own while parsing. */
const PAGE_COMMAND = 5;
const USAGE: Record<number, string> = {
  [TraceOp.Register]: 'a name and a size: reg NAME SIZE',
  [TraceOp.Alloc]: 'an ID, a struct name and units: alloc ID NAME UNITS',
  [TraceOp.Free]: 'an ID: free ID',
  [TraceOp.Dump]: 'no arguments',
  [PAGE_COMMAND]: 'one number: page SIZE',
};

/** The command word text[start, end) as an operation code (PAGE_COMMAND for page), 0 if unknown. */
function commandOf(text: string, start: number, end: number): number {
  switch (text.charCodeAt(start)) {
    case 97: // a
      return isWord(text, start, end, 'alloc') ? TraceOp.Alloc : 0;
    case 102: // f
      return isWord(text, start, end, 'free') ? TraceOp.Free : 0;
    case 114: // r
      return isWord(text, start, end, 'reg') ? TraceOp.Register : 0;
    case 100: // d
      return isWord(text, start, end, 'dump') ? TraceOp.Dump : 0;
    case 112: // p
      return isWord(text, start, end, 'page') ? PAGE_COMMAND : 0;
    default:
      return 0;
  }
}

function isWord(text: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && text.startsWith(word, start);
}

/**
 * The growing operation columns. A class rather than a closure over `let`s: V8 keeps captured,
 * reassigned variables in a heap context, which made every access of the hot loop a load.
 */
class ProgramColumns {
  capacity = 1024;
  length = 0;
  ops = new Uint8Array(this.capacity);
  argA = new Int32Array(this.capacity);
  argB = new Int32Array(this.capacity);
  argC = new Float64Array(this.capacity);
  lines = new Int32Array(this.capacity);

  push(op: TraceOp, a: number, b: number, c: number, line: number): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.ops[i] = op;
    this.argA[i] = a;
    this.argB[i] = b;
    this.argC[i] = c;
    this.lines[i] = line;
  }

  private grow(): void {
    this.capacity *= 2;
    this.ops = grow(this.ops, new Uint8Array(this.capacity));
    this.argA = grow(this.argA, new Int32Array(this.capacity));
    this.argB = grow(this.argB, new Int32Array(this.capacity));
    this.argC = grow(this.argC, new Float64Array(this.capacity));
    this.lines = grow(this.lines, new Int32Array(this.capacity));
  }
}

export function parseTrace(text: string, defaultPageSize = 4096): TraceProgram {
  const columns = new ProgramColumns();
  const names = new TextKeyTable(text, 16);
  const ids = new TraceIdTable(text, 1024);
  let pageSize = defaultPageSize;
  let pageSeen = false;
  let started = false;

  // Word boundaries of the current line: up to 5 words (one more than any command takes).
  const wordStart = new Int32Array(5);
  const wordEnd = new Int32Array(5);
  const n = text.length;
  let lineNumber = 0;
  let position = 0;
  while (position < n) {
    lineNumber++;
    // Split the line into words (spaces, tabs, a trailing CR) in one pass up to its newline.
    // charCodeAt past the end gives NaN, which is no separator and no newline: hence `i < n`.
    let words = 0;
    let i = position;
    let c = text.charCodeAt(i);
    for (;;) {
      while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++i);
      if (c === 10 || i >= n) break;
      const start = i;
      while (c !== 32 && c !== 9 && c !== 13 && c !== 10 && i < n) c = text.charCodeAt(++i);
      if (words < 5) {
        wordStart[words] = start;
        wordEnd[words] = i;
      }
      words++;
    }
    const lineStart = position;
    const lineEnd = i;
    position = i + 1;
    if (words === 0 || text.charCodeAt(wordStart[0]!) === 35 /* # */) continue;

    const command = commandOf(text, wordStart[0]!, wordEnd[0]!);
    const arity = command === TraceOp.Alloc ? 4 : command === TraceOp.Register ? 3 : command === TraceOp.Dump ? 1 : 2;
    if (command === 0) {
      throw new TraceSyntaxError(
        lineNumber,
        `unknown command '${text.slice(wordStart[0]!, wordEnd[0]!)}' (expected ${COMMANDS})`,
      );
    }
    if (words !== arity) {
      throw new TraceSyntaxError(
        lineNumber,
        `'${text.slice(wordStart[0]!, wordEnd[0]!)}' takes ${USAGE[command]}: "${text.slice(lineStart, lineEnd).trim()}"`,
      );
    }
    switch (command) {
      case TraceOp.Alloc: {
        started = true;
        const id = ids.intern(wordStart[1]!, wordEnd[1]!);
        const units = parseCount(text, wordStart[3]!, wordEnd[3]!, lineNumber, 'units');
        columns.push(TraceOp.Alloc, id, names.intern(wordStart[2]!, wordEnd[2]!), units, lineNumber);
        break;
      }
      case TraceOp.Free: {
        started = true;
        const id = ids.find(wordStart[1]!, wordEnd[1]!);
        if (id < 0) {
          throw new TraceSyntaxError(
            lineNumber,
            `free of '${text.slice(wordStart[1]!, wordEnd[1]!)}', which no earlier alloc line named`,
          );
        }
        columns.push(TraceOp.Free, id, 0, 0, lineNumber);
        break;
      }
      case TraceOp.Register: {
        started = true;
        const size = parseCount(text, wordStart[2]!, wordEnd[2]!, lineNumber, 'struct size');
        columns.push(TraceOp.Register, names.intern(wordStart[1]!, wordEnd[1]!), size, 0, lineNumber);
        break;
      }
      case TraceOp.Dump: {
        started = true;
        columns.push(TraceOp.Dump, 0, 0, 0, lineNumber);
        break;
      }
      case PAGE_COMMAND: {
        if (pageSeen) throw new TraceSyntaxError(lineNumber, 'a second page line');
        if (started) throw new TraceSyntaxError(lineNumber, "'page' must come before any reg, alloc, free or dump");
        pageSize = parseCount(text, wordStart[1]!, wordEnd[1]!, lineNumber, 'page size');
        pageSeen = true;
        break;
      }
    }
  }
  const { length, ops, argA, argB, argC, lines } = columns;
  return { pageSize, length, ops, argA, argB, argC, lines, names: names.keys(), ids };
}

/** A whole number from text[start, end), or a syntax error naming the line. */
function parseCount(text: string, start: number, end: number, line: number, what: string): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      throw new TraceSyntaxError(line, `${what} must be a whole number, not '${text.slice(start, end)}'`);
    }
    value = value * 10 + digit;
  }
  if (value > 0xffffffff) throw new TraceSyntaxError(line, `${what} ${text.slice(start, end)} is too large`);
  return value;
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(old: T, bigger: T): T {
  bigger.set(old as never);
  return bigger;
}
