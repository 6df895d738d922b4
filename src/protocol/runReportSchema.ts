/**
 * The run report, once for every part of LMM Studio: the JSON `lmm run --json` prints, that the
 * harness runtime's analyses produce (`src/analysis/runReport.ts` builds it, typed to match) or a
 * trace replay builds, and that the extension, the language server, the webview and Export Report
 * read. `asReport` is its one validator: a report that comes from another process or a file is
 * checked before anything uses it, so a forged or malformed one is refused with a clear message
 * instead of reaching a view or an exported page. Only fields the readers use are listed; a report
 * may carry more. No Node, DOM or vscode: every runtime imports this module.
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
  /** Heap operations the run made (a harness run's report has it): the last step's number. */
  steps?: number;
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

/** memcheck's four leak kinds. */
export type LeakKind = 'definitely-lost' | 'indirectly-lost' | 'possibly-lost' | 'still-reachable';

/** The leak kinds in the order reports list them (index = the analyses' kind code). */
export const LEAK_KINDS: readonly LeakKind[] = ['definitely-lost', 'indirectly-lost', 'possibly-lost', 'still-reachable'];

/**
 * memcheck's kinds of leak check, as its client requests name them: `full` VALGRIND_DO_LEAK_CHECK,
 * `added` DO_ADDED_LEAK_CHECK (the loss records that grew since the check before), `changed`
 * DO_CHANGED_LEAK_CHECK (grew or shrank, one gone included), `new` DO_NEW_LEAK_CHECK (there now and
 * not before), `quick` DO_QUICK_LEAK_CHECK (the summary alone: no loss record reported or counted).
 */
export type LeakCheckMode = 'full' | 'added' | 'changed' | 'new' | 'quick';

export const LEAK_CHECK_MODES: readonly LeakCheckMode[] = ['full', 'added', 'changed', 'new', 'quick'];

/** How serious a finding is, in the editor's three levels (SARIF says `note` for information). */
export type FindingSeverity = 'error' | 'warning' | 'information';

/**
 * Each leak kind's severity, the one mapping every view uses: the Problems panel, the Leaks view's
 * icons, SARIF levels and the HTML export. A lost block wastes memory but the program's data is
 * intact: a warning. A still-reachable block is not a leak at all (a root still holds it): information.
 * Memory errors — a refused free, an access outside a block — are what corrupts data: errors.
 */
export const LEAK_KIND_SEVERITY: Readonly<Record<LeakKind, FindingSeverity>> = {
  'definitely-lost': 'warning',
  'indirectly-lost': 'warning',
  'possibly-lost': 'warning',
  'still-reachable': 'information',
};

/** A memory error's severity (see LEAK_KIND_SEVERITY). */
export const MEMORY_ERROR_SEVERITY: FindingSeverity = 'error';

/** The severity of a report's finding: a leak kind's, else a memory error's. */
export function findingSeverity(kind: string): FindingSeverity {
  return (LEAK_KINDS as readonly string[]).includes(kind) ? LEAK_KIND_SEVERITY[kind as LeakKind] : MEMORY_ERROR_SEVERITY;
}

/** SARIF's word for each severity. */
export const SARIF_LEVEL: Readonly<Record<FindingSeverity, 'error' | 'warning' | 'note'>> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
};

export interface RootPathStep {
  struct: string;
  field: string;
  /** Where the step's block was allocated (or its root registered); null when unknown. */
  site: ReportSite | null;
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
  /** Steps cut from the middle of a long `rootPath` (its 16 steps at each end are kept). */
  rootPathElided?: number;
  /** Data addresses of the record's blocks, when the analyses list them (to reveal one in the Memory Map). */
  addresses?: number[];
  /**
   * `lmm run --json` under memcheck's leak-report options: false on a record the text report leaves
   * out (a kind `--show-leak-kinds` does not name, every record of the check at exit with
   * `--leak-check=summary`); absent on a shown one.
   */
  shown?: false;
}

