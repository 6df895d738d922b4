/**
 * `lmm run FILE [--json | --sarif] [-q] [--fail-on KINDS] [--error-exitcode=N] [--suppressions FILE]
 * [--time-limit MS] [--page-size N] [--memory-limit MB]` and memcheck's leak-report options
 * (`memcheckOptions.ts`): runs a harness in its sandboxed worker and prints the classic LMM
 * reports, a leak summary with stacks and hints (or the JSON / SARIF report; with -q, the errors
 * alone, as memcheck's -q). Exit status 0; N when memcheck's --error-exitcode=N was given and its
 * ERROR SUMMARY counts an error; else 1 when a kind named by --fail-on occurred unsuppressed (a CI
 * gate); 2 when the harness cannot run or did not complete (JSON / SARIF then say so:
 * `earlyEndDocument.ts`), or an option is wrong (`lmm run: --option: what is wrong`, as every verb
 * words it; nothing on stdout).
 */
import { failingKinds, parseFailOn, type FailOnKind } from '../analysis/runReport';
import { parseSuppressions, SuppressionSyntaxError } from '../analysis/suppressions';
import { harnessReportOutput } from '../harness/harnessReportOutput';
import { MidRunCheckPrinter } from '../analysis/midRunCheckText';
import { memcheckErrorSummary, quietText, textAfterClassic } from '../analysis/textReport';
import type { FinishedRun } from '../harness/sandbox/finishRun';
import {
  MAX_TIME_LIMIT_MS,
  MIN_MEMORY_LIMIT_MB,
  pageSizeProblem,
  runHarness,
  suppressionsBeside,
  type HarnessRunOptions,
} from '../harness/runHarness';
import { readSuppressionsFile, SuppressionFileError } from '../harness/suppressionFile';
import { CliError, type CliIo } from './cliIo';
import { earlyEndErrorsText, earlyEndJson, earlyEndSarif, type StreamedFindings } from './earlyEndDocument';
import { earlyEndMessage } from '../harness/earlyEndOutcome';
import type { LeakReportOptions } from '../analysis/leakReportOptions';
import {
  defaultLeakReportOptions,
  checkMachineryOption,
  errorExitCode,
  isMemcheckMachineryOption,
  MEMCHECK_LEAK_OPTIONS,
  memcheckLeakKindInstead,
  memcheckLeakOption,
  memcheckOptionInstead,
  numCallers,
} from './memcheckOptions';
import { listOption, refuseSecond } from './optionValues';

export const RUN_USAGE =
  'usage: lmm run FILE [--json | --sarif] [-q | --quiet] [--fail-on KINDS] [--error-exitcode=N] [--suppressions FILE] [--time-limit MS] [--page-size N] [--memory-limit MB]\n' +
  '               [--leak-check=no|summary|full|yes] [--show-leak-kinds=SET] [--errors-for-leak-kinds=SET] [--show-reachable=yes|no] [--show-possibly-lost=yes|no] [--leak-resolution=high] [--leak-check-heuristics=none]\n' +
  '               [--num-callers=N] [--freelist-vol=N] [--freelist-big-blocks=N] [--redzone-size=N] [--no-attribution]';

/** The largest --memory-limit: 1 TiB, far past any machine this runs on, but a number Node takes. */
const MAX_MEMORY_LIMIT_MB = 1024 * 1024;

interface RunArgs {
  file: string;
  format: 'text' | 'json' | 'sarif';
  failOn: FailOnKind[];
  /** memcheck's `--error-exitcode`: the exit status when its ERROR SUMMARY counts an error (unset: 0, off). */
  errorExitCode?: number;
  suppressions?: string;
  timeLimitMs?: number;
  pageSize?: number;
  memoryLimitMb?: number;
  /** memcheck's `--num-callers`: the frames every stack keeps, as memcheck counts them (unset: 8). */
  numCallers?: number;
  attribution: boolean;
  /** memcheck's `-q`: the text report prints the errors alone (loss records listed, memory errors). */
  quiet: boolean;
  /** memcheck's leak-report options (`--leak-check`, `--show-leak-kinds`, …), LMM's defaults unless given. */
  leakReport: LeakReportOptions;
}

