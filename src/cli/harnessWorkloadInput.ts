/**
 * A harness as the workload of `lmm compare` / `lmm replay` (see `recordHarnessWorkload`), with
 * the CLI's errors and warnings. Loaded on demand (it pulls in the harness compiler and esbuild).
 */
import { basename } from 'node:path';
import { endedText, HarnessNotRunError, recordedText, recordHarnessWorkload } from '../harness/recordHarnessWorkload';
import type { Workload } from '../policies/workload';
import { CliError, type CliIo } from './cliIo';

export interface RecordedWorkload {
  workload: Workload;
  /** The output's header line: the file and what it holds. */
  origin: string;
  /** For a harness: what its run recorded (`N operations recorded from the harness on lmm-classic`). */
  recorded?: string;
}

/**
 * Runs the harness and records its operations. A harness that does not compile is a CliError
 * (FILE:LINE:COL: …, exit 2); one that crashes or runs out of time is warned about on stderr and
 * the operations it made before are the workload.
 */
export async function readHarnessWorkload(
  command: string,
  file: string,
  io: CliIo,
  options: { timeLimitMs?: number; pageSize?: number } = {},
): Promise<RecordedWorkload> {
  const name = basename(file);
  let run;
  try {
    run = await recordHarnessWorkload(file, name, options).done;
  } catch (error) {
    if (error instanceof HarnessNotRunError) throw new CliError(error.message);
    if (error instanceof RangeError) throw new CliError(`lmm ${command}: ${error.message}`);
    throw error;
  }
  if (run === undefined) throw new Error(`${file}: the harness run was cancelled`); // nothing here cancels it
  if (run.outcome !== 'completed') {
    io.stderr(
      `lmm ${command}: warning: the harness ${endedText(run.outcome)}: ${run.message ?? '(no message)'}\n` +
        `lmm ${command}: ${command === 'compare' ? 'comparing' : 'replaying'} the ${run.workload.length} operations it made before\n`,
    );
  }
  const recorded = recordedText(run);
  return { workload: run.workload, origin: `${name}: ${recorded}`, recorded };
}