/** The leak-report options an `lmm run --json` document was written under (absent under LMM's defaults). */
export interface ReportLeakOptions {
  /** memcheck's `--leak-check`: with `no`, no check ran at exit and `leaks`, `leakSummary`, `suppressionsUsed` are null. */
  leakCheck: 'no' | 'summary' | 'full';
  /** `--show-leak-kinds`: the kinds whose records the text report lists (the others are marked `shown: false`). */
  showLeakKinds: LeakKind[];
  /** `--errors-for-leak-kinds`: the kinds whose records the text report's ERROR SUMMARY counts. */
  errorsForLeakKinds: LeakKind[];
}

export interface ReportError {
  kind: string;
  message: string;
  count: number;
  site: ReportSite;
  stack: ReportSite[];
  /** The first frame of `allocStack`. */
  allocSite?: ReportSite;
  /** The first frame of `freeStack`. */
  freeSite?: ReportSite;
  /** The block's allocation stack, innermost first (memcheck's "Block was alloc'd at"). */
  allocStack?: ReportSite[];
  /** The block's free stack, innermost first, when it was freed. */
  freeStack?: ReportSite[];
  /** The 0-based index of its first occurrence's heap operation (as a leak check's `event`). */
  event?: number;
  /** The step of its first occurrence, as every text names it: `event + 1`. */
  step?: number;
  /** A suppression (lmm.suppressions) silences it: counted apart, not shown as a problem. */
  suppressed?: boolean;
  suppressedBy?: string;
  /** For an access through a view (use-after-free, out-of-bounds): the read or write, and where in the block. */
  access?: ReportAccess;
}

/** The read or write an access error was, as memcheck names it. */
export interface ReportAccess {
  operation: 'read' | 'write';
  size: number;
  field: string;
  /** From the block's first byte: negative before it, `blockBytes` or more past its end. */
  offset: number;
  blockBytes: number;
  struct: string;
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
}

export interface ReportLeakCheck {
  /** The 0-based index of the heap operation the check ran after. */
  event: number;
  /** The step the check ran at, as every text names it: `event + 1` (absent from checks made before schemaVersion 2). */
  step?: number;
  site: ReportSite;
  leaks: ReportLeak[];
  stack?: ReportSite[];
  /** Asked for by the user (`LMM: Check Leaks Now`, run at the heap call `site`); absent for `mm_leak_check()`. */
  requested?: true;
  /** The kind of check `mm_leak_check(mode)` asked for; absent for a `full` one. */
  mode?: Exclude<LeakCheckMode, 'full'>;
}

/** Added by the extension from the operation log: what each XFREE line did (for its hover). */
export interface FreeSiteFigures {
  site: ReportSite;
  freed: number;
  refused: number;
}

/**
 * The report's schema version. 2: an error, a leak check and the peak each give `event` (the
 * operation's 0-based index) and `step` (`event + 1`, the step every text, view and SARIF result
 * names); in 1, an error's `step` was the 0-based index.
 */
export const REPORT_SCHEMA_VERSION = 2;

export interface LmmReport {
  /** `REPORT_SCHEMA_VERSION`. */
  schemaVersion: number;
  /**
   * Whether the harness ran to its end, so `leaks` is the end-of-run verdict: true for a finished
   * run, false for one that ended early (a throw, a limit) whose report is the heap when it ended.
   * Absent from reports of traces and from those written before it existed.
   */
  complete?: boolean;
  /** What the report is about when it is not a harness run: a replayed LMM trace or malloc-lab trace. */
  source?: 'trace' | 'malloc-lab';
  /** The harness (or trace) file the run was about. */
  harnessFile?: string;
  pageSize?: number;
  families: ReportFamily[];
  totals: ReportTotals;
  sites: ReportSiteFigures[];
  leaks: ReportLeak[];
  errors: ReportError[];
  /**
   * A run that did not complete: its error records and errors (occurrences) in all, so `errors`
   * is N of M (incompleteRunJson). Absent from finished runs' reports, which list every record.
   */
  errorRecordsTotal?: number;
  errorsTotal?: number;
  leakChecks: ReportLeakCheck[];
  /** `event`: the 0-based index of the operation that reached the peak (-1: none); `step` is `event + 1`, the step every text names. */
  peak?: { event: number; step?: number; appMemory: number; byStruct: unknown[]; bySite: unknown[] };
  hints: ReportHint[];
  freeSites?: FreeSiteFigures[];
  /** `lmm run --json` under memcheck's leak-report options: which (absent under LMM's defaults). */
  leakReport?: ReportLeakOptions;
}

