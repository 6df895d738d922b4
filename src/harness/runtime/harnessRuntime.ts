/**
 * The runtime behind the `lmm-studio` module a harness imports: one heap, the struct registry,
 * the C API's calls on them, roots, and the heap-op stream; the blocks given out are kept in the
 * allocation log (`allocationLog.ts`), the memory errors in the error log (`memoryErrorLog.ts`).
 * It runs inside the sandbox (no Node), with the harness.
 */
import { PointerStamps } from './pointerStamps';
import type {
  HeapUsageCalls,
  MemoryAccess,
  MemoryErrorKind,
  MemoryErrorRecord,
  RootRecord,
  RunData,
  Site,
} from '../../analysis/analysisInput';
import { META_SIZE } from '../../engine/constants';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch, type RecordedField } from '../../engine/heapOps';
import { BUF_FAMILY_NAME, isBufferFamily, LmmHeap, quotedName } from '../../engine/lmmHeap';
import {
  BUF_STRUCT,
  declaredStructs,
  layoutOf,
  structInfo,
  shownFields,
  structLayout,
  type StructInfo,
} from '../api/structLayout';
import { LEAK_CHECK_MODES, type LeakCheckMode } from '../../protocol/runReportSchema';
import { ERROR_CONTEXT_FRAMES } from '../../analysis/errorContext';
import { AllocationLog } from './allocationLog';
import { makeBufferView } from './bufferViews';
import { callPathFrames, CallPaths, grow, ROOT_PATH } from './callPaths';
import { MemoryErrorLog, type MemoryErrorsUpdate } from './memoryErrorLog';
import { RootVariables } from './rootVariables';
import { ViewIdentity } from './viewIdentity';
import {
  isView,
  makeView,
  poisonView,
  setViewHost,
  viewAddress,
  viewAllocation,
  viewStruct,
  type StructView,
  type ViewHost,
  type ViewState,
} from './structViews';
import { writeLastOperation } from './lastOperation';

export interface HarnessRuntimeOptions {
  harnessFile: string;
  /** The harness as its sites name it (compileHarness's displayName): a heap call of no known line is in it, at line 0. */
  unknownSiteFile?: string;
  /** The compile-time site table (site id → position in the .ts source). */
  sites: readonly Site[];
  /** Where each `@struct` class is declared, by class name. */
  structSites?: Readonly<Record<string, Site>>;
  pageSize?: number;
  memoryCap?: number;
  /** `Date.now()` after which loops stop the run (Infinity: never). */
  deadline?: number;
  /** How often, at most, batches are handed to `onBatch` while the harness runs. */
  batchIntervalMs?: number;
  onBatch?: (update: RuntimeBatch) => void;
  /** The leak check `mm_leak_check()` runs (the analysis module's `checkLeaks`). */
  leakCheck?: (data: RunData) => unknown;
  /**
   * Element 0 is set (from another thread, over a SharedArrayBuffer) when the user asks for a leak
   * check while the harness runs: the next heap call clears it and checks leaks there.
   */
  leakCheckRequests?: Int32Array;
  /**
   * Shared with the harness host: each heap operation writes the steps so far and its site id there,
   * each memory error the error totals (lastOperation.ts), for a run killed before it could stream them.
   */
  lastOperation?: Int32Array;
  /** Told of each leak check (`mm_leak_check()` or a requested one) the moment it has run. */
  onLeakCheck?: (point: LeakCheckPoint) => void;
  /**
   * Told of memory errors as they are recorded: each new record (of the first `MAX_POSTED_ERRORS`
   * of the run) at once, before the batch with its operation, and the counts so far with each
   * flush (after its `onBatch`). Nothing is told while no error is recorded.
   */
  onMemoryErrors?: (update: MemoryErrorsUpdate) => void;
  /** Receives what the harness prints (`print`, `mm_print_*`). */
  onOutput?: (text: string) => void;
  /** Finds the harness frames of a stack trace (for accesses, which have no call site of their own). */
  stackFrames?: (stack: string) => Site[];
  /**
   * memcheck's `--num-callers`: the frames every stack keeps (an access error's own stack N, a
   * stack memcheck starts at its allocator N − 1: `callPathFrames`); unset, 8 each.
   */
  numCallers?: number;
}

/** What streams out while the harness runs. */
export interface RuntimeBatch {
  /** The heap's page size and memory cap (replay the ops on a heap made with these). */
  pageSize: number;
  memoryCap: number;
  ops: HeapOpBatch;
  /** Call-path id of each op (see `paths`), parallel to `ops`. */
  opPaths: Int32Array;
  /** Call-path trie nodes created since the last batch: ids from `firstPath`, parent and site id each. */
  firstPath: number;
  pathParents: Int32Array;
  pathSites: Int32Array;
}

export { MAX_POSTED_ERRORS, type MemoryErrorsUpdate } from './memoryErrorLog';

/** A mid-run `mm_leak_check()`: its step, where it was called, and the analysis result. */
export interface LeakCheckPoint {
  /** The 0-based index of the check's Mark among the run's heap operations (it is at step `event + 1`). */
  event: number;
  site: Site;
  stack: Site[];
  result: unknown;
  /** Asked for by the user (`LMM: Check Leaks Now`) rather than by the harness; `site` is the heap call it ran at. */
  requested?: true;
  /** The kind of check `mm_leak_check(mode)` asked for; absent for a `full` one. */
  mode?: Exclude<LeakCheckMode, 'full'>;
}

/** Thrown by `exit(status)`: the run ends as completed, with its locals still roots. */
export class HarnessExit extends Error {
  constructor(readonly status: number) {
    super(`exit(${status})`);
  }
}

/**
 * How long a Check Leaks Now waits for the harness's next heap call before a loop turn runs it:
 * ample for a loop that makes heap calls, short for a person waiting on a loop that makes none.
 */
