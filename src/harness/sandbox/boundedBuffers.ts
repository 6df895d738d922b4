/**
 * The harness's ArrayBuffer, SharedArrayBuffer, typed array and TextEncoder constructors, each
 * charging what it is about to allocate to the run's memory budget first, and refusing (a
 * RangeError, before anything is allocated) when the run would pass its memory limit. Buffers
 * live outside the JS heap, which V8 caps by itself; one native call filling a buffer
 * (`new Uint8Array(2 ** 31).fill(1)`, `TextEncoder.encode` of a long string) cannot be stopped
 * midway, so a buffer is accounted when it is made, not when the process has grown.
 *
 * The budget (`MemoryBudget`) is the worker's buffer bytes (the simulated pages are buffers too)
 * plus its JS heap: counted up as buffers are made, measured again every quarter of the budget
 * and when a request would not fit (after a garbage collection once half of it is in use), so a
 * harness that makes and drops buffers is not refused, nor its process grown, for what it no
 * longer holds.
 *
 * Each replacement shares its original's prototype (so `instanceof`, subclassing, `from` and `of`
 * work as before). Typed arrays made from an array-like or an iterable take a copy of it first:
 * V8 reads `length` itself, after any check, and a getter could answer it differently each time.
 * The built-ins reached another way (`view.constructor`, a `slice` or `map` through the species)
 * are the shared originals: what they allocate is caught by the harness host's resident-memory
 * bound instead (harnessHost.ts).
 */
import { TYPED_ARRAY_NAMES } from './typedArrayNames';

/** What the budget needs from the worker: its buffers and JS heap now, and a full collection. */
export interface MemoryMeter {
  /** Bytes of live buffers plus JS heap in use. */
  inUse(): number;
  /** A full garbage collection, when the worker can ask for one. */
  collect?(): void;
}

export class MemoryBudget {
  /** An upper bound of the bytes in use: measured, plus every charge since. */
  private used: number;
  /** Bytes charged since the last measurement. */
  private sinceMeasured = 0;
  /** The first refusal's text, once a request was refused: the run is at its limit. */
  refusal: string | undefined;
  readonly limitText: string;

  /** What buffers and the JS heap may use together: the limit less what the worker needs besides. */
  private readonly budgetBytes: number;
  /**
   * Measured again after this many bytes are charged, and collected when more than half the budget
   * is then in use: buffers the harness dropped stay in the process until V8 collects them, and
   * would otherwise pile up to the limit (and the resident-memory bound) while little is live.
   */
  private readonly sliceBytes: number;

  constructor(
    readonly limitBytes: number,
    private readonly meter: MemoryMeter,
    private readonly onExceeded: () => void = () => undefined,
    reservedBytes = 0,
  ) {
    this.used = meter.inUse();
    this.budgetBytes = limitBytes - reservedBytes;
    this.sliceBytes = Math.max(1 << 20, this.budgetBytes / 4);
    this.limitText = `${Math.round(limitBytes / 2 ** 20)} MB`;
  }

  /** Counts `bytes` about to be allocated for `what`, or throws a RangeError when they do not fit. */
  charge(bytes: number, what: string): void {
    if (!(bytes >= 0)) return; // NaN or negative: the constructor itself refuses it
    if (bytes > this.limitBytes) {
      throw new RangeError(`${what}: one buffer of ${bytes} bytes is more than the run's memory limit (${this.limitText})`);
    }
    if (this.sinceMeasured + bytes <= this.sliceBytes && this.used + bytes <= this.budgetBytes) {
      this.used += bytes;
      this.sinceMeasured += bytes;
      return;
    }
    this.used = this.meter.inUse();
    if (this.used + bytes > this.budgetBytes / 2 && this.meter.collect) {
      this.meter.collect();
      this.used = this.meter.inUse();
    }
    this.sinceMeasured = 0;
    if (this.used + bytes <= this.budgetBytes) {
      this.used += bytes;
      this.sinceMeasured = bytes;
      return;
    }
    const text =
      `${what}: ${bytes} bytes more would take the run past its memory limit (${this.limitText}; ` +
      `${Math.round(this.used / 2 ** 20)} MB of buffers and JS heap in use)`;
    this.refusal ??= text;
    this.onExceeded();
    throw new RangeError(text);
  }
}

type Constructor = new (...args: unknown[]) => object;

const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;

function isArrayBuffer(value: unknown): boolean {
  try {
    arrayBufferByteLength.call(value);
    return true;
  } catch {
    return false;
  }
}

