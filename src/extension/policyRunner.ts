/**
 * Runs policies on a workload file in a worker thread (dist/extension/policy-worker.js), so the
 * timing passes never block the extension host; in place when the worker script is not there
 * (tests from sources). A failure rejects with the worker's message (`FILE:LINE: …` for syntax).
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runPoliciesFromText } from './model/policyWorkerJob';
import type { PolicyWorkerInput, PolicyWorkerMessage, PolicyWorkerOutput } from './policyWorkerProtocol';
import type { PolicyRunResult } from './model/policyRun';

export function runPoliciesOffThread(
  input: PolicyWorkerInput,
  onProgress?: (policy: string, index: number, total: number) => void,
): { done: Promise<PolicyRunResult[]>; stop(): void } {
  const script = join(__dirname, 'policy-worker.js');
  const settle = (output: PolicyWorkerOutput): PolicyRunResult[] => {
    if (output.ok) return output.results;
    throw Object.assign(new Error(output.message), output.line !== undefined ? { line: output.line, reason: output.reason } : {});
  };
  if (!existsSync(script)) {
    let output: PolicyWorkerOutput;
    try {
      output = runPoliciesFromText(input, (p) => onProgress?.(p.policy, p.index, p.total));
    } catch (error) {
      return { done: Promise.reject(error as Error), stop: () => undefined };
    }
    return { done: Promise.resolve().then(() => settle(output)), stop: () => undefined };
  }
  const worker = new Worker(script, { workerData: input });
  const done = new Promise<PolicyRunResult[]>((resolve, reject) => {
    worker.on('message', (message: PolicyWorkerMessage) => {
      if (message.type === 'progress') {
        onProgress?.(message.policy, message.index, message.total);
        return;
      }
      void worker.terminate();
      try {
        resolve(settle(message.output));
      } catch (error) {
        reject(error as Error);
      }
    });
    worker.once('error', (error) => reject(error));
    worker.once('exit', (code) => reject(new Error(`the policy worker stopped (exit code ${code})`)));
  });
  return { done, stop: () => void worker.terminate() };
}