/**
 * Checks the shape of a report that came from another process or a file, so a malformed one
 * gives a clear message instead of a view that throws later. Missing optional lists become [].
 */
export function asReport(value: unknown): LmmReport {
  if (typeof value !== 'object' || value === null) throw new Error('the report is not a JSON object');
  const report = value as Partial<LmmReport>;
  if (report.schemaVersion !== REPORT_SCHEMA_VERSION)
    throw new Error(`unsupported report schemaVersion ${String(report.schemaVersion)} (expected ${REPORT_SCHEMA_VERSION})`);
  if (report.complete !== undefined && typeof report.complete !== 'boolean')
    throw new Error('the report\'s "complete" is not true or false');
  if (!Array.isArray(report.families)) throw new Error('the report has no "families" list');
  if (typeof report.totals !== 'object' || report.totals === null) throw new Error('the report has no "totals"');
  for (const key of ['sites', 'leaks', 'errors', 'leakChecks', 'hints'] as const) {
    const list = report[key];
    if (list === undefined) (report as Record<string, unknown>)[key] = [];
    else if (!Array.isArray(list)) throw new Error(`the report's "${key}" is not a list`);
  }
  // What the views and exports print is checked for its type: a count is a number, a name a
  // string, so a forged report cannot slip markup into a place that is printed as a figure.
  for (const [i, family] of report.families.entries()) {
    if (typeof family !== 'object' || family === null) throw new Error(`families[${i}] is not an object`);
    if (typeof family.name !== 'string') throw new Error(`families[${i}] has no name`);
    for (const key of FAMILY_FIGURES) numberIfPresent(family, key, `families[${i}]`);
  }
  for (const key of ['pages', 'mappedBytes', 'appMemory', 'mmap', 'munmap', 'peakAppMemory', 'steps'] as const)
    numberIfPresent(report.totals, key, 'totals');
  for (const [i, leak] of (report.leaks as ReportLeak[]).entries()) {
    if (typeof leak !== 'object' || leak === null) throw new Error(`leaks[${i}] is not an object`);
    if (!LEAK_KINDS.includes(leak.kind)) throw new Error(`leaks[${i}] has an unknown kind "${String(leak.kind)}"`);
    if (!isSite(leak.site)) throw new Error(`leaks[${i}] has no valid site`);
    if (typeof leak.struct !== 'string') throw new Error(`leaks[${i}] has no struct name`);
    if (!isCount(leak.blocks) || !isCount(leak.bytes)) throw new Error(`leaks[${i}] has no block and byte counts`);
    if (typeof leak.suppressed !== 'boolean') throw new Error(`leaks[${i}]'s "suppressed" is not true or false`);
  }
  for (const [i, error] of (report.errors as ReportError[]).entries()) {
    if (typeof error !== 'object' || error === null) throw new Error(`errors[${i}] is not an object`);
    if (!isSite(error.site)) throw new Error(`errors[${i}] has no valid site`);
    if (typeof error.kind !== 'string' || !ERROR_KIND.test(error.kind)) throw new Error(`errors[${i}] has no valid kind`);
    if (typeof error.message !== 'string') throw new Error(`errors[${i}] has no message`);
    if (!isCount(error.count)) throw new Error(`errors[${i}] has no count`);
    if (error.access !== undefined && !isAccess(error.access)) throw new Error(`errors[${i}] has a malformed access`);
    blockStacks(error, `errors[${i}]`);
    stepOfEvent(error, `errors[${i}]`);
  }
  errorTotalsOf(report as LmmReport);
  for (const [i, check] of (report.leakChecks as ReportLeakCheck[]).entries()) {
    if (typeof check !== 'object' || check === null) throw new Error(`leakChecks[${i}] is not an object`);
    stepOfEvent(check, `leakChecks[${i}]`);
  }
  if (report.peak !== undefined) {
    if (typeof report.peak !== 'object' || report.peak === null) throw new Error('the report\'s "peak" is not an object');
    stepOfEvent(report.peak, 'peak', -1);
  }
  for (const [i, hint] of (report.hints as ReportHint[]).entries()) {
    if (typeof hint !== 'object' || hint === null || typeof hint.message !== 'string')
      throw new Error(`hints[${i}] has no message`);
    if (typeof hint.savingBytes !== 'number' || !Number.isFinite(hint.savingBytes))
      throw new Error(`hints[${i}] has no saving in bytes`);
  }
  return report as LmmReport;
}

