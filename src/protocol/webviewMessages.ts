/**
 * The one protocol between the extension host and the Memory Map webview (viewType
 * `lmm.memoryMap`). Both directions are discriminated unions on `type`; both are validated at
 * run time on arrival (`parseWebviewToHost` in the host, `parseHostToWebview` in the webview),
 * because a webview is untrusted content and a stale host may speak an older dialect.
 *
 * How a session goes (the host side, in order):
 * 1. The webview loads and posts `ready`.
 * 2. The host answers with `settings`, then, when it has a run, `runStarted`, `sites`, every
 *    `heapOps` batch recorded so far (in step order, contiguous), `leakCheck`s, and `runEnded` +
 *    `report` if the run is over. A panel opened late gets the whole backlog this way.
 * 3. While a run goes on, the host forwards each `heapOps` batch (and new `sites`, `leakCheck`s)
 *    as the worker produces it; the webview replays them on its own engine, so addresses match.
 * 4. A new run starts with `runStarted` again (new `runId`); the webview drops the old one.
 * 5. When the host keeps only the last `lmm.eventsKept` operations of a run, `heapWindow` (the heap
 *    just before the first kept step) comes before the kept batches; during a live run `heapOps`
 *    say where the host took snapshots and where its window begins, and the webview's window
 *    follows (the same first step); one that fell behind the host's window (a resync, or batches
 *    the host no longer holds) gets `heapWindow` and the batches again.
 * Messages carrying a `runId` that is not the current run are ignored by both sides.
 *
 * A `step` in these messages (and `firstStep`, a leak check's or error's `event`) is the
 * operation's 0-based index in the run's log, the timeline's own index: what the person reads is
 * step `index + 1` (`src/analysis/stepNumber.ts`), and the webview adds the 1 where it writes one.
 *
 * Only this module (types, validators) is shared; it imports neither `vscode` nor Node nor the DOM.
 */
import { HeapOpKind, type HeapOpBatch, type HeapWrites, type RecordedField } from '../engine/heapOps';
import type { SnapshotWire } from '../engine/heapSnapshot';
import type { HeapState } from '../engine/lmmHeap';
import type { LeakKind, LmmReport, ReportError, ReportLeak, ReportLeakCheck } from './runReportSchema';

/** A position in the harness source, 1-based (the run report's `Site`); a line of 0 means unknown. */
export interface SourceSite {
  file: string;
  line: number;
  column: number;
}

/** One leak-kind line of a leak check: what the Leaks chart plots. */
export interface LeakCount {
  kind: LeakKind;
  blocks: number;
  bytes: number;
}

/**
 * The parts of the run report (`LmmReport` in `./runReportSchema.ts`, `schemaVersion` 2) the
 * webview reads: its leaks and errors, its leak checks (for the Leaks chart and the timeline's
 * markers) and its peak.
 * The host sends the whole report object, already validated by `asReport`; the webview checks
 * again only what it reads, and ignores the rest.
 */
export interface RunReportJson {
  schemaVersion: LmmReport['schemaVersion'];
  leaks?: Array<Pick<ReportLeak, 'kind' | 'struct' | 'blocks' | 'bytes'> & { site?: SourceSite; suppressed?: boolean }>;
  errors?: Array<
    Pick<ReportError, 'kind' | 'message' | 'count'> & {
      site?: SourceSite;
      /** The 0-based index of the first occurrence's operation (the webview's timeline index; the user reads step `event + 1`). */
      event?: number;
      freeSite?: SourceSite;
      /** The block's allocation and free stacks, innermost first (their first frames are `allocSite`, `freeSite`). */
      allocStack?: SourceSite[];
      freeStack?: SourceSite[];
      suppressed?: boolean;
    }
  >;
  leakChecks?: Array<
    Pick<ReportLeakCheck, 'event'> & {
      site?: SourceSite;
      leaks: Array<Pick<ReportLeak, 'kind' | 'blocks' | 'bytes'>>;
      /** True for a check the user asked for (`LMM: Check Leaks Now`); absent for `mm_leak_check()`. */
      requested?: boolean;
    }
  >;
  peak?: Pick<NonNullable<LmmReport['peak']>, 'event' | 'appMemory'>;
  [more: string]: unknown;
}

/** A memory error found while the run goes on, as the report will list it (and where its block was allocated). */
export type InterimMemoryError = NonNullable<RunReportJson['errors']>[number] & { allocSite?: SourceSite };

