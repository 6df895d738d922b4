/**
 * Min/max decimation: a series of any length (a million steps) as one min and max per pixel
 * column, so a chart draws one vertical bar per column and never hides a spike.
 */

/** Min and max of `series` over each of `columns` equal step ranges of [0, length). */
export function decimate(series: ArrayLike<number>, length: number, columns: number): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(columns);
  const max = new Float64Array(columns);
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c * length) / columns);
    const to = Math.max(from + 1, Math.floor(((c + 1) * length) / columns));
    let lo = Infinity;
    let hi = -Infinity;
    for (let s = from; s < to && s < length; s++) {
      const v = series[s]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[c] = lo;
    max[c] = hi;
  }
  return { min, max };
}
