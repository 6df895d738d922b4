/** The status bar item's text and tooltip: the run state and live totals (pages, application memory, leaks). */
import { formatBytes, formatCount, unsuppressedOccurrences } from './reportFigures';
import type { RunState } from './runState';
import { RUNNING_ICON } from './runningIcon';
import { stepNumber } from '../../analysis/stepNumber';
import { lostBlocks, runEnding, shownLeakCheck } from './shownLeakCheck';
import { quietNote } from './quietRun';

/**
 * The allocator of every run in the RunStore: the views replay LmmHeap's operation log, so runs
 * under another policy (lmm.policy on Open Trace, Compare Runs) show in pages of their own instead.
 */
export const RUN_POLICY = 'lmm-classic';

export interface StatusText {
  text: string;
  tooltip: string;
}

/** Blocks in leak records that are real leaks (not still reachable) and not suppressed. */
export function leakedBlocks(run: RunState): number {
  return lostBlocks(run.report?.leaks ?? []);
}

function memoryErrors(n: number): string {
  return `${formatCount(n)} memory error${n === 1 ? '' : 's'}`;
}

/**
 * The leak figure of a harness run that ended, naming its check (shownLeakCheck.ts): the leaks its
 * report found at its end, or when it stopped early (at step N), else those of its last mid-run
 * check (at step N), else "no leak check ran" — never a count of 0 that no check produced.
 * Nothing for traces (they have no leak checks).
 */
function endedLeakFigure(run: RunState): { text: string; tooltip: string } {
  if (run.kind !== 'harness') return { text: '', tooltip: '' };
  const shown = shownLeakCheck(run);
  switch (shown.when) {
    case 'none':
      return { text: ' · no leak check ran', tooltip: ' No leak check ran: its leaks are unknown, not absent.' };
    case 'end': {
      const leaked = lostBlocks(shown.leaks);
      return {
        text: ` · ${formatCount(leaked)} leaked at the end`,
        tooltip: ` The leak check made at the end of the run found ${formatCount(leaked)} leaked blocks.`,
      };
    }
    case 'stop': {
      const leaked = lostBlocks(shown.leaks);
      return {
        text: ` · ${formatCount(leaked)} leaked when it stopped at step ${formatCount(shown.step)}`,
        tooltip: ` No end-of-run leak check ran (${runEnding(run).kind}); the leak check made when the run stopped, at step ${formatCount(shown.step)}, found ${formatCount(leaked)} leaked blocks (not a verdict: it had not yet freed what it would have).`,
      };
    }
    case 'mid-run': {
      const leaked = lostBlocks(shown.leaks);
      return {
        text: ` · ${formatCount(leaked)} leaked at step ${formatCount(shown.step)}`,
        tooltip: ` No end-of-run leak check ran; its last leak check, at step ${formatCount(shown.step)}, found ${formatCount(leaked)} leaked blocks.`,
      };
    }
  }
}

/** `now`: Date.now(), for how long a live run has been quiet (quietRun.ts). */
export function statusText(run: RunState | undefined, now = Date.now()): StatusText {
  if (run === undefined)
    return { text: '$(circuit-board) LMM', tooltip: 'LMM Studio: no run yet. Run a harness or open a trace.' };
  const heap = run.replay.heap;
  let pages = 0;
  for (const family of heap.families) pages += family.counters.pages;
  const totals = `${formatCount(pages)} page${pages === 1 ? '' : 's'} · ${formatBytes(heap.appMemory)}`;
  const steps = `${formatCount(run.replay.steps)} operations`;
  switch (run.status) {
    case 'running': {
      // After a mid-run leak check (Check Leaks Now or mm_leak_check()), what it found and when;
      // once memory errors happen, how many so far.
      const check = run.interimLeakCheck;
      const leaked = check ? lostBlocks(check.leaks) : 0;
      const errors = run.interimErrors ? unsuppressedOccurrences(run.interimErrors) : 0;
      const quiet = quietNote(run, now);
      return {
        // The step moves on every update, even when a steady loop keeps the totals the same: a
        // status bar that does not change would look like a hung run.
        text: `$(${RUNNING_ICON}) LMM step ${formatCount(run.replay.steps)} · ${totals}${errors > 0 ? ` · ${memoryErrors(errors)}` : ''}${check ? ` · ${formatCount(leaked)} leaked at step ${formatCount(stepNumber(check.event))}` : ''}${quiet}`,
        tooltip: `Running ${run.label} on ${RUN_POLICY}: ${steps} so far, ${totals} of application memory.${quiet ? ` It has made${quiet.slice(' ·'.length)} (busy in JavaScript, or waiting).` : ''}${errors > 0 ? ` ${memoryErrors(errors)} so far (in the Problems panel).` : ''}${check ? ` The leak check at step ${formatCount(stepNumber(check.event))} (${check.requested ? 'Check Leaks Now' : 'mm_leak_check()'}) found ${formatCount(leaked)} leaked blocks.` : ''} Click to stop.`,
      };
    }
    case 'finished': {
      const leaks = leakedBlocks(run);
      const errors = (run.report?.errors ?? []).reduce((n, e) => n + (e.suppressed === true ? 0 : e.count), 0);
      const icon = errors > 0 ? '$(error)' : leaks > 0 ? '$(warning)' : '$(check)';
      const figure = endedLeakFigure(run);
      const text = `${icon} LMM ${totals}${figure.text}`;
      return {
        text,
        tooltip: `${run.label} finished on ${RUN_POLICY}: ${steps}, ${totals} of application memory at the end, ${formatCount(errors)} memory errors.${figure.tooltip}${run.kind === 'harness' ? ' Harness runs always use lmm-classic (the harness runtime drives LMM only; lmm.policy applies to Open Trace and Compare Runs).' : ''} Click to show the Memory Map.`,
      };
    }
    case 'failed': {
      const leaks = endedLeakFigure(run);
      return {
        text: `$(error) LMM failed${leaks.text}`,
        tooltip: `${run.label} failed: ${run.message ?? 'unknown error'}${leaks.tooltip}`,
      };
    }
    case 'stopped': {
      // Without a report, the errors recorded before the stop are all there is.
      const errors = run.report || !run.interimErrors ? 0 : unsuppressedOccurrences(run.interimErrors);
      const leaks = endedLeakFigure(run);
      return {
        text: `$(debug-stop) LMM stopped · ${totals}${errors > 0 ? ` · ${memoryErrors(errors)}` : ''}${leaks.text}`,
        tooltip: `${run.label} stopped: ${run.message ?? 'by request'} (${steps}${errors > 0 ? `, ${memoryErrors(errors)} before the stop` : ''}).${leaks.tooltip}`,
      };
    }
  }
}
