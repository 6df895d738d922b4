/**
 * Builds RunData the way the harness runtime does, straight on an LmmHeap: register structs,
 * xcalloc blocks, write pointers into the page bytes, free, register roots.
 */
import type {
  AllocationRecord,
  MemoryErrorRecord,
  RootRecord,
  RunData,
  Site,
  StructLayout,
} from '../../src/analysis/analysisInput';
import { layOutStruct, type FieldSpec } from '../../src/analysis/cLayout';
import { LmmHeap } from '../../src/engine/lmmHeap';
import { writePointer } from '../../src/engine/pointers';

export const FILE = '/work/examples/test.lmm.ts';

export function site(line: number, column = 3, file = FILE): Site {
  return { file, line, column };
}

export const u32 = (name: string): FieldSpec => ({ name, type: 'u32', size: 4, align: 4 });
export const u8 = (name: string): FieldSpec => ({ name, type: 'u8', size: 1, align: 1 });
export const u64 = (name: string): FieldSpec => ({ name, type: 'u64', size: 8, align: 8 });
export const chars = (name: string, n: number): FieldSpec => ({ name, type: `char[${n}]`, size: n, align: 1 });
export const ptr = (name: string, target: string): FieldSpec => ({
  name,
  type: `${target} *`,
  size: 8,
  align: 8,
  pointerOffsets: [0],
});

export class RunDataBuilder {
  readonly heap: LmmHeap;
  readonly structs: StructLayout[] = [];
  readonly allocations: AllocationRecord[] = [];
  readonly roots: RootRecord[] = [];
  readonly errors: MemoryErrorRecord[] = [];
  steps = 0;
  private readonly byAddress = new Map<number, AllocationRecord>();
  private readonly stacks = new Map<string, Site[]>();

  constructor(pageSize = 4096) {
    this.heap = new LmmHeap({ pageSize });
  }

  struct(name: string, fields: FieldSpec[]): StructLayout {
    const layout = layOutStruct(name, fields);
    this.structs.push(layout);
    if (this.heap.register(name, layout.size) < 0) throw new Error(this.heap.lastError!.message);
    this.steps++;
    return layout;
  }

  /** Allocates `units` × struct at harness line `line` (stack: that line, then `callers`). */
  alloc(struct: string, units = 1, line = 10, callers: number[] = []): number {
    const address = this.heap.xcallocStruct(struct, units);
    if (address === 0) throw new Error(this.heap.lastError!.message);
    const size = this.structs.find((s) => s.name === struct)!.size;
    const record: AllocationRecord = {
      id: this.allocations.length,
      address,
      units,
      struct,
      bytes: units * size,
      stack: this.stack([line, ...callers]),
      allocStep: this.steps++,
      freeStep: -1,
    };
    this.allocations.push(record);
    this.byAddress.set(address, record);
    return address;
  }

  free(address: number, line = 50): void {
    if (!this.heap.xfree(address)) throw new Error(this.heap.lastError!.message);
    const record = this.byAddress.get(address)!;
    record.freeStep = this.steps++;
    record.freeStack = this.stack([line]);
    this.byAddress.delete(address);
  }

  /** Stores `target` in the pointer field at `offset` bytes into the block at `from`. */
  link(from: number, offset: number, target: number): void {
    writePointer(this.heap.kernel.view(from), from - this.heap.kernel.pageOf(from) + offset, target);
  }

  root(address: number, label = 'root', line = 40): void {
    this.roots.push({ address, label, site: site(line) });
  }

  data(): RunData {
    return {
      harnessFile: FILE,
      heap: this.heap,
      structs: this.structs,
      allocations: this.allocations,
      roots: this.roots,
      errors: this.errors,
      steps: this.steps,
    };
  }

  /** One shared array per distinct stack, as the harness runtime interns them. */
  private stack(lines: number[]): Site[] {
    const key = lines.join(',');
    let stack = this.stacks.get(key);
    if (stack === undefined) {
      stack = lines.map((l) => site(l));
      this.stacks.set(key, stack);
    }
    return stack;
  }
}
