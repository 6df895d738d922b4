/**
 * The bridge to the harness runtime (`src/harness/`): compiles and runs a harness in a worker
 * thread, streaming heap operation batches and the site table, then the run report.
 * Returns undefined while the runtime is not part of the build (runs then say so).
 */
import type * as vscode from 'vscode';
import type { HarnessRunner } from './runController';

export function createHarnessRunner(_context: vscode.ExtensionContext, _log: vscode.OutputChannel): HarnessRunner | undefined {
  return undefined;
}
