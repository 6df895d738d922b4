import { main } from '../../src/cli/lmm';

/** The `lmm` command line run in this process: its exit status and what it printed. */
export async function lmm(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}