/** `lmm run`'s options that take a value, given as `--name VALUE` or `--name=VALUE` (memcheck's form). */
const VALUED_OPTIONS = new Set([
  '--fail-on',
  '--suppressions',
  '--time-limit',
  '--page-size',
  '--memory-limit',
  '--error-exitcode',
  '--num-callers',
  '--freelist-vol',
  '--freelist-big-blocks',
  '--redzone-size',
  ...MEMCHECK_LEAK_OPTIONS,
]);

/** memcheck's options, whose last one counts (valgrind's rule): LMM's own are given once. */
const LAST_ONE_COUNTS: ReadonlySet<string> = new Set([
  ...MEMCHECK_LEAK_OPTIONS,
  '--error-exitcode',
  '--num-callers',
  '--freelist-vol',
  '--freelist-big-blocks',
  '--redzone-size',
]);

/** What an argument that starts with `-` but is none of `lmm run`'s options is told. */
function unknownOption(name: string): CliError {
  const instead = memcheckOptionInstead(name);
  return new CliError(`lmm run: ${name}: unknown option${instead ? ` (${instead})` : ''}\n${RUN_USAGE}`);
}

function parseRunArgs(args: string[]): RunArgs {
  const files: string[] = [];
  const parsed: Omit<RunArgs, 'file'> = {
    format: 'text',
    failOn: [],
    attribution: true,
    quiet: false,
    leakReport: defaultLeakReportOptions(),
  };
  /** LMM's own valued options seen so far, with their values as written: each is given once. */
  const given = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // A file named `-x` is still `./-x`; a lone `-` is a file name, as it is to most commands.
    if (!arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const option = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const value = (): string => {
      let v = inline;
      if (v === undefined) {
        v = args[i + 1];
        if (v === undefined || v.startsWith('--')) throw new CliError(`lmm run: ${option}: needs a value\n${RUN_USAGE}`);
        i++;
      }
      // memcheck's options keep valgrind's rule, the last one counts (ported tests give memcheck's
      // defaults, then their vgopts); LMM's own are given once.
      if (!LAST_ONE_COUNTS.has(option)) {
        refuseSecond('run', option, given.get(option), v);
        given.set(option, v);
      }
      return v;
    };
    // An empty value (`--suppressions=`, an unset shell variable) names nothing: as import-c's `-o ''`.
    const nonEmptyValue = (): string => {
      const v = value();
      if (v === '') throw new CliError(`lmm run: ${option}: needs a value\n${RUN_USAGE}`);
      return v;
    };
    if (!VALUED_OPTIONS.has(option) && inline !== undefined) {
      if (['--json', '--sarif', '--no-attribution', '--quiet'].includes(option))
        throw new CliError(`lmm run: ${option}: takes no value\n${RUN_USAGE}`);
      throw unknownOption(option);
    }
    switch (option) {
      case '--json':
      case '--sarif': {
        const format = option === '--json' ? 'json' : 'sarif';
        // The same option twice asks for one document; the two together for two on one stdout.
        if (parsed.format !== 'text' && parsed.format !== format)
          throw new CliError(
            `lmm run: ${option}: cannot go with --${parsed.format} (choose one of --json and --sarif)\n${RUN_USAGE}`,
          );
        parsed.format = format;
        break;
      }
      case '--fail-on':
        parsed.failOn = failOnKinds(value());
        break;
      case '--error-exitcode': {
        const code = errorExitCode(value());
        if (code === undefined) delete parsed.errorExitCode;
        else parsed.errorExitCode = code;
        break;
      }
      case '--num-callers':
        parsed.numCallers = numCallers(value());
        break;
      case '--suppressions':
        parsed.suppressions = nonEmptyValue();
        break;
      case '--time-limit':
        parsed.timeLimitMs = integer(value(), option, MAX_TIME_LIMIT_MS, 'milliseconds');
        break;
      case '--page-size': {
        const text = value();
        const pageSize = integer(text, option, Number.MAX_SAFE_INTEGER, 'bytes');
        const problem = pageSizeProblem(pageSize);
        if (problem) throw new CliError(`lmm run: ${option}: ${problem}`);
        parsed.pageSize = pageSize;
        break;
      }
      case '--memory-limit': {
        const text = value();
        const mb = integer(text, option, MAX_MEMORY_LIMIT_MB, 'megabytes');
        if (mb < MIN_MEMORY_LIMIT_MB)
          throw new CliError(`lmm run: ${option}: ${text} MB is too little to start a run (at least ${MIN_MEMORY_LIMIT_MB})`);
        parsed.memoryLimitMb = mb;
        break;
      }
      case '--no-attribution':
        parsed.attribution = false;
        break;
      // memcheck's -q, given twice as often as once (a .vgtest's vgopts after a user's): the same.
      case '-q':
      case '--quiet':
        parsed.quiet = true;
        break;
      default:
        if (isMemcheckMachineryOption(option)) {
          checkMachineryOption(option, value());
          break;
        }
        if (!MEMCHECK_LEAK_OPTIONS.has(option)) throw unknownOption(option);
        parsed.leakReport = memcheckLeakOption(parsed.leakReport, option, value());
    }
  }
  refuseLeakVerdictWithoutCheck(parsed);
  if (files.length > 1) throw new CliError(`lmm run: runs one harness, not ${files.length} (${files.join(', ')})\n${RUN_USAGE}`);
  if (files.length !== 1) throw new CliError(RUN_USAGE);
  return { ...parsed, file: files[0]! };
}