export function boundedBufferConstructors(budget: MemoryBudget): Record<string, unknown> {
  const check = (bytes: number, what: string) => budget.charge(bytes, what);
  const globals: Record<string, unknown> = {};
  const original = globalThis as unknown as Record<string, Constructor & { BYTES_PER_ELEMENT?: number }>;

  /** `ArrayBuffer` or `SharedArrayBuffer`, charging its length (and what it may grow to) first. */
  const boundedBuffer = (name: 'ArrayBuffer' | 'SharedArrayBuffer', Original: Constructor): unknown => {
    const Bounded = function (this: unknown, ...args: unknown[]): object {
      if (new.target === undefined) throw new TypeError(`Constructor ${name} requires 'new'`);
      // Each argument converted once: a valueOf answering small to the check and huge to V8 gets its one answer.
      const length = Number(args[0]);
      check(length, `new ${name}`);
      // The options V8 sees are a fresh object: a getter could answer the check and V8 differently.
      const passed: unknown[] = [length];
      const options = args[1];
      if (typeof options === 'object' && options !== null) {
        const maxByteLength: unknown = (options as { maxByteLength?: unknown }).maxByteLength;
        // It may grow to maxByteLength later without another constructor call: the rest is charged now.
        if (maxByteLength !== undefined) {
          const max = Number(maxByteLength);
          check(max - length, `new ${name} (maxByteLength)`);
          passed.push({ maxByteLength: max });
        }
      }
      const target = new.target === Bounded ? Original : new.target;
      return Reflect.construct(Original, passed, target) as object;
    };
    return alike(Bounded, Original);
  };
  globals.ArrayBuffer = boundedBuffer('ArrayBuffer', ArrayBuffer);
  globals.SharedArrayBuffer = boundedBuffer('SharedArrayBuffer', SharedArrayBuffer as unknown as Constructor);

  for (const name of TYPED_ARRAY_NAMES) {
    const Original = original[name]!;
    const bytesPerElement = Original.BYTES_PER_ELEMENT!;
    const Bounded = function (this: unknown, ...args: unknown[]): object {
      if (new.target === undefined) throw new TypeError(`Constructor ${name} requires 'new'`);
      const first = args[0];
      if (typeof first === 'object' && first !== null) {
        if (!isArrayBuffer(first)) {
          // Refused before copying when it says it is too long; the copy is what counts.
          const declared = Number((first as { length?: unknown }).length);
          if (declared > 0) check(declared * bytesPerElement, `new ${name}`);
          const copy = Array.from(first as ArrayLike<unknown>);
          check(copy.length * bytesPerElement, `new ${name}`);
          args = [copy];
        }
      } else if (first !== undefined) {
        check(Number(first) * bytesPerElement, `new ${name}`);
      }
      const target = new.target === Bounded ? Original : new.target;
      return Reflect.construct(Original, args, target) as object;
    };
    globals[name] = alike(Bounded, Original);
  }

  const OriginalTextEncoder = (globalThis as unknown as { TextEncoder: typeof TextEncoder }).TextEncoder;
  const encode = OriginalTextEncoder.prototype.encode;
  const encoder = new OriginalTextEncoder();
  function BoundedTextEncoder(this: unknown): object {
    if (new.target === undefined) throw new TypeError("Constructor TextEncoder requires 'new'");
    return Object.freeze({
      encoding: 'utf-8',
      encode(input: unknown = '') {
        const text = String(input);
        // UTF-8 takes at most 3 bytes for each UTF-16 unit.
        check(text.length * 3, 'TextEncoder.encode');
        return encode.call(encoder, text);
      },
      encodeInto(input: unknown, destination: Uint8Array) {
        return encoder.encodeInto(String(input), destination);
      },
    });
  }
  Object.defineProperty(BoundedTextEncoder, 'name', { value: 'TextEncoder' });
  globals.TextEncoder = Object.freeze(BoundedTextEncoder);
  return globals;
}

/** The replacement with its original's prototype, static members and name. */
function alike(replacement: (...args: never[]) => unknown, original: Constructor): unknown {
  Object.setPrototypeOf(replacement, Object.getPrototypeOf(original) as object);
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'length' || key === 'name') continue;
    Object.defineProperty(replacement, key, Object.getOwnPropertyDescriptor(original, key)!);
  }
  Object.defineProperty(replacement, 'name', { value: original.name });
  return Object.freeze(replacement);
}
