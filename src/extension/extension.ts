/**
 * LMM Studio's extension host side: the composition root. It builds the shared services once —
 * the LMM output channel, the RunStore, the language client, the four trees, the Memory Map and
 * the RunController — and hands them to one module per command or feature (`features/`). Runs go
 * through the RunController (harnesses in the harness runtime's worker, traces replayed in
 * slices); every view — the trees, the status bar, the Memory Map and the language server's
 * diagnostics — takes the same RunState.
 */
import * as vscode from 'vscode';
import { createHarnessRunner } from './harnessRunner';
import { LmmLanguageClient } from './languageClient';
import { ensureNodeForEsbuild } from './nodeForEsbuild';
import { ensureTsPlugin } from './tsPluginInstall';
import { RunStore, type RunState } from './model/runState';
import { RunController } from './runController';
import { EditorActivity, LivePriority } from './model/livePacing';
import { registerPolicyPicker } from './policyPicker';
import type { ExtensionServices } from './features/extensionServices';
import { createRunTrees } from './features/runTrees';
import { createRunStatusBar } from './features/runStatusBar';
import { createSourceSites } from './features/sourceSites';
import { createMemoryMap } from './features/memoryMapFeature';
import { feedRunViews } from './features/runViewsFeed';
import { registerOpenTrace } from './features/openTraceCommand';
import { registerRunHarness } from './features/runHarnessCommand';
import { registerCheckLeaksNow } from './features/checkLeaksCommand';
import { registerExportReport } from './features/exportReportCommand';
import { registerCompareRuns } from './features/compareRunsCommand';
import { registerNewHarness } from './features/newHarnessCommand';
import { registerSuppressFinding } from './features/suppressFindingCommand';
import { trackHarnessEditors } from './features/harnessEditors';
import { lmmStudioApi, type LmmStudioApi } from './features/testApi';
import { createProgramOutputChannels } from './features/programOutputChannels';
import { probeMark, startHostProbe } from './features/hostProbe';

export type { LmmStudioApi } from './features/testApi';

export function activate(context: vscode.ExtensionContext): LmmStudioApi {
  const log = vscode.window.createOutputChannel('LMM');
  const store = new RunStore();
  const languageClient = new LmmLanguageClient(context, log);
  context.subscriptions.push(log, languageClient);

  const trees = createRunTrees(context);
  const status = createRunStatusBar(context, store);
  registerPolicyPicker(context);
  // The person before the run: typing, a leak check they asked for and the Leaks view's fetch
  // of its rows pace the run's pipeline, the Memory Map's posts and the other trees' rows (livePacing.ts).
  const priority = new LivePriority(new EditorActivity());
  const memoryMap = createMemoryMap(context, store, log, trees, createSourceSites(context, log), priority);

  const settle = async (run: RunState) => {
    for (const provider of Object.values(trees)) provider.setRun(run, true);
    const result = await languageClient.runFinished(run);
    if (result) log.appendLine(`${run.label}: ${result.diagnostics} diagnostics in ${result.files} files`);
  };
  trees.leaks.onRedraw = () => {
    probeMark('leaks redraw fired');
    if (store.current?.status === 'running') priority.redrawFired();
  };
  trees.leaks.onRootsFetched = () => {
    probeMark('leaks rows fetched');
    priority.rowsFetched();
  };
  for (const tree of [trees.pageFamilies, trees.structUsage, trees.freeLists]) tree.rowsHeld = () => priority.checkOnItsWay;
  const controller = new RunController(
    store,
    settle,
    log,
    createHarnessRunner(context, log),
    createProgramOutputChannels(context),
    priority,
  );
  const services: ExtensionServices = { context, log, store, languageClient, trees, memoryMap, controller, settle };

  feedRunViews(services, status);
  const openTrace = registerOpenTrace(services);
  const runHarness = registerRunHarness(services, openTrace);
  registerCheckLeaksNow(services);
  registerExportReport(services);
  registerCompareRuns(services);
  registerNewHarness(services);
  registerSuppressFinding(services);
  trackHarnessEditors(services, runHarness);

  // For maintainers: where a live run's stalls come from (see hostProbe.ts).
  const probe = startHostProbe(process.env['LMM_HOST_PROBE'], () => ({
    ...controller.liveFigures(),
    mapPosts: memoryMap.posted,
    mapWaiting: memoryMap.waiting,
  }));
  if (probe) context.subscriptions.push(probe);

  void ensureTsPlugin(context, log);
  void ensureNodeForEsbuild(context, log).catch((error: Error) =>
    log.appendLine(`No node launcher for harness compiles: ${error.message}`),
  );
  return lmmStudioApi(store, trees, status, memoryMap);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the language client stops there).
}
