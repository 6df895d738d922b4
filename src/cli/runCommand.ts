/**
 * `lmm run FILE [--json | --sarif] [--fail-on KINDS] [--suppressions FILE] [--time-limit MS]
 * [--page-size N]`: runs a harness in its sandboxed worker and prints the classic LMM reports, a
 * leak summary with stacks and hints (or the JSON / SARIF report). Exit status 0; 1 when a kind
 * named by --fail-on occurred unsuppressed (a CI gate); 2 when the harness cannot run.
 */
import { readFileSync } from 'node:fs';
import { failingKinds, parseFailOn, type FailOnKind } from '../analysis/runReport';
import { parseSuppressions, SuppressionSyntaxError } from '../analysis/suppressions';
import { harnessReportOutput } from '../harness/harnessReportOutput';
import { runHarness, suppressionsBeside, type HarnessRunOptions } from '../harness/runHarness';
import { CliError, type CliIo } from './cliIo';

export const RUN_USAGE =
  'usage: lmm run FILE [--json | --sarif] [--fail-on KINDS] [--suppressions FILE] [--time-limit MS] [--page-size N]';

interface RunArgs {
  file: string;
  format: 'text' | 'json' | 'sarif';
  failOn: FailOnKind[];
  suppressions?: string;
  timeLimitMs?: number;
  pageSize?: number;
  attribution: boolean;
}

function parseRunArgs(args: string[]): RunArgs {
  const files: string[] = [];
  const parsed: Omit<RunArgs, 'file'> = { format: 'text', failOn: [], attribution: true };
  const value = (i: number, option: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new CliError(`lmm run: ${option} needs a value\n${RUN_USAGE}`);
    return v;
  };
  const integer = (text: string, option: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new CliError(`lmm run: ${option} takes a positive integer, not '${text}'`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case '--json':
      case '--sarif':
        if (parsed.format !== 'text') throw new CliError('lmm run: choose one of --json and --sarif');
        parsed.format = arg === '--json' ? 'json' : 'sarif';
        break;
      case '--fail-on':
        try {
          parsed.failOn = parseFailOn(value(i++, arg));
        } catch (error) {
          if (error instanceof CliError) throw error;
          throw new CliError(`lmm run: ${(error as Error).message}`, { cause: error });
        }
        break;
      case '--suppressions':
        parsed.suppressions = value(i++, arg);
        break;
      case '--time-limit':
        parsed.timeLimitMs = integer(value(i++, arg), arg);
        break;
      case '--page-size':
        parsed.pageSize = integer(value(i++, arg), arg);
        break;
      case '--no-attribution':
        parsed.attribution = false;
        break;
      default:
        if (arg.startsWith('--')) throw new CliError(`lmm run: unknown option ${arg}\n${RUN_USAGE}`);
        files.push(arg);
    }
  }
  if (files.length !== 1) throw new CliError(RUN_USAGE);
  return { ...parsed, file: files[0]! };
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
  if (options.suppressions !== undefined) {
    try {
      suppressions = { text: readFileSync(options.suppressions, 'utf8'), file: options.suppressions };
    } catch (error) {
      throw new CliError(`${options.suppressions}: cannot read: ${(error as Error).message}`);
    }
  } else suppressions = await suppressionsBeside(options.file);
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
  if (suppressions) runOptions.suppressions = suppressions;
  if (options.timeLimitMs !== undefined) runOptions.timeLimitMs = options.timeLimitMs;
  if (options.pageSize !== undefined) runOptions.pageSize = options.pageSize;
  let result;
  try {
    result = await runHarness(options.file, runOptions).result;
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(`lmm run: ${error.message}`);
    throw error;
  }
  if (result.outcome !== 'completed' || !result.finished) {
    io.stderr(`${result.message ?? `${options.file}: the harness did not complete (${result.outcome})`}\n`);
    return 2;
  }
  io.stdout(harnessReportOutput(result.finished, options.format));
  const hits = failingKinds(result.finished.report, options.failOn);
  if (hits.length > 0) {
    io.stderr(`lmm run: --fail-on: ${hits.join(', ')}\n`);
    return 1;
  }
  return 0;
}
