/**
 * What the host posts to the Memory Map webview, in the protocol's order (see
 * `src/protocol/webviewMessages.ts`): a backlog for a panel that opens late, then increments as a
 * run goes on. It remembers how far each part was sent, so nothing is posted twice or skipped.
 * Free of vscode: the panel only posts what this returns.
 */
import type { HeapOpBatch } from '../../engine/heapOps';
import type { HostToWebviewMessage, InterimMemoryError, LeakCount, RunReportJson } from '../../protocol/webviewMessages';
import { LEAK_KINDS, type InterimErrors, type ReportLeak, type ReportLeakCheck } from '../../protocol/runReportSchema';
import type { RunState } from './runState';

export function runIdOf(run: RunState): string {
  return `run-${run.id}`;
}

/**
 * While a run goes on, the operations queued for the map at a time (one post's worth, about
 * 150 kB): the panel asks again once they have left, and the feed then decides afresh whether to
 * go on or to start over nearer the run's end.
 */
export const LIVE_OPS_PER_UPDATE = 4096;
/** A live map this many operations behind the host's newest snapshot starts over at it. */
export const LIVE_JUMP_MIN_OPS = 65_536;
/** Bytes an operation costs the map at least (its kind, three numbers and a site): a snapshot smaller than the operations it skips is cheaper to send. */
const OP_BYTES = 29;

export class MemoryMapFeed {
  private run: RunState | undefined;
  /** The step after the last operation sent, and the first step the map's timeline holds. */
  private sentSteps = 0;
  private mapFirstStep = 0;
  private sentSites = 0;
  /** The run's batches sent so far (counting those the host has since dropped from its window). */
  private sentBatches = 0;
  private sentLeakChecks = 0;
  /** The mid-run leak check last posted (a newer one goes out as the run goes on). */
  private sentInterim: ReportLeakCheck | undefined;
  /** The memory errors so far last posted (newer ones go out as the run goes on). */
  private sentErrors: InterimErrors | undefined;
  private ended = false;
  /** The page size and memory cap `runStarted` gave the webview (its replay must use the run's). */
  private sentShape = '';

