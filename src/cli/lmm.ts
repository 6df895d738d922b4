/**
 * The `lmm` command line: the same engine as the extension, for students' terminals and CI.
 */
import { writeSync } from 'node:fs';
import { CliError, type CliIo } from './cliIo';
import { compareCommand } from './compareCommand';
import { importCCommand } from './importCCommand';
import { policiesCommand } from './policiesCommand';
import { replayCommand } from './replayCommand';
import { traceCommand } from './traceCommand';

declare const LMM_VERSION: string;

const HELP = `lmm — LMM Studio's command line: the Linux Memory Manager, simulated

usage:
  lmm trace FILE [--report]   replay a conformance trace (spec: shared/spec/lmm-classic.md)
                              stdout: ok/null per alloc and one JSON line per dump;
                              --report prints the classic LMM text reports at each dump instead
  lmm run FILE [--json | --sarif] [--fail-on KINDS] [--suppressions FILE] [--time-limit MS] [--page-size N]
                              run a harness (*.lmm.ts) in a sandboxed worker: classic reports, memory
                              errors, leaks (memcheck's kinds) with stacks; exit 1 when a --fail-on kind
                              (e.g. definitely-lost,indirectly-lost,error) occurred unsuppressed
  lmm replay FILE [--policy NAME] [--json] [--reservoir N] [--reservoir-delay OPS] [--time-limit MS] [--page-size N]
                              replay a CS:APP malloc-lab trace (.rep, or a .trace) under an allocation
                              policy (default lmm-classic): utilization, Kops/s, payload integrity,
                              syscalls; exit 1 when an integrity or invariant check failed
  lmm compare FILE --policies a,b,… [--reservoir N[,M…]] [--reservoir-delay OPS] [--time-limit MS] [--page-size N] [--json]
                              one workload (.rep or .trace) under several policies, side by side;
                              --reservoir adds runs that keep N empty pages mapped (syscalls vs bytes)
                              replay and compare take a harness (*.lmm.ts) too: it runs once on
                              lmm-classic (--time-limit MS, --page-size N as for lmm run) and the
                              operations it makes are the workload
  lmm policies [--long]       the allocation policies, one name a line (docs/policies.md)
  lmm import-c HEADER.h [-I DIR] [-D NAME[=VALUE]] [--no-cc] [-o FILE] [--force]
                              C struct declarations → an annotated harness skeleton with the same
                              layout; prints each struct's C size and what it could not translate
  lmm --help                  this text
  lmm --version               the version

exit status: 0 done, 2 bad usage or malformed input (FILE:LINE: what is wrong)
`;

/** The exit status; a Promise for commands that run asynchronously (`run`). */
export function main(argv: string[], io: CliIo): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        io.stdout(`${typeof LMM_VERSION === 'string' ? LMM_VERSION : 'dev'}\n`);
        return 0;
      case 'trace':
        return traceCommand(rest, io);
      case 'run':
        // Loaded on demand: the harness compiler pulls in esbuild and TypeScript, which would
        // cost every other command ~0.25 s of start-up.
        return loadRunCommand()
          .runCommand(rest, io)
          .catch((error: unknown) => usageError(error, io));
      case 'replay':
        return replayCommand(rest, io);
      case 'compare':
        return compareCommand(rest, io);
      case 'policies':
        return policiesCommand(rest, io);
      case 'import-c':
        return importCCommand(rest, io);
      default:
        throw new CliError(`lmm: unknown command '${command}' (see lmm --help)`);
    }
  } catch (error) {
    return usageError(error, io);
  }
}

/**
 * The harness runner, required only when `lmm run` is used. A lazy require (not a dynamic
 * import) so the same code works bundled by esbuild and run from source through tsx.
 */
function loadRunCommand(): typeof import('./runCommand') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./runCommand') as typeof import('./runCommand');
}

/** A CliError is printed and gives exit status 2; anything else is a bug and propagates. */
function usageError(error: unknown, io: CliIo): number {
  if (error instanceof CliError) {
    io.stderr(error.message + '\n');
    return 2;
  }
  throw error;
}

/** Writes synchronously so a large output is complete before the process exits. */
function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text);
  let written = 0;
  while (written < buffer.length) {
    try {
      written += writeSync(fd, buffer, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
      throw error;
    }
  }
}

/** Runs the command line on this process's arguments and standard streams. */
export function runFromProcess(): void {
  const status = main(process.argv.slice(2), {
    stdout: (text) => writeAll(1, text),
    stderr: (text) => writeAll(2, text),
  });
  if (typeof status === 'number') process.exitCode = status;
  else void status.then((code) => (process.exitCode = code));
}
