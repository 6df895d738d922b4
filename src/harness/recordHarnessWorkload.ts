/**
 * A harness as a policy-lab workload, for `lmm compare` / `lmm replay` and `LMM: Compare Runs`:
 * it runs once in the harness runtime's worker (on lmm-classic, as `lmm run` and `LMM: Run
 * Harness` run it) and the operations it makes become the workload the policies replay.
 */
import { HarnessWorkloadBuilder } from '../policies/harnessWorkload';
import type { Workload } from '../policies/workload';
import { runHarness, type HarnessRunOptions, type RunOutcome } from './runHarness';

export interface RecordedHarness {
  workload: Workload;
  outcome: Exclude<RunOutcome, 'compile-error' | 'cancelled'>;
  /** For a run that did not complete: what went wrong, with FILE:LINE:COL. */
  message?: string;
}

/** Thrown for a harness that does not compile (its FILE:LINE:COL message). */
export class HarnessNotRunError extends Error {}

/**
 * Runs the harness and records its operations; `done` is undefined when cancelled. Without a
 * `pageSize` the run uses the runtime's default (or what the harness's mm_init() chooses).
 */
export function recordHarnessWorkload(
  file: string,
  name: string,
  options: { timeLimitMs?: number; pageSize?: number } = {},
): { done: Promise<RecordedHarness | undefined>; cancel(): void } {
  const builder = new HarnessWorkloadBuilder();
  // The harness's own output (print, mm_print_*) is not what a comparison is about: it is dropped.
  const runOptions: HarnessRunOptions = { onBatch: (batch) => builder.add(batch) };
  if (options.timeLimitMs !== undefined) runOptions.timeLimitMs = options.timeLimitMs;
  if (options.pageSize !== undefined) runOptions.pageSize = options.pageSize;
  const handle = runHarness(file, runOptions);
  const done = handle.result.then((result): RecordedHarness | undefined => {
    if (result.outcome === 'cancelled') return undefined;
    if (result.outcome === 'compile-error')
      throw new HarnessNotRunError(result.message ?? `${name}: the harness does not compile`);
    const recorded: RecordedHarness = { workload: builder.build(name, options.pageSize), outcome: result.outcome };
    if (result.message !== undefined) recorded.message = result.message;
    return recorded;
  });
  return { done, cancel: () => handle.cancel() };
}

/** How a run that did not complete ended, for warnings: "crashed" or "stopped (timed-out)". */
export function endedText(outcome: RecordedHarness['outcome']): string {
  return outcome === 'crashed' ? 'crashed' : `stopped (${outcome})`;
}

/** The line the page, the log and the CLI's header show about where the workload came from. */
export function recordedText(recorded: RecordedHarness): string {
  const stopped = recorded.outcome === 'completed' ? '' : ` (${recorded.outcome})`;
  return `${recorded.workload.length} operations recorded from the harness on lmm-classic${stopped}`;
}
