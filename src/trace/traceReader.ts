/**
 * The conformance trace format (spec: Conformance traces) read straight from bytes: lines are
 * split, IDs and struct names interned from byte ranges and numbers parsed in place, with no
 * string made per line or per word. Input comes in chunks of any size (a line may straddle two);
 * each operation goes to a sink as soon as its line is complete, so a trace can be replayed
 * while it is read (`lmm trace`) or collected into a program (`parseTrace`).
 *
 * Any byte sequence gives either operations or one TraceSyntaxError naming the line: a UTF-8
 * BOM at the start is skipped, CR before LF is a separator, and control characters (NUL and the
 * like) are refused, so nothing invisible ends up in a message.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from '../engine/constants';
import { ByteKeyTable } from './byteKeyTable';
import { TraceIdTable, idNumber } from './traceIdTable';
import { wordDecoder as UTF8 } from './utf8';
import { visibleText } from './visibleText';

export const enum TraceOp {
  Register = 1,
  Alloc = 2,
  Free = 3,
  Dump = 4,
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

/** Receives a trace's operations in order; indices are those of the reader's `names` and `ids`. */
export interface TraceSink {
  /** Called once, before the first operation (or at the end of a trace without any). */
  begin(pageSize: number): void;
  register(name: number, size: number, line: number): void;
  alloc(id: number, name: number, units: number, line: number): void;
  free(id: number, line: number): void;
  dump(line: number): void;
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
/** Words longer than this are cut in messages. */
const SHOWN_WORD = 60;
const MAX_COUNT = 0xffffffff;
/**
 * The longest line a trace may have, its line end not counted. A command and three words fit in
 * far less; a longer line is refused as it is read, so one without an end (a 1 GB line) is never
 * held whole, whatever the chunks it comes in.
 */
export const MAX_LINE_BYTES = 1 << 20;

export class TraceReader {
  /** Struct names and IDs seen so far, by the indices the sink receives. */
  readonly names = new ByteKeyTable(16);
  readonly ids = new TraceIdTable(1024);
  pageSize: number;
  /** Lines read so far. */
  lineNumber = 0;
  private pageSeen = false;
  private begun = false;
  private atStart = true;
  // Word boundaries of the current line: up to 5 words (one more than any command takes).
  private readonly wordStart = new Int32Array(5);
  private readonly wordEnd = new Int32Array(5);

  constructor(
    private readonly sink: TraceSink,
    defaultPageSize = DEFAULT_PAGE_SIZE,
    /**
     * Whether `alloc` and `free` lines written the common way take the short path (`commonLine`);
     * false reads every line through the general word splitter (the tests compare the two).
     */
    private readonly shortPath = true,
  ) {
    this.pageSize = defaultPageSize;
  }