/** A family's figures the views print (all numbers). */
const FAMILY_FIGURES = [
  'size',
  'pages',
  'peakPages',
  'mmap',
  'munmap',
  'tbc',
  'fbc',
  'obc',
  'appMemory',
  'peakAppMemory',
  'hardFragmentBytes',
  'softFragments',
  'softFragmentBytes',
  'externalFragmentation',
] as const;

/** Memory error kinds are words like `use-after-free`. */
const ERROR_KIND = /^[a-z][a-z0-9-]{0,63}$/;

function isAccess(value: unknown): value is ReportAccess {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return (
    (a.operation === 'read' || a.operation === 'write') &&
    isCount(a.size) &&
    typeof a.field === 'string' &&
    typeof a.offset === 'number' &&
    Number.isSafeInteger(a.offset) &&
    isCount(a.blockBytes) &&
    typeof a.struct === 'string'
  );
}

/**
 * A record's `event` (the operation's 0-based index, at least `least`) and `step` (the number
 * every text gives it) must be integers that agree, `step = event + 1`: a report that says two
 * different steps for one record would make two views disagree.
 */
function stepOfEvent(owner: { event?: unknown; step?: unknown }, path: string, least = 0): void {
  const { event, step } = owner;
  if (event !== undefined && !(Number.isSafeInteger(event) && (event as number) >= least))
    throw new Error(`${path} has an invalid "event"`);
  if (step !== undefined && !(Number.isSafeInteger(step) && (step as number) >= least + 1))
    throw new Error(`${path} has an invalid "step"`);
  if (event !== undefined && step !== undefined && step !== (event as number) + 1)
    throw new Error(`${path}'s "step" (${String(step)}) is not its "event" + 1 (${String(event)} + 1)`);
}

/**
 * An error's block stacks, when present: non-empty lists of sites whose first frame is the
 * `allocSite` / `freeSite` beside them (a report whose line and stack disagree would make the
 * text, the Problems panel and SARIF name two different places).
 */
