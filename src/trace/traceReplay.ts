/**
 * Replays a parsed trace on an LMM heap with the output docs/trace-format.md describes: `ok` / `null` for every
 * alloc and one JSON line per dump on the output, diagnostics apart. IDs are the layer that knows
 * which allocation a name came from, so a second free of an ID is caught here (reported, heap
 * unchanged) and never reaches xfree, where the address may already belong to a new block.
 */
import { LmmHeap, type HeapOptions } from '../engine/lmmHeap';
import { dumpHeap } from '../engine/traceDump';
import { TraceOp, type TraceProgram } from './traceProgram';

export interface TraceDiagnostic {
  line: number;
  message: string;
}

export interface ReplayHooks {
  /** Called at every dump instead of writing the JSON dump line (for report mode). */
  onDump?: (heap: LmmHeap, line: number) => string;
  /** Called before each operation with its index (for event recording and progress). */
  beforeOp?: (heap: LmmHeap, index: number, line: number) => void;
}

export interface ReplayResult {
  heap: LmmHeap;
  /** Standard output, as chunks to be joined. */
  output: string[];
  diagnostics: TraceDiagnostic[];
}

const enum IdState {
  Unused = 0,
  Live = 1,
  Freed = 2,
  Failed = 3,
}

export function replayTrace(
  program: TraceProgram,
  options: Omit<HeapOptions, 'pageSize'> = {},
  hooks: ReplayHooks = {},
): ReplayResult {
  const heap = new LmmHeap({ ...options, pageSize: program.pageSize });
  const output: string[] = [];
  const diagnostics: TraceDiagnostic[] = [];
  const addresses = new Float64Array(program.ids.length);
  const states = new Uint8Array(program.ids.length);
  const familyOfName = new Int32Array(program.names.length).fill(-1);
  const { ops, argA, argB, argC, lines, length } = program;
  // Output lines are collected as references to constant strings and joined in chunks:
  // appending with += would allocate a string per line.
  let pending: string[] = [];
  for (let i = 0; i < length; i++) {
    hooks.beforeOp?.(heap, i, lines[i]!);
    switch (ops[i] as TraceOp) {
      case TraceOp.Register: {
        const name = program.names[argA[i]!]!;
        const id = heap.register(name, argB[i]!);
        if (id < 0) diagnostics.push({ line: lines[i]!, message: heap.lastError!.message });
        else familyOfName[argA[i]!] = id;
        break;
      }
      case TraceOp.Alloc: {
        const nameIndex = argB[i]!;
        let family = familyOfName[nameIndex]!;
        if (family < 0) family = heap.familyId(program.names[nameIndex]!);
        const address = family < 0 ? heap.xcallocStruct(program.names[nameIndex]!, argC[i]!) : heap.xcalloc(family, argC[i]!);
        const slot = argA[i]!;
        if (address === 0) {
          states[slot] = IdState.Failed;
          addresses[slot] = 0;
          pending.push('null\n');
          diagnostics.push({ line: lines[i]!, message: `alloc ${program.ids.at(slot)} failed: ${heap.lastError!.message}` });
        } else {
          states[slot] = IdState.Live;
          addresses[slot] = address;
          pending.push('ok\n');
        }
        break;
      }
      case TraceOp.Free: {
        const slot = argA[i]!;
        const state = states[slot] as IdState;
        if (state === IdState.Live) {
          if (!heap.xfree(addresses[slot]!)) diagnostics.push({ line: lines[i]!, message: heap.lastError!.message });
          states[slot] = IdState.Freed;
        } else if (state === IdState.Freed) {
          diagnostics.push({ line: lines[i]!, message: `double free of ${program.ids.at(slot)} (heap unchanged)` });
        }
        break;
      }
      case TraceOp.Dump: {
        pending.push(hooks.onDump ? hooks.onDump(heap, lines[i]!) : JSON.stringify(dumpHeap(heap)) + '\n');
        break;
      }
    }
    if (pending.length >= 16384) {
      output.push(pending.join(''));
      pending = [];
    }
  }
  if (pending.length > 0) output.push(pending.join(''));
  return { heap, output, diagnostics };
}
