/**
 * The harness's ArrayBuffer, typed array and TextEncoder constructors, each refusing one buffer
 * larger than the run's memory limit. Buffers live outside the JS heap: the memory limit covers
 * them by sampling the process's resident memory, and stops the harness between two of its
 * steps; but one native call (`new Uint8Array(2 ** 31).fill(1)`, `TextEncoder.encode` of a long
 * string) cannot be stopped midway, and could fill gigabytes past the limit before it returns.
 * So no single buffer may be larger than the limit; several buffers are the sampling's to catch.
 *
 * Each replacement shares its original's prototype (so `instanceof`, subclassing, `from` and `of`
 * work as before). Typed arrays made from an array-like or an iterable take a copy of it first:
 * V8 reads `length` itself, after any check, and a getter could answer it differently each time.
 */

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

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

export function boundedBufferConstructors(maxBytes: number): Record<string, unknown> {
  const limitText = `${Math.round(maxBytes / 2 ** 20)} MB`;
  const check = (bytes: number, what: string) => {
    if (bytes > maxBytes) {
      throw new RangeError(`${what}: one buffer of ${bytes} bytes is more than the run's memory limit (${limitText})`);
    }
  };
  const globals: Record<string, unknown> = {};
  const original = globalThis as unknown as Record<string, Constructor & { BYTES_PER_ELEMENT?: number }>;

  const OriginalArrayBuffer = ArrayBuffer;
  function BoundedArrayBuffer(this: unknown, ...args: unknown[]): object {
    if (new.target === undefined) throw new TypeError("Constructor ArrayBuffer requires 'new'");
    check(Number(args[0]), 'new ArrayBuffer');
    const options = args[1];
    if (typeof options === 'object' && options !== null) {
      const maxByteLength: unknown = (options as { maxByteLength?: unknown }).maxByteLength;
      if (maxByteLength !== undefined) check(Number(maxByteLength), 'new ArrayBuffer (maxByteLength)');
      args[1] = { maxByteLength };
    }
    const target = new.target === BoundedArrayBuffer ? OriginalArrayBuffer : new.target;
    return Reflect.construct(OriginalArrayBuffer, [Number(args[0]), ...args.slice(1)], target) as object;
  }
  globals.ArrayBuffer = alike(BoundedArrayBuffer, OriginalArrayBuffer);

  for (const name of TYPED_ARRAYS) {
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
