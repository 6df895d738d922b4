/**
 * What the composition root (`extension.ts`) builds once and hands to every feature module: the
 * output channel, the runs, the language client, the trees, the Memory Map and the controller.
 */
import type * as vscode from 'vscode';
import type { LmmLanguageClient } from '../languageClient';
import type { MemoryMapPanel } from '../memoryMapPanel';
import type { RunState, RunStore } from '../model/runState';
import type { RunController } from '../runController';
import type { LmmTreeProvider } from '../treeViews';
import type { TreeViewName } from '../contributions';

export type RunTrees = Record<TreeViewName, LmmTreeProvider>;

export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.OutputChannel;
  readonly store: RunStore;
  readonly languageClient: LmmLanguageClient;
  readonly trees: RunTrees;
  readonly memoryMap: MemoryMapPanel;
  readonly controller: RunController;
  /** Shows a finished run in every tree and hands its results to the language server. */
  settle(run: RunState): Promise<void>;
}