  /**
   * Reads the complete lines of bytes[from, to), and the last one even without a newline when
   * `last`. Returns where the first line not read starts (the caller passes it again, with
   * more bytes after it). Throws TraceSyntaxError at the first malformed line.
   */
  read(bytes: Uint8Array, from: number, to: number, last: boolean): number {
    let position = from;
    if (this.atStart) {
      if (!last && to - from < 3) return from;
      if (to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) position += 3;
      this.atStart = false;
    }
    const wordStart = this.wordStart;
    const wordEnd = this.wordEnd;
    // Lines up to the last newline of the range end inside it: the short path needs no bound checks.
    const lastNewline = this.shortPath && to > from ? bytes.lastIndexOf(10, to - 1) : -1;
    while (position < to) {
      if (position <= lastNewline) {
        const next = this.commonLine(bytes, position);
        if (next >= 0) {
          position = next;
          continue;
        }
      }
      // Split the line into words in one pass up to its newline: bytes above 32 make words
      // (UTF-8 included), space, tab and CR separate them, other control bytes are refused.
      let words = 0;
      let i = position;
      let c = 0;
      // Past the longest line and a CR LF: reaching it without a line end is a line too long.
      const end = Math.min(to, position + MAX_LINE_BYTES + 2);
      for (;;) {
        while (i < end && ((c = bytes[i]!) === 32 || c === 9 || c === 13)) i++;
        if (i >= end || c === 10) break;
        if (c < 32) throw this.controlByte(bytes, position, i, c);
        const start = i;
        while (i < end && (c = bytes[i]!) > 32) i++;
        if (words < 5) {
          wordStart[words] = start;
          wordEnd[words] = i;
        }
        words++;
      }
      if (i >= end && end < to) throw this.lineTooLong(bytes, position, end);
      if (i >= to && !last) return position;
      if (i - position - (bytes[i - 1] === 13 ? 1 : 0) > MAX_LINE_BYTES) throw this.lineTooLong(bytes, position, i);
      const lineStart = position;
      position = i + 1;
      const line = ++this.lineNumber;
      if (words === 0 || bytes[wordStart[0]!] === 35 /* # */) continue;
      const command = commandOf(bytes, wordStart[0]!, wordEnd[0]!);
      if (command === 0) {
        throw new TraceSyntaxError(line, `unknown command '${shown(bytes, wordStart[0]!, wordEnd[0]!)}' (expected ${COMMANDS})`);
      }
      const arity = command === TraceOp.Alloc ? 4 : command === TraceOp.Register ? 3 : command === TraceOp.Dump ? 1 : 2;
      if (words !== arity) {
        // A file whose lines end with CR alone (classic Mac OS) is one long line here: say so.
        const loneCr = bytes.subarray(lineStart, i).indexOf(13);
        const crHint =
          loneCr >= 0 && lineStart + loneCr < i - 1 ? ' (a CR inside the line: lines end with LF or CR LF, not CR alone)' : '';
        // The CR of a CR LF line end is no part of the line: not quoted (as `\u{d}`).
        const lineEnd = i < to && bytes[i - 1] === 13 ? i - 1 : i;
        throw new TraceSyntaxError(
          line,
          `'${shown(bytes, wordStart[0]!, wordEnd[0]!)}' takes ${USAGE[command]}: "${shown(bytes, lineStart, lineEnd).trim()}"${crHint}`,
        );
      }
      if (command === PAGE_COMMAND) {
        this.page(bytes, line);
        continue;
      }
      if (!this.begun) this.begin();
      switch (command) {
        case TraceOp.Alloc: {
          const id = this.ids.intern(bytes, wordStart[1]!, wordEnd[1]!);
          const units = parseCount(bytes, wordStart[3]!, wordEnd[3]!, line, 'units');
          this.sink.alloc(id, this.names.intern(bytes, wordStart[2]!, wordEnd[2]!), units, line);
          break;
        }
        case TraceOp.Free: {
          const id = this.ids.find(bytes, wordStart[1]!, wordEnd[1]!);
          if (id < 0) {
            throw new TraceSyntaxError(
              line,
              `free of '${shown(bytes, wordStart[1]!, wordEnd[1]!)}', which no earlier alloc line named`,
            );
          }
          this.sink.free(id, line);
          break;
        }
        case TraceOp.Register: {
          const size = parseCount(bytes, wordStart[2]!, wordEnd[2]!, line, 'struct size');
          this.sink.register(this.names.intern(bytes, wordStart[1]!, wordEnd[1]!), size, line);
          break;
        }
        default:
          this.sink.dump(line);
      }
    }
    return Math.min(position, to);
  }

  /**
   * Reads the line at `p` when it is `alloc ID NAME UNITS` or `free ID` written the way traces
   * are written (single spaces, LF or CRLF, a known ID for free, units in range) and returns where
   * the next line starts; else -1 before anything changed, and the general path reads the line
   * (and names what is wrong with it). A newline lies ahead of `p` in `bytes`: every scan stops
   * at a byte <= 32, so none runs past it. One pass over the bytes, no word table.
   */
  private commonLine(bytes: Uint8Array, p: number): number {
    const lineStart = p;
    let command: TraceOp;
    if (bytes[p] === 97) {
      if (bytes[p + 1] !== 108 || bytes[p + 2] !== 108 || bytes[p + 3] !== 111 || bytes[p + 4] !== 99) return -1;
      if (bytes[p + 5] !== 32) return -1;
      command = TraceOp.Alloc;
      p += 6;
    } else if (bytes[p] === 102) {
      if (bytes[p + 1] !== 114 || bytes[p + 2] !== 101 || bytes[p + 3] !== 101 || bytes[p + 4] !== 32) return -1;
      command = TraceOp.Free;
      p += 5;
    } else {
      return -1;
    }
    const idStart = p;
    let c = bytes[p]!;
    if (c <= 32) return -1;
    // The ID's bytes after its first, read as decimal digits on the way (-1 once one is not).
    let digits = 0;
    c = bytes[++p]!;
    while (c > 32) {
      digits = digits >= 0 && c >= 48 && c <= 57 ? digits * 10 + (c - 48) : -1;
      c = bytes[++p]!;
    }
    const idEnd = p;
    const number = idNumber(bytes, idStart, idEnd, digits);
    if (command === TraceOp.Free) {
      if (c === 13) c = bytes[++p]!;
      if (c !== 10 || p - lineStart > MAX_LINE_BYTES) return -1;
      const id = this.ids.findNumbered(number, bytes, idStart, idEnd);
      if (id < 0) return -1;
      const line = ++this.lineNumber;
      if (!this.begun) this.begin();
      this.sink.free(id, line);
      return p + 1;
    }
    if (c !== 32) return -1;
    const nameStart = ++p;
    while ((c = bytes[p]!) > 32) p++;
    const nameEnd = p;
    if (nameEnd === nameStart || c !== 32) return -1;
    const unitsStart = ++p;
    let units = 0;
    while ((c = bytes[p]!) >= 48 && c <= 57) {
      units = units * 10 + (c - 48);
      p++;
    }
    if (p === unitsStart || p - unitsStart > 10 || units > MAX_COUNT) return -1;
    if (c === 13) c = bytes[++p]!;
    if (c !== 10 || p - lineStart > MAX_LINE_BYTES) return -1;
    const line = ++this.lineNumber;
    if (!this.begun) this.begin();
    const id = this.ids.internNumbered(number, bytes, idStart, idEnd);
    this.sink.alloc(id, this.names.intern(bytes, nameStart, nameEnd), units, line);
    return p + 1;
  }

