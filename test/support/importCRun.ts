import { CliError } from '../../src/cli/cliIo';
import { importCCommand } from '../../src/cli/importCCommand';

/** `lmm import-c ARGS` in process: its exit status (2 for a refusal thrown as CliError) and what it wrote to stderr. */
export function runImportC(args: string[]): { status: number; stderr: string } {
  let stderr = '';
  const io = { stdout: () => undefined, stderr: (s: string) => void (stderr += s) };
  try {
    return { status: importCCommand(args, io), stderr };
  } catch (error) {
    if (error instanceof CliError) return { status: 2, stderr: stderr + error.message };
    throw error;
  }
}
