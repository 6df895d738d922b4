/**
 * `lmm compare FILE --policies a,b,… [--reservoir N[,M…]] [--reservoir-delay OPS] [--time-limit MS] [--page-size N] [--json]`:
 * one workload (.rep, .trace, or the operations a harness makes) under several policies, metrics
 * side by side; with --reservoir every policy also runs with each reservoir size, to show the
 * syscalls it saves against the mapped bytes it costs.
 */
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { isHarnessFile, MAX_HARNESS_FILE_BYTES } from '../harness/harnessFiles';
import { MAX_TIME_LIMIT_MS, pageSizeProblem } from '../harness/runHarness';
import { comparePolicies, UnknownPolicyError, type ComparedReport, type ComparisonRun } from '../policies/comparePolicies';
import { POLICY_NAMES } from '../policies/policyRegistry';
import { bytesText, percent, table } from '../policies/reportFormat';
import type { Workload } from '../policies/workload';
import { isWorkloadFile, parseWorkload, WorkloadSyntaxError } from '../policies/workloadFormats';
import { readBoundedFile, readBoundedTextFile } from './boundedTextFile';
import { CliError, type CliIo } from './cliIo';
import { listOption, refuseSecond } from './optionValues';
import type { RecordedWorkload } from './harnessWorkloadInput';

/** A workload is read whole into one string: past V8's longest string it could not be read anyway. */
const MAX_WORKLOAD_FILE_BYTES = 512 * 2 ** 20;

/** A file read to see whether it is a harness has the harness compiler's own bound. */
export const MAX_HARNESS_CANDIDATE_BYTES = MAX_HARNESS_FILE_BYTES;

/** Reads and parses a workload file; a malformed one is a CliError `FILE:LINE: …` (exit 2). */
export function readWorkloadFile(file: string): Workload {
  if (!isWorkloadFile(file)) throw new CliError(`${file}: expected a malloc-lab trace (.rep) or an LMM trace (.trace)`);
  const bytes = readBoundedFile(file, 'a trace', MAX_WORKLOAD_FILE_BYTES);
  try {
    return parseWorkload(file, bytes);
  } catch (error) {
    if (error instanceof WorkloadSyntaxError) throw new CliError(`${file}:${error.line}: ${error.reason}`);
    throw error;
  }
}

/**
 * The workload of `lmm compare` / `lmm replay`: a workload file, read at once, or a harness
 * (`*.lmm.ts`, or a .ts file importing lmm-studio), run once and recorded (asynchronously).
 */
export function readWorkloadInput(
  command: string,
  file: string,
  io: CliIo,
  options: HarnessInputOptions = {},
): RecordedWorkload | Promise<RecordedWorkload> {
  if (isWorkloadFile(file)) {
    if (options.pageSize !== undefined) {
      throw new CliError(
        `lmm ${command}: --page-size is for a harness; a .trace names its page size ('page N') and .rep traces replay on ${DEFAULT_PAGE_SIZE}-byte pages`,
      );
    }
    const workload = readWorkloadFile(file);
    return { workload, origin: `${workload.name}: ${workload.length} operations` };
  }
  if (!isHarnessFile(file, harnessCandidateText(file))) {
    throw new CliError(`${file}: expected a malloc-lab trace (.rep), an LMM trace (.trace) or a harness (*.lmm.ts)`);
  }
  return loadHarnessWorkloadInput().readHarnessWorkload(command, file, io, options);
}

/** The text of a .ts file, which may import lmm-studio (undefined for other names: no read needed). */
function harnessCandidateText(file: string): string | undefined {
  if (!/\.(c|m)?tsx?$/i.test(file)) return undefined;
  return readBoundedTextFile(file, 'a harness', MAX_HARNESS_CANDIDATE_BYTES);
}

/** Recording a harness needs its compiler (esbuild): required only when a harness is given (as `lmm run`). */
function loadHarnessWorkloadInput(): typeof import('./harnessWorkloadInput') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./harnessWorkloadInput') as typeof import('./harnessWorkloadInput');
}

