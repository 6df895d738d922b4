/**
 * One run as the webview knows it: the timeline the host's batches are replayed into, the site
 * table, leak checks and the report. Everything the views draw is read from here.
 *
 * A long run's timeline may hold only its last part (`lmm.eventsKept`): it begins at
 * `firstStep` (the host's `heapWindow`, or its own slide during a live run) and step numbers stay
 * the run's. Views place steps with `firstStep` and `length`, and refuse a step before the window.
 */
import { HeapOpKind, type HeapOpBatch, type RecordedField } from '../../src/engine/heapOps';
import { HeapSnapshot } from '../../src/engine/heapSnapshot';
import { HeapTimeline } from '../../src/engine/heapTimeline';
import { LmmHeap } from '../../src/engine/lmmHeap';
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

/** A block allocated before the window's first step (its allocation step is not kept). */
export interface BlockBeforeWindow {
  address: number;
  family: number;
  units: number;
}

export class RunModel {
  timeline: HeapTimeline;
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
  /** The live blocks of the window's first heap, and the `firstStep` they were read at. */
  private before: { firstStep: number; blocks: BlockBeforeWindow[] } | null = null;

  constructor(
    readonly runId: string,
    readonly pageSize: number,
    readonly title: string,
    live: boolean,
    private readonly memoryCap?: number,
  ) {
    this.timeline = this.newTimeline();
    this.state = live ? 'running' : 'finished';
  }

  private newTimeline(start?: { firstStep: number; snapshot: HeapSnapshot }): HeapTimeline {
    return new HeapTimeline(this.pageSize, {
      snapshotBudgetBytes: TIME_TRAVEL_BUDGET_BYTES,
      ...(this.memoryCap === undefined ? {} : { memoryCap: this.memoryCap }),
      ...(start === undefined ? {} : { start }),
    });
  }

  /**
   * Starts the timeline over at the host's window: `snapshot` is the heap after step
   * `firstStep − 1`, `fields` each family's struct fields. The run's sites, report and leak
   * checks stay (checks before the window go); batches from `firstStep` on follow.
   */
  startWindow(firstStep: number, snapshot: HeapSnapshot, fields: RecordedField[][]): void {
    if (snapshot.pageSize !== this.pageSize) {
      throw new Error(`the window's heap has pages of ${snapshot.pageSize} bytes, the run ${this.pageSize}`);
    }
    this.timeline = this.newTimeline({ firstStep, snapshot });
    this.before = null;
    const families = this.timeline.heapAt(firstStep - 1).families;
    this.structs.length = 0;
    for (const family of families) {
      this.structs[family.id] = { name: family.name, size: family.structSize, fields: fields[family.id] ?? [] };
    }
    this.dropBeforeWindow();
  }

  /** Drops the steps before `firstStep` (the host's window moved on during a live run). */
  slideTo(firstStep: number): void {
    this.timeline.slideTo(firstStep);
    this.dropBeforeWindow();
  }

  /** The first step the timeline holds (0 unless `lmm.eventsKept` left the earlier ones out). */
  get firstStep(): number {
    return this.timeline.firstStep;
  }

  /** "showing the last N of M operations" when the timeline holds only the end of the run, else ''. */
  get windowNote(): string {
    const first = this.timeline.firstStep;
    if (first === 0) return '';
    const n = (value: number) => value.toLocaleString('en-US');
    return `showing the last ${n(this.length - first)} of ${n(this.length)} operations (lmm.eventsKept)`;
  }

  /** Steps the timeline holds (`length − firstStep`): the width of every step axis. */
  get span(): number {
    return this.length - this.timeline.firstStep;
  }

  /** Where `step` is along a step axis, 0 … 1 (the middle of its slot). */
  fractionOf(step: number): number {
    return (step - this.timeline.firstStep + 0.5) / this.span;
  }

  /** The step at `fraction` (0 … 1) of a step axis, within the steps held. */
  stepAtFraction(fraction: number): number {
    const first = this.timeline.firstStep;
    return Math.min(this.length - 1, Math.max(first, first + Math.floor(fraction * this.span)));
  }

  /** True when `step` can be shown: from the window's first heap (`firstStep − 1`) to the last step. */
  holds(step: number): boolean {
    return step >= this.firstStep - 1 && step < this.length;
  }

