/**
 * What the harness runtime (src/harness/) hands to the analyses (src/analysis/): leak
 * classification, loss records, site statistics, peak breakdown, hints and reports.
 * Pure data plus the live heap; no Node, no vscode, so the analyses run in the harness worker
 * (where `mm_leak_check()` must answer synchronously) and anywhere else.
 *
 * Contract owners: harness runtime produces it, analysis consumes it. Change it only together.
 */
import type { LmmHeap } from '../engine/lmmHeap';

/** A position in the harness .ts source, 1-based. */
export interface Site {
  file: string;
  line: number;
  column: number;
}

/** One field of a struct's C layout (x86-64 ABI), for hovers and padding hints. */
export interface FieldLayout {
  name: string;
  /** C-like type text: 'u32', 'char[32]', 'student_t *', 'point_t', 'u32[4]', 'point_t[3]'. */
  type: string;
  offset: number;
  size: number;
  align: number;
}

export interface StructLayout {
  name: string;
  size: number;
  align: number;
  fields: FieldLayout[];
  /**
   * Byte offsets, within one unit, of every pointer field, nested structs and arrays flattened
   * (a `ptr` inside `point_t[3]` at offset 8 of a 24-byte point_t gives 8, 32, 56 ...).
   */
  pointerOffsets: number[];
  /** Where the struct's class is declared, when known. */
  site?: Site;
}

/** One XCALLOC that succeeded, for the whole run (freed or not). */
export interface AllocationRecord {
  /** Allocation order: 0, 1, 2 …; earlier allocations have smaller ids. */
  id: number;
  /** Data address of the block (meta + 48). */
  address: number;
  units: number;
  struct: string;
  /** units × struct size. */
  bytes: number;
  /** Harness call stack of the XCALLOC, innermost first, at most 8 frames. */
  stack: Site[];
  /** Heap step (see `RunData.steps`) at which it was allocated / freed (-1: still live). */
  allocStep: number;
  freeStep: number;
  freeStack?: Site[];
}

/**
 * Allocations by position: an array of records, or a run's allocation log read column by column.
 * A log makes a fresh record on each `at` rather than keeping one object per allocation: a run of
 * ten million allocations would otherwise need gigabytes for its end-of-run report. So a reader
 * takes what it needs from a record and does not keep the record.
 */
export interface AllocationList {
  readonly length: number;
  /** The record at `index` (0 ≤ index < length). */
  at(index: number): AllocationRecord | undefined;
  /** The records of the blocks still live, in allocation order (a log reads them without the freed ones). */
  liveRecords?(): AllocationRecord[];
  /** Calls `visit` for each record in order with ONE object refilled each time (a log makes none). */
  forEachRecord?(visit: (record: Readonly<AllocationFacts>, index: number) => void): void;
}

/** A record without its free stack: what a pass over every allocation reads. */
export type AllocationFacts = Omit<AllocationRecord, 'freeStack'>;

/**
 * Visits every allocation in order. The record passed may be one object refilled for each
 * allocation (a log's): a visitor copies what it keeps, never the record itself.
 */
export function forEachAllocation(list: AllocationList, visit: (record: Readonly<AllocationFacts>, index: number) => void): void {
  if (list.forEachRecord) {
    list.forEachRecord(visit);
    return;
  }
  for (let i = 0; i < list.length; i++) visit(list.at(i)!, i);
}

/** The live blocks' records of `list`, in its order: what a leak check reads. */
export function liveAllocationRecords(list: AllocationList): AllocationRecord[] {
  if (list.liveRecords) return list.liveRecords();
  const live: AllocationRecord[] = [];
  for (let i = 0; i < list.length; i++) {
    const record = list.at(i)!;
    if (record.freeStep === -1) live.push(record);
  }
  return live;
}

/** A root: what the C program would hold in a global (`mm_register_root`). */
export interface RootRecord {
  /** The address the root holds (usually a block's data address; may be interior). */
  address: number;
  /** A name for reports, e.g. the struct and site of registration. */
  label: string;
  site?: Site;
}

export type MemoryErrorKind =
  | 'double-free'
  | 'invalid-free'
  | 'use-after-free'
  | 'out-of-bounds'
  | 'unregistered-struct'
  | 'too-large'
  | 'out-of-memory'
  | 'duplicate-registration'
  | 'struct-too-large';

/** The read or write a use-after-free or out-of-bounds error was, as memcheck names it. */
export interface MemoryAccess {
  operation: 'read' | 'write';
  /** Bytes read or written. */
  size: number;
  /** The field accessed (`rollno`, `marks[4]`), or `[i]` for a byte of a buffer. */
  field: string;
  /** Where the access starts from the block's first byte: negative before it, `blockBytes` or more past its end. */
  offset: number;
  /** The block's payload size in bytes, and the struct it holds (`buf` for a buffer). */
  blockBytes: number;
  struct: string;
}

/** A memory error, de-duplicated per (kind, innermost site): `count` occurrences. */
export interface MemoryErrorRecord {
  kind: MemoryErrorKind;
  message: string;
  count: number;
  site: Site;
  stack: Site[];
  /** The first frame of `allocStack` (kept for readers of the allocating line alone). */
  allocSite?: Site;
  /** The first frame of `freeStack`, when the block was freed. */
  freeSite?: Site;
  /** The block's allocation stack, innermost first, as memcheck's "Block was alloc'd at". */
  allocStack?: Site[];
  /** The block's free stack, innermost first, when it was freed (memcheck's "free'd" stack). */
  freeStack?: Site[];
  /** The 0-based index of its first occurrence's heap operation (it is at step `event + 1`; see `stepNumber`). */
  event: number;
  /** For an access through a view (use-after-free, out-of-bounds): what it read or wrote, and where. */
  access?: MemoryAccess;
}

/** Everything the analyses need at the end of a run (or at a leak check, with `live` only). */
export interface RunData {
  harnessFile: string;
  heap: LmmHeap;
  structs: StructLayout[];
  /** Every successful allocation in order (index = id). */
  allocations: AllocationList;
  roots: RootRecord[];
  errors: MemoryErrorRecord[];
  /** Number of heap steps (one per XCALLOC/XFREE/registration call, failed ones included). */
  steps: number;
  /**
   * The calls memcheck's "total heap usage" counts that allocated or freed no block of
   * `allocations`: a realloc that kept its block in place or was refused (memcheck's realloc
   * always allocates a block of the new size and frees the old one), and a refused free.
   */
  callsWithoutBlocks?: HeapUsageCalls;
  /**
   * When the harness last stored each pointer it wrote, by the pointer's address: the number of
   * allocations made by then (`get`), and when the value it holds was first stored (`since`: a
   * copied pointer's source's). A pointer whose value was stored before the block it now points at
   * was allocated held the address of a freed block (or of none), which LMM has handed out again;
   * memcheck keeps freed blocks out of use, so for it such a pointer reaches nothing (see `checkLeaks`).
   */
  pointerWrites?: {
    get(address: number): number | undefined;
    since(address: number): number | undefined;
    /** The earliest `since` older than its pointer's store (Infinity when no copy made one). */
    readonly earliestCopiedSince: number;
  };
}

/** Allocation and free calls, and the bytes the allocations asked for. */
export interface HeapUsageCalls {
  allocs: number;
  frees: number;
  bytes: number;
}