/**
 * With --leak-check=no no check runs at exit, so a leak kind in --fail-on could only pass: the run
 * is refused rather than passed for leaks nobody looked for.
 */
function refuseLeakVerdictWithoutCheck(parsed: Omit<RunArgs, 'file'>): void {
  if (parsed.leakReport.leakCheck !== 'no') return;
  const leakKinds = parsed.failOn.filter((kind) => kind === 'leak' || kind.endsWith('-lost') || kind === 'still-reachable');
  if (leakKinds.length > 0)
    throw new CliError(
      `lmm run: --fail-on: ${leakKinds.join(', ')} cannot go with --leak-check=no (no leak check runs at exit to find them)`,
    );
}

function integer(text: string, option: string, max: number, unit: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  // Digits past 2^53 are still a whole number, only too large: say so, not that it is no number.
  if (Number.isNaN(n) || n <= 0)
    throw new CliError(`lmm run: ${option}: takes a positive whole number of ${unit}, not '${text}'`);
  if (n > max) throw new CliError(`lmm run: ${option}: ${text} is more than the largest, ${max} ${unit}`);
  return n;
}

function failOnKinds(text: string): FailOnKind[] {
  // memcheck's `--errors-for-leak-kinds=all` is named with LMM's kinds for it.
  for (const word of listOption('run', '--fail-on', text, 'kind (e.g. definitely-lost,error)', 'definitely-lost,error')) {
    const instead = memcheckLeakKindInstead(word);
    if (instead) throw new CliError(`lmm run: --fail-on: unknown kind '${word}' (memcheck's '${word}' is ${instead} here)`);
  }
  let kinds: FailOnKind[];
  try {
    kinds = parseFailOn(text);
  } catch (error) {
    throw new CliError(`lmm run: ${(error as Error).message}`, { cause: error });
  }
  // (An empty list, from an unset variable, would pass whatever the run found: listOption refused it.)
  return kinds;
}

