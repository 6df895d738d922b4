/**
 * The run report as the extension reads it: the JSON of `lmm run --json` (issue 3's contract),
 * produced by the harness runtime's analyses, or built from a trace replay. Everything the views
 * show comes from this one object plus the heap operation log, so one run feeds every view.
 * Only fields the views read are listed; the report may carry more.
 */

/** A position in a harness (or trace) file, 1-based. */
export interface ReportSite {
  file: string;
  line: number;
  column: number;
}

export interface ReportFamily {
  name: string;
  size: number;
  pages: number;
  peakPages: number;
  mmap: number;
  munmap: number;
  tbc: number;
  fbc: number;
  obc: number;
  appMemory: number;
  peakAppMemory: number;
  hardFragmentBytes: number;
  softFragments: number;
  softFragmentBytes: number;
  externalFragmentation: number;
  /** Internal fragmentation (when the analyses give it): bytes allocated but not used by structs. */
  internalFragmentationBytes?: number;
}

export interface ReportTotals {
  pages: number;
  mappedBytes: number;
  appMemory: number;
  mmap: number;
  munmap: number;
  peakAppMemory?: number;
  [more: string]: unknown;
}

export interface ReportSiteFigures {
  site: ReportSite;
  stack: ReportSite[];
  struct: string;
  allocated: number;
  freed: number;
  live: number;
  peakLive: number;
  leakedBlocks: number;
  leakedBytes: number;
}

export type LeakKind = 'definitely-lost' | 'indirectly-lost' | 'possibly-lost' | 'still-reachable';

export interface RootPathStep {
  struct: string;
  field: string;
  site: ReportSite;
}

export interface ReportLeak {
  kind: LeakKind;
  struct: string;
  blocks: number;
  bytes: number;
  site: ReportSite;
  stack: ReportSite[];
  suppressed: boolean;
  drags?: { blocks: number; bytes: number };
  rootPath?: RootPathStep[];
  /** In a mid-run check's records: steps cut from the middle of a long `rootPath` (its two ends are kept). */
  rootPathElided?: number;
  /** Data addresses of the record's blocks, when the analyses list them (to reveal one in the Memory Map). */
  addresses?: number[];
}

export interface ReportError {
  kind: string;
  message: string;
  count: number;
  site: ReportSite;
  stack: ReportSite[];
  allocSite?: ReportSite;
  freeSite?: ReportSite;
  /** The step of the first occurrence. */
  step?: number;
  /** A suppression (lmm.suppressions) silences it: counted apart, not shown as a problem. */
  suppressed?: boolean;
  suppressedBy?: string;
}

/** Occurrences of the errors no suppression silences (records past the posting cap count in). */
export function unsuppressedOccurrences(errors: InterimErrors): number {
  let suppressed = 0;
  for (const error of errors.errors) if (error.suppressed === true) suppressed += error.count;
  return errors.occurrences - suppressed;
}

/**
 * The memory errors of a harness that goes on (the worker posts them as they are recorded): the
 * first records of the run with their counts so far, and totals that count past that cap.
 */
export interface InterimErrors {
  errors: ReportError[];
  /** Every occurrence so far. */
  occurrences: number;
  /** Error records so far (distinct kind and site); more than `errors.length` past the cap. */
  distinct: number;
}

export interface ReportHint {
  kind: string;
  struct?: string;
  site?: ReportSite;
  message: string;
  savingBytes: number;
  /** For padding hints: the proposed field order. */
  reorderedFields?: string[];
  [more: string]: unknown;
}

export interface ReportLeakCheck {
  event: number;
  site: ReportSite;
  leaks: ReportLeak[];
  stack?: ReportSite[];
  /** Asked for by the user (`LMM: Check Leaks Now`, run at the heap call `site`); absent for `mm_leak_check()`. */
  requested?: true;
}

/** Added by the extension from the operation log: what each XFREE line did (for its hover). */
export interface FreeSiteFigures {
  site: ReportSite;
  freed: number;
  refused: number;
}

export interface LmmReport {
  schemaVersion: number;
  families: ReportFamily[];
  totals: ReportTotals;
  sites: ReportSiteFigures[];
  leaks: ReportLeak[];
  errors: ReportError[];
  leakChecks: ReportLeakCheck[];
  peak?: { event: number; appMemory: number; byStruct: unknown[]; bySite: unknown[] };
  hints: ReportHint[];
  freeSites?: FreeSiteFigures[];
  [more: string]: unknown;
}

export const LEAK_KINDS: readonly LeakKind[] = ['definitely-lost', 'indirectly-lost', 'possibly-lost', 'still-reachable'];

/**
 * Checks the shape of a report that came from another process or a file, so a malformed one
 * gives a clear message instead of a view that throws later. Missing optional lists become [].
 */
