/**
 * Which step of a run a view shows, as the trees' headers say it ("step 1,234,567 · running"):
 * step N is the state after the run's Nth heap operation. While a run goes on it moves with every
 * refresh, so a view whose figures stay the same (a steady loop) still shows that it is live.
 */
import { quietNote } from './quietRun';
import { formatCount } from './reportFigures';
import type { RunState } from './runState';

const STATES: Record<RunState['status'], string> = {
  running: 'running',
  finished: 'end of run',
  stopped: 'stopped',
  failed: 'failed',
};

/**
 * `now`: Date.now(), for how long a live run has been quiet (quietRun.ts); `step`: the step the
 * view's figures are of, when it shows an earlier one than the run's (a tree whose changed rows
 * wait for their redraw), else the run's.
 */
export function runStepLabel(run: RunState | undefined, now = Date.now(), step = run?.replay.steps ?? 0): string {
  if (run === undefined) return '';
  return `step ${formatCount(Math.min(step, run.replay.steps))} · ${STATES[run.status]}${quietNote(run, now)}`;
}