/** How a run ended. */
export type RunEndState = 'finished' | 'failed' | 'stopped';

// ------------------------------------------------------------------ host -> webview

/** The longest a `personTyping` message may hold the map's live redraws back. */
export const MAX_TYPING_HOLD_MS = 10_000;

export type HostToWebviewMessage =
  /** Webview settings: `structColors` maps a struct name to a CSS colour (setting `lmm.structColors`); send after `ready` and on change. */
  | { type: 'settings'; structColors: Record<string, string> }
  /**
   * A new run begins (or the backlog of one is about to be replayed): the webview clears everything and starts an empty timeline
   * with the run's `pageSize` and `memoryCap` (the heap's `kernel.memoryCap`; default 1 GiB) so its replay fails exactly where the run did.
   * The host sends it again for the same run, before any `heapOps`, when a harness's `mm_init()` changes either.
   */
  | {
      type: 'runStarted';
      runId: string;
      pageSize: number;
      title: string;
      live: boolean;
      memoryCap?: number;
    }
  /**
   * The map's window begins at step `firstStep`: `heap` is the heap after step `firstStep − 1`
   * (the steps before are not kept), `fields` the fields of each family's struct by family id.
   * The webview starts its timeline there (keeping the run's sites, leak checks and report);
   * the `heapOps` batches from `firstStep` on follow.
   */
  | { type: 'heapWindow'; runId: string; firstStep: number; heap: SnapshotWire; fields: RecordedField[][] }
  /** Site table entries `firstId`, `firstId + 1`, … (site id = index used in `HeapOpBatch.site`), innermost frame of each. */
  | { type: 'sites'; runId: string; firstId: number; sites: SourceSite[] }
  /**
   * The next batch of heap operations; `batch.firstStep` must equal the steps received so far (else the webview posts `resyncRequest`).
   * `snapshotAfter`: the host keeps a snapshot of the heap after this batch (its window may begin there later: the webview takes one too).
   * `windowStart`: the host's window now begins at that step: once this batch is in, the webview drops the steps before it.
   */
  | { type: 'heapOps'; runId: string; batch: HeapOpBatch; snapshotAfter?: boolean; windowStart?: number }
  /** A leak check at `step` (`mm_leak_check()`, or `requested` by Check Leaks Now; sent as it runs and again from the report), for the Leaks chart and a timeline marker. */
  | { type: 'leakCheck'; runId: string; step: number; site?: SourceSite; leaks: LeakCount[]; requested?: boolean }
  /**
   * The memory errors found so far while the run goes on (the first records the worker posts, de-duplicated
   * by kind and site as the report lists them, with their counts so far): `occurrences` of `distinct`
   * records in all. Sent again as more come; the report's `errors` replace them at the end.
   */
  | {
      type: 'memoryErrors';
      runId: string;
      errors: InterimMemoryError[];
      occurrences: number;
      distinct: number;
    }
  /** The run is over (no more `heapOps`); `message` explains a failure or stop. */
  | { type: 'runEnded'; runId: string; state: RunEndState; message?: string }
  /**
   * The run report JSON (leaks, errors, leak checks, peak breakdown); sent once the run is over.
   * `suppressible`: its findings can be suppressed (a harness run; a trace reads no suppressions file).
   */
  | { type: 'report'; runId: string; report: RunReportJson; suppressible?: boolean }
  /** Show a block (e.g. selected in the Leaks tree): move to `step` (default: keep the current step), scroll to the block at data address `address`, and select it. */
  | { type: 'revealBlock'; runId: string; address: number; step?: number }
  /** Move the timeline to `step` (e.g. from a tree or command); `-1` means before the first step. */
  | { type: 'goToStep'; runId: string; step: number }
  /** The person is typing in an editor: a live run's progress redraws wait until `forMs` after this (the editor shares the map's thread). */
  | { type: 'personTyping'; forMs: number };

// ------------------------------------------------------------------ webview -> host