const LOOP_LEAK_CHECK_WAIT_MS = 100;

/** Thrown by loop checks once the time limit is over; the worker turns it into the run's end. */
export class TimeLimitExceeded extends Error {
  constructor(readonly site: Site | undefined) {
    super('time limit exceeded');
  }
}

const LOOP_CHECK_EVERY = 4096;
const OP_CHECK_EVERY = 1024;

export class HarnessRuntime implements ViewHost {
  heap: LmmHeap;
  readonly paths: CallPaths;
  readonly recorder = new HeapOpRecorder();
  /** The C program's pointer variables: globals, locals in scope, registered roots. */
  readonly variables: RootVariables;
  readonly allocations = new AllocationLog();
  /** One view object per pointer while its block lives (`a.next === b` as C's `a->next == b`). */
  readonly viewIdentity = new ViewIdentity(viewOf, this.allocations);
  /**
   * A new error record goes out at once (MemoryErrorLog), alone: not with a flush of the
   * operations, which would wait for the consumer to take a batch in (a thousand distinct errors
   * at a consumer's 20 ms a batch took 20 s). The harness runner holds it back until the
   * operations before it have arrived, so consumers still see them first.
   */
  readonly errorLog = new MemoryErrorLog(() => {
    if (this.options.onMemoryErrors) this.options.onMemoryErrors(this.errorLog.takeNewRecords());
  });
  readonly leakChecks: LeakCheckPoint[] = [];
  /** Reallocs that kept or refused their block and refused frees, as memcheck's heap usage counts them. */
  private readonly callsWithoutBlocks: HeapUsageCalls = { allocs: 0, frees: 0, bytes: 0 };
  /** Each pointer the harness stored, by its address: the allocation count then (RunData.pointerWrites). */
  private readonly pointerWrites = new PointerStamps();
  timedOut = false;
  /** Set by `exit(status)`: the run has ended there. */
  exited: HarnessExit | undefined;
  /** The first time-limit stop thrown into the harness: the run has ended there, caught or not. */
  stopped: TimeLimitExceeded | undefined;
  /** `exited` or `stopped`, whichever came first: what every later call, loop turn or catch throws again. */
  ended: HarnessExit | TimeLimitExceeded | undefined;
  private readonly familyOf = new Map<StructInfo, number>();
  private readonly unknownSite: Site;

  // Streaming.
  private opPaths = new Int32Array(1024);
  private opPathCount = 0;
  private sentPaths = 1;
  private lastFlush = Date.now();
  private ticks = 0;
  private readonly deadline: number;
  private readonly batchIntervalMs: number;
  private readonly leakCheckRequests: Int32Array | undefined;
  /** When a loop turn first saw the pending Check Leaks Now (leakCheckIfRequested). */
  private leakCheckSeenAt: number | undefined;

  constructor(private readonly options: HarnessRuntimeOptions) {
    const heapOptions: { pageSize?: number; memoryCap?: number } = {};
    if (options.pageSize !== undefined) heapOptions.pageSize = options.pageSize;
    if (options.memoryCap !== undefined) heapOptions.memoryCap = options.memoryCap;
    this.heap = new LmmHeap(heapOptions);
    this.unknownSite = { file: options.unknownSiteFile ?? options.harnessFile, line: 0, column: 0 };
    this.paths = new CallPaths(options.sites, this.unknownSite, callPathFrames(options.numCallers));
    this.deadline = options.deadline ?? Infinity;
    this.batchIntervalMs = options.batchIntervalMs ?? 50;
    this.leakCheckRequests = options.leakCheckRequests;
    this.errorLog.shared = options.lastOperation;
    setViewHost(this);
    this.variables = new RootVariables({
      allocationAt: (address) => this.allocationAt(address),
      isFreed: (id) => this.allocations.isFreed(id),
      viewAt: (address) => this.viewAt(address),
      site: () => this.paths.stack(this.paths.current)[0]!,
      siteLabel,
    });
  }

  /** The roots the leak check starts from now (variables holding a freed block's address left out). */
  get roots(): RootRecord[] {
    return this.variables.roots();
  }

  /** 1 per allocation id once freed (the views read it on every access). */
  get freed(): Uint8Array {
    return this.allocations.freed;
  }

  /** The run's memory error records, in the order they were first recorded. */
  get errors(): MemoryErrorRecord[] {
    return this.errorLog.records;
  }

  get allocationCount(): number {
    return this.allocations.count;
  }

  // ------------------------------------------------------------------ the C API

  register(cls: unknown): void {
    if (this.leakCheckRequests !== undefined && Atomics.load(this.leakCheckRequests, 0) !== 0) this.requestedLeakCheck();
    const info = this.requireStruct(cls, 'MM_REG_STRUCT');
    const size = layoutOf(info).size;
    const family = this.heap.register(info.name, size);
    const fields = shownFields(info);
    this.record(HeapOpKind.Register, size, 0, family, info.name, fields);
    if (family >= 0) {
      this.familyOf.set(info, family);
      return;
    }
    const error = this.heap.lastError!;
    if (error.kind === 'duplicate-registration' || error.kind === 'struct-too-large' || error.kind === 'out-of-memory') {
      this.opError(error.kind, error.message, -1);
      return;
    }
    throw new TypeError(`MM_REG_STRUCT(${error.kind === 'invalid-name' ? quotedName(info.name) : info.name}): ${error.message}`);
  }