export function asReport(value: unknown): LmmReport {
  if (typeof value !== 'object' || value === null) throw new Error('the report is not a JSON object');
  const report = value as Partial<LmmReport>;
  if (report.schemaVersion !== 1)
    throw new Error(`unsupported report schemaVersion ${String(report.schemaVersion)} (expected 1)`);
  if (!Array.isArray(report.families)) throw new Error('the report has no "families" list');
  if (typeof report.totals !== 'object' || report.totals === null) throw new Error('the report has no "totals"');
  for (const key of ['sites', 'leaks', 'errors', 'leakChecks', 'hints'] as const) {
    const list = report[key];
    if (list === undefined) (report as Record<string, unknown>)[key] = [];
    else if (!Array.isArray(list)) throw new Error(`the report's "${key}" is not a list`);
  }
  for (const [i, leak] of (report.leaks as ReportLeak[]).entries()) {
    if (!LEAK_KINDS.includes(leak.kind)) throw new Error(`leaks[${i}] has an unknown kind "${String(leak.kind)}"`);
    if (!isSite(leak.site)) throw new Error(`leaks[${i}] has no valid site`);
  }
  for (const [i, error] of (report.errors as ReportError[]).entries()) {
    if (!isSite(error.site)) throw new Error(`errors[${i}] has no valid site`);
  }
  return report as LmmReport;
}

/**
 * Checks a leak check the harness worker posted mid-run (the report's `leakChecks` entry shape),
 * as `asReport` checks a whole report: a malformed one gives a clear message, not a broken view.
 */
export function asLeakCheck(value: unknown): ReportLeakCheck {
  if (typeof value !== 'object' || value === null) throw new Error('the leak check is not a JSON object');
  const check = value as Partial<ReportLeakCheck>;
  if (!Number.isSafeInteger(check.event) || check.event! < 0) throw new Error('the leak check has no step ("event")');
  // A check at a call the site table does not know has line 0 in the harness file.
  const site = check.site as ReportSite | undefined;
  if (typeof site?.file !== 'string' || !Number.isInteger(site.line) || site.line < 0)
    throw new Error('the leak check has no valid site');
  if (!Array.isArray(check.leaks)) throw new Error('the leak check has no "leaks" list');
  for (const [i, leak] of check.leaks.entries()) {
    if (!LEAK_KINDS.includes(leak.kind)) throw new Error(`leaks[${i}] has an unknown kind "${String(leak.kind)}"`);
    if (!isSite(leak.site)) throw new Error(`leaks[${i}] has no valid site`);
    if (!Number.isSafeInteger(leak.blocks) || !Number.isSafeInteger(leak.bytes))
      throw new Error(`leaks[${i}] has no block and byte counts`);
  }
  if (check.requested !== undefined && check.requested !== true) throw new Error('the leak check\'s "requested" is not true');
  return check as ReportLeakCheck;
}

/**
 * Checks the memory errors the harness worker posted mid-run (records shaped like the report's
 * `errors`), as `asLeakCheck` checks a leak check: a malformed one gives a clear message.
 */
export function asInterimErrors(value: unknown): InterimErrors {
  if (typeof value !== 'object' || value === null) throw new Error('the memory errors are not a JSON object');
  const interim = value as Partial<InterimErrors>;
  if (!Array.isArray(interim.errors)) throw new Error('the memory errors have no "errors" list');
  for (const [i, error] of interim.errors.entries()) {
    if (typeof error?.kind !== 'string' || typeof error.message !== 'string')
      throw new Error(`errors[${i}] has no kind and message`);
    if (!isSite(error.site)) throw new Error(`errors[${i}] has no valid site`);
    if (!Number.isSafeInteger(error.count) || error.count < 1) throw new Error(`errors[${i}] has no count`);
    if (!Array.isArray(error.stack)) throw new Error(`errors[${i}] has no stack`);
    if (error.step !== undefined && !(Number.isSafeInteger(error.step) && error.step >= 0))
      throw new Error(`errors[${i}] has an invalid step`);
  }
  const { occurrences, distinct } = interim;
  if (!Number.isSafeInteger(occurrences) || !Number.isSafeInteger(distinct) || distinct! < interim.errors.length)
    throw new Error('the memory errors have no valid totals ("occurrences", "distinct")');
  return interim as InterimErrors;
}

export function isSite(value: unknown): value is ReportSite {
  const site = value as ReportSite;
  return (
    typeof site === 'object' &&
    site !== null &&
    typeof site.file === 'string' &&
    Number.isInteger(site.line) &&
    site.line >= 1 &&
    Number.isInteger(site.column) &&
    site.column >= 1
  );
}

/** "12,480 bytes" style numbers for labels. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 block", "3 blocks": a count of blocks for labels. */
export function formatBlocks(n: number): string {
  return `${formatCount(n)} block${n === 1 ? '' : 's'}`;
}

/** Bytes as the views show them: exact below 10 MiB (LMM's reports count bytes), then MiB. */
export function formatBytes(n: number): string {
  if (n < 10 * 1048576) return `${formatCount(n)} B`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
