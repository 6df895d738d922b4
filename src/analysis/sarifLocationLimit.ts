/**
 * GitHub code scanning's limit on a result's locations: it refuses a whole upload with a result of
 * more than SARIF_MAX_LOCATIONS (its `locations` and `relatedLocations` together; "Analysis SARIF
 * file rejected due to location limit"). A memory error under `--num-callers=500` has up to 499
 * callers, 499 allocation frames and 499 free frames as related locations.
 */
export const SARIF_MAX_LOCATIONS = 1_000;

/**
 * The frames a result keeps as related locations in `room`: each stack's innermost first, shared
 * out evenly (a stack shorter than its share leaves the rest to the others), so the allocation
 * and the free keep their own lines however deep the access's callers go.
 */
export function framesWithinRoom<T>(stacks: readonly (readonly T[])[], room: number): { kept: T[][]; leftOut: number } {
  const total = stacks.reduce((sum, s) => sum + s.length, 0);
  if (total <= room) return { kept: stacks.map((s) => s.slice()), leftOut: 0 };
  const shares = stacks.map(() => 0);
  let left = Math.max(0, room);
  while (left > 0) {
    let gave = false;
    for (let g = 0; g < stacks.length && left > 0; g++) {
      if (shares[g]! < stacks[g]!.length) {
        shares[g]!++;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return { kept: stacks.map((s, g) => s.slice(0, shares[g])), leftOut: total - (room > 0 ? room : 0) };
}

/** What a result's message adds when frames were left out. */
export function framesLeftOutText(leftOut: number, total: number): string {
  return ` (${leftOut} of ${total} related locations left out: GitHub code scanning refuses a result of more than ${SARIF_MAX_LOCATIONS.toLocaleString('en-US')} locations; lmm run --json keeps every frame)`;
}