  xcalloc(units: number, cls: unknown): StructView | null {
    if (this.leakCheckRequests !== undefined && Atomics.load(this.leakCheckRequests, 0) !== 0) this.requestedLeakCheck();
    const info = structInfo(cls);
    if (info === undefined) {
      const name = classText(cls);
      const address = this.heap.xcalloc(-1, 1);
      this.record(HeapOpKind.Alloc, -1, 1, address, undefined);
      this.opError('unregistered-struct', `XCALLOC: ${name} is not a @struct class`, -1);
      return null;
    }
    requireUnits(units, () => `XCALLOC(${argumentText(units)}, ${info.name})`, 'units');
    const family = this.familyOf.get(info) ?? -1;
    const address = this.allocate(
      family,
      units,
      () => `XCALLOC: struct ${info.name} is not registered (call MM_REG_STRUCT(${info.name}) first)`,
    );
    if (address === 0) return null;
    return this.blockView(info, this.addAllocation(address, units, family), address, units);
  }

  /**
   * LMM's xcalloc on `family`, recorded; a failure is reported (`unregistered` words the message
   * for a struct never registered) and gives 0.
   */
  private allocate(family: number, units: number, unregistered: () => string): number {
    const address = this.heap.xcalloc(family, units);
    this.record(HeapOpKind.Alloc, family, units, address, undefined);
    if (address !== 0) return address;
    const error = this.heap.lastError!;
    const kind: MemoryErrorKind =
      error.kind === 'unregistered-struct' ? 'unregistered-struct' : error.kind === 'too-large' ? 'too-large' : 'out-of-memory';
    this.opError(kind, kind === 'unregistered-struct' ? unregistered() : error.message, -1);
    return 0;
  }

  /** The view of a whole block: a buffer view for the family `buf`, else a struct view. */
  private blockView(info: StructInfo, id: number, address: number, units: number): StructView {
    const kernel = this.heap.kernel;
    const view = viewOf(info, kernel.view(address), address - kernel.pageOf(address), id, address, units);
    this.viewIdentity.adopt(id, info, view);
    return view;
  }

  /**
   * C's realloc on a struct block: `null` allocates (the struct type is then needed), 0 units
   * frees and gives null, a block that already has the units keeps its place, a longer one moves
   * (allocate, copy, free: recorded as the allocation and the free they are).
   */
  xrealloc(value: unknown, units: unknown, cls?: unknown): StructView | null {
    if (value === null || value === undefined) {
      if (cls === undefined)
        throw new TypeError('XREALLOC(null, units, T): reallocating null allocates, so it needs the struct T');
      return this.xcalloc(units as number, cls);
    }
    if (!isView(value) || viewStruct(value) === BUF_STRUCT) {
      throw new TypeError('XREALLOC takes a view returned by XCALLOC (buffers go to XREALLOC_BUF)');
    }
    const info = viewStruct(value);
    if (cls !== undefined && structInfo(cls) !== info) {
      const name = structInfo(cls)?.name ?? classText(cls);
      throw new TypeError(`XREALLOC: the block holds ${info.name}, not ${name} (a block keeps its struct)`);
    }
    requireUnits(units, () => `XREALLOC(…, ${argumentText(units)})`, 'units');
    return this.reallocate(value, units, info, 'XREALLOC');
  }

  /** C's realloc on a buffer: as `xrealloc`, in bytes; `null` allocates a buffer. */
  xreallocBuf(value: unknown, bytes: unknown): StructView | null {
    if (value === null || value === undefined) return this.xcallocBuf(bytes);
    if (!isView(value) || viewStruct(value) !== BUF_STRUCT) {
      throw new TypeError('XREALLOC_BUF takes a buffer returned by XCALLOC_BUF (struct blocks go to XREALLOC)');
    }
    requireUnits(bytes, () => `XREALLOC_BUF(…, ${argumentText(bytes)})`, 'bytes');
    return this.reallocate(value, bytes, BUF_STRUCT, 'XREALLOC_BUF');
  }

  private reallocate(view: StructView, units: number, info: StructInfo, what: string): StructView | null {
    if (this.leakCheckRequests !== undefined && Atomics.load(this.leakCheckRequests, 0) !== 0) this.requestedLeakCheck();
    if (this.refuseFree(view, what)) {
      // memcheck counts a realloc of a block it does not have as the realloc it was asked for.
      const structSize = this.heap.families.find((family) => family.name === info.name)?.structSize ?? 0;
      this.countCallWithoutBlock(units === 0 ? 0 : units * structSize, units !== 0);
      return null;
    }
    const id = viewAllocation(view);
    const log = this.allocations;
    const address = log.addressOf(id);
    if (units === 0) {
      this.freeBlock(id, address);
      return null;
    }
    const oldUnits = log.unitsOf(id);
    if (units <= oldUnits) {
      log.reallocatedInPlace(id, this.paths.current);
      this.countCallWithoutBlock(units * this.heap.families[log.familyOf(id)]!.structSize, true);
      return view;
    }
    const family = log.familyOf(id);
    const moved = this.allocate(family, units, () => `${what}: struct ${info.name} is not registered`);
    // As C's realloc: when the new block cannot be had, the old one is left as it was.
    if (moved === 0) return null;
    const newId = this.addAllocation(moved, units, family);
    const kernel = this.heap.kernel;
    const from = kernel.view(address);
    const to = kernel.view(moved);
    const fromOffset = address - kernel.pageOf(address);
    const toOffset = moved - kernel.pageOf(moved);
    const bytes = oldUnits * this.heap.families[family]!.structSize;
    for (let i = 0; i < bytes; i++) to.setUint8(toOffset + i, from.getUint8(fromOffset + i));
    if (bytes > 0) this.recorder.recordWrite(moved, bytes, to, toOffset);
    this.copyPointerAges(info, oldUnits, address, id, moved);
    this.freeBlock(id, address);
    return this.blockView(info, newId, moved, units);
  }

