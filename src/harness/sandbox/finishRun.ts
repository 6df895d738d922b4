/**
 * The end of a run, inside the sandbox where the heap is: the runtime's own facts (what the heap
 * did, errors, leak check points), the analyses' run report and LMM's classic text reports.
 */
import type { MemoryErrorRecord } from '../../analysis/analysisInput';
import { checkLeaks, type LeakCheckResult } from '../../analysis/leakCheck';
import { buildRunReport, type RunReport } from '../../analysis/runReport';
import type { Suppression } from '../../analysis/suppressions';
import { blockUsageReport, registeredPageFamiliesReport, writeMemoryUsageReport } from '../../engine/classicReport';
import type { FamilyCounters } from '../../engine/family';
import { TextChunks } from '../../engine/textChunks';
import type { HarnessRuntime, LeakCheckPoint } from '../runtime/harnessRuntime';

/** What the runtime itself knows at the end (independent of the analyses). */
export interface RunFacts {
  steps: number;
  allocations: number;
  liveBlocks: number;
  families: ({ name: string; size: number } & FamilyCounters)[];
  mmapCalls: number;
  munmapCalls: number;
  appMemory: number;
  peakAppMemory: number;
  errors: MemoryErrorRecord[];
  roots: number;
  /** The mid-run checks, their results without the loss records (the report's `leakChecks` lists those). */
  leakChecks: LeakCheckPoint[];
}

/**
 * Characters of classic text a worker posts at a time (256 KiB of ASCII): a full 1 GiB heap's
 * reports are 60 MB, which as one string would be made from an array of every line, then copied
 * for the message and again for the parent's pipe, all while the heap's pages are still held.
 */
export const CLASSIC_TEXT_CHUNK_CHARS = 256 * 1024;

export interface FinishedRun {
  facts: RunFacts;
  /** The analyses' report (`lmm run --json`; schemaVersion 2). */
  report: RunReport;
  /**
   * LMM's classic text reports of the final heap (for `formatTextReport` outside the worker), when
   * the run was asked for them: a line per page and per block, which no other output needs. The
   * worker streams them (`writeClassicText`) and the parent joins them here.
   */
  classicText?: string;
}

/**
 * @param writeClassicText when given, receives LMM's classic text reports of the final heap in
 *   chunks of at most CLASSIC_TEXT_CHUNK_CHARS characters, before the results are returned.
 */
export function finishRun(
  runtime: HarnessRuntime,
  suppressions: readonly Suppression[],
  writeClassicText?: (chunk: string) => void,
): FinishedRun {
  const data = runtime.runData();
  const heap = data.heap;
  const finalLeakCheck = checkLeaks(data, { suppressions });
  const facts: RunFacts = {
    steps: data.steps,
    allocations: data.allocations.length,
    liveBlocks: finalLeakCheck.liveBlocks,
    families: heap.families.map((f) => ({ name: f.name, size: f.structSize, ...f.counters })),
    mmapCalls: heap.kernel.mmapCalls,
    munmapCalls: heap.kernel.munmapCalls,
    appMemory: heap.appMemory,
    peakAppMemory: heap.peakAppMemory,
    errors: data.errors,
    roots: data.roots.length,
    // A server loop may check leaks thousands of times: its records go out once, in the report.
    leakChecks: runtime.leakChecks.map((check) => ({ ...check, result: withoutRecords(check.result) })),
  };
  const report = buildRunReport(data, {
    suppressions,
    leakChecks: runtime.leakChecks,
    finalLeakCheck,
  });
  // The per-block arrays of leak checks stay here: the report has their records and summaries.
  for (const check of runtime.leakChecks) {
    const result = check.result as Partial<LeakCheckResult> | null;
    if (result) {
      delete result.liveIds;
      delete result.kinds;
    }
  }
  if (writeClassicText !== undefined) {
    const chunks = new TextChunks(CLASSIC_TEXT_CHUNK_CHARS, writeClassicText);
    chunks.write(registeredPageFamiliesReport(heap));
    writeMemoryUsageReport(heap, chunks.write);
    chunks.write(blockUsageReport(heap));
    chunks.flush();
  }
  return { facts, report };
}

function withoutRecords(result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const { summary, liveBlocks, liveBytes, suppressionsUsed } = result as Partial<LeakCheckResult>;
  return { summary, liveBlocks, liveBytes, suppressionsUsed };
}
