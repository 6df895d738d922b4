/**
 * Figures of a run report as the views word them: counts with separators, blocks, bytes, and the
 * memory errors no suppression silences.
 */
import type { InterimErrors } from '../../protocol/runReportSchema';

/** Occurrences of the errors no suppression silences (records past the posting cap count in). */
export function unsuppressedOccurrences(errors: InterimErrors): number {
  let suppressed = 0;
  for (const error of errors.errors) if (error.suppressed === true) suppressed += error.count;
  return errors.occurrences - suppressed;
}

/** "12,480 bytes" style numbers for labels. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 block", "3 blocks": a count of blocks for labels. */
export function formatBlocks(n: number): string {
  return `${formatCount(n)} block${n === 1 ? '' : 's'}`;
}

/** Bytes as the views show them: exact below 10 MiB (LMM's reports count bytes), then MiB. */
export function formatBytes(n: number): string {
  if (n < 10 * 1048576) return `${formatCount(n)} B`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}
