/**
 * A live run whose views have taken in no heap operation for a while: a harness busy in plain
 * JavaScript (a loop with no heap call) or waiting on something. Its step and totals stay the same,
 * so the status bar and the trees' headers say how long it has been quiet, in seconds that tick:
 * a run that is alive but not advancing never looks like a frozen window. Free of vscode.
 */
import { formatCount } from './reportFigures';
import type { RunState } from './runState';

/** How long a live run may take in no heap operation before the views say so. */
export const QUIET_AFTER_MS = 1000;

/** " · no heap operation for N s" while `run` goes on and has been quiet that long, else "". */
export function quietNote(run: RunState | undefined, now: number): string {
  if (run?.status !== 'running') return '';
  const quietMs = now - (run.lastOperationAt ?? run.startedAt);
  if (quietMs < QUIET_AFTER_MS) return '';
  return ` · no heap operation for ${formatCount(Math.floor(quietMs / 1000))} s`;
}
