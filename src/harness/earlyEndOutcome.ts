/**
 * How a harness run that did not complete ended, as `lmm run` (stderr, `--json`, `--sarif`) and
 * the extension (its run state, Export Report) state it: one reading of the runtime's result.
 */
import type { IncompleteRunOutcome } from '../analysis/incompleteRunJson';
import type { HarnessRunResult } from './runHarness';

/** How the run ended, as its documents state it. */
export interface EarlyEndOutcome extends IncompleteRunOutcome {
  kind: Exclude<HarnessRunResult['outcome'], 'completed'>;
}

export function earlyEndOutcome(result: HarnessRunResult, file: string): EarlyEndOutcome {
  const outcome: EarlyEndOutcome = { kind: 'crashed', message: earlyEndMessage(result, file) };
  // A harness that returned but left no report ended without what a completed run gives.
  if (result.outcome !== 'completed') outcome.kind = result.outcome;
  if (result.site) outcome.site = result.site;
  if (result.stack) outcome.stack = result.stack;
  return outcome;
}

/** How a run stopped by request (LMM: Stop Run, a new run) ended. */
export const STOPPED_BY_REQUEST: Readonly<IncompleteRunOutcome> = Object.freeze({
  kind: 'cancelled',
  message: 'stopped by request',
});

/** What went wrong, as stderr says it: the runtime's message, else the file and the outcome. */
export function earlyEndMessage(result: HarnessRunResult, file: string): string {
  if (result.message !== undefined) return result.message;
  if (result.outcome === 'completed') return `${file}: the run ended without a report`;
  return `${file}: the harness did not complete (${result.outcome})`;
}