export type WebviewToHostMessage =
  /** The webview has loaded and listens: the host sends `settings` and the current run's backlog. */
  | { type: 'ready' }
  /** The user selected a block (click / Enter): reveal it in the Page Families tree and highlight `site` (where it was allocated) in the harness. */
  | {
      type: 'blockSelected';
      runId: string;
      /** Data address (meta + 48) of the block; the page address for a page header. */
      address: number;
      /** Step being shown when it was selected. */
      step: number;
      /** Struct name of the block's family. */
      struct: string;
      free: boolean;
      /** Step that allocated the block (−1 when free or unknown) and its site id / position. */
      allocStep: number;
      siteId: number;
      site?: SourceSite;
    }
  /** The user moved the timeline (scrub, step, keys, a `goToStep`/`revealBlock`; at most one per frame, none while following a live run): highlight the harness line of the step's operation (`site`, or none when `siteId` is −1). */
  | { type: 'stepChanged'; runId: string; step: number; siteId: number; site?: SourceSite }
  /** The webview missed batches (gap or out-of-order): resend the run's `heapOps` batches from `fromStep` on (a batch overlapping steps it has is fine: those steps are skipped). */
  | { type: 'resyncRequest'; runId: string; fromStep: number }
  /** The user followed a link to a source line (a chart legend's site, a call-tree frame, a leak row): open `site` in an editor. */
  | { type: 'openSource'; runId: string; site: SourceSite }
  /**
   * The user chose Suppress on a leak or memory error row: the host appends the entry that silences
   * the report's `leaks[index]` or `errors[index]` to the harness's suppressions file. The webview
   * names the finding by its place in the report the host sent; the kind, struct, call stack and
   * file come from the host's own copy, so a webview cannot write any other entry or file.
   */
  | { type: 'suppressFinding'; runId: string; finding: FindingKind; index: number }
  /** Something went wrong in the webview (bad message, exception); the host logs it to its output channel. */
  | { type: 'webviewError'; message: string };

/** Which list of the run report a finding is in. */
export type FindingKind = 'leak' | 'error';

// ------------------------------------------------------------------ validation

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

class Invalid extends Error {}

function fail(path: string, expected: string): never {
  throw new Invalid(`${path}: expected ${expected}`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
  return value as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, path: string, max = 4096): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > max) fail(`${path}.${key}`, `a string of at most ${max} characters`);
  return v;
}

function int(o: Record<string, unknown>, key: string, path: string, min = 0): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(`${path}.${key}`, `an integer ≥ ${min}`);
  return v;
}

function bool(o: Record<string, unknown>, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(`${path}.${key}`, 'a boolean');
  return v;
}

function optional<T>(o: Record<string, unknown>, key: string, read: () => T): T | undefined {
  return o[key] === undefined ? undefined : read();
}

function site(value: unknown, path: string): SourceSite {
  const o = record(value, path);
  // Sites are 1-based, but a 0 (unknown line) must not cost the whole message.
  return { file: str(o, 'file', path), line: int(o, 'line', path, 0), column: int(o, 'column', path, 0) };
}

/** The most frames a stack may have: memcheck's largest `--num-callers`. */
const MAX_STACK_FRAMES = 500;

/** A call stack, innermost first: 1 to MAX_STACK_FRAMES sites. */
function stack(value: unknown, path: string): SourceSite[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_STACK_FRAMES)
    fail(path, `an array of 1 to ${MAX_STACK_FRAMES} sites`);
  return value.map((frame, i) => site(frame, `${path}[${i}]`));
}

function oneOf<T extends string>(o: Record<string, unknown>, key: string, path: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(`${path}.${key}`, allowed.join(' | '));
  return v as T;
}

type NumberColumn = Uint8Array | Int32Array | Uint32Array | Float64Array;

/**
 * A batch column: a typed array (VS Code posts typed arrays as they are) or a plain number array
 * (JSON transports); copied into the expected typed array either way.
 */
function column<T extends NumberColumn>(value: unknown, count: number, path: string, make: (n: number) => T): T {
  const isTyped = ArrayBuffer.isView(value) && !(value instanceof DataView);
  if (!isTyped && !Array.isArray(value)) fail(path, 'a typed array or an array of numbers');
  const source = value as ArrayLike<unknown>;
  if (source.length < count) fail(path, `at least ${count} entries`);
  const out = make(count);
  for (let i = 0; i < count; i++) {
    const v = source[i];
    if (typeof v !== 'number' || Number.isNaN(v)) fail(`${path}[${i}]`, 'a number');
    out[i] = v;
  }
  return out;
}

