/**
 * The policy lab in VS Code: `LMM: Open Trace` under the `lmm.policy` setting when it names a
 * policy other than lmm-classic, and `LMM: Compare Runs` on a workload file (several policies on
 * the same `.rep` / `.trace`, or on the operations a harness makes: it runs once on lmm-classic,
 * in a trusted workspace only), and `LMM: Run Harness` under `lmm.policy` (the run is LMM's; its
 * operations are then replayed under the policy). Policies run in the policy worker; the results
 * show in a script-less webview. The LMM views (trees, Memory Map) are LMM's own and keep showing
 * lmm-classic runs only.
 */
import * as vscode from 'vscode';
import { makeNonce } from '../protocol/memoryMapHtml';
import { POLICIES, POLICY_NAMES } from '../policies/policyRegistry';
import { bytesText, percent } from '../policies/reportFormat';
import {
  DEFAULT_COMPARED_POLICIES,
  integrityText,
  policyCompareHtml,
  policyCompareMarkdown,
  type PolicyPageOptions,
} from './model/policyCompare';
import { isHarnessFile, isTraceFile } from '../harness/harnessFiles';
import type { PolicyRunResult } from './model/policyRun';
import type { RunState } from './model/runState';
import { workloadFromHarnessBatches } from '../policies/harnessWorkload';
import type { PolicyWorkerInput } from './policyWorkerProtocol';
import { endedText, recordedText, recordHarnessWorkload } from '../harness/recordHarnessWorkload';
import { runPoliciesOffThread } from './policyRunner';
import { lmmSetting } from './settings';

export const CLASSIC_POLICY = 'lmm-classic';

/** Milliseconds of timing per policy for Kops/s (the CLI's default). */
const TIMING_MS = 100;

/** The `lmm.policy` setting for a file, or lmm-classic when unset. */
export function configuredPolicy(uri: vscode.Uri | undefined): string {
  return lmmSetting('policy', uri);
}

interface PoliciesRun {
  results: PolicyRunResult[];
  /** For a harness: what its run recorded (`N operations recorded from the harness on lmm-classic`). */
  recorded?: string;
}

/**
 * Reads the workload (a harness: runs it and records its operations), runs the policies off
 * thread with a cancellable notification; undefined when cancelled.
 */
async function runPolicies(
  uri: vscode.Uri,
  policies: string[],
  title: string,
  log: vscode.OutputChannel,
): Promise<PoliciesRun | undefined> {
  const unknown = policies.filter((p) => !POLICY_NAMES.includes(p));
  if (unknown.length > 0) throw new Error(`unknown policy '${unknown[0]}' (one of: ${POLICY_NAMES.join(', ')})`);
  // A harness runs from the disk, as LMM: Run Harness runs it: what the editor shows is what runs.
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty && !isTraceFile(uri.fsPath)) await document.save();
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    throw new Error(`${uri.fsPath}: cannot read: ${(error as Error).message}`, { cause: error });
  }
  const harness = !isTraceFile(uri.fsPath) && isHarnessFile(uri.fsPath, text);
  if (!harness && !isTraceFile(uri.fsPath)) {
    throw new Error(`${uri.fsPath}: expected a malloc-lab trace (.rep), an LMM trace (.trace) or a harness (*.lmm.ts)`);
  }
  if (harness && !vscode.workspace.isTrusted) {
    throw new Error(
      `${uri.fsPath}: harnesses run only in a trusted workspace (a harness is a program); traces compare without trust`,
    );
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token): Promise<PoliciesRun | undefined> => {
      let input: PolicyWorkerInput = { file: uri.fsPath, text, policies, timingMs: TIMING_MS };
      let recorded: string | undefined;
      if (harness) {
        progress.report({ message: 'running the harness on lmm-classic' });
        const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
        const recording = recordHarnessWorkload(uri.fsPath, name, {
          timeLimitMs: Math.round(1000 * lmmSetting('timeLimit', uri)),
          pageSize: lmmSetting('pageSize', uri),
        });
        const stop = token.onCancellationRequested(() => recording.cancel());
        const run = await recording.done.finally(() => stop.dispose());
        if (!run || token.isCancellationRequested) return undefined;
        recorded = recordedText(run);
        log.appendLine(`${uri.fsPath}: ${recorded}`);
        if (run.outcome !== 'completed') {
          const warning = `${name}: the harness ${endedText(run.outcome)}: ${run.message ?? ''} — comparing the ${run.workload.length} operations it made before`;
          log.appendLine(warning);
          void vscode.window.showWarningMessage(`LMM: ${warning}`);
        }
        input = { file: uri.fsPath, workload: run.workload, policies, timingMs: TIMING_MS };
      }
      const job = runPoliciesOffThread(input, (policy, index, total) =>
        progress.report({
          message: total > 1 ? `${policy} (${index + 1} of ${total})` : policy,
          increment: index === 0 ? 0 : 100 / total,
        }),
      );
      const results = await untilCancelled(job, token);
      if (!results) return undefined;
      return recorded === undefined ? { results } : { results, recorded };
    },
  );
}

