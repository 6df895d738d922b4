/**
 * One run as the webview knows it: the timeline the host's batches are replayed into, the site
 * table, leak checks and the report. Everything the views draw is read from here.
 */
import { HeapOpKind, type HeapOpBatch, type RecordedField } from '../../src/engine/heapOps';
import { HeapTimeline } from '../../src/engine/heapTimeline';
import type { LmmHeap } from '../../src/engine/lmmHeap';
import type { InterimMemoryError, LeakCount, RunEndState, RunReportJson, SourceSite } from '../../src/protocol/webviewMessages';

export interface LeakCheckPoint {
  step: number;
  site?: SourceSite;
  leaks: LeakCount[];
  /** Σ blocks and bytes over the kinds that are leaks (not still-reachable). */
  lostBlocks: number;
  lostBytes: number;
}

export type RunState = 'running' | RunEndState;

/**
 * Memory for time-travel snapshots. A snapshot of a 10,000-page heap is ~10 MB (non-zero words
 * only), so this keeps about one per 20,000 steps of a 1,000,000-step run: a jump replays about
 * that many steps (the timeline keeps the gaps even, see HeapTimeline).
 */
const TIME_TRAVEL_BUDGET_BYTES = 512 * 1024 * 1024;

export class RunModel {
  readonly timeline: HeapTimeline;
  readonly sites: SourceSite[] = [];
  /** Leak checks in step order. */
  readonly leakChecks: LeakCheckPoint[] = [];
  report: RunReportJson | null = null;
  /** The memory errors found so far while the run goes on (until the report replaces them); `version` counts updates. */
  errorsSoFar: { errors: InterimMemoryError[]; occurrences: number; distinct: number; version: number } | null = null;
  /** The host can write a suppressions entry for this run's findings (a harness run, not a trace). */
  suppressible = false;
  state: RunState;
  endMessage = '';
  /** Registered structs by family id (name and size), from the Register steps. */
  readonly structs: Array<{ name: string; size: number; fields: RecordedField[] }> = [];
  /** Kind and recorded result of every step (the timeline keeps arguments, not results). */
  private kinds = new Uint8Array(1024);
  private results = new Float64Array(1024);
  /** Each step's first argument (a free's address), for finding the step that freed a block. */
  private firstArgs = new Float64Array(1024);

  constructor(
    readonly runId: string,
    readonly pageSize: number,
    readonly title: string,
    live: boolean,
    memoryCap?: number,
  ) {
    const snapshotBudgetBytes = TIME_TRAVEL_BUDGET_BYTES;
    this.timeline = new HeapTimeline(
      pageSize,
      memoryCap === undefined ? { snapshotBudgetBytes } : { memoryCap, snapshotBudgetBytes },
    );
    this.state = live ? 'running' : 'finished';
  }

  /** The size of family `family`'s struct (0 when it is not registered). */
  structSize(family: number): number {
    return this.structs[family]?.size ?? 0;
  }

  get length(): number {
    return this.timeline.length;
  }

  /** Appends a batch; false when it does not continue the steps received so far. */
  append(batch: HeapOpBatch): boolean {
    if (batch.firstStep !== this.timeline.length) return false;
    const start = this.timeline.length;
    const end = start + batch.count;
    if (end > this.kinds.length) {
      let capacity = this.kinds.length;
      while (capacity < end) capacity *= 2;
      const kinds = new Uint8Array(capacity);
      kinds.set(this.kinds);
      this.kinds = kinds;
      const results = new Float64Array(capacity);
      results.set(this.results);
      this.results = results;
      const firstArgs = new Float64Array(capacity);
      firstArgs.set(this.firstArgs);
      this.firstArgs = firstArgs;
    }
    // The batch names its Register steps in order, one name each.
    let registers = 0;
    for (let i = 0; i < batch.count; i++) {
      if (batch.kind[i] !== HeapOpKind.Register) continue;
      const name = batch.names[registers++];
      const fields = batch.fields?.[registers - 1] ?? [];
      if (batch.c[i]! >= 0) this.structs[batch.c[i]!] = { name: name ?? `family ${batch.c[i]}`, size: batch.a[i]!, fields };
    }
    this.kinds.set(batch.kind.subarray(0, batch.count), start);
    this.results.set(batch.c.subarray(0, batch.count), start);
    this.firstArgs.set(batch.a.subarray(0, batch.count), start);
    this.timeline.append(batch);
    return true;
  }

  addSites(firstId: number, sites: SourceSite[]): void {
    for (let i = 0; i < sites.length; i++) this.sites[firstId + i] = sites[i]!;
  }

