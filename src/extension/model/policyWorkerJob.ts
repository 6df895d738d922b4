/**
 * The policy worker's job (its messages are in `../policyWorkerProtocol.ts`): runs the policies on
 * a workload, also in place when the worker script is not built (tests from sources). Syntax
 * errors come back with their line.
 */
import { UnknownPolicyError } from '../../policies/comparePolicies';
import { parseWorkload, WorkloadSyntaxError } from '../../policies/workloadFormats';
import type { PolicyWorkerInput, PolicyWorkerMessage, PolicyWorkerOutput } from '../policyWorkerProtocol';
import { runPoliciesWithPictures } from './policyRun';

export function runPoliciesFromText(
  input: PolicyWorkerInput,
  onProgress?: (progress: Extract<PolicyWorkerMessage, { type: 'progress' }>) => void,
): PolicyWorkerOutput {
  try {
    const workload = 'workload' in input ? input.workload : parseWorkload(input.file, input.text);
    const total = input.policies.length;
    const results = runPoliciesWithPictures(workload, input.policies, {
      timingMs: input.timingMs,
      onPolicyStart: (policy, index) => onProgress?.({ type: 'progress', policy, index, total }),
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
