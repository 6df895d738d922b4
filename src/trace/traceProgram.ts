/**
 * The conformance trace format (spec: Conformance traces), parsed into a compact program:
 * typed arrays of operations with interned IDs and struct names, so a 1,000,000-line trace
 * costs a few megabytes and replays without allocating per line.
 */

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
  ids: string[];
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

export function parseTrace(text: string, defaultPageSize = 4096): TraceProgram {
  let capacity = 1024;
  let ops = new Uint8Array(capacity);
  let argA = new Int32Array(capacity);
  let argB = new Int32Array(capacity);
  let argC = new Float64Array(capacity);
  let lines = new Int32Array(capacity);
  let length = 0;
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const ids: string[] = [];
  const idIndex = new Map<string, number>();
  let pageSize = defaultPageSize;
  let pageSeen = false;
  let started = false;

  const intern = (map: Map<string, number>, list: string[], key: string): number => {
    let index = map.get(key);
    if (index === undefined) {
      index = list.length;
      list.push(key);
      map.set(key, index);
    }
    return index;
  };
  const push = (op: TraceOp, a: number, b: number, c: number, line: number): void => {
    if (length === capacity) {
      capacity *= 2;
      ops = grow(ops, new Uint8Array(capacity));
      argA = grow(argA, new Int32Array(capacity));
      argB = grow(argB, new Int32Array(capacity));
      argC = grow(argC, new Float64Array(capacity));
      lines = grow(lines, new Int32Array(capacity));
    }
    ops[length] = op;
    argA[length] = a;
    argB[length] = b;
    argC[length] = c;
    lines[length] = line;
    length++;
  };

  let lineNumber = 0;
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNumber++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (end === n) break;
      continue;
    }
    const words = trimmed.split(/\s+/);
    const command = words[0]!;
    const expect = (count: number, usage: string): void => {
      if (words.length !== count) throw new TraceSyntaxError(lineNumber, `'${command}' takes ${usage}: "${trimmed}"`);
    };
    switch (command) {
      case 'page': {
        expect(2, 'one number: page SIZE');
        if (pageSeen) throw new TraceSyntaxError(lineNumber, 'a second page line');
        if (started) throw new TraceSyntaxError(lineNumber, "'page' must come before any reg, alloc, free or dump");
        pageSize = parseCount(words[1]!, lineNumber, 'page size');
        pageSeen = true;
        break;
      }
      case 'reg': {
        expect(3, 'a name and a size: reg NAME SIZE');
        started = true;
        push(
          TraceOp.Register,
          intern(nameIndex, names, words[1]!),
          parseCount(words[2]!, lineNumber, 'struct size'),
          0,
          lineNumber,
        );
        break;
      }
      case 'alloc': {
        expect(4, 'an ID, a struct name and units: alloc ID NAME UNITS');
        started = true;
        const id = intern(idIndex, ids, words[1]!);
        push(TraceOp.Alloc, id, intern(nameIndex, names, words[2]!), parseCount(words[3]!, lineNumber, 'units'), lineNumber);
        break;
      }
      case 'free': {
        expect(2, 'an ID: free ID');
        started = true;
        const id = idIndex.get(words[1]!);
        if (id === undefined) throw new TraceSyntaxError(lineNumber, `free of '${words[1]}', which no earlier alloc line named`);
        push(TraceOp.Free, id, 0, 0, lineNumber);
        break;
      }
      case 'dump': {
        expect(1, 'no arguments');
        started = true;
        push(TraceOp.Dump, 0, 0, 0, lineNumber);
        break;
      }
      default:
        throw new TraceSyntaxError(lineNumber, `unknown command '${command}' (expected ${COMMANDS})`);
    }
    if (end === n) break;
  }
  return { pageSize, length, ops, argA, argB, argC, lines, names, ids };
}

function parseCount(word: string, line: number, what: string): number {
  if (!/^\d+$/.test(word)) throw new TraceSyntaxError(line, `${what} must be a whole number, not '${word}'`);
  const value = Number(word);
  if (!Number.isSafeInteger(value) || value > 0xffffffff) throw new TraceSyntaxError(line, `${what} ${word} is too large`);
  return value;
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(old: T, bigger: T): T {
  bigger.set(old as never);
  return bigger;
}
