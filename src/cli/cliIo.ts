/** What a CLI command may do to the outside world, so commands are testable without a process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Writes UTF-8 bytes as they are (large outputs skip a string); without it, `stdout` gets their text. */
  stdoutBytes?(bytes: Uint8Array): void;
}

/** A usage or input error: printed as is, exit status 2. */
export class CliError extends Error {}
