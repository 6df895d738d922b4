import { fileErrorWords } from '../protocol/fileErrorWords';

/** What a CLI command may do to the outside world, so commands are testable without a process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Writes UTF-8 bytes as they are (large outputs skip a string); without it, `stdout` gets their text. */
  stdoutBytes?(bytes: Uint8Array): void;
}

/**
 * The mark of a CliError, shared by every copy of this module in the process: `lmm trace` runs
 * from a bundle of its own (dist/cli/lmm-trace.js), which carries its own copy of this class, and
 * the errors it throws must still print as usage errors (exit 2), not as internal ones.
 */
const CLI_ERROR = Symbol.for('lmm-studio.cli-error');

/** A usage or input error: printed as is, exit status 2. */
export class CliError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, CLI_ERROR, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [CLI_ERROR]?: unknown })[CLI_ERROR] === true;
  }
}

/** `FILE: cannot read: why`, for a file system error on a file the user named. */
export function unreadableFile(file: string, error: unknown): CliError {
  return new CliError(`${file}: cannot read: ${fileErrorWords(error)}`, { cause: error });
}
