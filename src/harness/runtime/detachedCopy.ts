/**
 * A copy of plain data (objects, arrays, typed arrays, primitives) for the harness to keep. What
 * the runtime returns to the harness must not be what it reports from later: a mid-run leak
 * check's result is both, and a harness that emptied its records rewrote the run's report.
 */
export function detachedCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): T }).slice();
  if (Array.isArray(value)) return value.map((item: unknown) => detachedCopy(item)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = detachedCopy(item);
  return copy as T;
}