  /** The pointers of `units` units of `info` a realloc copied from block `id` at `from` to `to`, each with its age. */
  private copyPointerAges(info: StructInfo, units: number, from: number, id: number, to: number): void {
    const { pointerOffsets, size } = layoutOf(info);
    if (pointerOffsets.length === 0) return;
    for (let u = 0; u < units; u++) {
      for (const offset of pointerOffsets) {
        const at = u * size + offset;
        // A pointer never stored holds the zero its block was given: nothing to carry over.
        if (this.pointerWrites.get(from + at) !== undefined) this.pointerCopied(to + at, from + at, id);
      }
    }
  }

  /**
   * `XCALLOC_BUF(bytes)`: the engine's `xcalloc_buf`, which owns the rule (a zeroed buffer from
   * the family `buf` of 1-byte units, registered on first use). A registration it makes is
   * recorded before the allocation, so every replay of the stream registers the family too.
   */
  xcallocBuf(bytes: unknown): StructView | null {
    if (this.leakCheckRequests !== undefined && Atomics.load(this.leakCheckRequests, 0) !== 0) this.requestedLeakCheck();
    requireUnits(bytes, () => `XCALLOC_BUF(${argumentText(bytes)})`, 'bytes');
    const heap = this.heap;
    const familiesBefore = heap.families.length;
    const address = heap.xcalloc_buf(bytes);
    if (heap.families.length > familiesBefore) {
      const registered = heap.families[familiesBefore]!;
      this.record(HeapOpKind.Register, registered.structSize, 0, registered.id, registered.name);
    }
    const family = heap.familyId(BUF_FAMILY_NAME);
    this.record(HeapOpKind.Alloc, family, bytes, address, undefined);
    if (address === 0) {
      const error = heap.lastError!;
      const kind: MemoryErrorKind =
        error.kind === 'too-large' || error.kind === 'duplicate-registration' ? error.kind : 'out-of-memory';
      this.opError(kind, `XCALLOC_BUF: ${error.message}`, -1);
      return null;
    }
    return this.blockView(BUF_STRUCT, this.addAllocation(address, bytes, family), address, bytes);
  }

  xfree(value: unknown): void {
    if (this.leakCheckRequests !== undefined && Atomics.load(this.leakCheckRequests, 0) !== 0) this.requestedLeakCheck();
    // free(NULL) is legal C and does nothing: no heap call, no step. The address 0 is NULL too.
    if (value === null || value === 0) return;
    if (this.refuseFree(value, 'XFREE')) {
      this.countCallWithoutBlock(0, false);
      return;
    }
    const id = viewAllocation(value as StructView);
    this.freeBlock(id, this.allocations.addressOf(id));
  }

  /** A free, or with `allocates` a realloc's allocation and free of `bytes`, that the allocation log has no block for. */
  private countCallWithoutBlock(bytes: number, allocates: boolean): void {
    const calls = this.callsWithoutBlocks;
    calls.frees++;
    if (!allocates) return;
    calls.allocs++;
    calls.bytes += bytes;
  }

  /**
   * Whether `what` (XFREE, XREALLOC …) must refuse to free `value`: not a view, an out-of-bounds
   * element, a block already freed, or a pointer into a block's middle. A refusal is reported and
   * recorded as the failed free it is.
   */
  private refuseFree(value: unknown, what: string): boolean {
    if (!isView(value)) {
      this.refusedFree(0, 'invalid-free', this.notAViewFreedText(value, what), -1);
      return true;
    }
    const id = viewAllocation(value);
    if (id < 0) {
      this.refusedFree(0, 'invalid-free', `${what} of an out-of-bounds element (not a block)`, -1);
      return true;
    }
    const log = this.allocations;
    const address = log.addressOf(id);
    if (log.isFreed(id)) {
      // A stale view never frees the block that now lives at its address.
      const reused = log.lastAllocationAt(address) !== id;
      // Where it was freed is in the first line too: a Problems entry or a hover shows only that one.
      const freedAt = siteLabel(this.paths.stack(log.freePathOf(id))[0]!);
      this.refusedFree(
        reused ? 0 : address,
        'double-free',
        `double free: ${this.describe(id)} was already freed at ${freedAt}`,
        id,
      );
      return true;
    }
    const at = viewAddress(value);
    if (at !== address) {
      this.refusedFree(
        at,
        'invalid-free',
        `invalid free: 0x${at.toString(16)} is inside ${this.describe(id)}, ${at - address} bytes past its start`,
        id,
      );
      return true;
    }
    return false;
  }

  /**
   * What freeing a plain number (C's `free((void *)0x87654321)`) is: an address no block has, or
   * a live block's address given as a number, which frees nothing (views are what XFREE frees).
   */
  /** Why freeing `value`, which is no view, frees nothing. */
  private notAViewFreedText(value: unknown, what: string): string {
    if (value === undefined) return `${what}(undefined): there is no block to free`;
    if (typeof value === 'number') return this.numberFreedText(value, what);
    // C's free(p) is XFREE(p.value): the handle of a variable is not the block it points to.
    const variable = this.variables.variableNameOf(value);
    if (variable !== undefined)
      return `${what}(${variable}) is given the pointer variable, not the block it holds: write ${what}(${variable}.value) (nothing is freed)`;
    return `${what} takes a view returned by XCALLOC`;
  }

  private numberFreedText(address: number, what: string): string {
    const hex = `0x${address.toString(16)}`;
    const id = this.allocations.lastAllocationAt(address);
    if (id === undefined || this.allocations.isFreed(id)) return `invalid free: ${hex} is not the address of a block`;
    return `invalid free: ${hex} is the address of ${this.describe(id)}, given as a number; ${what} takes the view XCALLOC returned (nothing is freed)`;
  }

  /** Frees the live block `id` (at `address`), recorded. */
  private freeBlock(id: number, address: number): void {
    const ok = this.heap.xfree(address);
    this.record(HeapOpKind.Free, address, 0, ok ? 1 : 0, undefined);
    if (!ok) {
      this.opError('invalid-free', this.heap.lastError?.message ?? 'invalid free', id);
      return;
    }
    this.allocations.markFreed(id, this.recorder.steps - 1, this.paths.current);
    this.viewIdentity.drop(id);
  }

