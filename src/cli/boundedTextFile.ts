/**
 * Reading a text file the user named, as the CLI's verbs do: a device (`/dev/zero`), a FIFO or a
 * directory is refused before any read, since such a "file" is read without end (the process then
 * aborts out of memory) or not at all, and a file larger than `maxBytes` is refused with its size.
 */
import { readFileSync, statSync } from 'node:fs';
import { CliError, unreadableFile } from './cliIo';

/**
 * The text of `file`, or a CliError `FILE: what is wrong` (exit 2). `what` names the kind of file
 * expected, for the message (`a trace`, `a harness`).
 */
export function readBoundedTextFile(file: string, what: string, maxBytes: number): string {
  return readBoundedFile(file, what, maxBytes).toString('utf8');
}

/**
 * The bytes of `file`, bounded as `readBoundedTextFile` reads: for a reader of bytes (a trace),
 * which text decoded with U+FFFD for bad bytes and encoded again would not give back.
 */
export function readBoundedFile(file: string, what: string, maxBytes: number): Buffer {
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new CliError(`${file}: not a regular file (${what} is text)`);
    if (info.size > maxBytes) {
      throw new CliError(`${file}: ${info.size} bytes, more than ${what} may have (${maxBytes / 2 ** 20} MiB)`);
    }
    return readFileSync(file);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw unreadableFile(file, error);
  }
}
