/**
 * Messages between the extension host and the policy worker (`policyWorker.ts`), in the style of
 * every LMM worker protocol: the input goes in as `workerData`, the worker posts messages told
 * apart by `type`, and its last message is `end`. The input is a workload file's text, or a ready
 * workload (a harness run's recorded operations: typed arrays, which cross by structured clone).
 */
import type { Workload } from '../policies/workload';
import type { PolicyRunResult } from './model/policyRun';

export type PolicyWorkerInput = { file: string; policies: string[]; timingMs: number } & (
  { text: string } | { workload: Workload }
);

/** The policies' results, or why they could not run (a syntax error with its line). */
export type PolicyWorkerOutput =
  { ok: true; results: PolicyRunResult[] } | { ok: false; message: string; line?: number; reason?: string };

/** What the worker posts: progress before each policy, then its output once. */
export type PolicyWorkerMessage =
  { type: 'progress'; policy: string; index: number; total: number } | { type: 'end'; output: PolicyWorkerOutput };
