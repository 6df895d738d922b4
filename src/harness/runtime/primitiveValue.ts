/**
 * A value assigned to a field, made primitive before the runtime looks at the block it goes to.
 * Converting an object runs the harness's code (`valueOf`, `toString`, `Symbol.toPrimitive`, a
 * Proxy's traps), and that code can free, reallocate or split the very block being written: if
 * the block were checked first and the value converted after (inside `DataView.setUint32`, inside
 * `String(v)`), the write would land in freed memory or in the meta data of the block a split
 * made there, unreported. Converted first, the check that follows sees the block as it is.
 *
 * The conversion is ECMAScript's ToPrimitive, each method called at most once, as the built-in
 * conversion that used to run would have called it; primitives pass through untouched (the hot
 * path is one `typeof`).
 */
export function primitiveOf(value: unknown, hint: 'number' | 'string'): unknown {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return value;
  const target = value as Record<PropertyKey, unknown>;
  const exotic = target[Symbol.toPrimitive];
  if (exotic !== undefined && exotic !== null) {
    if (typeof exotic !== 'function') throw new TypeError('Symbol.toPrimitive is not a function');
    const result: unknown = (exotic as (hint: string) => unknown).call(value, hint);
    if (isPrimitive(result)) return result;
    throw new TypeError('Cannot convert object to primitive value');
  }
  for (const name of hint === 'string' ? ['toString', 'valueOf'] : ['valueOf', 'toString']) {
    const method = target[name];
    if (typeof method !== 'function') continue;
    const result: unknown = (method as () => unknown).call(value);
    if (isPrimitive(result)) return result;
  }
  throw new TypeError('Cannot convert object to primitive value');
}

function isPrimitive(value: unknown): boolean {
  return (typeof value !== 'object' || value === null) && typeof value !== 'function';
}
