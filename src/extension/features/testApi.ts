/**
 * What `activate()` returns: the trees, the last report and the current run, for the integration
 * tests and other extensions (read-only views of the RunStore).
 */
import type { LmmReport } from '../../protocol/runReportSchema';
import type { RunStore } from '../model/runState';
import type { LmmTreeProvider } from '../treeViews';
import type { RunTrees } from './extensionServices';
import { settingWarningsShown } from '../settings';
import { runRefusalsShown } from './runHarnessCommand';

export interface LmmStudioApi {
  treeProviders: {
    pageFamilies: LmmTreeProvider;
    structUsage: LmmTreeProvider;
    leaks: LmmTreeProvider;
    freeLists: LmmTreeProvider;
  };
  /** The report of the last run that produced one (a plain JSON object). */
  lastReport(): object | undefined;
  /** Resolves when no run is going on and every view (diagnostics included) has taken in the last. */
  whenRunFinished(): Promise<void>;
  /** The LMM status bar item's text as shown now. */
  statusBarText(): string;
  /** The current run's state, for tests and other extensions. */
  currentRun(): { id: number; kind: string; file: string; status: string; message?: string; steps: number } | undefined;
  /** The Memory Map's messages posted so far and the first errors it reported (empty: none). */
  memoryMap(): { posted: number; errors: string[] };
  /** The warnings about LMM settings out of range shown so far, in order. */
  settingWarnings(): string[];
  /** The reasons LMM: Run Harness gave so far for running nothing (an untrusted workspace, a harness not on disk), in order. */
  runRefusals(): string[];
}

export function lmmStudioApi(
  store: RunStore,
  trees: RunTrees,
  statusBar: { text(): string },
  memoryMap: { readonly posted: number; readonly errors: readonly string[] },
): LmmStudioApi {
  return {
    memoryMap: () => ({ posted: memoryMap.posted, errors: [...memoryMap.errors] }),
    settingWarnings: () => [...settingWarningsShown()],
    runRefusals: () => [...runRefusalsShown()],
    statusBarText: () => statusBar.text(),
    treeProviders: trees,
    lastReport: (): LmmReport | undefined => [...store.runs].reverse().find((r) => r.report)?.report,
    whenRunFinished: () => store.whenRunFinished(),
    currentRun: () => {
      const run = store.current;
      if (!run) return undefined;
      const summary: ReturnType<LmmStudioApi['currentRun']> = {
        id: run.id,
        kind: run.kind,
        file: run.file,
        status: run.status,
        steps: run.replay.steps,
      };
      if (run.message !== undefined) summary!.message = run.message;
      return summary;
    },
  };
}
