/**
 * The bridge to the harness runtime (`src/harness/runHarness.ts`): it compiles the harness and
 * runs it in a worker thread (time limit, memory caps, cancellation), streaming heap operation
 * batches with the site table; the report is the same JSON `lmm run --json` prints for a finished
 * run. A run that ended early keeps the report of its heap then, with `complete: false` (where
 * `lmm run --json` prints no leak classification: the views show it as "leaked when it stopped"),
 * and how it ended as `lmm run` states it (`ending`: the outcome's kind, message and site).
 */
import * as esbuild from 'esbuild';
import type * as vscode from 'vscode';
import { earlyEndOutcome, STOPPED_BY_REQUEST } from '../harness/earlyEndOutcome';
import { runReportJson } from '../harness/harnessReportOutput';
import { BACKGROUND_NICENESS, runHarness, type HarnessRunOptions as RuntimeOptions } from '../harness/runHarness';
import { readSuppressionsFile, suppressionsBeside } from '../harness/suppressionFile';
import { asInterimErrors, asLeakCheck } from '../protocol/runReportSchema';
import type { HarnessRunHandle, HarnessRunOutcome, HarnessRunner } from './runController';
import { probeMark } from './features/hostProbe';

export function createHarnessRunner(_context: vscode.ExtensionContext, log: vscode.OutputChannel): HarnessRunner {
  return {
    start(file, options, sink): HarnessRunHandle {
      let sentSites = 0;
      let cancel: (() => void) | undefined;
      let requestLeakCheck: (() => boolean) | undefined;
      let stopped = false;
      const done = (async (): Promise<HarnessRunOutcome> => {
        const runtimeOptions: RuntimeOptions = {
          timeLimitMs: options.timeLimitMs,
          pageSize: options.pageSize,
          ...(options.memoryLimitMb !== undefined ? { memoryLimitMb: options.memoryLimitMb } : {}),
          attribution: true,
          // The person's window first: on contended cores the harness waits, not the editor.
          niceness: BACKGROUND_NICENESS,
          onBatch: (batch) => {
            if (batch.sites.length > sentSites) {
              sink.sites(sentSites, batch.sites.slice(sentSites));
              sentSites = batch.sites.length;
            }
            return sink.batch(batch.ops, { pageSize: batch.pageSize, memoryCap: batch.memoryCap });
          },
          onOutput: (text) => sink.output?.(text),
          onLeakCheck: (check) => {
            try {
              sink.leakCheck?.(asLeakCheck(check));
            } catch (error) {
              log.appendLine(`${file}: a mid-run leak check was not shown: ${(error as Error).message}`);
            }
          },
          onMemoryErrors: (errors) => {
            try {
              sink.memoryErrors?.(asInterimErrors(errors));
            } catch (error) {
              log.appendLine(`${file}: memory errors during the run were not shown: ${(error as Error).message}`);
            }
          },
        };
        const suppressions = options.suppressions
          ? { text: await readSuppressionsFile(options.suppressions), file: options.suppressions }
          : await suppressionsBeside(file);
        if (suppressions) runtimeOptions.suppressions = suppressions;
        if (stopped) return { status: 'stopped', message: STOPPED_BY_REQUEST.message, ending: STOPPED_BY_REQUEST };
        const handle = runHarness(file, runtimeOptions);
        cancel = handle.cancel;
        requestLeakCheck = handle.requestLeakCheck;
        const result = await handle.result;
        probeMark('harness result', { compileMs: result.timings.compileMs, runMs: result.timings.runMs });
        if (result.sites.length > sentSites) sink.sites(sentSites, result.sites.slice(sentSites));
        log.appendLine(`${file}: ${result.outcome} (compile ${result.timings.compileMs} ms, run ${result.timings.runMs} ms)`);
        // A harness that returned but left no report did not complete either (as `lmm run` says).
        const completed = result.outcome === 'completed' && result.finished !== undefined;
        const outcome: HarnessRunOutcome = {
          status: completed ? 'finished' : result.outcome === 'cancelled' ? 'stopped' : 'failed',
        };
        if (result.message !== undefined) outcome.message = result.message;
        if (!completed) outcome.ending = earlyEndOutcome(result, file);
        // A run that ended early keeps its report (the heap when it ended), marked as no verdict.
        if (result.finished) outcome.report = JSON.parse(runReportJson(result.finished.report, completed)) as unknown;
        probeMark('report parsed');
        return outcome;
      })();
      return {
        done,
        stop() {
          stopped = true;
          cancel?.();
        },
        checkLeaksNow() {
          // Before the worker starts (suppressions still being read) there is nothing to ask yet.
          return requestLeakCheck?.() ?? false;
        },
      };
    },
  };
}

let warming: Promise<void> | undefined;

/**
 * Starts the compiler service before the first run: esbuild-wasm compiles its WebAssembly on
 * first use (seconds on a slow machine), which would otherwise delay the first harness run.
 */
export function warmUpHarnessCompiler(log: vscode.OutputChannel): Promise<void> {
  warming ??= (async () => {
    const started = Date.now();
    try {
      await esbuild.transform('export {};', { loader: 'ts' });
      log.appendLine(`Harness compiler ready in ${Date.now() - started} ms.`);
    } catch (error) {
      log.appendLine(`The harness compiler did not start: ${(error as Error).message}`);
    }
  })();
  return warming;
}
