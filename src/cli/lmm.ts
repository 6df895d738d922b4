/**
 * The `lmm` command line: the same engine as the extension, for students' terminals and CI.
 *
 * Each verb's module is required when that verb runs, so `lmm trace` never loads the policies,
 * the harness compiler or the analyses, and starts as fast as Node itself. Whatever a verb
 * throws ends here: a usage or input error (CliError) prints its one line and gives exit 2;
 * anything else is a bug, printed as one `lmm: internal error: …` line with exit 3 (the stack
 * only when LMM_DEBUG is set), never as a Node stack trace.
 */
import { writeSync } from 'node:fs';
import { CliError, type CliIo } from './cliIo';

declare const LMM_VERSION: string;

const HELP = `lmm — LMM Studio's command line: the Linux Memory Manager, simulated

usage:
  lmm trace FILE [--report]   replay a conformance trace (format: docs/trace-format.md)
                              stdout: ok/null per alloc and one JSON line per dump;
                              --report prints the classic LMM text reports at each dump instead
  lmm run FILE [--json | --sarif] [-q | --quiet] [--fail-on KINDS] [--error-exitcode=N] [--suppressions FILE] [--time-limit MS] [--page-size N] [--memory-limit MB] [--leak-check=no|summary|full|yes] [--show-leak-kinds=SET] [--errors-for-leak-kinds=SET] [--show-reachable=yes|no] [--show-possibly-lost=yes|no] [--leak-resolution=high] [--leak-check-heuristics=none] [--num-callers=N] [--freelist-vol=N] [--freelist-big-blocks=N] [--redzone-size=N] [--no-attribution]
                              run a harness (*.lmm.ts) in a sandboxed worker: classic reports, memory
                              errors, leaks (memcheck's kinds) with stacks; exit 1 when a --fail-on kind
                              (e.g. definitely-lost,indirectly-lost,error) occurred unsuppressed.
                              The leak options are memcheck's, with its meaning (SET: definite,indirect,
                              possible,reachable with commas, or all, or none); by default every kind's
                              records are listed (memcheck's --leak-check=full --show-leak-kinds=all) and
                              definite,possible ones count in the ERROR SUMMARY. They shape the report
                              only: the exit status is --fail-on's, and memcheck's --error-exitcode=N
                              exits N when its ERROR SUMMARY counts an error (before --fail-on's 1).
                              -q prints the errors alone (the loss records listed, the memory
                              errors), as memcheck's -q does. --freelist-vol, --freelist-big-blocks
                              and --redzone-size are taken and change nothing: every access through
                              a freed block or outside a block is an error. --no-attribution takes
                              no call stacks (a faster run): every site is the harness file, line unknown
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
  lmm import-c HEADER.h [-I DIR]... [-D NAME[=VALUE]]... [--no-cc] [-o FILE] [--force]
                              C struct declarations → an annotated harness skeleton with the same
                              layout; prints each struct's C size and what it could not translate
  lmm --help                  this text
  lmm --version               the version

exit status: 0 done, 1 a check failed (run --fail-on, replay, compare), 2 bad usage, malformed
input (FILE:LINE: what is wrong, or --option: what is wrong) or output that cannot be written,
3 an internal error (LMM_DEBUG=1 shows its stack); run --error-exitcode=N: N when errors were found
`;

/** Exit status of an unexpected failure (a bug in lmm, not in its input). */
export const INTERNAL_ERROR_STATUS = 3;

/** The exit status; a Promise for commands that run asynchronously (`run`, harness inputs). */
export function main(argv: string[], io: CliIo): number | Promise<number> {
  try {
    const status = dispatch(argv, io);
    if (typeof status === 'number') return status;
    return status.catch((error: unknown) => failure(error, io));
  } catch (error) {
    return failure(error, io);
  }
}