  /**
   * The blocks live just before the window (allocated in steps it does not hold), read once per
   * window from its first snapshot on a heap of their own, not the time-travel heap the map shows.
   */
  blocksBeforeWindow(): BlockBeforeWindow[] {
    const first = this.firstStep;
    if (first === 0) return [];
    if (this.before?.firstStep === first) return this.before.blocks;
    const snapshot = this.timeline.windowSnapshot;
    const heap = new LmmHeap(
      this.memoryCap === undefined ? { pageSize: this.pageSize } : { pageSize: this.pageSize, memoryCap: this.memoryCap },
    );
    snapshot.restoreInto(heap);
    const blocks: BlockBeforeWindow[] = [];
    for (const meta of heap.allocatedMetas()) {
      const family = heap.blockFamily(meta);
      if (!family) continue;
      const size = heap.block(meta).size;
      blocks.push({
        address: meta + 48,
        family: family.id,
        units: family.structSize > 0 ? Math.floor(size / family.structSize) : 0,
      });
    }
    blocks.sort((a, b) => a.address - b.address);
    this.before = { firstStep: first, blocks };
    return blocks;
  }

  /** Leak checks before the window's first heap have no step on the timeline: they go. */
  private dropBeforeWindow(): void {
    const first = this.firstStep;
    let drop = 0;
    while (drop < this.leakChecks.length && this.leakChecks[drop]!.step < first - 1) drop++;
    if (drop > 0) this.leakChecks.splice(0, drop);
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
    // The batch names its Register steps in order, one name each.
    let registers = 0;
    for (let i = 0; i < batch.count; i++) {
      if (batch.kind[i] !== HeapOpKind.Register) continue;
      const name = batch.names[registers++];
      const fields = batch.fields?.[registers - 1] ?? [];
      if (batch.c[i]! >= 0) this.structs[batch.c[i]!] = { name: name ?? `family ${batch.c[i]}`, size: batch.a[i]!, fields };
    }
    this.timeline.append(batch);
    return true;
  }

  addSites(firstId: number, sites: SourceSite[]): void {
    for (let i = 0; i < sites.length; i++) this.sites[firstId + i] = sites[i]!;
  }

  addLeakCheck(step: number, leaks: LeakCount[], site?: SourceSite): void {
    // Before the window: no step of the timeline to put it on (the Leaks view still lists it).
    if (step < this.firstStep - 1) return;
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
    if (typeof fromReport === 'number' && fromReport >= 0 && fromReport < this.length) {
      // The run's peak before the window is not on the timeline: the window's own highest step is.
      return fromReport >= this.firstStep ? fromReport : this.timeline.peakStep;
    }
    return this.timeline.peakStep;
  }

  /** The run's peak step when it is before the window (then `peakStep` is the window's own highest), else -1. */
  get peakBeforeWindow(): number {
    const fromReport = this.report?.peak?.event;
    return typeof fromReport === 'number' && fromReport >= 0 && fromReport < this.firstStep ? fromReport : -1;
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
    return this.timeline.kindAt(step);
  }

  resultOf(step: number): number {
    return this.timeline.resultAt(step);
  }

  /**
   * The step that allocated the block now at data address `address` (as of `atStep`), or -1.
   * A backwards scan over two typed arrays: only on hover and click, a few ms at 1,000,000 steps.
   */
  allocStepOf(address: number, atStep: number): number {
    const timeline = this.timeline;
    for (let s = Math.min(atStep, this.length - 1); s >= this.firstStep; s--) {
      if (timeline.kindAt(s) === HeapOpKind.Alloc && timeline.resultAt(s) === address) return s;
    }
    return -1;
  }

  /**
   * The step that freed the block starting at data address `address` (as of `atStep`), or -1: the
   * last free of that address, unless an allocation there came after it. A free block that grew
   * by merging with its neighbours shows when its first bytes were freed.
   */
  freeStepOf(address: number, atStep: number): number {
    const timeline = this.timeline;
    for (let s = Math.min(atStep, this.length - 1); s >= this.firstStep; s--) {
      const kind = timeline.kindAt(s);
      if (kind === HeapOpKind.Free && timeline.resultAt(s) === 1 && timeline.opAt(s).a === address) return s;
      if (kind === HeapOpKind.Alloc && timeline.resultAt(s) === address) return -1;
    }
    return -1;
  }

  /** A short text for a step's operation, e.g. `xcalloc(student_t, 2) → 0x7effffffe048`. */
  describeStep(step: number): string {
    if (step < 0) return 'before the first step';
    if (step < this.firstStep - 1) return 'before the window (not kept: lmm.eventsKept)';
    if (step === this.firstStep - 1) return 'the window’s first heap (the steps before it are not kept: lmm.eventsKept)';
    const op = this.timeline.opAt(step);
    const result = this.timeline.resultAt(step);
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
