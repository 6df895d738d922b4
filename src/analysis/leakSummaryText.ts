/**
 * memcheck's LEAK SUMMARY (mc_leakcheck.c's print_results), for the check at exit and for each
 * mid-run check alike: a line per kind, aligned as memcheck aligns them, with memcheck's deltas
 * for an added, changed or new check, and the lines memcheck prints after it when records were
 * left out.
 */
import type { LeakSummary } from './leakCheck';
import { delta, n } from './lossRecordText';

/** memcheck's label for each kind, aligned as memcheck aligns them. */
const SUMMARY_LABELS: [keyof LeakSummary, string][] = [
  ['definitely-lost', '   definitely lost'],
  ['indirectly-lost', '   indirectly lost'],
  ['possibly-lost', '     possibly lost'],
  ['still-reachable', '   still reachable'],
  ['suppressed', '        suppressed'],
];

/**
 * The summary's lines: `   definitely lost: 16 bytes in 1 block`. `deltas` (an added, changed or
 * new check's) adds each figure's change since `deltas.before` (none before: from 0).
 */
export function leakSummaryLines(s: LeakSummary, deltas?: { before: LeakSummary | undefined }): string[] {
  return SUMMARY_LABELS.map(([kind, label]) => {
    const was = deltas?.before?.[kind] ?? { bytes: 0, blocks: 0 };
    const d = (a: number, b: number) => (deltas === undefined ? '' : delta(a, b));
    const { bytes, blocks } = s[kind];
    return `${label}: ${n(bytes)}${d(bytes, was.bytes)} bytes in ${n(blocks)}${d(blocks, was.blocks)} block${blocks === 1 ? '' : 's'}\n`;
  });
}

/**
 * memcheck's lines after its LEAK SUMMARY when records were left out: a check that lists none
 * (`summaryOnly`: `--leak-check=summary` at exit, a quick mid-run check) says how to see them when
 * any block is held; a full one whose still reachable blocks are not shown says so.
 */
export function hiddenRecordLines(s: LeakSummary, summaryOnly: boolean, showsReachable: boolean): string[] {
  const held =
    s['definitely-lost'].blocks + s['indirectly-lost'].blocks + s['possibly-lost'].blocks + s['still-reachable'].blocks;
  if (summaryOnly) return held > 0 ? ['Rerun with --leak-check=full to see details of leaked memory\n'] : [];
  if (s['still-reachable'].blocks > 0 && !showsReachable)
    return [
      'Reachable blocks (those to which a pointer was found) are not shown.\n',
      'To see them, rerun with: --leak-check=full --show-leak-kinds=all\n',
    ];
  return [];
}
