/**
 * Every run change reaches every view: the trees (throttled while a run goes on), the context
 * keys, the status bar, the Memory Map, the language server (mid-run leak checks and memory
 * errors) and the LMM output channel; a failed run also gets an error message.
 */
import * as vscode from 'vscode';
import { CONTEXT_KEYS } from '../contributions';
import { setContextKey } from './contextKeys';
import type { ExtensionServices } from './extensionServices';
import type { RunStatusBar } from './runStatusBar';
import { quietNote } from '../model/quietRun';

/**
 * How often a live run is looked at for going quiet: a run that makes no heap operation gets no
 * progress, so this tick moves its "no heap operation for N s" on, in the status bar and the trees'
 * headers (each second shows within a quarter of a second of its start).
 */
const QUIET_TICK_MS = 250;

export function feedRunViews(services: ExtensionServices, status: RunStatusBar): void {
  const { store, trees, memoryMap, languageClient, log } = services;
  let quietTicker: NodeJS.Timeout | undefined;
  /** The note last shown: the views are told again only when its seconds move on. */
  let shownNote = '';
  const tickQuiet = () => {
    const run = store.current;
    if (run?.status !== 'running') {
      clearInterval(quietTicker);
      quietTicker = undefined;
      return;
    }
    const note = quietNote(run, Date.now());
    if (note === shownNote) return;
    shownNote = note;
    if (note === '') return;
    status.show();
    for (const provider of Object.values(trees)) provider.showHeader();
  };
  services.context.subscriptions.push({ dispose: () => clearInterval(quietTicker) });
  store.onDidChange((run, change) => {
    if (change === 'started') {
      shownNote = '';
      quietTicker ??= setInterval(tickQuiet, QUIET_TICK_MS);
    }
    // A mid-run leak check changes the Leaks view only: it is redrawn at once, the other trees at
    // their live pace (four full redraws at once would hold the window up behind them).
    for (const provider of Object.values(trees)) {
      const now = change === 'leakCheck' || change === 'leakCheckAsked' ? provider === trees.leaks : change !== 'progress';
      provider.setRun(run, now);
    }
    setContextKey(CONTEXT_KEYS.running, run.status === 'running');
    setContextKey(CONTEXT_KEYS.hasRun, true);
    setContextKey(CONTEXT_KEYS.hasLeaks, (run.report?.leaks.length ?? 0) > 0);
    if (change === 'progress') status.showSoon();
    else status.show();
    memoryMap.update();
    if (change === 'leakCheck' || change === 'memoryErrors') languageClient.publishDuringRun(run);
    if (change === 'started') log.appendLine(`${run.kind === 'trace' ? 'Replaying' : 'Running'} ${run.file}`);
    if (change === 'finished') {
      log.appendLine(`${run.label}: ${run.status}${run.message ? ` (${run.message})` : ''}, ${run.replay.steps} heap operations`);
      if (run.status === 'failed') {
        void vscode.window
          .showErrorMessage(`LMM: ${run.label} failed: ${run.message ?? 'unknown error'}`, 'Show Output')
          .then((choice) => {
            if (choice) log.show(true);
          });
      }
    }
  });
  setContextKey(CONTEXT_KEYS.running, false);
  setContextKey(CONTEXT_KEYS.hasRun, false);
}
