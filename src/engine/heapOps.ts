/**
 * The heap's operation log: every register / xcalloc / xfree call with its result, in columnar
 * typed arrays. It is the one stream that crosses runtimes: the harness worker records it, the
 * extension host forwards it in batches, and the webview replays it on its own engine (the engine
 * is deterministic, so every address matches) to show the heap at any step (time travel).
 *
 * A step is one operation. Failed calls are steps too (errors are markers on the timeline).
 */

export const enum HeapOpKind {
  /** a = struct size, c = family id or -1; the name is in `names` (one per Register, in order). */
  Register = 1,
  /** a = family id, b = units, c = data address or 0. */
  Alloc = 2,
  /** a = data address, c = 1 freed / 0 refused (invalid or double free). */
  Free = 3,
  /** A named moment that changes nothing (leak check, harness marker): a = marker id. */
  Mark = 4,
}

/** A batch of operations, columnar so it posts between threads and to a webview cheaply. */
export interface HeapOpBatch {
  /** Step number of the batch's first operation. */
  firstStep: number;
  count: number;
  kind: Uint8Array;
  a: Float64Array;
  b: Float64Array;
  c: Float64Array;
  /** Call-site id of each operation (an index into the run's site table), or -1. */
  site: Int32Array;
  /** The struct names of this batch's Register operations, in order. */
  names: string[];
  /** The program's writes to block bytes made during this batch (absent: none). */
  writes?: HeapWrites;
  /**
   * The fields of each Register operation's struct, in order (parallel to `names`; empty for a
   * struct whose fields are not known), so a block's bytes can be shown field by field.
   */
  fields?: RecordedField[][];
}

/** A field of a registered struct: its name, C type, and where its bytes are in one unit. */
export interface RecordedField {
  name: string;
  /** The C type as the layout spells it: `u32`, `char[16]`, `node_t *`, `point_t`, `u32[4]`, … */
  type: string;
  offset: number;
  size: number;
}

/**
 * Writes of the program to block bytes, columnar: write i stored `length[i]` bytes (the next ones
 * of `bytes`) at `address[i]` after step `step[i]` and before the next step. The bytes are what
 * memory held after the write, so a field value, a string or a struct copy are all byte runs.
 * A batch's writes are in order; their steps lie from the batch's `firstStep − 1` (writes after
 * the previous batch's last operation) to its last step.
 */
export interface HeapWrites {
  count: number;
  step: Int32Array;
  address: Float64Array;
  length: Uint32Array;
  bytes: Uint8Array;
}

/** Where a scan of a batch's writes has got to: the next write and where its bytes begin. */
export interface WritesCursor {
  index: number;
  byte: number;
}

/**
 * The writes of `writes` whose steps lie in `from … to` (inclusive), copied. A caller cutting a
 * batch into consecutive pieces passes one `cursor` for all of them, so each piece scans only its
 * own writes (not the batch's from the start); the cursor is left after the piece's writes.
 */
export function writesBetween(
  writes: HeapWrites | undefined,
  from: number,
  to: number,
  cursor: WritesCursor = { index: 0, byte: 0 },
): HeapWrites | undefined {
  if (writes === undefined) return undefined;
  let first = cursor.index;
  let byteFrom = cursor.byte;
  while (first < writes.count && writes.step[first]! < from) byteFrom += writes.length[first++]!;
  let end = first;
  let byteTo = byteFrom;
  while (end < writes.count && writes.step[end]! <= to) byteTo += writes.length[end++]!;
  cursor.index = end;
  cursor.byte = byteTo;
  if (end === first) return undefined;
  return {
    count: end - first,
    step: writes.step.slice(first, end),
    address: writes.address.slice(first, end),
    length: writes.length.slice(first, end),
    bytes: writes.bytes.slice(byteFrom, byteTo),
  };
}

/** Collects operations and hands them out in batches (for live streaming). */
export class HeapOpRecorder {
  private capacity: number;
  private batch: HeapOpBatch;
  /** Steps recorded so far, over all batches. */
  steps = 0;
  private writeCount = 0;
  private writeSteps = new Int32Array(256);
  private writeAddresses = new Float64Array(256);
  private writeLengths = new Uint32Array(256);
  private writeBytes = new Uint8Array(2048);
  private writeByteCount = 0;

  constructor(capacity = 4096) {
    this.capacity = capacity;
    this.batch = newBatch(0, capacity);
  }

