/**
 * A mid-run leak check as the worker posts it for the views (Leaks view, diagnostics, Memory Map
 * marker): the report's entry with every record's path from a root cut to its two ends. A block
 * at the far end of a rooted list of a million nodes has a million steps in its path; the
 * end-of-run report keeps them all, but posting them at each check would cost the worker (and
 * the views) far more than the check's records themselves.
 */
import type { LeakCheckReport } from '../../analysis/runReport';

/** Steps kept at each end of a longer root path. */
export const ROOT_PATH_ENDS = 16;

export interface LeakCheckForViews extends LeakCheckReport {
  leaks: (LeakCheckReport['leaks'][number] & { rootPathElided?: number })[];
}

export function leakCheckForViews(check: LeakCheckReport): LeakCheckForViews {
  for (const record of check.leaks as LeakCheckForViews['leaks']) {
    const path = record.rootPath;
    if (path.length <= 2 * ROOT_PATH_ENDS) continue;
    // The records are the check's own copies: cutting them leaves the runtime's result whole.
    record.rootPath = [...path.slice(0, ROOT_PATH_ENDS), ...path.slice(path.length - ROOT_PATH_ENDS)];
    record.rootPathElided = path.length - 2 * ROOT_PATH_ENDS;
  }
  return check;
}
