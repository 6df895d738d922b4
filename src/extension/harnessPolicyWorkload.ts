/**
 * A harness as the workload of `LMM: Compare Runs` with policies: it runs once in the harness
 * runtime's worker (on lmm-classic, as `LMM: Run Harness` runs it, with the same settings) and
 * the operations it makes become the workload the policy worker replays, as `lmm compare` does.
 */
import { runHarness, type HarnessRunOptions, type RunOutcome } from '../harness/runHarness';
import { HarnessWorkloadBuilder } from '../policies/harnessWorkload';
import type { Workload } from '../policies/workload';

export interface RecordedHarness {
  workload: Workload;
  outcome: Exclude<RunOutcome, 'compile-error' | 'cancelled'>;
  /** For a run that did not complete: what went wrong, with FILE:LINE:COL. */
  message?: string;
}

/** Thrown for a harness that does not compile (its FILE:LINE:COL message). */
export class HarnessNotRunError extends Error {}

/** Runs the harness and records its operations; `done` is undefined when cancelled. */
export function recordHarnessWorkload(
  file: string,
  name: string,
  options: { timeLimitMs: number; pageSize: number },
): { done: Promise<RecordedHarness | undefined>; cancel(): void } {
  const builder = new HarnessWorkloadBuilder();
  const runOptions: HarnessRunOptions = { ...options, onBatch: (batch) => builder.add(batch) };
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

/** The line the page and the log show about where the workload came from. */
export function recordedText(recorded: RecordedHarness): string {
  const stopped = recorded.outcome === 'completed' ? '' : ` (${recorded.outcome})`;
  return `${recorded.workload.length} operations recorded from the harness on lmm-classic${stopped}`;
}