  /** Everything to send for `run` now: the whole backlog if it is new to the panel, else what changed. */
  update(run: RunState | undefined): HostToWebviewMessage[] {
    if (run === undefined) return [];
    const out: HostToWebviewMessage[] = [];
    const runId = runIdOf(run);
    const heap = run.replay.heap;
    const shape = `${heap.pageSize}:${heap.kernel.memoryCap}`;
    // A harness's mm_init() may change the heap before its first operation: the webview must
    // start over with that page size and memory cap, or its replay diverges from the run.
    const reshaped = run === this.run && shape !== this.sentShape && this.sentBatches === 0;
    if (run !== this.run || reshaped) {
      this.run = run;
      this.sentSites = 0;
      this.sentBatches = 0;
      this.sentLeakChecks = 0;
      this.sentInterim = undefined;
      this.sentErrors = undefined;
      this.ended = false;
      this.sentShape = shape;
      this.sentSteps = 0;
      this.mapFirstStep = 0;
      out.push({
        type: 'runStarted',
        runId,
        pageSize: heap.pageSize,
        title: run.label,
        live: run.status === 'running',
        memoryCap: heap.kernel.memoryCap,
      });
    }
    if (run.sites.length > this.sentSites) {
      out.push({ type: 'sites', runId, firstId: this.sentSites, sites: run.sites.slice(this.sentSites) });
      this.sentSites = run.sites.length;
    }
    const replay = run.replay;
    const running = run.status === 'running';
    let next = this.sentBatches - replay.batchesDropped;
    const jump = running ? this.liveJump(run, runId) : undefined;
    if (jump) {
      out.push(jump.message);
      next = jump.next;
    } else if (next < 0 || (this.sentBatches === 0 && replay.windowStart > 0)) {
      // Batches the webview has not had are gone from the host's window: it starts over at the window.
      out.push(...windowMessages(run, runId));
      this.mapFirstStep = this.sentSteps = replay.windowStart;
      next = 0;
    }
    const from = out.length;
    let ops = 0;
    for (; next < replay.batches.length && (!running || ops < LIVE_OPS_PER_UPDATE); next++) {
      const batch = replay.batches[next]!;
      out.push(heapOpsMessage(run, runId, batch));
      ops += batch.count;
      this.sentSteps = batch.firstStep + batch.count;
    }
    // The last batch sent says where the host's window begins (the webview's follows it).
    const last = out[out.length - 1];
    if (out.length > from && last?.type === 'heapOps' && replay.windowStart > 0) last.windowStart = replay.windowStart;
    this.sentBatches = replay.batchesDropped + next;
    // A check made while the run goes on shows at once (after the ops up to its mark); the
    // report's list replaces it at the end (the webview keeps one check per step).
    const interim = run.interimLeakCheck;
    if (interim !== undefined && interim !== this.sentInterim && !this.ended) {
      this.sentInterim = interim;
      out.push(leakCheckMessage(runId, interim));
    }
    // The errors so far fill the Leaks & errors tab while the run goes on (as they fill the
    // Problems panel), and after a stop that left no report; a report's own list replaces them.
    const errorsSoFar = run.interimErrors;
    if (errorsSoFar !== undefined && errorsSoFar !== this.sentErrors && !this.ended && run.report === undefined) {
      this.sentErrors = errorsSoFar;
      out.push(memoryErrorsMessage(runId, errorsSoFar));
    }
    if (run.status !== 'running' && !this.ended) {
      if (this.mapFirstStep > replay.windowStart) {
        // The map started over near the run's end while it went on: it gets the whole kept
        // window now, from the run's start message on, so it ends as a panel opened late would.
        this.run = undefined;
        return this.update(run);
      }
      this.ended = true;
      const checks = run.report?.leakChecks ?? [];
      for (; this.sentLeakChecks < checks.length; this.sentLeakChecks++)
        out.push(leakCheckMessage(runId, checks[this.sentLeakChecks]!));
      // The check the run made when it ended is the report's leaks: it goes on the Leaked chart
      // and the timeline at the run's last step, like the checks the harness made.
      // (The map's window always ends at the run's last step.)
      if (run.kind === 'harness' && run.report && run.replay.steps > 0 && run.replay.keptSteps > 0) {
        const last = run.replay.steps - 1;
        out.push({ type: 'leakCheck', runId, step: last, leaks: leakCounts(run.report.leaks) });
      }
      const ended: HostToWebviewMessage = { type: 'runEnded', runId, state: run.status };
      const kept = keptNote(run);
      if (run.message !== undefined || kept) ended.message = [run.message, kept].filter(Boolean).join(' · ');
      out.push(ended);
      // The protocol reads a subset of the same JSON (its own, looser view of the report).
      if (run.report)
        out.push({ type: 'report', runId, report: run.report as unknown as RunReportJson, suppressible: run.kind === 'harness' });
    }
    return out;
  }

  /**
   * While the run goes on, a map far behind it (a tight loop outruns what the window may take)
   * starts over at the host's newest snapshot, when that is nearer than what it was sent and
   * cheaper than the operations it skips: the map shows the run's recent heap rather than
   * replaying old steps. Its window is made whole again when the run ends.
   */
  private liveJump(run: RunState, runId: string): { message: HostToWebviewMessage; next: number } | undefined {
    const replay = run.replay;
    const newest = replay.newestSnapshot;
    if (newest === undefined) return undefined;
    const start = newest.step + 1;
    const skipped = start - this.sentSteps;
    if (skipped < LIVE_JUMP_MIN_OPS || newest.snapshot.byteLength > skipped * OP_BYTES) return undefined;
    // Snapshots are taken after a batch: the batches from `start` on follow it.
    let next = replay.batches.findIndex((batch) => batch.firstStep >= start);
    if (next < 0) next = replay.batches.length;
    this.mapFirstStep = this.sentSteps = start;
    return {
      message: { type: 'heapWindow', runId, firstStep: start, heap: newest.snapshot.toWire(), fields: replay.structFields },
      next,
    };
  }

