/**
 * A workload: what any source (a malloc-lab trace, a conformance trace, later a harness run)
 * asks of an allocator, as typed arrays so that replaying it allocates nothing per operation.
 */
import { isStructName } from '../engine/lmmHeap';
import { TraceOp, type TraceProgram } from '../trace/traceProgram';

export const enum WorkOp {
  Alloc = 0,
  Realloc = 1,
  Free = 2,
}

export interface Workload {
  name: string;
  pageSize: number;
  length: number;
  /** Per operation: kind, allocation id, requested bytes, family (-1: plain bytes), units, source line. */
  ops: Uint8Array;
  ids: Int32Array;
  bytes: Int32Array;
  families: Int32Array;
  units: Int32Array;
  lines: Int32Array;
  /** How many ids there are (ids run from 0). */
  idCount: number;
  /** Struct families in registration order (empty for plain byte requests). */
  familyTable: { name: string; size: number }[];
}

/** Builds a workload operation by operation. */
export class WorkloadBuilder {
  private capacity = 1024;
  private length = 0;
  private ops = new Uint8Array(this.capacity);
  private ids = new Int32Array(this.capacity);
  private bytes = new Int32Array(this.capacity);
  private families = new Int32Array(this.capacity);
  private units = new Int32Array(this.capacity);
  private lines = new Int32Array(this.capacity);
  private idCount = 0;
  readonly familyTable: { name: string; size: number }[] = [];

  push(op: WorkOp, id: number, bytes: number, line: number, family = -1, units = 0): void {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      this.ops = grow(this.ops, new Uint8Array(this.capacity));
      this.ids = grow(this.ids, new Int32Array(this.capacity));
      this.bytes = grow(this.bytes, new Int32Array(this.capacity));
      this.families = grow(this.families, new Int32Array(this.capacity));
      this.units = grow(this.units, new Int32Array(this.capacity));
      this.lines = grow(this.lines, new Int32Array(this.capacity));
    }
    const i = this.length++;
    this.ops[i] = op;
    this.ids[i] = id;
    this.bytes[i] = bytes;
    this.families[i] = family;
    this.units[i] = units;
    this.lines[i] = line;
    if (id >= this.idCount) this.idCount = id + 1;
  }

  build(name: string, pageSize: number, idCount = 0): Workload {
    return {
      name,
      pageSize,
      length: this.length,
      ops: this.ops.subarray(0, this.length),
      ids: this.ids.subarray(0, this.length),
      bytes: this.bytes.subarray(0, this.length),
      families: this.families.subarray(0, this.length),
      units: this.units.subarray(0, this.length),
      lines: this.lines.subarray(0, this.length),
      idCount: Math.max(idCount, this.idCount),
      familyTable: this.familyTable,
    };
  }
}

/**
 * A conformance trace (`lmm trace` format) as a workload: its registrations become the family
 * table, its allocs struct requests. Allocs of a struct never registered (they fail in LMM: a
 * name no `reg` line gave, or one LMM refuses to register, `reg é 8`) and dumps carry nothing
 * for a comparison and are left out.
 */
export function workloadFromTrace(name: string, program: TraceProgram): Workload {
  const builder = new WorkloadBuilder();
  const familyOfName = new Map<number, number>();
  for (let i = 0; i < program.length; i++) {
    const op = program.ops[i];
    const line = program.lines[i]!;
    if (op === TraceOp.Register) {
      const nameIndex = program.argA[i]!;
      // Registered with its name refused, a family would fail every alloc as an integrity error.
      if (familyOfName.has(nameIndex) || !isStructName(program.names[nameIndex]!)) continue;
      familyOfName.set(nameIndex, builder.familyTable.length);
      builder.familyTable.push({ name: program.names[nameIndex]!, size: program.argB[i]! });
    } else if (op === TraceOp.Alloc) {
      const family = familyOfName.get(program.argB[i]!);
      if (family === undefined) continue;
      const units = program.argC[i]!;
      const bytes = units * builder.familyTable[family]!.size;
      // A workload holds bytes and units as 32-bit integers; LMM refuses such requests anyway
      // (units of a 0-byte struct aside), so they are left out like failed allocs.
      if (bytes > 0x7fffffff || units > 0x7fffffff) continue;
      builder.push(WorkOp.Alloc, program.argA[i]!, bytes, line, family, units);
    } else if (op === TraceOp.Free) {
      builder.push(WorkOp.Free, program.argA[i]!, 0, line);
    }
  }
  return builder.build(name, program.pageSize, program.ids.length);
}

function grow<T extends Uint8Array | Int32Array>(old: T, bigger: T): T {
  bigger.set(old as never);
  return bigger;
}