export async function runCommand(args: string[], io: CliIo): Promise<number> {
  try {
    return await run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(error.message + '\n');
      return 2;
    }
    throw error;
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseRunArgs(args);
  let suppressions: { text: string; file: string } | undefined;
  try {
    // The same bounds as in VS Code: a device, a folder, a missing or a huge file is refused with its path.
    suppressions =
      options.suppressions !== undefined
        ? { text: await readSuppressionsFile(options.suppressions), file: options.suppressions }
        : await suppressionsBeside(options.file);
  } catch (error) {
    if (error instanceof SuppressionFileError) throw new CliError(error.message, { cause: error });
    throw error;
  }
  if (suppressions) {
    try {
      parseSuppressions(suppressions.text, suppressions.file);
    } catch (error) {
      if (error instanceof SuppressionSyntaxError) throw new CliError(error.message);
      throw error;
    }
  }
  // The harness's own output goes to stdout before the report; to stderr when stdout is JSON/SARIF.
  const runOptions: HarnessRunOptions = {
    attribution: options.attribution,
    onOutput: (text) => (options.format === 'text' ? io.stdout(text) : io.stderr(text)),
  };
  // JSON and SARIF have no place for the classic reports: the run does not write them. Text
  // writes them as they came, in chunks (60 MB for a full 1 GiB heap), never joined.
  const classicChunks: string[] = [];
  // Quiet text prints no classic report: the run need not write one.
  if (options.format === 'text' && !options.quiet) {
    runOptions.classicText = true;
    runOptions.onClassicText = (chunk) => classicChunks.push(chunk);
  }
  const writeTextReport = (finished: FinishedRun, complete: boolean) => {
    if (options.quiet) return io.stdout(quietText(finished.report, options.leakReport));
    for (const chunk of classicChunks) io.stdout(chunk);
    io.stdout(textAfterClassic(finished.report, endsWithBlankLine(classicChunks), complete, options.leakReport, true));
  };
  if (options.format === 'text') {
    // Each mid-run check printed as it runs, among the harness's own output, where memcheck prints it.
    const printer = new MidRunCheckPrinter(options.leakReport, options.quiet);
    runOptions.onLeakCheck = (check) => io.stdout(printer.text(check));
  }
  // What streams while the run goes on is all a killed run leaves of its findings (no report comes).
  const streamed: StreamedFindings = { leakChecks: [] };
  runOptions.onMemoryErrors = (errors) => (streamed.errors = errors);
  if (options.format !== 'text') runOptions.onLeakCheck = (check) => streamed.leakChecks.push(check);
  if (suppressions) runOptions.suppressions = suppressions;
  if (options.timeLimitMs !== undefined) runOptions.timeLimitMs = options.timeLimitMs;
  if (options.pageSize !== undefined) runOptions.pageSize = options.pageSize;
  if (options.numCallers !== undefined) runOptions.numCallers = options.numCallers;
  if (options.memoryLimitMb !== undefined) runOptions.memoryLimitMb = options.memoryLimitMb;
  let result;
  try {
    result = await runHarness(options.file, runOptions).result;
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(`lmm run: ${error.message}`);
    throw error;
  }
  if (result.outcome !== 'completed' || !result.finished) {
    // A run that ended early is no verdict: exit 2 whatever --fail-on says. Text shows the heap
    // when it ended (as VS Code does), if it was intact; JSON and SARIF say complete: false.
    if (options.format === 'json') io.stdout(earlyEndJson(result, options.file, streamed));
    else if (options.format === 'sarif') io.stdout(earlyEndSarif(result, options.file, streamed));
    else if (result.finished && result.outcome !== 'cancelled') {
      writeTextReport(result.finished, false);
      io.stdout(`\nThe run did not complete (${result.outcome}): the report above is the heap when it ended.\n`);
    } else if (!result.finished) io.stdout(earlyEndErrorsText(streamed));
    io.stderr(`${earlyEndMessage(result, options.file)}\n`);
    return 2;
  }
  if (options.format === 'text') writeTextReport(result.finished, true);
  else io.stdout(harnessReportOutput(result.finished, options.format, options.leakReport, process.cwd()));
  return verdict(result.finished, options, io);
}

/**
 * The exit status of a run that completed: memcheck's --error-exitcode N when its ERROR SUMMARY (the
 * text report's, as --leak-check and --errors-for-leak-kinds count it) has an error; else 1 when a
 * --fail-on kind occurred unsuppressed; else 0. Each gate that found something says so on stderr.
 */
function verdict(finished: FinishedRun, options: RunArgs, io: CliIo): number {
  const { errors } = memcheckErrorSummary(finished.report, options.leakReport);
  const exitCode = options.errorExitCode !== undefined && errors > 0 ? options.errorExitCode : undefined;
  const hits = failingKinds(finished.report, options.failOn);
  if (hits.length > 0) {
    // Worded unlike a refused option ("--fail-on: unknown kind …"): the check ran and failed.
    io.stderr(
      `lmm run: --fail-on: ${hits.join(', ')} occurred unsuppressed${exitCode === undefined ? ' (exit status 1)' : ''}\n`,
    );
  }
  if (exitCode !== undefined) {
    io.stderr(
      `lmm run: --error-exitcode: memcheck's ERROR SUMMARY counts ${errors} error${errors === 1 ? '' : 's'} (exit status ${exitCode})\n`,
    );
    return exitCode;
  }
  return hits.length > 0 ? 1 : 0;
}

/** Whether text written as these chunks ends with a blank line (`\n\n`), a last chunk of one character included. */
export function endsWithBlankLine(chunks: readonly string[]): boolean {
  const last = chunks[chunks.length - 1] ?? '';
  const tail = last.length >= 2 ? last : (chunks[chunks.length - 2] ?? '') + last;
  return tail.endsWith('\n\n');
}