  /** The batches from `fromStep` on, for a webview that lost some (`resyncRequest`). */
  resync(run: RunState | undefined, runId: string, fromStep: number): HostToWebviewMessage[] {
    if (run === undefined || runIdOf(run) !== runId) return [];
    const out: HostToWebviewMessage[] = [];
    // Steps before the host's window are gone: the webview starts over at the window's first step.
    if (fromStep < run.replay.windowStart) {
      out.push(...windowMessages(run, runId));
      fromStep = run.replay.windowStart;
    }
    for (const batch of run.replay.batches) {
      const end = batch.firstStep + batch.count;
      // A batch that ends where the webview is may still carry writes made after its last
      // operation (a writes-only batch always does): the webview needs them for that step's bytes.
      const writesAfterLastStep = end === fromStep && (batch.writes?.count ?? 0) > 0;
      if (end > fromStep || writesAfterLastStep) out.push(heapOpsMessage(run, runId, batch));
    }
    return out;
  }

  /** Forget what was sent (the webview reloaded: it will ask with `ready`). */
  reset(): void {
    this.run = undefined;
  }
}

/** A batch for the webview, saying when the host took a snapshot after it (a window may begin there). */
function heapOpsMessage(run: RunState, runId: string, batch: HeapOpBatch): HostToWebviewMessage {
  const message: HostToWebviewMessage = { type: 'heapOps', runId, batch };
  if (run.replay.snapshotAfter(batch.firstStep + batch.count - 1)) message.snapshotAfter = true;
  return message;
}

/** The window's first heap and nothing else: the kept batches follow it. */
function windowMessages(run: RunState, runId: string): HostToWebviewMessage[] {
  const replay = run.replay;
  const snapshot = replay.windowSnapshot;
  if (replay.windowStart === 0 || snapshot === undefined) return [];
  return [{ type: 'heapWindow', runId, firstStep: replay.windowStart, heap: snapshot.toWire(), fields: replay.structFields }];
}

/**
 * When the map keeps only the last part of a run (`lmm.eventsKept`), it says so: its timeline
 * begins at the window's first step and ends at the run's last, as the trees and the report do.
 */
export function keptNote(run: RunState): string | undefined {
  const replay = run.replay;
  if (!replay.truncated || replay.keptSteps >= replay.steps) return undefined;
  const n = (value: number) => value.toLocaleString('en-US');
  return `the map shows the last ${n(replay.keptSteps)} of ${n(replay.steps)} operations (lmm.eventsKept)`;
}

/**
 * The Memory Map tab's title: once a run goes past `lmm.eventsKept` operations the map's
 * timeline begins part way through it, and the tab says how much of the run the map holds.
 */
export function memoryMapTitle(base: string, run: RunState | undefined): string {
  const replay = run?.replay;
  if (!replay || !replay.truncated || replay.keptSteps >= replay.steps) return base;
  const n = (value: number) => value.toLocaleString('en-US');
  return `${base} (last ${n(replay.keptSteps)} of ${n(replay.steps)} operations)`;
}

function memoryErrorsMessage(runId: string, sofar: InterimErrors): HostToWebviewMessage {
  // What the tab reads of each error: not its call stack nor its access record (the message names the access).
  const errors = sofar.errors.map(
    ({ kind, message, count, site, allocSite, freeSite, allocStack, freeStack, event, suppressed }) => {
      const error: InterimMemoryError = { kind, message, count, site };
      if (allocSite) error.allocSite = allocSite;
      if (freeSite) error.freeSite = freeSite;
      if (allocStack) error.allocStack = allocStack;
      if (freeStack) error.freeStack = freeStack;
      if (event !== undefined) error.event = event;
      if (suppressed !== undefined) error.suppressed = suppressed;
      return error;
    },
  );
  return { type: 'memoryErrors', runId, errors, occurrences: sofar.occurrences, distinct: sofar.distinct };
}

function leakCheckMessage(runId: string, check: ReportLeakCheck): HostToWebviewMessage {
  const message: HostToWebviewMessage = {
    type: 'leakCheck',
    runId,
    step: check.event,
    site: check.site,
    leaks: leakCounts(check.leaks),
  };
  if (check.requested) message.requested = true;
  return message;
}

export function leakCounts(leaks: ReportLeak[]): LeakCount[] {
  return LEAK_KINDS.map((kind) => {
    let blocks = 0;
    let bytes = 0;
    for (const leak of leaks) {
      if (leak.kind === kind && !leak.suppressed) {
        blocks += leak.blocks;
        bytes += leak.bytes;
      }
    }
    return { kind, blocks, bytes };
  });
}
