/**
 * Fitting a canvas label into the width it owns: the first of several wordings (longest, most
 * complete first) that fits, else the shortest cut with an ellipsis. Canvas text never wraps or
 * clips by itself, so without this a long title runs into its neighbour's.
 */

/** Measures a string's drawn width in CSS pixels (a canvas context's `measureText`, or a stand-in in tests). */
export type MeasureText = (text: string) => number;

export function fitText(measure: MeasureText, wordings: readonly string[], maxWidth: number): string {
  if (wordings.length === 0) return '';
  for (const wording of wordings) if (measure(wording) <= maxWidth) return wording;
  return ellipsize(measure, wordings[wordings.length - 1]!, maxWidth);
}

/** The longest prefix of `text` that fits with a trailing ellipsis (binary search on the length). */
export function ellipsize(measure: MeasureText, text: string, maxWidth: number): string {
  if (measure(text) <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo).trimEnd()}…`;
}
