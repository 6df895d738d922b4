/**
 * The run's memory errors: one record per (kind, context: the caller's key, memcheck's first
 * frames of the error's stack and, for an access, read or write), counting its occurrences, and
 * what has been told to the views while the run goes on (at most `MAX_POSTED_ERRORS` records; past that
 * only counts grow, so a harness failing at ever new sites cannot flood the host).
 */
import type { MemoryErrorRecord } from '../../analysis/analysisInput';
import { writeErrorTotals } from './lastOperation';

/**
 * Memory errors recorded since the last update, for views that show them while the run goes on.
 * Records go out once each, in the order they were recorded; their counts keep growing.
 */
export interface MemoryErrorsUpdate {
  /** The index of `records[0]` among the run's error records (the records posted before it). */
  first: number;
  /**
   * Records new since the last update (copies), none past the first `MAX_POSTED_ERRORS`. The
   * sandbox marks those a suppression silences, as the report will (`suppressed`, `suppressedBy`).
   */
  records: (MemoryErrorRecord & { suppressed?: boolean; suppressedBy?: string })[];
  /** The count so far of every record posted, this update's included (index = record index). */
  counts: number[];
  /** Errors so far, every occurrence counted, records past the cap included. */
  occurrences: number;
  /** Error records so far (distinct kind and context), past the cap included. */
  distinct: number;
}

/** Error records posted while a run goes on, at most. */
export const MAX_POSTED_ERRORS = 1000;

/** Stack traces taken per (error kind, call path) before further ones count against the last record. */
export const CAPTURES_PER_PATH = 64;

export class MemoryErrorLog {
  /**
   * `onNewRecord`: called as each of the first `MAX_POSTED_ERRORS` records is added, so it can
   * go out at once (the runtime flushes): a worker killed later (stuck in one long built-in call,
   * past a limit) has then sent every record it may post, not only those of its last flush.
   */
  constructor(private readonly onNewRecord?: () => void) {}

  readonly records: MemoryErrorRecord[] = [];
  /** Shared with the harness host: the totals are written there at every error (lastOperation.ts). */
  shared: Int32Array | undefined;
  private readonly byKey = new Map<string, MemoryErrorRecord>();
  private readonly capturesByPath = new Map<string, { captures: number; last: MemoryErrorRecord }>();
  /** Every error occurrence so far, and how many (and how many records) the last update told. */
  private occurrences = 0;
  private postedOccurrences = 0;
  private posted = 0;

  /**
   * An access error in a hot loop: once `CAPTURES_PER_PATH` stack traces were taken for this
   * (kind, call path), the occurrence counts against the last record and true is returned (no
   * stack trace needed); false means the caller captures one and calls `addCaptured`.
   */
  countIfHot(pathKey: string): boolean {
    const hot = this.capturesByPath.get(pathKey);
    if (hot === undefined || hot.captures < CAPTURES_PER_PATH) return false;
    hot.last.count++;
    this.occurrences++;
    if (this.shared !== undefined) writeErrorTotals(this.shared, this.records.length, this.occurrences);
    return true;
  }

  /** `add`, for an error whose stack was captured on call path `pathKey`. */
  addCaptured(pathKey: string, record: MemoryErrorRecord, siteKey: string): MemoryErrorRecord {
    const added = this.add(record, siteKey);
    const hot = this.capturesByPath.get(pathKey);
    if (hot) {
      hot.captures++;
      hot.last = added;
    } else this.capturesByPath.set(pathKey, { captures: 1, last: added });
    return added;
  }

  /** Counts an occurrence of the record at (kind, `siteKey`: its context), adding `record` (count 1) when it is the first. */
  add(record: MemoryErrorRecord, siteKey: string): MemoryErrorRecord {
    const key = `${record.kind}@${siteKey}`;
    const existing = this.byKey.get(key);
    this.occurrences++;
    if (existing) {
      existing.count++;
      if (this.shared !== undefined) writeErrorTotals(this.shared, this.records.length, this.occurrences);
      return existing;
    }
    this.byKey.set(key, record);
    this.records.push(record);
    if (this.shared !== undefined) writeErrorTotals(this.shared, this.records.length, this.occurrences);
    if (this.records.length <= MAX_POSTED_ERRORS) this.onNewRecord?.();
    return record;
  }

  /** Whether something was recorded since the last update. */
  hasNews(): boolean {
    return this.occurrences !== this.postedOccurrences;
  }

  /**
   * The records new since the last update alone, posted the moment one is made: no counts (a
   * thousand records posted one by one would each carry every count before it, a million numbers
   * through the worker's and the process's channels), so the next `takeUpdate` still has news
   * when an older record's count grew meanwhile.
   */
  takeNewRecords(): MemoryErrorsUpdate {
    return this.take(false);
  }

  /**
   * The update since the last one: the new records (copied, so later counts do not change what
   * was handed over) and every posted record's count.
   */
  takeUpdate(): MemoryErrorsUpdate {
    return this.take(true);
  }

  private take(withCounts: boolean): MemoryErrorsUpdate {
    const errors = this.records;
    const end = Math.min(errors.length, MAX_POSTED_ERRORS);
    const first = Math.min(this.posted, end);
    const records: MemoryErrorRecord[] = [];
    for (let i = first; i < end; i++) records.push({ ...errors[i]! });
    const counts: number[] = withCounts ? new Array(end) : [];
    if (withCounts) for (let i = 0; i < end; i++) counts[i] = errors[i]!.count;
    this.posted = end;
    // Without counts, all is told only when nothing else happened since (each new record counts 1).
    if (withCounts || this.occurrences - this.postedOccurrences === records.length) this.postedOccurrences = this.occurrences;
    return { first, records, counts, occurrences: this.occurrences, distinct: errors.length };
  }
}
