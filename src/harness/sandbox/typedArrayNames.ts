/**
 * The typed-array constructors of the language, by global name: the harness's Compartment gets
 * each as a global (compartmentScript.ts) and the worker replaces each with one that charges the
 * run's memory budget first (boundedBuffers.ts). One list, so neither can miss one.
 */
export const TYPED_ARRAY_NAMES = [
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