function blockStacks(error: ReportError, path: string): void {
  for (const [stackKey, siteKey] of [
    ['allocStack', 'allocSite'],
    ['freeStack', 'freeSite'],
  ] as const) {
    const stack: unknown = error[stackKey];
    if (stack === undefined) continue;
    if (!Array.isArray(stack) || stack.length === 0 || !stack.every(isSite))
      throw new Error(`${path}.${stackKey} is not a list of sites`);
    const first = stack[0] as ReportSite;
    const site = error[siteKey];
    if (site === undefined || site.file !== first.file || site.line !== first.line || site.column !== first.column)
      throw new Error(`${path}.${stackKey} does not start at its ${siteKey}`);
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** `errorRecordsTotal` and `errorsTotal`, when given, count at least what `errors` lists ("N of M"). */
function errorTotalsOf(report: LmmReport): void {
  const { errorRecordsTotal: records, errorsTotal: occurrences } = report;
  if (records !== undefined && (!isCount(records) || records < report.errors.length))
    throw new Error(
      `the report's "errorRecordsTotal" (${String(records)}) is not a count of at least the ${report.errors.length} errors it lists`,
    );
  let listed = 0;
  for (const error of report.errors) listed += error.count;
  if (occurrences !== undefined && (!isCount(occurrences) || occurrences < listed))
    throw new Error(
      `the report's "errorsTotal" (${String(occurrences)}) is not a count of at least the ${listed} occurrences it lists`,
    );
}

function numberIfPresent(owner: object, key: string, path: string): void {
  const value = (owner as Record<string, unknown>)[key];
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
    throw new Error(`${path}.${key} is not a number`);
}

/**
 * Checks a leak check the harness worker posted mid-run (the report's `leakChecks` entry shape),
 * as `asReport` checks a whole report: a malformed one gives a clear message, not a broken view.
 */
export function asLeakCheck(value: unknown): ReportLeakCheck {
  if (typeof value !== 'object' || value === null) throw new Error('the leak check is not a JSON object');
  const check = value as Partial<ReportLeakCheck>;
  if (!Number.isSafeInteger(check.event) || check.event! < 0) throw new Error('the leak check has no step ("event")');
  stepOfEvent(check, 'the leak check');
  // A check at a call the site table does not know has line 0 in the harness file (isSite).
  if (!isSite(check.site)) throw new Error('the leak check has no valid site');
  if (!Array.isArray(check.leaks)) throw new Error('the leak check has no "leaks" list');
  for (const [i, leak] of check.leaks.entries()) {
    if (!LEAK_KINDS.includes(leak.kind)) throw new Error(`leaks[${i}] has an unknown kind "${String(leak.kind)}"`);
    if (!isSite(leak.site)) throw new Error(`leaks[${i}] has no valid site`);
    if (!Number.isSafeInteger(leak.blocks) || !Number.isSafeInteger(leak.bytes))
      throw new Error(`leaks[${i}] has no block and byte counts`);
  }
  if (check.requested !== undefined && check.requested !== true) throw new Error('the leak check\'s "requested" is not true');
  // A full check has no mode: the report says so by its absence.
  const mode: unknown = check.mode;
  if (mode !== undefined && (mode === 'full' || !(LEAK_CHECK_MODES as readonly unknown[]).includes(mode)))
    throw new Error(`the leak check has an unknown mode "${String(mode)}"`);
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
    blockStacks(error, `errors[${i}]`);
    stepOfEvent(error, `errors[${i}]`);
  }
  const { occurrences, distinct } = interim;
  if (!Number.isSafeInteger(occurrences) || !Number.isSafeInteger(distinct) || distinct! < interim.errors.length)
    throw new Error('the memory errors have no valid totals ("occurrences", "distinct")');
  return interim as InterimErrors;
}

/**
 * A position, 1-based; or line 0 column 0, "line unknown": a heap call of a run without
 * attribution (`lmm run --no-attribution`), or a call the site table does not know.
 */
export function isSite(value: unknown): value is ReportSite {
  const site = value as ReportSite;
  if (typeof site !== 'object' || site === null || typeof site.file !== 'string') return false;
  if (site.line === 0 && site.column === 0) return true;
  return Number.isInteger(site.line) && site.line >= 1 && Number.isInteger(site.column) && site.column >= 1;
}

/**
 * For a report of a run that did not complete (`complete: false`), which check its leaks are
 * from, in words: "when the run stopped, at step N" (no end-of-run check ran). Undefined for a
 * finished run's report, whose leaks are the end-of-run check.
 */
export function stoppedCheckWords(report: LmmReport): string | undefined {
  if (report.complete !== false) return undefined;
  const steps = report.totals.steps;
  return `when the run stopped${typeof steps === 'number' ? `, at step ${steps.toLocaleString('en-US')}` : ''}`;
}