  private refusedFree(address: number, kind: MemoryErrorKind, message: string, id: number): void {
    const ok = address !== 0 && this.heap.xfree(address);
    if (address === 0) this.heap.xfree(0);
    this.record(HeapOpKind.Free, address, 0, ok ? 1 : 0, undefined);
    this.opError(kind, message, id);
  }

  addressOf(value: unknown): number {
    if (value === null || value === undefined) return 0;
    if (!isView(value)) throw new TypeError('addressOf takes a struct view (or null)');
    return viewAddress(value);
  }

  registerRoot(value: unknown): void {
    this.variables.register(value);
  }

  unregisterRoot(value: unknown): void {
    this.variables.unregister(value);
  }

  /**
   * C's exit(): the run ends here, with every local still in scope a root (as the stack of a C
   * program that calls exit is still there for memcheck's leak check at exit).
   */
  exit(status: unknown): never {
    const code = status === undefined ? 0 : status;
    if (!(typeof code === 'number' && Number.isInteger(code))) throw new TypeError('exit(status): the status is a whole number');
    this.variables.frozen = true;
    this.exited = new HarnessExit(code);
    this.ended ??= this.exited;
    throw this.exited;
  }

  /**
   * After `exit` or a time-limit stop, nothing of the harness runs: a `catch` or `finally` that
   * would go on, a call or a loop turn after it was swallowed (a promise's `catch`), throws it again.
   */
  throwIfEnded(): void {
    if (this.ended !== undefined) throw this.ended;
  }

  /** The allocation at `address`: the last one made there (freed or not), else the live block containing it, else -1. */
  private allocationAt(address: number): number {
    const id = this.allocations.lastAllocationAt(address);
    if (id !== undefined) return id;
    const start = this.liveBlockContaining(address);
    return start < 0 ? -1 : this.allocations.lastAllocationAt(start)!;
  }

  /** What a pointer variable holding a bare address reads as: a view of its block's struct there, or null. */
  private viewAt(address: number): StructView | null {
    const id = this.allocationAt(address);
    if (id < 0) return null;
    const family = this.allocations.familyOf(id);
    for (const [info, f] of this.familyOf) if (f === family) return this.pointerView(address, info);
    return isBufferFamily(this.heap.families[family]!) ? this.pointerView(address, BUF_STRUCT) : null;
  }

  /**
   * `mm_leak_check(mode)`, or the user's Check Leaks Now (`requested`, always a full check). A
   * mode not memcheck's throws at the harness's line, before the check (memcheck warns and makes a
   * full one: a typo would silently count other errors).
   */
  leakCheck(requested = false, mode: unknown = 'full'): unknown {
    if (typeof mode !== 'string' || !(LEAK_CHECK_MODES as readonly string[]).includes(mode))
      throw new TypeError(`mm_leak_check(mode): the mode is one of ${LEAK_CHECK_MODES.map((m) => `'${m}'`).join(', ')}`);
    const event = this.recorder.steps;
    this.record(HeapOpKind.Mark, this.leakChecks.length, 0, 0, undefined);
    const stack = this.paths.stack(this.paths.current);
    // Live blocks only: a check's cost follows the heap, not how long the run has gone on.
    const result = this.options.leakCheck ? this.options.leakCheck(this.runData(true)) : null;
    const point: LeakCheckPoint = { event, site: stack[0]!, stack, result };
    if (requested) point.requested = true;
    if (mode !== 'full') point.mode = mode as Exclude<LeakCheckMode, 'full'>;
    this.leakChecks.push(point);
    this.options.onLeakCheck?.(point);
    return result;
  }

  /**
   * The user's `Check Leaks Now`, run at the start of a heap call (before it changes anything, so
   * the call's own bookkeeping is never half done), attributed to that call's site. The Mark op is
   * flushed at once so the request shows in the stream without waiting for the batch interval.
   */
  private requestedLeakCheck(): void {
    Atomics.store(this.leakCheckRequests!, 0, 0);
    this.leakCheckSeenAt = undefined;
    this.leakCheck(true);
    this.flush();
  }

  /**
   * Check Leaks Now, asked and still not run `LOOP_LEAK_CHECK_WAIT_MS` after a loop turn first saw
   * it, at a turn of the harness loop at `siteId` (the sandbox looks every few turns): a loop that
   * makes no heap call would never reach the next heap call. A harness that makes heap calls gets
   * its check at one of them, as before, attributed to its line; between two heap calls the heap is
   * whole, and this check is attributed to the loop's line.
   */
  leakCheckIfRequested(siteId: number): void {
    if (this.leakCheckRequests === undefined || Atomics.load(this.leakCheckRequests, 0) === 0) return;
    const now = Date.now();
    if (this.leakCheckSeenAt === undefined) this.leakCheckSeenAt = now;
    if (now - this.leakCheckSeenAt < LOOP_LEAK_CHECK_WAIT_MS) return;
    this.paths.enter(siteId);
    try {
      this.requestedLeakCheck();
    } finally {
      this.paths.leave();
    }
  }

  /**
   * LMM's `mm_init()`: optional, first. With options it starts the heap over with another page
   * size or memory cap (a harness that studies out-of-memory sets a small cap).
   */
  init(options: unknown): void {
    if (options === undefined || options === null) return;
    if (this.recorder.steps > 0) throw new Error('mm_init must come before any MM_REG_STRUCT / XCALLOC / XFREE');
    const { pageSize, memoryCap } = options as { pageSize?: unknown; memoryCap?: unknown };
    const heapOptions: { pageSize?: number; memoryCap?: number } = {};
    if (pageSize !== undefined) heapOptions.pageSize = Number(pageSize);
    else if (this.options.pageSize !== undefined) heapOptions.pageSize = this.options.pageSize;
    if (memoryCap !== undefined) {
      if (!(typeof memoryCap === 'number' && memoryCap > 0))
        throw new RangeError(`mm_init: memoryCap must be a positive number of bytes`);
      heapOptions.memoryCap = memoryCap;
    } else if (this.options.memoryCap !== undefined) heapOptions.memoryCap = this.options.memoryCap;
    this.heap = new LmmHeap(heapOptions);
  }

