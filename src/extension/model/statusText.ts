/** The status bar item's text and tooltip: the run state and live totals (pages, application memory, leaks). */
import { type ReportLeak } from '../../protocol/runReportSchema';
import { formatBytes, formatCount, unsuppressedOccurrences } from './reportFigures';
import type { RunState } from './runState';

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

function lostBlocks(leaks: readonly ReportLeak[]): number {
  let blocks = 0;
  for (const leak of leaks) if (leak.kind !== 'still-reachable' && !leak.suppressed) blocks += leak.blocks;
  return blocks;
}

function memoryErrors(n: number): string {
  return `${formatCount(n)} memory error${n === 1 ? '' : 's'}`;
}

export function statusText(run: RunState | undefined): StatusText {
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
      return {
        text: `$(sync~spin) LMM ${totals}${errors > 0 ? ` · ${memoryErrors(errors)}` : ''}${check ? ` · ${formatCount(leaked)} leaked at step ${formatCount(check.event)}` : ''}`,
        tooltip: `Running ${run.label} on ${RUN_POLICY}: ${steps} so far, ${totals} of application memory.${errors > 0 ? ` ${memoryErrors(errors)} so far (in the Problems panel).` : ''}${check ? ` The leak check at step ${formatCount(check.event)} (${check.requested ? 'Check Leaks Now' : 'mm_leak_check()'}) found ${formatCount(leaked)} leaked blocks.` : ''} Click to stop.`,
      };
    }
    case 'finished': {
      const leaks = leakedBlocks(run);
      const errors = (run.report?.errors ?? []).reduce((n, e) => n + (e.suppressed === true ? 0 : e.count), 0);
      const icon = errors > 0 ? '$(error)' : leaks > 0 ? '$(warning)' : '$(check)';
      const text = `${icon} LMM ${totals}${run.kind === 'harness' ? ` · ${formatCount(leaks)} leaked` : ''}`;
      return {
        text,
        tooltip: `${run.label} finished on ${RUN_POLICY}: ${steps}, ${totals} of application memory at the end, ${formatCount(leaks)} leaked blocks, ${formatCount(errors)} memory errors.${run.kind === 'harness' ? ' Harness runs always use lmm-classic (the harness runtime drives LMM only; lmm.policy applies to Open Trace and Compare Runs).' : ''} Click to show the Memory Map.`,
      };
    }
    case 'failed':
      return { text: '$(error) LMM failed', tooltip: `${run.label} failed: ${run.message ?? 'unknown error'}` };
    case 'stopped': {
      // Without a report, the errors recorded before the stop are all there is.
      const errors = run.report || !run.interimErrors ? 0 : unsuppressedOccurrences(run.interimErrors);
      return {
        text: `$(debug-stop) LMM stopped · ${totals}${errors > 0 ? ` · ${memoryErrors(errors)}` : ''}`,
        tooltip: `${run.label} stopped: ${run.message ?? 'by request'} (${steps}${errors > 0 ? `, ${memoryErrors(errors)} before the stop` : ''}).`,
      };
    }
  }
}
