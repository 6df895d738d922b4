/**
 * The run's allocation log: every block a harness was given, in allocation order (the id is the
 * index), one typed column per field so a run of millions of blocks makes no per-block objects.
 * A freed block's row stays (with its free step and call path): views and pointers of it keep
 * reporting use-after-free after LMM hands its address out again.
 */
import type { AllocationFacts, AllocationList, AllocationRecord, Site } from '../../analysis/analysisInput';
import type { Family } from '../../engine/family';
import { grow } from './callPaths';

export class AllocationLog {
  count = 0;
  /** 1 per allocation id once freed (read by every view access, so a plain typed array). */
  freed = new Uint8Array(1024);
  private address = new Float64Array(1024);
  private units = new Int32Array(1024);
  private family = new Int32Array(1024);
  private path = new Int32Array(1024);
  private allocStep = new Int32Array(1024);
  private freeStep = new Int32Array(1024);
  private freePath = new Int32Array(1024);
  /** Data address → the last allocation made there (live or freed). */
  private readonly lastAt = new Map<number, number>();

  /** Logs a block given out at `step` on call path `path`; returns its allocation id. */
  add(address: number, units: number, family: number, path: number, step: number): number {
    const id = this.count++;
    if (id === this.address.length) {
      this.address = grow(this.address);
      this.units = grow(this.units);
      this.family = grow(this.family);
      this.path = grow(this.path);
      this.allocStep = grow(this.allocStep);
      this.freeStep = grow(this.freeStep);
      this.freePath = grow(this.freePath);
      this.freed = grow(this.freed);
    }
    this.address[id] = address;
    this.units[id] = units;
    this.family[id] = family;
    this.path[id] = path;
    this.allocStep[id] = step;
    this.freeStep[id] = -1;
    this.lastAt.set(address, id);
    return id;
  }

  /**
   * A realloc that kept the block in place: the block is now the realloc's allocation (its call
   * path), as memcheck names the realloc as where a block it returned was allocated.
   */
  reallocatedInPlace(id: number, path: number): void {
    this.path[id] = path;
  }

  markFreed(id: number, step: number, path: number): void {
    this.freed[id] = 1;
    this.freeStep[id] = step;
    this.freePath[id] = path;
  }

  isFreed(id: number): boolean {
    return this.freed[id] !== 0;
  }

  addressOf(id: number): number {
    return this.address[id]!;
  }

  unitsOf(id: number): number {
    return this.units[id]!;
  }

  familyOf(id: number): number {
    return this.family[id]!;
  }

  allocPathOf(id: number): number {
    return this.path[id]!;
  }

  freePathOf(id: number): number {
    return this.freePath[id]!;
  }

  /** The last allocation made at this data address (live or freed), if any. */
  lastAllocationAt(address: number): number | undefined {
    return this.lastAt.get(address);
  }

  /**
   * Every allocation as the analyses read them, made on demand from the columns (`stackOf` turns a
   * call-path id into its frames): the end-of-run report of ten million allocations reads them one
   * at a time instead of holding ten million objects (gigabytes, past the run's memory limit).
   */
  list(families: readonly Family[], stackOf: (path: number) => Site[]): AllocationList {
    const count = this.count;
    return {
      length: count,
      at: (id) => (id >= 0 && id < count ? this.record(id, families, stackOf) : undefined),
      liveRecords: () => this.liveRecords(families, stackOf),
      forEachRecord: (visit) => {
        const record: AllocationFacts = {
          id: 0,
          address: 0,
          units: 0,
          struct: '',
          bytes: 0,
          stack: [],
          allocStep: 0,
          freeStep: 0,
        };
        for (let id = 0; id < count; id++) visit(this.fill(record, id, families, stackOf), id);
      },
    };
  }

  /** The live blocks' records, in allocation order: what a leak check reads (freed rows are skipped, not made). */
  liveRecords(families: readonly Family[], stackOf: (path: number) => Site[]): AllocationRecord[] {
    const live: AllocationRecord[] = [];
    for (let id = 0; id < this.count; id++) if (this.freed[id] === 0) live.push(this.record(id, families, stackOf));
    return live;
  }

  private record(id: number, families: readonly Family[], stackOf: (path: number) => Site[]): AllocationRecord {
    const record = this.fill({} as AllocationRecord, id, families, stackOf);
    if (this.freed[id] !== 0) record.freeStack = stackOf(this.freePath[id]!);
    return record;
  }

  /** Writes allocation `id`'s facts into `record` (a fresh object, or one refilled for each id). */
  private fill<T extends AllocationFacts>(
    record: T,
    id: number,
    families: readonly Family[],
    stackOf: (path: number) => Site[],
  ): T {
    const family = families[this.family[id]!]!;
    record.id = id;
    record.address = this.address[id]!;
    record.units = this.units[id]!;
    record.struct = family.name;
    record.bytes = record.units * family.structSize;
    record.stack = stackOf(this.path[id]!);
    record.allocStep = this.allocStep[id]!;
    record.freeStep = this.freeStep[id]!;
    return record;
  }
}