  /** Text the harness prints: streamed to whoever started the run (the CLI writes it out). */
  print(text: string): void {
    this.options.onOutput?.(text);
  }

  sizeOf(cls: unknown): number {
    return layoutOf(this.requireStruct(cls, 'sizeof')).size;
  }

  private requireStruct(cls: unknown, what: string): StructInfo {
    const info = structInfo(cls);
    if (info) return info;
    const name = classText(cls);
    throw new TypeError(`${what}: ${name} is not a @struct class (decorate it with @struct)`);
  }

  // ------------------------------------------------------------------ instrumentation hooks

  /** A harness loop went round: every 4096 turns, stream and check the time limit. */
  loopTick(siteId: number): void {
    if ((++this.ticks & (LOOP_CHECK_EVERY - 1)) === 0 || this.timedOut) this.poll(siteId);
  }

  private poll(siteId: number): void {
    this.flushIfDue();
    if (Date.now() > this.deadline || this.timedOut) this.stopHere(siteId >= 0 ? this.options.sites[siteId] : undefined);
  }

  /**
   * A stop asked for ends the run at a harness call too, where the call's frame is entered: a
   * recursion without loops has no loop turn, and was killed with its process, its heap unreported.
   */
  stopAtCall(): void {
    this.stopHere(undefined);
  }

  /** The stop thrown into the harness: at a loop (`loop`, the message's "in this loop") or at a call. */
  private stopHere(loop: Site | undefined): never {
    this.timedOut = true;
    // The run ends here, as a C program killed by a signal does: every local still in scope
    // stays a root for the check of the heap at the stop (memcheck scans the stack it left),
    // instead of being dropped as the stop unwinds the scopes.
    this.variables.frozen = true;
    const stop = new TimeLimitExceeded(loop);
    this.stopped ??= stop;
    this.ended ??= stop;
    throw stop;
  }

  private flushIfDue(): void {
    if (Date.now() - this.lastFlush >= this.batchIntervalMs) this.flush();
  }

  // ------------------------------------------------------------------ ViewHost

  pointerView(address: number, target: StructInfo): StructView | null {
    const size = layoutOf(target).size;
    const kernel = this.heap.kernel;
    const id = this.allocations.lastAllocationAt(address);
    if (id !== undefined) {
      const atStart = this.viewIdentity.startView(id, target);
      if (atStart !== undefined) return atStart;
      const units = size > 0 ? Math.floor(this.blockBytes(id) / size) : 0;
      // A freed block's view never touches bytes (every access reports use-after-free first).
      if (this.allocations.isFreed(id)) return viewOf(target, emptyView, 0, id, address, units);
      return this.viewIdentity.view(target, kernel.view(address), address - kernel.pageOf(address), id, address, units);
    }
    const start = this.liveBlockContaining(address);
    if (start < 0) {
      this.report('use-after-free', `pointer 0x${address.toString(16)} does not point into an allocated block`, -1);
      return poisonView(target);
    }
    const owner = this.allocations.lastAllocationAt(start)!;
    // The whole units of `target` left in the block from here: 0 when not even one fits, so that
    // every access through the view is reported rather than reaching past the block (LMM's meta data).
    const units = size > 0 ? Math.floor((this.blockBytes(owner) - (address - start)) / size) : 0;
    return this.viewIdentity.view(target, kernel.view(address), address - kernel.pageOf(address), owner, address, units);
  }

  sameView(info: StructInfo, d: DataView, o: number, a: number, x: number, n: number): StructView {
    return this.viewIdentity.view(info, d, o, a, x, n);
  }

  private liveBlockContaining(address: number): number {
    const kernel = this.heap.kernel;
    if (!kernel.isMapped(address) || this.heap.pageFamilyId(kernel.pageOf(address)) < 0) return -1;
    for (const block of this.heap.pageBlocks(kernel.pageOf(address))) {
      const start = block.meta + META_SIZE;
      if (!block.free && address >= start && address < start + block.size) return start;
    }
    return -1;
  }

  private blockBytes(id: number): number {
    const log = this.allocations;
    return log.unitsOf(id) * this.heap.families[log.familyOf(id)]!.structSize;
  }

  wrote(address: number, size: number, page: DataView, offset: number): void {
    this.recorder.recordWrite(address, size, page, offset);
  }

  pointerWritten(address: number, since = -1): void {
    const now = this.allocations.count;
    this.pointerWrites.set(address, now, since < 0 ? now : since);
  }

  /**
   * A pointer copied from `from`, in allocation `fromAllocation`, to `to` (a struct copy, a realloc
   * moving the block): stored now, holding the source's value with its age, so a pointer to a
   * freed block stays one; a source not stored in its block's life (zeroed, or left by the block
   * there before) holds a value of now.
   */
  pointerCopied(to: number, from: number, fromAllocation: number): void {
    const now = this.allocations.count;
    const written = this.pointerWrites.get(from);
    const since = written !== undefined && written > fromAllocation ? this.pointerWrites.since(from)! : now;
    this.pointerWrites.set(to, now, since);
  }

