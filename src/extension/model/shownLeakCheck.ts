/**
 * Which leak check a view of a run shows, and the words that name it. Every view with a leak
 * figure (the Leaks tree, the status bar, Export Report's text and HTML) names its check: the
 * end-of-run check, the check made when the run stopped before its end (at step N), a mid-run
 * check (at step N); or it says no leak check ran. A run that ended without its end-of-run check
 * (the time limit, the memory limit, Stop Run, a throw, a killed worker, a compile error) never
 * reads as "no leaks", and neither does a trace, which has no pointers to check.
 */
import type { IncompleteRunOutcome } from '../../analysis/incompleteRunJson';
import type { LmmReport, ReportLeak, ReportLeakCheck, ReportSite } from '../../protocol/runReportSchema';
import { stepNumber } from '../../analysis/stepNumber';
import { formatCount } from './reportFigures';
import type { RunState } from './runState';

export type ShownLeakCheck =
  /** A finished harness run: its end-of-run check. */
  | { when: 'end'; leaks: readonly ReportLeak[] }
  /** A harness run that ended early with its heap: the check of the heap when it stopped (no verdict). */
  | { when: 'stop'; leaks: readonly ReportLeak[]; step: number }
  /** A harness run without a report (going on, or ended with no heap): its latest mid-run check. */
  | { when: 'mid-run'; leaks: readonly ReportLeak[]; step: number; check: ReportLeakCheck }
  /** No check ran (yet), or a trace (no pointers, no reachability). */
  | { when: 'none' };

export function shownLeakCheck(run: RunState): ShownLeakCheck {
  if (run.kind !== 'harness') return { when: 'none' };
  if (run.report) {
    if (run.status === 'finished' || run.status === 'running') return { when: 'end', leaks: run.report.leaks };
    // The runtime's count when it has one: a stop may have cut the views' replay short.
    return { when: 'stop', leaks: run.report.leaks, step: run.report.totals.steps ?? run.replay.steps };
  }
  const check = run.interimLeakCheck;
  if (check) return { when: 'mid-run', leaks: check.leaks, step: stepNumber(check.event), check };
  return { when: 'none' };
}

/** The check's name in a sentence: "the end-of-run leak check", "the leak check at step 1,234" … */
export function shownLeakCheckName(shown: Exclude<ShownLeakCheck, { when: 'none' }>): string {
  switch (shown.when) {
    case 'end':
      return 'the end-of-run leak check';
    case 'stop':
      return `the leak check when the run stopped, at step ${formatCount(shown.step)}`;
    case 'mid-run':
      return `the leak check at step ${formatCount(shown.step)}`;
  }
}

/** Why no leak check is shown: a trace has none; a harness run made none (yet). */
export function noLeakCheckReason(run: RunState): string {
  if (run.kind !== 'harness') return 'a trace has no pointers to follow: no leak check';
  if (run.status === 'running') return 'no leak check yet (run in progress)';
  return 'no leak check ran: its leaks are unknown, not absent';
}

/**
 * How a run that did not finish ended, in one line: "The run did not complete (timed-out): …".
 * Undefined for a finished run or one still going on.
 */
export function incompleteRunLine(run: RunState): string | undefined {
  if (run.status === 'finished' || run.status === 'running') return undefined;
  const { kind, message } = runEnding(run);
  return `The run did not complete (${kind}): ${message}. No end-of-run leak check ran.`;
}

/**
 * How a run that did not finish ended, as `lmm run` states it: the runtime's outcome the run kept,
 * else (a run that never reached the runtime) its status and message.
 */
export function runEnding(run: RunState): IncompleteRunOutcome {
  return run.ending ?? { kind: run.status, message: run.message ?? run.status };
}

/** Blocks in leak records that are real leaks (not still reachable) and not suppressed. */
export function lostBlocks(leaks: readonly ReportLeak[]): number {
  let blocks = 0;
  for (const leak of leaks) if (leak.kind !== 'still-reachable' && !leak.suppressed) blocks += leak.blocks;
  return blocks;
}

/** A leak check the harness made while it ran, as the exports list it: who asked, its step, where, what it found. */
export interface MidRunCheckLine {
  how: 'Check Leaks Now' | 'mm_leak_check()';
  step: number;
  site?: ReportSite;
  lostBlocks: number;
}

export function midRunChecks(report: LmmReport): MidRunCheckLine[] {
  return report.leakChecks.map((check) => ({
    how: check.requested ? 'Check Leaks Now' : 'mm_leak_check()',
    step: stepNumber(check.event),
    ...(check.site.line > 0 ? { site: check.site } : {}),
    lostBlocks: lostBlocks(check.leaks),
  }));
}

/**
 * What Check Leaks Now says when no harness is running: the last run's leaks again, naming the
 * check they are from, or that none ran; "no leaks" only from an end-of-run check that found none.
 */
export function lastRunLeaksMessage(run: RunState): string {
  const shown = shownLeakCheck(run);
  if (shown.when === 'none') return `LMM: ${run.label}: ${noLeakCheckReason(run)}.`;
  const leaked = lostBlocks(shown.leaks);
  if (shown.when === 'end' && leaked === 0) return `LMM: no leaks in ${run.label} (its end-of-run leak check).`;
  const stopped = shown.when === 'end' ? '' : ' No end-of-run leak check ran.';
  return `LMM: ${formatCount(leaked)} leaked blocks in ${run.label}, found by ${shownLeakCheckName(shown)}.${stopped} See the Leaks view and the Problems panel.`;
}