/** The policy job's results, or undefined once the notification's Cancel stops it. */
function untilCancelled(
  job: ReturnType<typeof runPoliciesOffThread>,
  token: vscode.CancellationToken,
): Promise<PolicyRunResult[] | undefined> {
  const cancelled = new Promise<undefined>((resolve) =>
    token.onCancellationRequested(() => {
      job.stop();
      resolve(undefined);
    }),
  );
  return Promise.race([job.done, cancelled]);
}

function showPolicyPage(viewType: string, title: string, results: PolicyRunResult[], options: PolicyPageOptions = {}): void {
  const panel = vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, {
    enableScripts: false,
    localResourceRoots: [],
  });
  panel.webview.html = policyCompareHtml(results, makeNonce(), panel.webview.cspSource, options);
}

/**
 * The page of `LMM: Run Harness` under a policy: one panel, updated in place by later runs (a
 * harness re-run on save must not pile up tabs), shown without taking the focus from the editor.
 */
let harnessPolicyPanel: vscode.WebviewPanel | undefined;

function showHarnessPolicyPage(title: string, results: PolicyRunResult[], options: PolicyPageOptions): void {
  if (harnessPolicyPanel === undefined) {
    harnessPolicyPanel = vscode.window.createWebviewPanel(
      'lmm.policyRun',
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false, localResourceRoots: [] },
    );
    harnessPolicyPanel.onDidDispose(() => (harnessPolicyPanel = undefined));
  } else {
    harnessPolicyPanel.title = title;
    harnessPolicyPanel.reveal(undefined, true);
  }
  harnessPolicyPanel.webview.html = policyCompareHtml(results, makeNonce(), harnessPolicyPanel.webview.cspSource, options);
}

/**
 * `LMM: Run Harness` when `lmm.policy` names another policy than lmm-classic. The run itself
 * stays LMM's: the harness runtime drives LMM, and the Memory Map, the trees, the leak check and
 * the diagnostics read its page bytes. Its allocations and frees, in the order it made them (the
 * operations the run streamed, no second run), are then replayed under the policy, in a page of
 * their own. Returns the Markdown table (undefined when there was nothing to replay or it was cancelled).
 */
