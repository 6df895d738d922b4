/**
 * The custom messages between the extension (vscode-languageclient) and the LMM language server.
 *
 * Who publishes what: the language server owns everything shown *in harness editors* — static
 * checks, run results as diagnostics (leaks, memory errors, hints), code lenses over XCALLOC,
 * hovers, completion and quick fixes — so one module merges static and run findings per file and
 * nothing is published twice. The extension owns runs and the views (trees, Memory Map, status
 * bar); after each run it hands the report to the server with `lmm/runResults` and waits for the
 * answer, by which time the server has published the run's diagnostics (one run feeds every view).
 *
 * Each message is a typed descriptor (as vscode-languageserver-protocol's RequestType pairs a
 * method with its types): `LmmRequest<Params, Result>` or `LmmNotification<Params>`. The client
 * sends and the server handles a descriptor, never a bare method string, so a message's params
 * and result types are spelled once, here.
 *
 * No vscode, no LSP package, no Node: both sides import this module.
 */
import type { LmmReport, ReportSite } from './runReportSchema';

/** A custom request: its method on the wire, and its params and result types. */
export interface LmmRequest<Params, Result> {
  readonly kind: 'request';
  readonly method: string;
  /** Type carriers only (never set): what the request takes and answers. */
  readonly params?: Params;
  readonly result?: Result;
}

/** A custom notification: its method on the wire, and its params type. */
export interface LmmNotification<Params> {
  readonly kind: 'notification';
  readonly method: string;
  /** Type carrier only (never set). */
  readonly params?: Params;
}

function request<Params, Result>(method: string): LmmRequest<Params, Result> {
  return Object.freeze({ kind: 'request', method });
}

function notification<Params>(method: string): LmmNotification<Params> {
  return Object.freeze({ kind: 'notification', method });
}

export interface RunResultsParams {
  runId: number;
  /**
   * `running`: a leak check made, or memory errors recorded, while the run goes on (see `leakCheck`
   * and `memoryErrors`); the run's end sends its results again.
   */
  status: 'finished' | 'failed' | 'stopped' | 'running';
  /** The run's report; null when the run produced none (failed early) or to clear results. */
  report: LmmReport | null;
  /**
   * Present when `report` holds only the leaks of one mid-run leak check (Check Leaks Now or
   * `mm_leak_check()` after the operation of 0-based index `event`, at step `event + 1`), not the
   * run's report: the diagnostics say so, and the server keeps the last report for hovers and
   * code lenses.
   */
  leakCheck?: { event: number; requested: boolean };
  /**
   * Present when `report.errors` are the memory errors recorded while the run went on (with their
   * counts so far), not the run's: `shown` of the `records` error records so far (the first ones
   * of the run; the worker posts no more), `occurrences` in all. The diagnostics say so; the
   * server keeps the last report for hovers and code lenses.
   */
  memoryErrors?: { occurrences: number; records: number; shown: number };
  /** The harness file the run was about (absolute path): its findings replace that file's last run's only. */
  harnessFile?: string;
  /** When the run ended (ms since the epoch), or when the mid-run update was made: older runs' findings show it. */
  finishedAt?: number;
  /** Why the run failed or stopped, and where in the harness when known. */
  message?: string;
  failureSite?: ReportSite;
}

export interface RunResultsResult {
  /** Files that now carry run diagnostics. */
  files: number;
  /** Run diagnostics published, over all files. */
  diagnostics: number;
}

/** Client → server request: the results of a run (or `report: null` to clear them). */
export const RUN_RESULTS = request<RunResultsParams, RunResultsResult>('lmm/runResults');

export interface LmmServerSettings {
  /** `lmm.pageSize` outside any workspace folder: the page capacity checks use it. */
  pageSize: number;
  /**
   * `lmm.pageSize` of each workspace folder (a resource setting: in a multi-root workspace each
   * folder may set its own), so a harness is checked against the page size its runs use.
   */
  folders?: { uri: string; pageSize: number }[];
}

/** Client → server notification: settings the static checks depend on (at start and on each change). */
export const SETTINGS = notification<LmmServerSettings>('lmm/settings');

export interface StructsParams {
  uri: string;
}

export interface StructSummary {
  name: string;
  size?: number;
  align?: number;
  padding?: number;
  line: number;
}

/** Client → server request: the structs (with C layouts) of a harness document, for commands and tests. */
export const STRUCTS = request<StructsParams, StructSummary[]>('lmm/structs');

/** Diagnostic codes the server uses (and its quick fixes key on). */
export const DIAGNOSTIC_CODES = {
  unregisteredStruct: 'unregistered-struct',
  duplicateRegistration: 'duplicate-registration',
  tooLarge: 'too-large',
  structTooLarge: 'struct-too-large',
  paddingHint: 'hint-padding',
} as const;

/** Every LMM diagnostic carries this source (the Problems panel shows it). */
export const DIAGNOSTIC_SOURCE = 'LMM';

/**
 * The command a Suppress action runs (a leak row in the Leaks view, a quick fix on a leak or memory
 * error in the Problems panel): the extension registers it, the language server names it in its
 * code actions, so the id and its argument are spelled here, where both sides read them.
 */
export const SUPPRESS_FINDING_COMMAND = 'lmm.suppressFinding';

/** One leak (loss record) or memory error to silence, with the harness whose `.lmmsupp` gets the entry. */
export interface SuppressFindingArgs {
  /** The harness file the run was about (absolute path). */
  harnessFile: string;
  /** A leak kind (`definitely-lost` …) or a memory error kind (`double-free` …). */
  kind: string;
  /** A leak's struct (the entry names it, so another struct's leak at the same stack stays reported). */
  struct?: string;
  /** Innermost frame first, as the report lists it. */
  stack: ReportSite[];
}

/** A run diagnostic's `data` for a leak or memory error: the code action's Suppress reads it. */
export interface RunFindingData {
  suppress: SuppressFindingArgs;
}

/** The command's argument checked field by field (it crossed from the language server): the args, or undefined. */
export function suppressFindingArgsOf(value: unknown): SuppressFindingArgs | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { harnessFile, kind, struct, stack } = value as Partial<Record<keyof SuppressFindingArgs, unknown>>;
  if (typeof harnessFile !== 'string' || harnessFile === '' || typeof kind !== 'string' || !Array.isArray(stack)) {
    return undefined;
  }
  if (struct !== undefined && typeof struct !== 'string') return undefined;
  const sites: ReportSite[] = [];
  for (const s of stack as unknown[]) {
    const { file, line, column } = (s ?? {}) as Partial<Record<keyof ReportSite, unknown>>;
    if (typeof file !== 'string' || !Number.isInteger(line) || !Number.isInteger(column)) return undefined;
    sites.push({ file, line: line as number, column: column as number });
  }
  return { harnessFile, kind, stack: sites, ...(struct !== undefined ? { struct } : {}) };
}
