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

/** Steps per summary block: a column spanning many blocks reads at most 2 × this many raw steps. */
const BLOCK = 64;

/**
 * Min/max per block of 64 steps, kept up to date as a run grows (only new steps are read), so
 * decimating a million steps reads about 1/20 of them: the chart of a live run redraws in a
 * millisecond or two instead of a hundred.
 */
export class SeriesSummary {
  private blockMin = new Float64Array(1024);
  private blockMax = new Float64Array(1024);
  /** Complete blocks summarised so far. */
  private blocks = 0;

  decimate(series: ArrayLike<number>, length: number, columns: number): { min: Float64Array; max: Float64Array } {
    this.extend(series, length);
    const min = new Float64Array(columns);
    const max = new Float64Array(columns);
    const blockMin = this.blockMin;
    const blockMax = this.blockMax;
    for (let c = 0; c < columns; c++) {
      const from = Math.floor((c * length) / columns);
      const to = Math.min(length, Math.max(from + 1, Math.floor(((c + 1) * length) / columns)));
      let lo = Infinity;
      let hi = -Infinity;
      const firstBlock = Math.ceil(from / BLOCK);
      const endBlock = Math.floor(to / BLOCK);
      if (endBlock - firstBlock < 2) {
        for (let s = from; s < to; s++) {
          const v = series[s]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      } else {
        for (let s = from; s < firstBlock * BLOCK; s++) {
          const v = series[s]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        for (let b = firstBlock; b < endBlock; b++) {
          if (blockMin[b]! < lo) lo = blockMin[b]!;
          if (blockMax[b]! > hi) hi = blockMax[b]!;
        }
        for (let s = endBlock * BLOCK; s < to; s++) {
          const v = series[s]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      min[c] = lo;
      max[c] = hi;
    }
    return { min, max };
  }

  private extend(series: ArrayLike<number>, length: number): void {
    const complete = Math.floor(length / BLOCK);
    if (complete > this.blockMin.length) {
      let capacity = this.blockMin.length;
      while (capacity < complete) capacity *= 2;
      const grownMin = new Float64Array(capacity);
      grownMin.set(this.blockMin);
      const grownMax = new Float64Array(capacity);
      grownMax.set(this.blockMax);
      this.blockMin = grownMin;
      this.blockMax = grownMax;
    }
    for (let b = this.blocks; b < complete; b++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let s = b * BLOCK; s < (b + 1) * BLOCK; s++) {
        const v = series[s]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      this.blockMin[b] = lo;
      this.blockMax[b] = hi;
    }
    this.blocks = Math.max(this.blocks, complete);
  }
}
