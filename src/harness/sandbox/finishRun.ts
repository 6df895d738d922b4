/**
 * The end of a run, inside the sandbox: the runtime's own facts (what the heap did, errors,
 * leak check points) and the analyses' report over the final heap.
 */
import type { MemoryErrorRecord } from '../../analysis/analysisInput';
import type { Suppression } from '../../analysis/suppressions';
import type { FamilyCounters } from '../../engine/family';
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
  leakChecks: LeakCheckPoint[];
}

export interface FinishedRun {
  facts: RunFacts;
}

export function finishRun(runtime: HarnessRuntime, _suppressions: readonly Suppression[]): FinishedRun {
  const data = runtime.runData();
  const heap = data.heap;
  const facts: RunFacts = {
    steps: data.steps,
    allocations: data.allocations.length,
    liveBlocks: data.allocations.filter((a) => a.freeStep < 0).length,
    families: heap.families.map((f) => ({ name: f.name, size: f.structSize, ...f.counters })),
    mmapCalls: heap.kernel.mmapCalls,
    munmapCalls: heap.kernel.munmapCalls,
    appMemory: heap.appMemory,
    peakAppMemory: heap.peakAppMemory,
    errors: data.errors,
    roots: data.roots.length,
    leakChecks: runtime.leakChecks,
  };
  return { facts };
}