  /** Ends the trace (after the last `read`): a trace without operations still begins. */
  finish(): void {
    if (!this.begun) this.begin();
  }

  private begin(): void {
    this.begun = true;
    this.sink.begin(this.pageSize);
  }

  private page(bytes: Uint8Array, line: number): void {
    if (this.pageSeen) throw new TraceSyntaxError(line, 'a second page line');
    if (this.begun) throw new TraceSyntaxError(line, "'page' must come before any reg, alloc, free or dump");
    const size = parseCount(bytes, this.wordStart[1]!, this.wordEnd[1]!, line, 'page size');
    if (size < MIN_PAGE_SIZE || size > MAX_PAGE_SIZE || size % 8 !== 0) {
      throw new TraceSyntaxError(
        line,
        `page size must be a multiple of 8 from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}, not ${size}`,
      );
    }
    this.pageSize = size;
    this.pageSeen = true;
  }

  private lineTooLong(bytes: Uint8Array, lineStart: number, end: number): TraceSyntaxError {
    // A file whose lines end with CR alone is one long line here: say so (a CR before its LF is no hint).
    const cr = bytes.subarray(lineStart, end).indexOf(13);
    const crHint = cr >= 0 && lineStart + cr < end - 1 ? ' (a CR inside the line: lines end with LF or CR LF, not CR alone)' : '';
    return new TraceSyntaxError(
      this.lineNumber + 1,
      `a line longer than ${MAX_LINE_BYTES} bytes (a trace line is a command and its words)${crHint}: "${shown(bytes, lineStart, end)}"`,
    );
  }

  private controlByte(bytes: Uint8Array, lineStart: number, at: number, c: number): TraceSyntaxError {
    const name = c === 0 ? 'a NUL byte' : `control byte 0x${c.toString(16).padStart(2, '0')}`;
    // The column an editor shows: UTF-16 units of the line as decoded, where each byte sequence
    // that is not UTF-8 is one U+FFFD (the project's other positions count the same way).
    const column = UTF8.decode(bytes.subarray(lineStart, at)).length + 1;
    // The line number counts this line only once it is complete: it is the next one.
    return new TraceSyntaxError(this.lineNumber + 1, `${name} at column ${column} (a trace is text)`);
  }
}

/** The command word bytes[start, end) as an operation code (PAGE_COMMAND for page), 0 if unknown. */
function commandOf(bytes: Uint8Array, start: number, end: number): number {
  switch (bytes[start]) {
    case 97: // a
      return isWord(bytes, start, end, 'alloc') ? TraceOp.Alloc : 0;
    case 102: // f
      return isWord(bytes, start, end, 'free') ? TraceOp.Free : 0;
    case 114: // r
      return isWord(bytes, start, end, 'reg') ? TraceOp.Register : 0;
    case 100: // d
      return isWord(bytes, start, end, 'dump') ? TraceOp.Dump : 0;
    case 112: // p
      return isWord(bytes, start, end, 'page') ? PAGE_COMMAND : 0;
    default:
      return 0;
  }
}

function isWord(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** A whole number from bytes[start, end), or a syntax error naming the line. */
function parseCount(bytes: Uint8Array, start: number, end: number, line: number, what: string): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) {
      throw new TraceSyntaxError(line, `${what} must be a whole number, not '${shown(bytes, start, end)}'`);
    }
    value = value * 10 + digit;
  }
  if (value > MAX_COUNT) throw new TraceSyntaxError(line, `${what} ${shown(bytes, start, end)} is too large`);
  return value;
}

/** bytes[start, end) as text for a message: decoded as UTF-8, cut when long. */
function shown(bytes: Uint8Array, start: number, end: number): string {
  const cut = end - start > SHOWN_WORD;
  const text = visibleText(UTF8.decode(bytes.subarray(start, cut ? start + SHOWN_WORD : end)));
  return cut ? `${text}…` : text;
}