/** Validates a heap operation batch and returns a clean copy with exact-length typed arrays. */
export function parseHeapOpBatch(value: unknown, path = 'batch'): HeapOpBatch {
  const o = record(value, path);
  const firstStep = int(o, 'firstStep', path);
  const count = int(o, 'count', path);
  if (count > 1 << 24) fail(`${path}.count`, 'at most 16,777,216 operations per batch');
  const kind = column(o['kind'], count, `${path}.kind`, (n) => new Uint8Array(n));
  let registers = 0;
  for (let i = 0; i < count; i++) {
    const k = kind[i]!;
    if (k < HeapOpKind.Register || k > HeapOpKind.Mark) fail(`${path}.kind[${i}]`, 'an operation kind 1 … 4');
    if (k === HeapOpKind.Register) registers++;
  }
  const names = o['names'];
  if (!Array.isArray(names) || names.length !== registers || !names.every((n) => typeof n === 'string' && n.length <= 64)) {
    fail(`${path}.names`, `${registers} struct names (one per Register operation)`);
  }
  return {
    firstStep,
    count,
    kind,
    a: column(o['a'], count, `${path}.a`, (n) => new Float64Array(n)),
    b: column(o['b'], count, `${path}.b`, (n) => new Float64Array(n)),
    c: column(o['c'], count, `${path}.c`, (n) => new Float64Array(n)),
    site: column(o['site'], count, `${path}.site`, (n) => new Int32Array(n)),
    names: names as string[],
    ...(o['writes'] === undefined ? {} : { writes: parseHeapWrites(o['writes'], firstStep, count, `${path}.writes`) }),
    ...(o['fields'] === undefined ? {} : { fields: parseStructFields(o['fields'], registers, `${path}.fields`) }),
  };
}

/** Most fields one struct may list (far more than any real struct has). */
const MAX_STRUCT_FIELDS = 4096;

/** Validates the fields of each Register operation's struct: one list per Register, each field sane. */
function parseStructFields(value: unknown, registers: number, path: string): RecordedField[][] {
  if (!Array.isArray(value) || value.length !== registers) fail(path, `${registers} field lists (one per Register operation)`);
  return value.map((list: unknown, i) => {
    if (!Array.isArray(list) || list.length > MAX_STRUCT_FIELDS)
      fail(`${path}[${i}]`, `a list of at most ${MAX_STRUCT_FIELDS} fields`);
    return list.map((entry: unknown, k) => {
      const p = `${path}[${i}][${k}]`;
      const f = record(entry, p);
      const offset = int(f, 'offset', p);
      const size = int(f, 'size', p);
      if (offset + size > MAX_WRITE_BYTES) fail(p, `a field within ${MAX_WRITE_BYTES} bytes`);
      return { name: str(f, 'name', p, 200), type: str(f, 'type', p, 200), offset, size };
    });
  });
}

/** Most bytes one recorded write may carry (a block's data never spans more than a page of 64 KiB). */
const MAX_WRITE_BYTES = 1 << 16;

/**
 * Validates a batch's writes: in step order, each step from the batch's `firstStep − 1` to its
 * last step, addresses safe integers, lengths that add up to exactly the bytes sent.
 */
function parseHeapWrites(value: unknown, firstStep: number, opCount: number, path: string): HeapWrites {
  const o = record(value, path);
  const count = int(o, 'count', path);
  if (count > 1 << 24) fail(`${path}.count`, 'at most 16,777,216 writes per batch');
  const step = column(o['step'], count, `${path}.step`, (n) => new Int32Array(n));
  const address = column(o['address'], count, `${path}.address`, (n) => new Float64Array(n));
  const length = column(o['length'], count, `${path}.length`, (n) => new Uint32Array(n));
  let total = 0;
  for (let i = 0; i < count; i++) {
    const s = step[i]!;
    if (s < firstStep - 1 || s > firstStep + opCount - 1 || (i > 0 && s < step[i - 1]!)) {
      fail(`${path}.step[${i}]`, `a step in order from ${firstStep - 1} to ${firstStep + opCount - 1}`);
    }
    if (!Number.isSafeInteger(address[i]!) || address[i]! <= 0) fail(`${path}.address[${i}]`, 'an address > 0');
    if (length[i]! > MAX_WRITE_BYTES) fail(`${path}.length[${i}]`, `at most ${MAX_WRITE_BYTES} bytes`);
    total += length[i]!;
  }
  const source = o['bytes'];
  if ((source as ArrayLike<unknown> | null)?.length !== total) fail(`${path}.bytes`, `exactly ${total} bytes`);
  const bytes = column(source, total, `${path}.bytes`, (n) => new Uint8Array(n));
  if (!(source instanceof Uint8Array)) {
    const plain = source as ArrayLike<number>;
    for (let i = 0; i < total; i++) if (bytes[i] !== plain[i]) fail(`${path}.bytes[${i}]`, 'a byte 0 … 255');
  }
  return { count, step, address, length, bytes };
}