/** Runs `use` on a value now, or once its promise settles (a CliError then prints and gives exit 2). */
export function whenReady<T>(value: T | Promise<T>, io: CliIo, use: (value: T) => number): number | Promise<number> {
  if (!(value instanceof Promise)) return use(value);
  return value.then(use).catch((error: unknown) => {
    if (!(error instanceof CliError)) throw error;
    io.stderr(error.message + '\n');
    return 2;
  });
}

/** Splits `--name value` options from positional arguments; rejects unknown options. */
export function parseOptions(
  command: string,
  args: string[],
  valued: readonly string[],
  flags: readonly string[],
): { positional: string[]; values: Map<string, string>; flags: Set<string> } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const set = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (flags.includes(name)) {
      if (inline !== undefined) throw new CliError(`lmm ${command}: ${name}: takes no value`);
      set.add(name);
    } else if (valued.includes(name)) {
      // The next word is the value unless it is an option itself: `--policy --json` lacks one.
      const next = inline === undefined && args[i + 1]?.startsWith('--') !== true ? args[++i] : undefined;
      const value = inline ?? next;
      if (value === undefined) throw new CliError(`lmm ${command}: ${name}: needs a value`);
      refuseSecond(command, name, values.get(name), value);
      values.set(name, value);
    } else throw new CliError(`lmm ${command}: ${name}: unknown option`);
  }
  return { positional, values, flags: set };
}

/** A whole number ≥ 0 from an option value. */
export function countOption(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new CliError(`lmm ${command}: ${name}: takes a whole number, not '${shownValue(value)}'`);
  const count = Number(value);
  if (count > MAX_COUNT_OPTION)
    throw new CliError(`lmm ${command}: ${name}: ${shownValue(value)} is more than ${MAX_COUNT_OPTION}`);
  return count;
}

/** Counts beyond this are typing mistakes (a reservoir of 10^9 pages is 4 TB). */
const MAX_COUNT_OPTION = 1_000_000_000;

/** An option's value as a message shows it: control characters escaped, cut when long. */
function shownValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = value.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > 60 ? `${visible.slice(0, 60)}…` : visible;
}

export function checkPolicyName(command: string, name: string): string {
  if (!POLICY_NAMES.includes(name)) {
    const option = command === 'compare' ? '--policies' : '--policy';
    throw new CliError(`lmm ${command}: ${option}: unknown policy '${shownValue(name)}' (lmm policies lists them)`);
  }
  return name;
}

/** How a harness given to `lmm compare` / `lmm replay` runs (as `lmm run` takes them). */
export interface HarnessInputOptions {
  timeLimitMs?: number;
  pageSize?: number;
}

/**
 * `--time-limit MS` and `--page-size N` for a harness input, within `lmm run`'s bounds and in its
 * words (the harness runs as `lmm run` runs it), before any file is read.
 */
export function harnessInputOptions(command: string, values: Map<string, string>): HarnessInputOptions {
  const options: HarnessInputOptions = {};
  const positive = (name: string, max: number, unit: string): number | undefined => {
    const value = values.get(name);
    if (value === undefined) return undefined;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isNaN(n) || n <= 0)
      throw new CliError(`lmm ${command}: ${name}: takes a positive whole number of ${unit}, not '${shownValue(value)}'`);
    if (n > max) throw new CliError(`lmm ${command}: ${name}: ${shownValue(value)} is more than the largest, ${max} ${unit}`);
    return n;
  };
  const timeLimitMs = positive('--time-limit', MAX_TIME_LIMIT_MS, 'milliseconds');
  if (timeLimitMs !== undefined) options.timeLimitMs = timeLimitMs;
  const pageSize = positive('--page-size', Number.MAX_SAFE_INTEGER, 'bytes');
  if (pageSize !== undefined) {
    const problem = pageSizeProblem(pageSize);
    if (problem) throw new CliError(`lmm ${command}: --page-size: ${problem}`);
    options.pageSize = pageSize;
  }
  return options;
}