  describe(id: number): string {
    if (id < 0) return 'the block';
    const log = this.allocations;
    const family = this.heap.families[log.familyOf(id)]!;
    const units = log.unitsOf(id);
    const where = siteLabel(this.paths.stack(log.allocPathOf(id))[0]!);
    if (isBufferFamily(family)) return `the ${units}-byte buffer allocated at ${where}`;
    return `the block of ${units > 1 ? `${units} × ` : ''}${family.name} allocated at ${where}`;
  }

  /**
   * A read or write through a view that cannot touch the block, named as memcheck names it:
   * "Invalid write of size 4: field `rollno`, 4 bytes after the end of a 56-byte student_t block
   * allocated at FILE:LINE" (and where it was freed, for a use after free).
   */
  fitsInBlock(view: ViewState, offset: number, size: number): boolean {
    const id = view.a;
    if (id < 0 || this.allocations.isFreed(id)) return false;
    const at = view.x + offset - this.allocations.addressOf(id);
    return at >= 0 && at + size <= this.blockBytes(id);
  }

  badAccess(view: ViewState, write: boolean, offset: number, size: number, field: string): void {
    const id = view.a;
    if (id < 0) return;
    const log = this.allocations;
    const freed = log.isFreed(id);
    const kind: MemoryErrorKind = freed ? 'use-after-free' : 'out-of-bounds';
    // An error repeated in a hot loop only counts: do not build its text each time.
    if (this.options.stackFrames && this.errorLog.countIfHot(errorPathKey(kind, this.paths.current, write ? 'write' : 'read')))
      return;
    const family = this.heap.families[log.familyOf(id)]!;
    const blockBytes = this.blockBytes(id);
    const at = view.x + offset - log.addressOf(id);
    const where =
      at < 0
        ? `${-at} bytes before the start of`
        : at >= blockBytes
          ? `${at - blockBytes} bytes after the end of`
          : `${at} bytes inside`;
    const units = log.unitsOf(id);
    const block = isBufferFamily(family)
      ? `a ${blockBytes}-byte buffer`
      : units === 1
        ? `a ${blockBytes}-byte ${family.name} block`
        : `a ${blockBytes}-byte block of ${units} × ${family.name}`;
    const allocated = `allocated at ${siteLabel(this.paths.stack(log.allocPathOf(id))[0]!)}`;
    const sites = freed ? `freed at ${siteLabel(this.paths.stack(log.freePathOf(id))[0]!)}, ${allocated}` : allocated;
    const what = isBufferFamily(family) ? `byte ${field}` : `field \`${field}\``;
    const message = `Invalid ${write ? 'write' : 'read'} of size ${size}: ${what}, ${where} ${block} ${sites}`;
    this.report(kind, message, id, {
      operation: write ? 'write' : 'read',
      size,
      field,
      offset: at,
      blockBytes,
      struct: family.name,
    });
  }

  /**
   * An error of a field access or a pointer read (use-after-free, out-of-bounds): the access has
   * no call site of its own, so its position comes from a stack trace, taken at most 64 times per
   * (kind, call path) so an error repeated in a hot loop stays cheap.
   */
  report(kind: MemoryErrorKind, message: string, allocId: number, access?: MemoryAccess): void {
    const capture = this.options.stackFrames;
    if (!capture) {
      this.opError(kind, message, allocId, access);
      return;
    }
    const pathKey = errorPathKey(kind, this.paths.current, access?.operation);
    if (this.errorLog.countIfHot(pathKey)) return;
    const holder: { stack?: string } = {};
    // V8's (Node's) stack capture: not in the plain ES library this runtime is checked against.
    (Error as ErrorConstructor & { captureStackTrace(target: object): void }).captureStackTrace(holder);
    const frames = capture(holder.stack ?? '');
    const stack = frames.length > 0 ? frames : this.paths.stack(this.paths.current);
    // One context per kind and first ERROR_CONTEXT_FRAMES frames, as memcheck's; a read and a write at
    // one site (C's `p[-1] += 'z'`) are two errors, as memcheck's two contexts (two instructions).
    let key = access ? access.operation : '';
    for (let i = 0; i < stack.length && i < ERROR_CONTEXT_FRAMES; i++)
      key += ` ${stack[i]!.file}:${stack[i]!.line}:${stack[i]!.column}`;
    this.errorLog.addCaptured(pathKey, this.errorRecord(kind, message, allocId, stack, access), key);
  }

  /**
   * An error of an API call: its site is the call's (the innermost frame of the call path); its
   * context the first ERROR_CONTEXT_FRAMES − 1 frames, as memcheck's stack of it starts at its allocator.
   */
  private opError(kind: MemoryErrorKind, message: string, allocId: number, access?: MemoryAccess): void {
    const path = this.paths.current;
    this.errorLog.add(
      this.errorRecord(kind, message, allocId, this.paths.stack(path), access),
      `#${this.paths.leadingKey(path, ERROR_CONTEXT_FRAMES - 1)}`,
    );
  }

  /** A new record (count 1) for an error at `stack`, with the sites of the block it touched. */
  private errorRecord(
    kind: MemoryErrorKind,
    message: string,
    allocId: number,
    stack: Site[],
    access: MemoryAccess | undefined,
  ): MemoryErrorRecord {
    const record: MemoryErrorRecord = {
      kind,
      message,
      count: 1,
      site: stack[0]!,
      stack,
      event: Math.max(0, this.recorder.steps - 1),
    };
    if (allocId >= 0) {
      const log = this.allocations;
      // The stacks are the call paths' shared arrays (built once per path): no copy per error.
      const allocStack = this.paths.stack(log.allocPathOf(allocId));
      record.allocSite = allocStack[0]!;
      record.allocStack = allocStack;
      if (log.isFreed(allocId)) {
        const freeStack = this.paths.stack(log.freePathOf(allocId));
        record.freeSite = freeStack[0]!;
        record.freeStack = freeStack;
      }
    }
    if (access !== undefined) record.access = access;
    return record;
  }

  // ------------------------------------------------------------------ log and stream

