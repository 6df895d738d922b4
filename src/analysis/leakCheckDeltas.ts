/**
 * Which loss records each leak check reports, as memcheck's kinds of check decide it
 * (mc_leakcheck.c, `get_printing_rules`): memcheck keeps its loss records from one check to the
 * next, keyed by kind and allocation stack, and an added, changed or new check reports a record by
 * how it moved since the check before. A check at exit is a full one. The ERROR SUMMARY counts the
 * reported records of the kinds it counts (`memcheckErrorSummary`).
 */
import type { LeakCheckMode } from '../protocol/runReportSchema';
import type { LossRecord } from './leakCheck';

/** A leak check's loss records and its kind (absent: `full`). */
export interface ModedLeakCheck {
  mode?: LeakCheckMode;
  leaks: readonly LossRecord[];
}

/** A record's figures as memcheck compares them: its bytes, blocks and (definitely lost) indirect bytes. */
export interface RecordFigures {
  bytes: number;
  blocks: number;
  indirectBytes: number;
}

/**
 * A loss record a check reports, with its figures at the check before (all 0 when it had none
 * there). A record gone since that check is reported by a changed check alone, as memcheck's
 * "0 (-10) bytes in 0 (-1) blocks": `record` is then the one before, and `now` is all 0.
 */
export interface ReportedRecord {
  record: LossRecord;
  now: RecordFigures;
  before: RecordFigures;
}

const NONE: RecordFigures = { bytes: 0, blocks: 0, indirectBytes: 0 };

function figuresOf(record: LossRecord): RecordFigures {
  // memcheck counts indirect bytes for definitely lost records only.
  const indirectBytes = record.kind === 'definitely-lost' ? record.drags.bytes : 0;
  return { bytes: record.bytes, blocks: record.blocks, indirectBytes };
}

/** memcheck's loss record key: the kind and the allocation stack (LMM's records also have the struct). */
function recordKey(record: LossRecord): string {
  const frames = record.stack.map((site) => `${site.file}:${site.line}:${site.column}`);
  return JSON.stringify([record.kind, record.struct, ...frames]);
}

function reports(mode: LeakCheckMode, now: RecordFigures, before: RecordFigures): boolean {
  switch (mode) {
    case 'full':
      return now.blocks > 0;
    case 'added':
      return now.bytes > before.bytes || now.indirectBytes > before.indirectBytes || now.blocks > before.blocks;
    case 'changed':
      return now.bytes !== before.bytes || now.indirectBytes !== before.indirectBytes || now.blocks !== before.blocks;
    case 'new':
      return now.blocks > 0 && before.blocks === 0;
    case 'quick':
      return false;
  }
}

/** A check's records by memcheck's key, those with a block (the check before, for the next one). */
export type RecordsByKey = ReadonlyMap<string, LossRecord>;

/**
 * The loss records `check` reports, given the records of the check before (`before`; empty for
 * the first), and its own records for the check after it: memcheck keeps its records from one
 * check to the next.
 */
export function reportedAfter(
  check: ModedLeakCheck,
  before: RecordsByKey,
): { reported: ReportedRecord[]; records: RecordsByKey } {
  const mode = check.mode ?? 'full';
  const now = new Map<string, LossRecord>();
  for (const record of check.leaks) if (record.blocks > 0) now.set(recordKey(record), record);
  const reported: ReportedRecord[] = [];
  // With no block live memcheck stops before its records: it reports none, a gone one neither.
  if (now.size === 0) return { reported, records: now };
  for (const [key, record] of now) {
    const old = before.get(key);
    const figures = { now: figuresOf(record), before: old === undefined ? NONE : figuresOf(old) };
    if (reports(mode, figures.now, figures.before)) reported.push({ record, ...figures });
  }
  for (const [key, old] of before) {
    if (!now.has(key) && reports(mode, NONE, figuresOf(old))) reported.push({ record: old, now: NONE, before: figuresOf(old) });
  }
  return { reported, records: now };
}

/** For each check in order, the loss records it reports (memcheck's printed ones, with `--show-leak-kinds=all`). */
export function reportedRecords(checks: readonly ModedLeakCheck[]): ReportedRecord[][] {
  let before: RecordsByKey = new Map();
  return checks.map((check) => {
    const { reported, records } = reportedAfter(check, before);
    before = records;
    return reported;
  });
}
