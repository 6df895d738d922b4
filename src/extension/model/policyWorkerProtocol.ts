/**
 * What the policy worker takes and gives back, and the work it does (also run in place when the
 * worker script is not built, e.g. tests from sources). Syntax errors come back with their line.
 * The input is a workload file's text, or a ready workload (a harness run's recorded operations:
 * typed arrays, which cross to the worker by structured clone).
 */
import { UnknownPolicyError } from '../../policies/comparePolicies';
import { parseWorkload, WorkloadSyntaxError } from '../../policies/workloadFormats';
import type { Workload } from '../../policies/workload';
import { runPoliciesWithPictures, type PolicyRunResult } from './policyRun';

export type PolicyWorkerInput = { file: string; policies: string[]; timingMs: number } & (
  { text: string } | { workload: Workload }
);

export type PolicyWorkerOutput =
  { ok: true; results: PolicyRunResult[] } | { ok: false; message: string; line?: number; reason?: string };

/** What the worker posts: progress before each policy, then the output once. */
export type PolicyWorkerMessage =
  { kind: 'progress'; policy: string; index: number; total: number } | { kind: 'done'; output: PolicyWorkerOutput };

export function runPoliciesFromText(
  input: PolicyWorkerInput,
  onProgress?: (progress: Extract<PolicyWorkerMessage, { kind: 'progress' }>) => void,
): PolicyWorkerOutput {
  try {
    const workload = 'workload' in input ? input.workload : parseWorkload(input.file, input.text);
    const total = input.policies.length;
    const results = runPoliciesWithPictures(workload, input.policies, {
      timingMs: input.timingMs,
      onPolicyStart: (policy, index) => onProgress?.({ kind: 'progress', policy, index, total }),
    });
    return { ok: true, results };
  } catch (error) {
    if (error instanceof WorkloadSyntaxError) {
      const base = input.file.split(/[\\/]/).pop() ?? input.file;
      return { ok: false, message: `${base}:${error.line}: ${error.reason}`, line: error.line, reason: error.reason };
    }
    if (error instanceof UnknownPolicyError) return { ok: false, message: error.message };
    return { ok: false, message: (error as Error).message };
  }
}