  private addAllocation(address: number, units: number, family: number): number {
    return this.allocations.add(address, units, family, this.paths.current, this.recorder.steps - 1);
  }

  private record(kind: HeapOpKind, a: number, b: number, c: number, name: string | undefined, fields?: RecordedField[]): void {
    const path = this.paths.current;
    const site = this.paths.innermost(path);
    this.recorder.record(kind, a, b, c, site, name, fields);
    if (this.options.lastOperation !== undefined) writeLastOperation(this.options.lastOperation, this.recorder.steps, site);
    if (this.opPathCount === this.opPaths.length) this.opPaths = grow(this.opPaths);
    this.opPaths[this.opPathCount++] = path;
    // Only stream here: stopping in the middle of an API call would leave its bookkeeping half done
    // (the time limit is checked in loops, between calls, and by vm's timeout as a last resort).
    if ((++this.ticks & (OP_CHECK_EVERY - 1)) === 0) this.flushIfDue();
  }

  /** Hands the ops recorded since the last flush to `onBatch`, then new memory errors to `onMemoryErrors`. */
  flush(): void {
    this.flushOps();
    if (this.options.onMemoryErrors && this.errorLog.hasNews()) this.options.onMemoryErrors(this.errorLog.takeUpdate());
  }

  private flushOps(): void {
    this.lastFlush = Date.now();
    const ops = this.recorder.flush();
    if (ops === null || !this.options.onBatch) {
      this.opPathCount = 0;
      return;
    }
    const paths = this.paths;
    const update: RuntimeBatch = {
      pageSize: this.heap.pageSize,
      memoryCap: this.heap.kernel.memoryCap,
      ops,
      opPaths: this.opPaths.slice(0, this.opPathCount),
      firstPath: this.sentPaths,
      pathParents: paths.parent.slice(this.sentPaths, paths.count),
      pathSites: paths.site.slice(this.sentPaths, paths.count),
    };
    this.sentPaths = paths.count;
    this.opPathCount = 0;
    this.options.onBatch(update);
  }

  // ------------------------------------------------------------------ results

  /**
   * The analyses' input for the heap as it is now: every allocation (read from the log on demand),
   * or with `liveOnly` the live blocks' records only, for a leak check.
   */
  runData(liveOnly = false): RunData {
    const stackOf = (path: number) => this.paths.stack(path);
    const allocations = liveOnly
      ? this.allocations.liveRecords(this.heap.families, stackOf)
      : this.allocations.list(this.heap.families, stackOf);
    const structs = [];
    for (const info of declaredStructs) {
      if (this.options.structSites?.[info.name]) info.site = this.options.structSites[info.name];
      try {
        structs.push(structLayout(info));
      } catch {
        // A struct whose layout cannot be computed was never usable; it has nothing to report.
      }
    }
    return {
      harnessFile: this.options.harnessFile,
      heap: this.heap,
      structs,
      allocations,
      roots: this.roots,
      errors: this.errors,
      steps: this.recorder.steps,
      callsWithoutBlocks: { ...this.callsWithoutBlocks },
      pointerWrites: this.pointerWrites,
    };
  }

  /** The path id the runtime is at (for the end-of-run site of a crash or a time limit). */
  currentStack(): Site[] {
    return this.paths.current === ROOT_PATH ? [] : this.paths.stack(this.paths.current);
  }
}

const emptyView = new DataView(new ArrayBuffer(8));

/** A view of `units` units of `target`: a buffer view for the built-in family `buf`, else a struct view. */
function viewOf(target: StructInfo, d: DataView, o: number, id: number, address: number, units: number): StructView {
  return target === BUF_STRUCT ? makeBufferView(d, o, id, address, units) : makeView(target, d, o, id, address, units);
}

/**
 * A count of units or bytes for an allocation call: a whole number, 0 included (LMM gives a
 * zero-size block, as malloc(0) gives a unique pointer); anything else is the harness's mistake.
 */
/**
 * An argument as text for a message, without running any of the harness's code: an object's
 * `toString` or `Symbol.toPrimitive` could free blocks, throw, or print whatever it likes in the
 * runtime's own message.
 */
export function argumentText(value: unknown): string {
  switch (typeof value) {
    case 'object':
      return value === null ? 'null' : 'an object';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return `${value}n`;
    case 'string':
      // Quoted: XCALLOC('2', T) must not read as XCALLOC(2, T).
      return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
    default:
      return String(value);
  }
}

/** What a class argument is called in a message: its own `name` when that is plain data (never a getter run). */
function classText(cls: unknown): string {
  if (typeof cls !== 'function') return argumentText(cls);
  const name = Object.getOwnPropertyDescriptor(cls, 'name');
  return name !== undefined && 'value' in name && typeof name.value === 'string' && name.value !== ''
    ? name.value
    : 'an anonymous class';
}

function requireUnits(value: unknown, call: () => string, what: string): asserts value is number {
  if (typeof value === 'string') throw new RangeError(`${call()}: ${what} must be a number, not a string`);
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    throw new RangeError(`${call()}: ${what} must be a whole number (0 or more)`);
  }
}

export function siteLabel(site: Site): string {
  // No regular expression: in the locked-down worker `split(/re/)` constructs a RegExp through
  // SES's wrapper each time, and this runs for every memory error.
  const file = site.file.slice(Math.max(site.file.lastIndexOf('/'), site.file.lastIndexOf('\\')) + 1);
  return site.line > 0 ? `${file}:${site.line}:${site.column}` : `${file}`;
}

/** The hot-loop key of an error: its kind, its call path and, for an access, read or write (two errors at one site). */
function errorPathKey(kind: MemoryErrorKind, path: number, operation?: 'read' | 'write'): string {
  return operation === undefined ? `${kind}:${path}` : `${kind}:${operation}:${path}`;
}
