/**
 * What a leak report shows and counts, as memcheck's options say it: `--leak-check` (whether the
 * check at exit runs, and whether it lists loss records), `--show-leak-kinds` (which kinds' records
 * are listed) and `--errors-for-leak-kinds` (which kinds' records count in the ERROR SUMMARY).
 * LMM's defaults are memcheck's `--leak-check=full --show-leak-kinds=all`, with memcheck's own
 * default `--errors-for-leak-kinds=definite,possible`. No Node: the analyses use it.
 */
import { LEAK_KINDS, type LeakKind } from './leakKinds';

/**
 * memcheck's `--leak-check`: `no` leaves the check at exit out of the report (memcheck runs none;
 * the worker still makes it, for the figures the other outputs share), `summary` prints its LEAK
 * SUMMARY alone.
 */
export type LeakCheckDepth = 'no' | 'summary' | 'full';

export interface LeakReportOptions {
  leakCheck: LeakCheckDepth;
  /** The kinds whose loss records a full check lists (memcheck's `--show-leak-kinds`). */
  showLeakKinds: ReadonlySet<LeakKind>;
  /** The kinds whose loss records a full check counts as errors (`--errors-for-leak-kinds`). */
  errorsForLeakKinds: ReadonlySet<LeakKind>;
}

export const DEFAULT_LEAK_REPORT_OPTIONS: LeakReportOptions = {
  leakCheck: 'full',
  showLeakKinds: new Set(LEAK_KINDS),
  errorsForLeakKinds: new Set<LeakKind>(['definitely-lost', 'possibly-lost']),
};

/** Whether these are LMM's defaults (a report under them says nothing about the options). */
export function isDefaultLeakReport(options: LeakReportOptions): boolean {
  const same = (a: ReadonlySet<LeakKind>, b: ReadonlySet<LeakKind>) => a.size === b.size && [...a].every((k) => b.has(k));
  const d = DEFAULT_LEAK_REPORT_OPTIONS;
  return (
    options.leakCheck === d.leakCheck &&
    same(options.showLeakKinds, d.showLeakKinds) &&
    same(options.errorsForLeakKinds, d.errorsForLeakKinds)
  );
}

/** A set of kinds in the order reports list them (a set's own order is the order options added them). */
export function kindsInOrder(kinds: ReadonlySet<LeakKind>): LeakKind[] {
  return LEAK_KINDS.filter((kind) => kinds.has(kind));
}
