/**
 * Runs one workload under several policies (and reservoir settings) and returns one report per
 * run, in order: the comparison behind `lmm compare`, the benchmark and the extension's
 * Compare Runs. Any workload source works: a trace file, or a harness run turned into a workload.
 */
import type { ReservoirOptions } from '../engine/simulatedKernel';
import { findPolicy, POLICY_NAMES } from './policyRegistry';
import { replayWorkload, type ReplayReport } from './workloadRunner';
import type { Workload } from './workload';

export interface ComparisonRun {
  policy: string;
  /** Reservoir pages (0: off) and delay in operations (0: none). */
  reservoirPages: number;
  reservoirDelay: number;
}

export interface ComparedReport extends ReplayReport {
  reservoirPages: number;
  reservoirDelay: number;
}

export interface CompareOptions {
  /** Timing milliseconds per run (0: no timing pass). */
  timingMs?: number;
  checkEvery?: number;
}

export class UnknownPolicyError extends Error {
  constructor(readonly policy: string) {
    super(`unknown policy '${policy}' (one of: ${POLICY_NAMES.join(', ')})`);
  }
}

export function reservoirOptions(pages: number, delay: number): ReservoirOptions | undefined {
  if (pages <= 0 && delay <= 0) return undefined;
  return delay > 0 ? { pages: pages > 0 ? pages : Infinity, delay } : { pages };
}

export function runPolicy(workload: Workload, run: ComparisonRun, options: CompareOptions = {}): ComparedReport {
  const info = findPolicy(run.policy);
  if (info === undefined) throw new UnknownPolicyError(run.policy);
  const reservoir = reservoirOptions(run.reservoirPages, run.reservoirDelay);
  const policyOptions = { pageSize: workload.pageSize, ...(reservoir ? { reservoir } : {}) };
  const report = replayWorkload(workload, () => info.create(policyOptions), {
    timingMs: options.timingMs ?? 100,
    checkEvery: options.checkEvery ?? 0,
  });
  return { ...report, reservoirPages: run.reservoirPages, reservoirDelay: run.reservoirDelay };
}

export function comparePolicies(workload: Workload, runs: ComparisonRun[], options: CompareOptions = {}): ComparedReport[] {
  for (const run of runs) if (findPolicy(run.policy) === undefined) throw new UnknownPolicyError(run.policy);
  return runs.map((run) => runPolicy(workload, run, options));
}
