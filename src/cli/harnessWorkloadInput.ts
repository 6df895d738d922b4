/**
 * A harness as the workload of `lmm compare` / `lmm replay`: it runs once, in its sandboxed worker
 * on lmm-classic as `lmm run` runs it, and the heap operations it makes become the workload the
 * policies replay. Loaded on demand (it pulls in the harness compiler and esbuild).
 */
import { basename } from 'node:path';
import { runHarness, type HarnessRunOptions } from '../harness/runHarness';
import { HarnessWorkloadBuilder } from '../policies/harnessWorkload';
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
export async function recordHarnessWorkload(
  command: string,
  file: string,
  io: CliIo,
  options: { timeLimitMs?: number; pageSize?: number } = {},
): Promise<RecordedWorkload> {
  const builder = new HarnessWorkloadBuilder();
  // The harness's own output (print, mm_print_*) is not what a comparison is about: it is dropped.
  const runOptions: HarnessRunOptions = { onBatch: (batch) => builder.add(batch) };
  if (options.timeLimitMs !== undefined) runOptions.timeLimitMs = options.timeLimitMs;
  if (options.pageSize !== undefined) runOptions.pageSize = options.pageSize;
  let result;
  try {
    result = await runHarness(file, runOptions).result;
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(`lmm ${command}: ${error.message}`);
    throw error;
  }
  if (result.outcome === 'compile-error') throw new CliError(result.message ?? `${file}: the harness does not compile`);
  const name = basename(file);
  const workload = builder.build(name, result.finished?.report.pageSize);
  if (result.outcome !== 'completed') {
    io.stderr(
      `lmm ${command}: warning: the harness ${result.outcome === 'crashed' ? 'crashed' : `stopped (${result.outcome})`}: ` +
        `${result.message ?? '(no message)'}\n` +
        `lmm ${command}: ${command === 'compare' ? 'comparing' : 'replaying'} the ${workload.length} operations it made before\n`,
    );
  }
  const stopped = result.outcome === 'completed' ? '' : ` (${result.outcome})`;
  const recorded = `${workload.length} operations recorded from the harness on lmm-classic${stopped}`;
  return { workload, origin: `${name}: ${recorded}`, recorded };
}
