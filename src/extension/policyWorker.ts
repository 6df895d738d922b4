/**
 * Worker thread for the policy lab in the extension (`LMM: Compare Runs` on a workload file, and
 * `LMM: Open Trace` under a policy other than lmm-classic): parses the workload and runs every
 * policy off the extension host's thread (each run includes a timing pass of about 100 ms).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runPoliciesFromText } from './model/policyWorkerJob';
import type { PolicyWorkerInput, PolicyWorkerMessage } from './policyWorkerProtocol';

const post = (message: PolicyWorkerMessage) => parentPort!.postMessage(message);
const output = runPoliciesFromText(workerData as PolicyWorkerInput, post);
post({ type: 'end', output });