export function compareCommand(args: string[], io: CliIo): number | Promise<number> {
  const usage =
    'usage: lmm compare FILE --policies a,b,… [--reservoir N[,M…]] [--reservoir-delay OPS] [--time-limit MS] [--page-size N] [--json]' +
    ' (FILE: .rep, .trace or a harness *.lmm.ts)';
  const { positional, values, flags } = parseOptions(
    'compare',
    args,
    ['--policies', '--reservoir', '--reservoir-delay', '--time-limit', '--page-size'],
    ['--json'],
  );
  if (positional.length !== 1) throw new CliError(usage);
  const policyList = values.get('--policies');
  if (policyList === undefined) throw new CliError(`lmm compare: --policies: is required (${usage})`);
  const policies = listOption('compare', '--policies', policyList, 'policy', 'lmm-classic,first-fit').map((p) =>
    checkPolicyName('compare', p),
  );
  const delay = countOption('compare', '--reservoir-delay', values.get('--reservoir-delay'), 0);
  const reservoir = values.get('--reservoir');
  const sizes =
    reservoir === undefined
      ? []
      : listOption('compare', '--reservoir', reservoir, 'reservoir size', '1,8').map((s) =>
          countOption('compare', '--reservoir', s, 0),
        );
  const reservoirs = [...new Set([0, ...sizes])];
  const runs: ComparisonRun[] = [];
  for (const policy of policies) {
    for (const pages of reservoirs) runs.push({ policy, reservoirPages: pages, reservoirDelay: pages === 0 ? 0 : delay });
    if (delay > 0 && sizes.length === 0) runs.push({ policy, reservoirPages: 0, reservoirDelay: delay });
  }
  const input = readWorkloadInput('compare', positional[0]!, io, harnessInputOptions('compare', values));
  return whenReady(input, io, ({ workload, origin }) => compareWorkload(workload, origin, runs, flags.has('--json'), io));
}

/** The comparison table (or JSON) of one workload; exit 1 when a run failed a check. */
function compareWorkload(workload: Workload, origin: string, runs: ComparisonRun[], json: boolean, io: CliIo): number {
  let reports: ComparedReport[];
  try {
    reports = comparePolicies(workload, runs);
  } catch (error) {
    if (error instanceof UnknownPolicyError) throw new CliError(`lmm compare: ${error.message}`);
    throw error;
  }
  if (json) io.stdout(JSON.stringify(reports) + '\n');
  else io.stdout(comparisonTable(origin, reports));
  return reports.every((r) => r.integrity === 'ok' && r.invariants === 'ok') ? 0 : 1;
}

export function reservoirLabel(pages: number, delay: number): string {
  if (pages === 0 && delay === 0) return 'off';
  const size = pages === 0 || !Number.isFinite(pages) ? 'any' : `${pages}p`;
  return delay > 0 ? `${size}/${delay}ops` : size;
}

function comparisonTable(origin: string, reports: ComparedReport[]): string {
  const rows = [
    [
      'policy',
      'reservoir',
      'utilization',
      'Kops/s',
      'syscalls',
      'mmap',
      'munmap',
      'peak mapped',
      'mapped at end',
      'rejected',
      'integrity',
    ],
  ];
  for (const r of reports) {
    rows.push([
      r.policy,
      reservoirLabel(r.reservoirPages, r.reservoirDelay),
      percent(r.utilization),
      r.kops.toFixed(0),
      String(r.syscalls),
      String(r.mmap),
      String(r.munmap),
      bytesText(r.peakMappedBytes),
      bytesText(r.mappedBytes),
      String(r.rejected),
      r.integrity === 'ok' && r.invariants === 'ok' ? 'ok' : 'FAILED',
    ]);
  }
  const failures = reports
    .filter((r) => r.integrity !== 'ok' || r.invariants !== 'ok')
    .map((r) => `${r.policy}: ${r.integrity !== 'ok' ? r.integrity : r.invariants}\n`)
    .join('');
  return `${origin}\n${table(rows)}\n${failures}`;
}