function dispatch(argv: string[], io: CliIo): number | Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      // No command is bad usage: the usage goes where every exit-2 message goes, and stdout stays empty.
      io.stderr(HELP);
      return 2;
    case '--help':
    case '-h':
    case 'help':
      io.stdout(HELP);
      return 0;
    case '--version':
    case '-v':
      io.stdout(`${typeof LMM_VERSION === 'string' ? LMM_VERSION : 'dev'}\n`);
      return 0;
  }
  const verb = VERBS[command];
  if (verb === undefined) throw new CliError(`lmm: unknown command '${shownArgument(command)}' (see lmm --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(HELP);
    return 0;
  }
  return verb()(rest, io);
}

type Verb = (args: string[], io: CliIo) => number | Promise<number>;

/**
 * The verbs, each loaded on demand. Lazy requires (not dynamic imports) so the same code works
 * bundled by esbuild and run from source through tsx; `run` alone pulls in esbuild and
 * TypeScript, which would cost every other command ~0.25 s of start-up.
 *
 * In the bundle, `./traceCommand` is a file of its own, dist/cli/lmm-trace.js (scripts/build.mjs):
 * esbuild turns a lazily required module and everything it imports into code run on first use,
 * where each module-level constant (a layout offset such as META.blockSize) is a variable that
 * the optimiser reads again at every use. `lmm trace` spent ~20 % more CPU that way.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const VERBS: Record<string, (() => Verb) | undefined> = {
  trace: () => (require('./traceCommand') as typeof import('./traceCommand')).traceCommand,
  run: () => (require('./runCommand') as typeof import('./runCommand')).runCommand,
  replay: () => (require('./replayCommand') as typeof import('./replayCommand')).replayCommand,
  compare: () => (require('./compareCommand') as typeof import('./compareCommand')).compareCommand,
  policies: () => (require('./policiesCommand') as typeof import('./policiesCommand')).policiesCommand,
  'import-c': () => (require('./importCCommand') as typeof import('./importCCommand')).importCCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */
Object.setPrototypeOf(VERBS, null);

/** A CliError is printed and gives exit status 2; anything else is a bug: one line, exit 3. */
function failure(error: unknown, io: CliIo): number {
  if (error instanceof CliError) {
    io.stderr(error.message + '\n');
    return 2;
  }
  io.stderr(`lmm: internal error: ${describe(error)}\n`);
  if (process.env['LMM_DEBUG']) io.stderr(`${stackOf(error)}\n`);
  return INTERNAL_ERROR_STATUS;
}

/** A thrown value as one line, whatever it is (even an object whose getters throw). */
function describe(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return text.split('\n')[0]!.slice(0, 500);
  } catch {
    return 'a value that cannot be shown';
  }
}

function stackOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.stack) : String(error);
  } catch {
    return '(no stack)';
  }
}

/** A command-line word as shown in a message: control characters escaped, cut when long. */
function shownArgument(word: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = word.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > 60 ? `${visible.slice(0, 60)}…` : visible;
}

/** Writes synchronously so a large output is complete before the process exits. */
function writeAll(fd: number, text: string | Uint8Array): void {
  const buffer = typeof text === 'string' ? Buffer.from(text) : text;
  let written = 0;
  while (written < buffer.length) {
    try {
      written += writeSync(fd, buffer, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
      // A full disk or a broken device is the machine's, not a bug in lmm: one line, exit 2.
      const stream = fd === 1 ? 'standard output' : 'standard error';
      throw new CliError(`lmm: cannot write to ${stream}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Runs the command line on this process's arguments and standard streams. */
export function runFromProcess(): void {
  const io: CliIo = {
    stdout: (text) => writeAll(1, text),
    stderr: (text) => writeAll(2, text),
    stdoutBytes: (bytes) => writeAll(1, bytes),
  };
  // Errors that escape every command (a callback of a worker or a stream): one line, exit 3.
  const escaped = (error: unknown): void => {
    process.exitCode = failure(error, io);
    process.exit();
  };
  process.on('uncaughtException', escaped);
  process.on('unhandledRejection', escaped);
  const status = main(process.argv.slice(2), io);
  if (typeof status === 'number') process.exitCode = status;
  else void status.then((code) => (process.exitCode = code));
}
