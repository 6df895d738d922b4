/**
 * A conformance trace (docs/trace-format.md) parsed into a compact program: typed arrays of operations with interned
 * IDs and struct names, so a 1,000,000-line trace costs a few megabytes and replays without
 * allocating per line. For callers that want every operation at hand (the extension's timeline,
 * workloads for the policies); `lmm trace` replays while it reads instead (see TraceReader).
 */
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { TraceOp, TraceReader, type TraceSink } from './traceReader';
import { utf8Encoder } from './utf8';

export { TraceOp, TraceSyntaxError } from './traceReader';

export interface TraceProgram {
  pageSize: number;
  /** Operation count and, per operation: kind, first and second argument, source line. */
  length: number;
  ops: Uint8Array;
  /** Register: name index; Alloc: ID index; Free: ID index. */
  argA: Int32Array;
  /** Register: struct size; Alloc: name index (units in `argC`). */
  argB: Float64Array;
  argC: Float64Array;
  lines: Int32Array;
  names: string[];
  /** The IDs, by index; their text is made only when asked for (diagnostics). */
  ids: TraceIds;
}

export interface TraceIds {
  readonly length: number;
  at(index: number): string;
}

/**
 * The growing operation columns, as a sink of the reader. A class rather than a closure over
 * `let`s: V8 keeps captured, reassigned variables in a heap context, which made every access of
 * the hot loop a load.
 */
class ProgramColumns implements TraceSink {
  capacity = 1024;
  length = 0;
  pageSize = 0;
  ops = new Uint8Array(this.capacity);
  argA = new Int32Array(this.capacity);
  argB = new Float64Array(this.capacity);
  argC = new Float64Array(this.capacity);
  lines = new Int32Array(this.capacity);

  begin(pageSize: number): void {
    this.pageSize = pageSize;
  }
  register(name: number, size: number, line: number): void {
    this.push(TraceOp.Register, name, size, 0, line);
  }
  alloc(id: number, name: number, units: number, line: number): void {
    this.push(TraceOp.Alloc, id, name, units, line);
  }
  free(id: number, line: number): void {
    this.push(TraceOp.Free, id, 0, 0, line);
  }
  dump(line: number): void {
    this.push(TraceOp.Dump, 0, 0, 0, line);
  }

  private push(op: TraceOp, a: number, b: number, c: number, line: number): void {
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
    this.argB = grow(this.argB, new Float64Array(this.capacity));
    this.argC = grow(this.argC, new Float64Array(this.capacity));
    this.lines = grow(this.lines, new Int32Array(this.capacity));
  }
}

/** Parses a whole trace (text, or its bytes); throws TraceSyntaxError naming the line. */
export function parseTrace(input: string | Uint8Array, defaultPageSize = DEFAULT_PAGE_SIZE): TraceProgram {
  const bytes = typeof input === 'string' ? utf8Encoder.encode(input) : input;
  const columns = new ProgramColumns();
  const reader = new TraceReader(columns, defaultPageSize);
  reader.read(bytes, 0, bytes.length, true);
  reader.finish();
  const { pageSize, length, ops, argA, argB, argC, lines } = columns;
  return { pageSize, length, ops, argA, argB, argC, lines, names: reader.names.keys(), ids: reader.ids };
}

function grow<T extends Uint8Array | Int32Array | Float64Array>(old: T, bigger: T): T {
  bigger.set(old as never);
  return bigger;
}