type TypedColumn = Uint8Array | Int32Array | Uint32Array | Float64Array;

/** A typed array of exactly `Ctor`'s type (kept as it is), or a number array copied into one. */
function typed<T extends TypedColumn>(value: unknown, path: string, Ctor: { new (n: number): T; name: string }): T {
  if (value instanceof Ctor) return value;
  if (!Array.isArray(value)) fail(path, `a ${Ctor.name}`);
  return column(value, value.length, path, (n) => new Ctor(n));
}

/** Most families, slots or queue words a snapshot may name (far beyond any heap a run can map). */
const MAX_SNAPSHOT_ITEMS = 1 << 24;

/**
 * Validates a heap snapshot (`HeapSnapshot.toWire`): every array of the right type, the page list
 * ascending and each page's words inside the words sent, one free-list state per family, and the
 * counters' length a whole number per family. What the engine does with the values is its own.
 */
function snapshotWire(value: unknown, path: string): SnapshotWire {
  const o = record(value, path);
  const pageSize = int(o, 'pageSize', path, 1);
  const words = typed(o['words'], `${path}.words`, Uint32Array);
  const pageStart = typed(o['pageStart'], `${path}.pageStart`, Uint32Array);
  const st = record(o['state'], `${path}.state`);
  const sp = `${path}.state`;
  const k = record(st['kernel'], `${sp}.kernel`);
  const kernel = {
    counters: typed(k['counters'], `${sp}.kernel.counters`, Float64Array),
    slots: typed(k['slots'], `${sp}.kernel.slots`, Int32Array),
    freeSlots: typed(k['freeSlots'], `${sp}.kernel.freeSlots`, Int32Array),
    keptSlots: typed(k['keptSlots'], `${sp}.kernel.keptSlots`, Int32Array),
    keptAt: typed(k['keptAt'], `${sp}.kernel.keptAt`, Float64Array),
  };
  if (kernel.counters.length !== 10) fail(`${sp}.kernel.counters`, '10 counters');
  const slots = kernel.slots;
  if (slots.length > MAX_SNAPSHOT_ITEMS) fail(`${sp}.kernel.slots`, `at most ${MAX_SNAPSHOT_ITEMS} pages`);
  for (let i = 0; i < slots.length; i++) {
    if (slots[i]! < 0 || (i > 0 && slots[i]! <= slots[i - 1]!)) fail(`${sp}.kernel.slots[${i}]`, 'slots ascending from 0');
  }
  if (pageStart.length !== slots.length) fail(`${path}.pageStart`, `${slots.length} entries (one per page)`);
  for (let i = 0; i < pageStart.length; i++) {
    if (pageStart[i]! >= words.length) fail(`${path}.pageStart[${i}]`, `an index below ${words.length}`);
  }
  const familyList = st['families'];
  if (!Array.isArray(familyList) || familyList.length > MAX_SNAPSHOT_ITEMS) fail(`${sp}.families`, 'an array');
  const families = familyList.map((entry: unknown, i) => {
    const f = record(entry, `${sp}.families[${i}]`);
    const id = int(f, 'id', `${sp}.families[${i}]`);
    if (id !== i) fail(`${sp}.families[${i}].id`, `${i}`);
    return {
      id,
      name: str(f, 'name', `${sp}.families[${i}]`, 64),
      structSize: int(f, 'structSize', `${sp}.families[${i}]`),
      recordAddress: int(f, 'recordAddress', `${sp}.families[${i}]`),
    };
  });
  const counters = typed(st['counters'], `${sp}.counters`, Float64Array);
  if (families.length === 0 ? counters.length !== 0 : counters.length % families.length !== 0) {
    fail(`${sp}.counters`, 'the same number of counters per family');
  }
  const queueList = st['queues'];
  if (!Array.isArray(queueList) || queueList.length !== families.length) fail(`${sp}.queues`, `${families.length} free lists`);
  const queues = queueList.map((q: unknown, i) => typed(q, `${sp}.queues[${i}]`, Uint32Array));
  const errorCountList = st['errorCounts'];
  if (!Array.isArray(errorCountList)) fail(`${sp}.errorCounts`, 'an array');
  const errorCounts = errorCountList.map((pair: unknown, i) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'number') {
      fail(`${sp}.errorCounts[${i}]`, 'a [kind, count] pair');
    }
    return [pair[0], pair[1]];
  }) as HeapState['errorCounts'];
  const lastError = st['lastError'];
  if (lastError !== null) {
    const e = record(lastError, `${sp}.lastError`);
    str(e, 'kind', `${sp}.lastError`, 64);
    str(e, 'message', `${sp}.lastError`);
  }
  const number = (key: string): number => {
    const v = st[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${sp}.${key}`, 'a number');
    return v;
  };
  const state: HeapState = {
    kernel,
    families,
    counters,
    queues,
    registryPages: typed(st['registryPages'], `${sp}.registryPages`, Float64Array),
    slotFamily: typed(st['slotFamily'], `${sp}.slotFamily`, Int32Array),
    allocated: typed(st['allocated'], `${sp}.allocated`, Int32Array),
    lastError: lastError as HeapState['lastError'],
    errorCounts,
    appMemory: number('appMemory'),
    peakAppMemory: number('peakAppMemory'),
    bufFamilyId: number('bufFamilyId'),
  };
  // The allocated blocks' meta handles (the low 32 bits of their addresses, as the engine saves
  // them): each in one of the snapshot's pages and none twice, so restoring them marks only
  // mapped memory.
  const allocated = state.allocated;
  if (allocated.length > MAX_SNAPSHOT_ITEMS) fail(`${sp}.allocated`, `at most ${MAX_SNAPSHOT_ITEMS} blocks`);
  const handles = new Set<number>();
  for (let i = 0; i < allocated.length; i++) {
    const handle = allocated[i]!;
    const slot = Math.floor((((-handle >>> 0) - 1) >>> 0) / pageSize);
    if (handle === 0 || !sortedHas(slots, slot) || handles.has(handle)) {
      fail(`${sp}.allocated[${i}]`, 'the handle of a block in a mapped page, not given before');
    }
    handles.add(handle);
  }
  return { state, words, pageStart, pageSize };
}

/** Whether the ascending `values` hold `value` (binary search). */
function sortedHas(values: Int32Array, value: number): boolean {
  let low = 0;
  let high = values.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const v = values[mid]!;
    if (v === value) return true;
    if (v < value) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

const LEAK_KINDS = ['definitely-lost', 'indirectly-lost', 'possibly-lost', 'still-reachable'] as const;

function leakCounts(value: unknown, path: string): LeakCount[] {
  if (!Array.isArray(value)) fail(path, 'an array');
  return value.map((entry, i) => {
    const o = record(entry, `${path}[${i}]`);
    return { kind: oneOf(o, 'kind', `${path}[${i}]`, LEAK_KINDS), blocks: int(o, 'blocks', path), bytes: int(o, 'bytes', path) };
  });
}

const CSS_COLOUR = /^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([\d\s.,%/]{1,40}\)|[a-zA-Z]{3,20})$/;

function structColors(value: unknown, path: string): Record<string, string> {
  const o = record(value, path);
  const out: Record<string, string> = {};
  for (const [name, colour] of Object.entries(o)) {
    // A colour ends up in canvas fillStyle and a swatch's style only; still accept nothing but a
    // plain colour (hex, rgb()/hsl(), or a named colour), never url() or declarations.
    if (typeof colour !== 'string' || !CSS_COLOUR.test(colour)) fail(`${path}.${name}`, 'a CSS colour');
    out[name] = colour;
  }
  return out;
}

function report(value: unknown, path: string): RunReportJson {
  const o = record(value, path);
  int(o, 'schemaVersion', path, 1);
  for (const key of ['leaks', 'errors', 'leakChecks']) {
    if (o[key] !== undefined && !Array.isArray(o[key])) fail(`${path}.${key}`, 'an array');
  }
  if (o['leakChecks'] !== undefined) {
    (o['leakChecks'] as unknown[]).forEach((check, i) => {
      const c = record(check, `${path}.leakChecks[${i}]`);
      int(c, 'event', `${path}.leakChecks[${i}]`, -1);
      if (!Array.isArray(c['leaks'])) fail(`${path}.leakChecks[${i}].leaks`, 'an array');
      if (c['requested'] !== undefined) bool(c, 'requested', `${path}.leakChecks[${i}]`);
    });
  }
  if (o['peak'] !== undefined) {
    const p = record(o['peak'], `${path}.peak`);
    int(p, 'event', `${path}.peak`, -1);
  }
  return o as RunReportJson;
}

/** One memory error of a run that goes on: what the Leaks & errors tab reads of it. */
function interimError(value: unknown, path: string): InterimMemoryError {
  const o = record(value, path);
  const error: InterimMemoryError = {
    kind: str(o, 'kind', path, 64),
    message: str(o, 'message', path, 10000),
    count: int(o, 'count', path, 1),
  };
  const at = optional(o, 'site', () => site(o['site'], `${path}.site`));
  if (at) error.site = at;
  const event = optional(o, 'event', () => int(o, 'event', path));
  if (event !== undefined) error.event = event;
  const freeSite = optional(o, 'freeSite', () => site(o['freeSite'], `${path}.freeSite`));
  if (freeSite) error.freeSite = freeSite;
  const allocSite = optional(o, 'allocSite', () => site(o['allocSite'], `${path}.allocSite`));
  if (allocSite) error.allocSite = allocSite;
  const allocStack = optional(o, 'allocStack', () => stack(o['allocStack'], `${path}.allocStack`));
  if (allocStack) error.allocStack = allocStack;
  const freeStack = optional(o, 'freeStack', () => stack(o['freeStack'], `${path}.freeStack`));
  if (freeStack) error.freeStack = freeStack;
  const suppressed = optional(o, 'suppressed', () => bool(o, 'suppressed', path));
  if (suppressed !== undefined) error.suppressed = suppressed;
  return error;
}

/** Validates a message arriving in the webview from the host. */
export function parseHostToWebview(value: unknown): Parsed<HostToWebviewMessage> {
  try {
    const o = record(value, 'message');
    const type = o['type'];
    const p = `message(${String(type)})`;
    switch (type) {
      case 'settings':
        return ok({ type, structColors: structColors(o['structColors'], `${p}.structColors`) });
      case 'runStarted': {
        const pageSize = int(o, 'pageSize', p, 1);
        const memoryCap = optional(o, 'memoryCap', () => int(o, 'memoryCap', p, 0));
        const message: HostToWebviewMessage = {
          type,
          runId: str(o, 'runId', p, 200),
          pageSize,
          title: str(o, 'title', p),
          live: bool(o, 'live', p),
        };
        if (memoryCap !== undefined) message.memoryCap = memoryCap;
        return ok(message);
      }
      case 'heapWindow': {
        const fields = o['fields'];
        if (!Array.isArray(fields)) fail(`${p}.fields`, 'an array');
        return ok({
          type,
          runId: str(o, 'runId', p, 200),
          firstStep: int(o, 'firstStep', p),
          heap: snapshotWire(o['heap'], `${p}.heap`),
          fields: parseStructFields(fields, fields.length, `${p}.fields`),
        });
      }
      case 'sites': {
        const sites = o['sites'];
        if (!Array.isArray(sites)) fail(`${p}.sites`, 'an array');
        return ok({
          type,
          runId: str(o, 'runId', p, 200),
          firstId: int(o, 'firstId', p),
          sites: sites.map((s, i) => site(s, `${p}.sites[${i}]`)),
        });
      }
      case 'heapOps': {
        const message: HostToWebviewMessage = {
          type,
          runId: str(o, 'runId', p, 200),
          batch: parseHeapOpBatch(o['batch'], `${p}.batch`),
        };
        const snapshotAfter = optional(o, 'snapshotAfter', () => bool(o, 'snapshotAfter', p));
        const windowStart = optional(o, 'windowStart', () => int(o, 'windowStart', p));
        if (snapshotAfter !== undefined) message.snapshotAfter = snapshotAfter;
        if (windowStart !== undefined) message.windowStart = windowStart;
        return ok(message);
      }
      case 'leakCheck': {
        const s = optional(o, 'site', () => site(o['site'], `${p}.site`));
        const requested = optional(o, 'requested', () => bool(o, 'requested', p));
        const message: HostToWebviewMessage = {
          type,
          runId: str(o, 'runId', p, 200),
          step: int(o, 'step', p, -1),
          leaks: leakCounts(o['leaks'], `${p}.leaks`),
        };
        if (s) message.site = s;
        if (requested !== undefined) message.requested = requested;
        return ok(message);
      }
      case 'memoryErrors': {
        const errors = o['errors'];
        if (!Array.isArray(errors)) fail(`${p}.errors`, 'an array');
        return ok({
          type,
          runId: str(o, 'runId', p, 200),
          errors: errors.map((e, i) => interimError(e, `${p}.errors[${i}]`)),
          occurrences: int(o, 'occurrences', p),
          distinct: int(o, 'distinct', p),
        });
      }
      case 'runEnded': {
        const m = optional(o, 'message', () => str(o, 'message', p));
        const message: HostToWebviewMessage = {
          type,
          runId: str(o, 'runId', p, 200),
          state: oneOf(o, 'state', p, ['finished', 'failed', 'stopped'] as const),
        };
        if (m !== undefined) message.message = m;
        return ok(message);
      }
      case 'report': {
        const suppressible = optional(o, 'suppressible', () => bool(o, 'suppressible', p));
        const message: HostToWebviewMessage = {
          type,
          runId: str(o, 'runId', p, 200),
          report: report(o['report'], `${p}.report`),
        };
        if (suppressible !== undefined) message.suppressible = suppressible;
        return ok(message);
      }
      case 'revealBlock': {
        const step = optional(o, 'step', () => int(o, 'step', p, -1));
        const message: HostToWebviewMessage = { type, runId: str(o, 'runId', p, 200), address: int(o, 'address', p, 1) };
        if (step !== undefined) message.step = step;
        return ok(message);
      }
      case 'goToStep':
        return ok({ type, runId: str(o, 'runId', p, 200), step: int(o, 'step', p, -1) });
      case 'personTyping': {
        const forMs = int(o, 'forMs', p);
        if (forMs > MAX_TYPING_HOLD_MS) fail(`${p}.forMs`, `at most ${MAX_TYPING_HOLD_MS}`);
        return ok({ type, forMs });
      }
      default:
        return { ok: false, error: `unknown message type ${JSON.stringify(type)} from the host` };
    }
  } catch (error) {
    return invalid(error);
  }
}

/** Validates a message arriving in the host from the webview (untrusted: check everything). */
export function parseWebviewToHost(value: unknown): Parsed<WebviewToHostMessage> {
  try {
    const o = record(value, 'message');
    const type = o['type'];
    const p = `message(${String(type)})`;
    switch (type) {
      case 'ready':
        return ok({ type });
      case 'blockSelected': {
        const s = optional(o, 'site', () => site(o['site'], `${p}.site`));
        const message: WebviewToHostMessage = {
          type,
          runId: str(o, 'runId', p, 200),
          address: int(o, 'address', p, 1),
          step: int(o, 'step', p, -1),
          struct: str(o, 'struct', p, 64),
          free: bool(o, 'free', p),
          allocStep: int(o, 'allocStep', p, -1),
          siteId: int(o, 'siteId', p, -1),
        };
        if (s) message.site = s;
        return ok(message);
      }
      case 'stepChanged': {
        const s = optional(o, 'site', () => site(o['site'], `${p}.site`));
        const message: WebviewToHostMessage = {
          type,
          runId: str(o, 'runId', p, 200),
          step: int(o, 'step', p, -1),
          siteId: int(o, 'siteId', p, -1),
        };
        if (s) message.site = s;
        return ok(message);
      }
      case 'resyncRequest':
        return ok({ type, runId: str(o, 'runId', p, 200), fromStep: int(o, 'fromStep', p) });
      case 'openSource':
        return ok({ type, runId: str(o, 'runId', p, 200), site: site(o['site'], `${p}.site`) });
      case 'suppressFinding':
        return ok({
          type,
          runId: str(o, 'runId', p, 200),
          finding: oneOf(o, 'finding', p, ['leak', 'error'] as const),
          index: int(o, 'index', p),
        });
      case 'webviewError':
        return ok({ type, message: str(o, 'message', p, 10000) });
      default:
        return { ok: false, error: `unknown message type ${JSON.stringify(type)} from the webview` };
    }
  } catch (error) {
    return invalid(error);
  }
}

function ok<T>(message: T): Parsed<T> {
  return { ok: true, message };
}

function invalid(error: unknown): { ok: false; error: string } {
  if (error instanceof Invalid) return { ok: false, error: error.message };
  throw error;
}
