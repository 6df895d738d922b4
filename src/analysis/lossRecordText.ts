/**
 * A loss record as the text report prints it, in memcheck's words (mc_leakcheck.c's
 * pp_LossRecord): its header, its allocation stack, what it drags along and, for a reachable
 * one, the path that reaches it. A record reported by an added, changed or new leak check
 * carries memcheck's deltas since the check before: `10 (+10) bytes in 1 (+1) blocks`.
 */
import type { Site } from './analysisInput';
import type { LossRecord, RootPathStep } from './leakCheck';
import type { RecordFigures } from './leakCheckDeltas';
import { siteText } from './siteText';

export const KIND_WORDS: Record<LossRecord['kind'], string> = {
  'definitely-lost': 'definitely lost',
  'indirectly-lost': 'indirectly lost',
  'possibly-lost': 'possibly lost',
  'still-reachable': 'still reachable',
};

export function n(value: number): string {
  return value.toLocaleString('en-US');
}

export function blocks(count: number): string {
  return `${n(count)} block${count === 1 ? '' : 's'}`;
}

/** memcheck's delta after a figure, ` (+10)` or ` (-10)` (MC_(snprintf_delta)). */
export function delta(now: number, before: number): string {
  return now >= before ? ` (+${n(now - before)})` : ` (-${n(before - now)})`;
}

export function stackLines(stack: readonly Site[], indent = '   '): string {
  if (stack.length === 0) return `${indent}at (unknown site)\n`;
  return stack.map((s, i) => `${indent}${i === 0 ? 'at' : 'by'} ${siteText(s)}\n`).join('');
}

/** A path from a root, one step a line; `elided` steps cut from its middle are named where they were. */
function pathText(path: readonly RootPathStep[], elided = 0): string {
  const lines = path.map((step, i) =>
    i === 0
      ? `root "${step.field}" → ${step.struct}${step.interior ? ' (interior pointer)' : ''} (${siteText(step.site)})`
      : `.${step.field} → ${step.struct}${step.interior ? ' (interior pointer)' : ''} (allocated at ${siteText(step.site)})`,
  );
  if (elided > 0) lines.splice(path.length / 2, 0, `… ${n(elided)} more blocks on the way …`);
  return lines.join('\n      ');
}

/**
 * The record's lines and a blank line. `figures` (an added, changed or new check's) prints its
 * deltas: its figures now and at the check before. A record gone since (0 blocks now) prints its
 * header and stack alone: it drags nothing and no path reaches it.
 */
export function lossRecordText(
  record: LossRecord,
  number: number,
  total: number,
  figures?: { now: RecordFigures; before: RecordFigures },
): string {
  const now = figures?.now ?? { bytes: record.bytes, blocks: record.blocks, indirectBytes: indirectOf(record) };
  const d = (a: number, b: number) => (figures === undefined ? '' : delta(a, b));
  const before = figures?.before;
  // memcheck's words: a definitely lost block that drags others along counts their bytes too.
  const dragging = figures === undefined ? record.kind === 'definitely-lost' && record.drags.blocks > 0 : now.indirectBytes > 0;
  const bytes = dragging
    ? `${n(now.bytes + now.indirectBytes)}${d(now.bytes + now.indirectBytes, (before?.bytes ?? 0) + (before?.indirectBytes ?? 0))} ` +
      `(${n(now.bytes)}${d(now.bytes, before?.bytes ?? 0)} direct, ` +
      `${n(now.indirectBytes)}${d(now.indirectBytes, before?.indirectBytes ?? 0)} indirect)`
    : `${n(now.bytes)}${d(now.bytes, before?.bytes ?? 0)}`;
  const blockWord = `block${now.blocks === 1 ? '' : 's'}`;
  const out = [
    `${bytes} bytes in ${n(now.blocks)}${d(now.blocks, before?.blocks ?? 0)} ${blockWord} are ${KIND_WORDS[record.kind]} ` +
      `in loss record ${n(number)} of ${n(total)} (${record.struct})\n`,
    stackLines(record.stack),
  ];
  if (now.blocks > 0 && record.kind === 'definitely-lost' && record.drags.blocks > 0) {
    out.push(`   and drags along ${n(record.drags.bytes)} bytes in ${blocks(record.drags.blocks)} that are indirectly lost\n`);
  }
  if (now.blocks > 0 && record.rootPath !== undefined && record.rootPath.length > 0) {
    out.push(`   reachable through: ${pathText(record.rootPath, record.rootPathElided)}\n`);
  }
  out.push('\n');
  return out.join('');
}

function indirectOf(record: LossRecord): number {
  return record.kind === 'definitely-lost' && record.drags.blocks > 0 ? record.drags.bytes : 0;
}