  record(kind: HeapOpKind, a: number, b: number, c: number, site: number, name?: string, fields?: RecordedField[]): void {
    const batch = this.batch;
    if (batch.count === this.capacity) this.grow();
    const i = this.batch.count++;
    this.batch.kind[i] = kind;
    this.batch.a[i] = a;
    this.batch.b[i] = b;
    this.batch.c[i] = c;
    this.batch.site[i] = site;
    if (name !== undefined) {
      this.batch.names.push(name);
      if (fields !== undefined || this.batch.fields !== undefined) {
        // Parallel to the names: structs registered before the first with fields get none.
        const all = (this.batch.fields ??= this.batch.names.slice(0, -1).map(() => []));
        all.push(fields ?? []);
      }
    }
    this.steps++;
  }

  /**
   * Records that the program wrote `length` bytes at `address`, after the last recorded step:
   * the bytes are copied from `page` at `offset` (the memory after the write). Columns grow by
   * doubling: nothing is allocated per write.
   */
  recordWrite(address: number, length: number, page: DataView, offset: number): void {
    const i = this.writeCount;
    if (i === this.writeSteps.length) this.growWrites();
    let at = this.writeByteCount;
    if (at + length > this.writeBytes.length) this.growWriteBytes(at + length);
    this.writeSteps[i] = this.steps - 1;
    this.writeAddresses[i] = address;
    this.writeLengths[i] = length;
    const bytes = this.writeBytes;
    for (let k = 0; k < length; k++) bytes[at++] = page.getUint8(offset + k);
    this.writeByteCount = at;
    this.writeCount = i + 1;
  }

  /** Operations (and writes) recorded since the last call (trimmed to their count), or null when none. */
  flush(): HeapOpBatch | null {
    const batch = this.batch;
    if (batch.count === 0 && this.writeCount === 0) return null;
    this.batch = newBatch(this.steps, this.capacity);
    const trimmed = trimBatch(batch);
    if (this.writeCount > 0) {
      const n = this.writeCount;
      trimmed.writes = {
        count: n,
        step: this.writeSteps.slice(0, n),
        address: this.writeAddresses.slice(0, n),
        length: this.writeLengths.slice(0, n),
        bytes: this.writeBytes.slice(0, this.writeByteCount),
      };
      this.writeCount = 0;
      this.writeByteCount = 0;
    }
    return trimmed;
  }

  private growWrites(): void {
    const n = this.writeSteps.length * 2;
    const steps = new Int32Array(n);
    steps.set(this.writeSteps);
    const addresses = new Float64Array(n);
    addresses.set(this.writeAddresses);
    const lengths = new Uint32Array(n);
    lengths.set(this.writeLengths);
    this.writeSteps = steps;
    this.writeAddresses = addresses;
    this.writeLengths = lengths;
  }

  private growWriteBytes(needed: number): void {
    const bytes = new Uint8Array(Math.max(needed, this.writeBytes.length * 2));
    bytes.set(this.writeBytes.subarray(0, this.writeByteCount));
    this.writeBytes = bytes;
  }

  private grow(): void {
    const old = this.batch;
    this.capacity *= 2;
    const bigger = newBatch(old.firstStep, this.capacity);
    bigger.kind.set(old.kind);
    bigger.a.set(old.a);
    bigger.b.set(old.b);
    bigger.c.set(old.c);
    bigger.site.set(old.site);
    bigger.count = old.count;
    bigger.names = old.names;
    if (old.fields !== undefined) bigger.fields = old.fields;
    this.batch = bigger;
  }
}

export function newBatch(firstStep: number, capacity: number): HeapOpBatch {
  return {
    firstStep,
    count: 0,
    kind: new Uint8Array(capacity),
    a: new Float64Array(capacity),
    b: new Float64Array(capacity),
    c: new Float64Array(capacity),
    site: new Int32Array(capacity),
    names: [],
  };
}

function trimBatch(batch: HeapOpBatch): HeapOpBatch {
  const n = batch.count;
  const fields = batch.fields === undefined ? {} : { fields: batch.fields };
  return {
    ...fields,
    firstStep: batch.firstStep,
    count: n,
    kind: batch.kind.slice(0, n),
    a: batch.a.slice(0, n),
    b: batch.b.slice(0, n),
    c: batch.c.slice(0, n),
    site: batch.site.slice(0, n),
    names: batch.names,
  };
}
