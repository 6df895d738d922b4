/**
 * Replays a parsed trace on an LMM heap with the output docs/trace-format.md describes: `ok` / `null` for every
 * alloc and one JSON line per dump on the output, diagnostics apart. IDs are the layer that knows
 * which allocation a name came from, so a second free of an ID is caught here (reported, heap
 * unchanged) and never reaches xfree, where the address may already belong to a new block.
 *
 * One replayer serves both ways of reading a trace: as the sink of a TraceReader (operations
 * replayed as their lines are read) and driven by a parsed TraceProgram (`replayTrace`).
 */
import { LmmHeap, nameInMessage, type HeapOptions } from '../engine/lmmHeap';
import { handleOf } from '../engine/pointers';
import { ByteOutput } from './byteOutput';
import { writeDump } from './dumpWriter';
import { TraceOp, type TraceSink } from './traceReader';
import type { TraceProgram } from './traceProgram';

export interface TraceDiagnostic {
  line: number;
  message: string;
}

export interface ReplayHooks {
  /** Called at every dump instead of writing the JSON dump line (for report mode). */
  onDump?: (heap: LmmHeap, line: number) => string;
  /** Called before each operation with its index (for event recording and progress). */
  beforeOp?: (heap: LmmHeap, index: number, line: number) => void;
  /**
   * Called after a dump once the output holds `fullAt` bytes or more, or the diagnostics
   * `fullAt / 64`: a few lines of trace can ask for gigabytes of dumps, which the caller writes
   * out (and clears) or refuses to hold.
   */
  onFull?: () => void;
  fullAt?: number;
}

export interface ReplayResult {
  heap: LmmHeap;
  /** Standard output, as chunks to be joined. */
  output: string[];
  diagnostics: TraceDiagnostic[];
}

/**
 * What an ID's entry holds when its block is not live. A live block's entry is the handle of its
 * data address (pointers.ts: the low 32 bits as an int32), which is never one of these: read
 * unsigned, those bits are 2^32 − (slot + 1) × pageSize + offset, with an offset in the page of at
 * least 72 and (slot + 1) × pageSize at most 2^32 − 2 pages (the memory cap), so at least
 * 2 × pageSize + 72. As an int32 the handle is negative, or positive above 2 past the 2 GiB point.
 */
const enum IdState {
  Unused = 0,
  Freed = 1,
  Failed = 2,
}

/** The texts behind a trace's indices, read only for registrations and messages. */
export interface TraceNames {
  name(index: number): string;
  id(index: number): string;
}

export class TraceReplayer implements TraceSink {
  heap: LmmHeap | null = null;
  /** Standard output so far, as UTF-8 bytes. */
  readonly output = new ByteOutput();
  readonly diagnostics: TraceDiagnostic[] = [];
  /**
   * Per ID, one int32: the handle of its live block's data address (LmmHeap.xcallocHandle), or
   * an IdState. Four bytes an ID: a free of an old ID in a big trace reads this table at a random
   * place, and the smaller the table the likelier that place is in the cache.
   */
  private idBlocks = new Int32Array(1024);
  /** Struct name index → family id (-1 = not registered through that name yet). */
  private familyOfName: Int32Array = new Int32Array(16).fill(-1);
  private operations = 0;

  constructor(
    private readonly texts: TraceNames,
    private readonly options: Omit<HeapOptions, 'pageSize'> = {},
    private readonly hooks: ReplayHooks = {},
  ) {}

  begin(pageSize: number): void {
    this.heap = new LmmHeap({ ...this.options, pageSize });
  }

  register(name: number, size: number, line: number): void {
    const heap = this.before(line);
    const family = heap.register(this.texts.name(name), size);
    if (family < 0) this.diagnose({ line, message: heap.lastError!.message });
    else {
      if (name >= this.familyOfName.length) this.familyOfName = grownFamilies(this.familyOfName, name);
      this.familyOfName[name] = family;
    }
  }