export async function showHarnessRunUnderPolicy(
  run: RunState,
  policy: string,
  log: vscode.OutputChannel,
): Promise<string | undefined> {
  const pageSize = run.replay.heap.pageSize;
  const workload = workloadFromHarnessBatches(
    run.label,
    run.replay.batchesForReplay().map((ops) => ({ pageSize, ops, sites: run.sites })),
    pageSize,
  );
  const kept = run.replay.truncated
    ? ` Only the last ${run.replay.keptSteps.toLocaleString('en')} of ${run.replay.steps.toLocaleString('en')} heap operations were kept (lmm.eventsKept), so only those are replayed (frees of blocks allocated before them are left out).`
    : '';
  log.appendLine(
    `${run.file}: ran on lmm-classic (LMM's views and analyses); lmm.policy = ${policy}: its ${workload.length} allocations and frees replayed under ${policy}.${kept}`,
  );
  if (workload.length === 0) return undefined;
  let results: PolicyRunResult[] | undefined;
  try {
    results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LMM: replaying ${run.label} under ${policy}`, cancellable: true },
      (_progress, token) =>
        untilCancelled(runPoliciesOffThread({ file: run.file, workload, policies: [policy], timingMs: TIMING_MS }), token),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`LMM: ${(error as Error).message}`);
    return undefined;
  }
  if (!results) return undefined;
  const summary = policySummary(results[0]!);
  log.appendLine(summary);
  showHarnessPolicyPage(`LMM: ${run.label} · ${policy}`, results, {
    title: `${run.label} under ${policy}`,
    note:
      `The lmm.policy setting chose ${policy}. ${run.label} ran on lmm-classic: the Memory Map, the LMM trees and the diagnostics show that run. ` +
      `Its ${workload.length.toLocaleString('en')} allocations and frees, in the order it made them, are replayed here under ${policy} (calls LMM refused are left out).${kept}`,
  });
  void vscode.window.setStatusBarMessage(`LMM: ${summary}`, 15_000);
  return policyCompareMarkdown(results);
}

/** One line for the log and the notification: the run's main figures. */
export function policySummary(run: PolicyRunResult): string {
  const r = run.report;
  return `${run.workload} under ${r.policy}: ${run.ops} operations, utilization ${percent(r.utilization)}, peak mapped ${bytesText(r.peakMappedBytes)}, ${r.syscalls} syscalls (${r.mmap} mmap, ${r.munmap} munmap), ${r.kops.toFixed(0)} Kops/s, ${r.rejected} rejected, integrity ${integrityText(run)}`;
}

/**
 * `LMM: Open Trace` when `lmm.policy` names another policy than lmm-classic: the trace replayed
 * under that policy, its counters and pages in a page of their own. Returns the Markdown table.
 */
export async function openTraceUnderPolicy(
  uri: vscode.Uri,
  policy: string,
  log: vscode.OutputChannel,
): Promise<string | undefined> {
  const label = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  let results: PolicyRunResult[] | undefined;
  try {
    results = (await runPolicies(uri, [policy], `LMM: replaying ${label} under ${policy}`, log))?.results;
  } catch (error) {
    void vscode.window.showErrorMessage(`LMM: ${(error as Error).message}`);
    return undefined;
  }
  if (!results) return undefined;
  const summary = policySummary(results[0]!);
  log.appendLine(`${summary} (lmm.policy = ${policy}; the Memory Map and the trees show lmm-classic runs only)`);
  showPolicyPage('lmm.policyRun', `LMM: ${label} · ${policy}`, results, {
    title: `${label} under ${policy}`,
    note: `The lmm.policy setting chose ${policy}. The Memory Map and the LMM trees show lmm-classic runs only: set lmm.policy to lmm-classic to replay this trace there, or use LMM: Compare Runs to put policies side by side.`,
  });
  void vscode.window.setStatusBarMessage(`LMM: ${summary}`, 15_000);
  return policyCompareMarkdown(results);
}

/** The policies to compare: from the caller, or a multi-select quick pick (default lmm-classic + hybrid). */
async function pickPolicies(given: unknown): Promise<string[] | undefined> {
  if (Array.isArray(given) && given.every((p) => typeof p === 'string')) return given as string[];
  const picked = await vscode.window.showQuickPick(
    POLICIES.map((p) => ({
      label: p.name,
      description: p.header,
      detail: p.summary,
      picked: (DEFAULT_COMPARED_POLICIES as readonly string[]).includes(p.name),
    })),
    { title: 'LMM: Compare Runs — policies to compare (two or more)', canPickMany: true, matchOnDetail: true },
  );
  return picked?.map((p) => p.label);
}

/** `LMM: Compare Runs` on a workload file: the picked policies side by side. Returns the Markdown table. */
export async function comparePoliciesOn(
  uri: vscode.Uri,
  policiesArg: unknown,
  log: vscode.OutputChannel,
): Promise<string | undefined> {
  const policies = await pickPolicies(policiesArg);
  if (!policies) return undefined;
  if (policies.length < 2) {
    void vscode.window.showWarningMessage('LMM: Compare Runs needs two or more policies.');
    return undefined;
  }
  const label = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  let run: PoliciesRun | undefined;
  try {
    run = await runPolicies(uri, policies, `LMM: comparing ${policies.length} policies on ${label}`, log);
  } catch (error) {
    void vscode.window.showErrorMessage(`LMM: ${(error as Error).message}`);
    return undefined;
  }
  if (!run) return undefined;
  const { results, recorded } = run;
  for (const result of results) log.appendLine(policySummary(result));
  showPolicyPage(
    'lmm.comparePolicies',
    `LMM: ${label} · ${policies.join(' vs ')}`,
    results,
    recorded === undefined
      ? {}
      : {
          note: `${label}: ${recorded}. Its allocations and frees, replayed under each policy (calls LMM refused are left out).`,
        },
  );
  return policyCompareMarkdown(results);
}