  addLeakCheck(step: number, leaks: LeakCount[], site?: SourceSite): void {
    let lostBlocks = 0;
    let lostBytes = 0;
    for (const leak of leaks) {
      if (leak.kind === 'still-reachable') continue;
      lostBlocks += leak.blocks;
      lostBytes += leak.bytes;
    }
    const point: LeakCheckPoint = { step, leaks, lostBlocks, lostBytes };
    if (site) point.site = site;
    const at = this.leakChecks.findIndex((check) => check.step >= step);
    if (at < 0) this.leakChecks.push(point);
    else if (this.leakChecks[at]!.step === step) this.leakChecks[at] = point;
    else this.leakChecks.splice(at, 0, point);
  }

  setReport(report: RunReportJson): void {
    this.report = report;
    for (const check of report.leakChecks ?? []) {
      const leaks: LeakCount[] = [];
      for (const leak of check.leaks) {
        if ((leak as { suppressed?: boolean }).suppressed === true) continue;
        if (
          leak.kind === 'definitely-lost' ||
          leak.kind === 'indirectly-lost' ||
          leak.kind === 'possibly-lost' ||
          leak.kind === 'still-reachable'
        ) {
          leaks.push({ kind: leak.kind, blocks: Number(leak.blocks) || 0, bytes: Number(leak.bytes) || 0 });
        }
      }
      this.addLeakCheck(check.event, leaks, check.site);
    }
  }

  /** The step of the run's peak of application memory (the report's when present). */
  get peakStep(): number {
    const fromReport = this.report?.peak?.event;
    return typeof fromReport === 'number' && fromReport >= 0 && fromReport < this.length ? fromReport : this.timeline.peakStep;
  }

  heapAt(step: number): LmmHeap {
    return this.timeline.heapAt(step);
  }

  /**
   * Gets time travel ready, a stage per call, once the run is complete here (see
   * HeapTimeline.prepareTimeTravel); true while stages remain. Without it the first jump back
   * would also pay for mapping every page and for the JIT's first replay.
   */
  prepareTimeTravel(): boolean {
    if (this.state === 'running') return false;
    return this.timeline.prepareTimeTravel();
  }

  siteIdOf(step: number): number {
    return this.timeline.siteOf(step);
  }

  siteOf(step: number): SourceSite | undefined {
    const id = this.timeline.siteOf(step);
    return id >= 0 ? this.sites[id] : undefined;
  }

  kindOf(step: number): HeapOpKind {
    return this.kinds[step]! as HeapOpKind;
  }

  resultOf(step: number): number {
    return this.results[step]!;
  }

  /**
   * The step that allocated the block now at data address `address` (as of `atStep`), or -1.
   * A backwards scan over two typed arrays: only on hover and click, a few ms at 1,000,000 steps.
   */
  allocStepOf(address: number, atStep: number): number {
    const kinds = this.kinds;
    const results = this.results;
    for (let s = Math.min(atStep, this.length - 1); s >= 0; s--) {
      if (kinds[s] === HeapOpKind.Alloc && results[s] === address) return s;
    }
    return -1;
  }

  /**
   * The step that freed the block starting at data address `address` (as of `atStep`), or -1: the
   * last free of that address, unless an allocation there came after it. A free block that grew
   * by merging with its neighbours shows when its first bytes were freed.
   */
  freeStepOf(address: number, atStep: number): number {
    const kinds = this.kinds;
    const results = this.results;
    const firstArgs = this.firstArgs;
    for (let s = Math.min(atStep, this.length - 1); s >= 0; s--) {
      if (kinds[s] === HeapOpKind.Free && results[s] === 1 && firstArgs[s] === address) return s;
      if (kinds[s] === HeapOpKind.Alloc && results[s] === address) return -1;
    }
    return -1;
  }

  /** A short text for a step's operation, e.g. `xcalloc(student_t, 2) → 0x7effffffe048`. */
  describeStep(step: number): string {
    if (step < 0) return 'before the first step';
    const op = this.timeline.opAt(step);
    const result = this.results[step]!;
    const heap = this.timeline.heapAt(this.length - 1);
    switch (op.kind) {
      case HeapOpKind.Register:
        return `MM_REG_STRUCT(${op.name}, ${op.a} bytes)${result < 0 ? ' failed' : ''}`;
      case HeapOpKind.Alloc: {
        const name = heap.families[op.a]?.name ?? `family ${op.a}`;
        return `xcalloc(${op.b}, ${name}) → ${result === 0 ? 'NULL (error)' : hexAddress(result)}`;
      }
      case HeapOpKind.Free:
        return `xfree(${hexAddress(op.a)})${result === 0 ? ' refused (error)' : ''}`;
      default:
        return `mark ${op.a}`;
    }
  }
}

export function hexAddress(address: number): string {
  return `0x${address.toString(16)}`;
}
