// What the integration tests reach of LMM Studio: the API `activate()` returns for tests, and
// helpers to open a fixture harness and wait for what the extension publishes asynchronously.
import * as vscode from 'vscode';

export const extensionId = 'lmm-studio.lmm-studio';

/** What `activate()` returns (LmmStudioApi in src/extension/features/testApi.ts), as the tests use it. */
export interface LmmTestApi {
  treeProviders: {
    pageFamilies: vscode.TreeDataProvider<unknown>;
    structUsage: vscode.TreeDataProvider<unknown>;
    leaks: vscode.TreeDataProvider<unknown>;
    freeLists: vscode.TreeDataProvider<unknown>;
  };
  lastReport(): object | undefined;
  whenRunFinished(): Promise<void>;
  /** The LMM status bar item's text as shown now. */
  statusBarText(): string;
  /** The current run (the newest the views show), or undefined before the first run. */
  currentRun(): { id: number; kind: string; file: string; status: string; message?: string; steps: number } | undefined;
  /** The Memory Map's messages posted so far and the first errors it reported. */
  memoryMap(): { posted: number; errors: string[] };
  /** The warnings about LMM settings out of range shown so far, in order. */
  settingWarnings(): string[];
  /** The reasons LMM: Run Harness gave so far for running nothing, in order. */
  runRefusals(): string[];
}

export async function activateLmm(): Promise<LmmTestApi> {
  const extension = vscode.extensions.getExtension<LmmTestApi>(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not installed in this VS Code`);
  return extension.activate();
}

/** The fixture harness of that name in the opened workspace (a copy of test/integration/fixtures). */
export function fixtureUri(fileName: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need the fixtures folder open as the workspace');
  return vscode.Uri.joinPath(folder.uri, fileName);
}

/** 0-based line of the first line containing `text` (fixtures mark lines with comments). */
export function lineOf(document: vscode.TextDocument, text: string): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (document.lineAt(line).text.includes(text)) return line;
  }
  throw new Error(`no line containing ${JSON.stringify(text)} in ${document.uri.fsPath}`);
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs `promise` but fails after `timeoutMs` with a message naming `what`. */
export function within<T>(what: string, promise: Thenable<T>, timeoutMs = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
    }),
  ]);
}

/** Runs a harness through the public command and waits for the run to finish. */
export async function runHarness(api: LmmTestApi, uri: vscode.Uri): Promise<void> {
  const finished = api.whenRunFinished();
  await within('lmm.runHarness', vscode.commands.executeCommand('lmm.runHarness', uri));
  await within('the run to finish', finished);
}

/** Every tree item of a provider, depth first, to `maxDepth` levels (labels and descriptions as text). */
export async function treeTexts(provider: vscode.TreeDataProvider<unknown>, maxDepth = 3): Promise<string[]> {
  const texts: string[] = [];
  const visit = async (element: unknown, depth: number): Promise<void> => {
    const children = (await provider.getChildren(element)) ?? [];
    for (const child of children) {
      const item = await provider.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const description = typeof item.description === 'string' ? item.description : '';
      texts.push(`${'  '.repeat(depth)}${label}${description ? ` — ${description}` : ''}`);
      if (depth + 1 < maxDepth && item.collapsibleState !== vscode.TreeItemCollapsibleState.None) await visit(child, depth + 1);
    }
  };
  await visit(undefined, 0);
  return texts;
}

/** Markdown/plain text of hover contents. */
export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}