  alloc(id: number, name: number, units: number, line: number): void {
    const heap = this.before(line);
    if (id >= this.idBlocks.length) this.growIds(id);
    let family = name < this.familyOfName.length ? this.familyOfName[name]! : -1;
    if (family < 0) family = heap.familyId(this.texts.name(name));
    let block: number;
    if (family >= 0) block = heap.xcallocHandle(family, units);
    else {
      const address = heap.xcallocStruct(this.texts.name(name), units);
      block = address === 0 ? 0 : handleOf(address);
    }
    if (block === 0) {
      this.idBlocks[id] = IdState.Failed;
      this.output.writeAscii('null\n');
      this.diagnose({ line, message: `alloc ${nameInMessage(this.texts.id(id))} failed: ${heap.lastError!.message}` });
    } else {
      this.idBlocks[id] = block;
      this.output.writeAscii('ok\n');
    }
  }

  free(id: number, line: number): void {
    const heap = this.before(line);
    const entry = id < this.idBlocks.length ? this.idBlocks[id]! : IdState.Unused;
    if (entry < 0 || entry > IdState.Failed) {
      // The entry is the handle xcallocHandle gave this ID, not freed since: the heap need not
      // prove it again.
      if (!heap.xfreeLiveHandle(entry)) this.diagnose({ line, message: heap.lastError!.message });
      this.idBlocks[id] = IdState.Freed;
    } else if (entry === IdState.Freed) {
      this.diagnose({ line, message: `double free of ${nameInMessage(this.texts.id(id))} (heap unchanged)` });
    }
  }

  dump(line: number): void {
    const heap = this.before(line);
    if (this.hooks.onDump) this.output.writeText(this.hooks.onDump(heap, line));
    else {
      writeDump(heap, this.output);
      this.output.writeAscii('\n');
    }
    this.checkFull();
  }

  private diagnose(diagnostic: TraceDiagnostic): void {
    this.diagnostics.push(diagnostic);
    this.checkFull();
  }

  private checkFull(): void {
    const fullAt = this.hooks.fullAt;
    if (fullAt !== undefined && (this.output.length >= fullAt || this.diagnostics.length >= fullAt / 64)) {
      this.hooks.onFull?.();
    }
  }

  /** The heap, output and diagnostics once every operation was replayed. */
  result(): ReplayResult {
    if (this.heap === null) throw new Error('replay result asked for before the trace began');
    return { heap: this.heap, output: [this.output.text()], diagnostics: this.diagnostics };
  }

  private before(line: number): LmmHeap {
    const heap = this.heap!;
    const index = this.operations++;
    if (this.hooks.beforeOp !== undefined) this.hooks.beforeOp(heap, index, line);
    return heap;
  }

  private growIds(id: number): void {
    let capacity = this.idBlocks.length * 2;
    while (capacity <= id) capacity *= 2;
    const idBlocks = new Int32Array(capacity);
    idBlocks.set(this.idBlocks);
    this.idBlocks = idBlocks;
  }
}

function grownFamilies(old: Int32Array, index: number): Int32Array {
  let capacity = old.length * 2;
  while (capacity <= index) capacity *= 2;
  const bigger = new Int32Array(capacity).fill(-1);
  bigger.set(old);
  return bigger;
}

/** Replays a parsed trace. */
export function replayTrace(
  program: TraceProgram,
  options: Omit<HeapOptions, 'pageSize'> = {},
  hooks: ReplayHooks = {},
): ReplayResult {
  const replayer = new TraceReplayer(
    { name: (index) => program.names[index]!, id: (index) => program.ids.at(index) },
    options,
    hooks,
  );
  replayer.begin(program.pageSize);
  const { ops, argA, argB, argC, lines, length } = program;
  for (let i = 0; i < length; i++) {
    switch (ops[i] as TraceOp) {
      case TraceOp.Register:
        replayer.register(argA[i]!, argB[i]!, lines[i]!);
        break;
      case TraceOp.Alloc:
        replayer.alloc(argA[i]!, argB[i]!, argC[i]!, lines[i]!);
        break;
      case TraceOp.Free:
        replayer.free(argA[i]!, lines[i]!);
        break;
      case TraceOp.Dump:
        replayer.dump(lines[i]!);
        break;
    }
  }
  return replayer.result();
}
