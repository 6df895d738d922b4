/**
 * LMM Studio's extension host side: wiring only. Runs go through the RunController (harnesses
 * in the harness runtime's worker, traces replayed in slices); every view — the four trees, the
 * status bar, the Memory Map and the language server's diagnostics — takes the same RunState.
 */
import * as vscode from 'vscode';
import { importCHeader } from '../analysis/cImport/importCHeader';
import { META_SIZE } from '../engine/constants';
import { harnessBaseName, harnessTemplate, harnessTsconfig, withPathsEntry } from './harnessTemplate';
import { createHarnessRunner, warmUpHarnessCompiler } from './harnessRunner';
import { LmmLanguageClient } from './languageClient';
import { ensureNodeForEsbuild } from './nodeForEsbuild';
import { ensureTsPlugin } from './tsPluginInstall';
import { MemoryMapPanel } from './memoryMapPanel';
import { compareRunsHtml, compareRunsMarkdown } from './model/compareRuns';
import { compareRunsChoice } from './model/compareRunsChoice';
import { makeNonce } from '../protocol/memoryMapHtml';
import { freeListNodes } from './model/freeListsTree';
import { isHarnessFile, isTraceFile } from '../harness/harnessFiles';
import { leakNodes } from './model/leaksTree';
import { pageFamilyNodes } from './model/pageFamiliesTree';
import { EXPORT_EXTENSIONS, exportReport, type ExportFormat } from './model/reportExport';
import type { LmmReport, ReportSite } from './model/runReport';
import { RunStore, type RunState } from './model/runState';
import { leakedBlocks, statusText } from './model/statusText';
import { structUsageNodes } from './model/structUsageTree';
import { RunController } from './runController';
import { registerPolicyPicker } from './policyPicker';
import {
  CLASSIC_POLICY,
  comparePoliciesOn,
  configuredPolicy,
  openTraceUnderPolicy,
  showHarnessRunUnderPolicy,
} from './policyCommands';
import { LmmTreeProvider } from './treeViews';

declare const LMM_VERSION: string;

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
  /** The current run's state, for tests and other extensions. */
  currentRun(): { id: number; kind: string; file: string; status: string; message?: string; steps: number } | undefined;
}

const TRUST_MESSAGE =
  'LMM Studio does not run harnesses in an untrusted workspace: a harness is a program, and running it would execute code from this folder. Trust the workspace to run harnesses; traces, the views and the static checks work without trust.';

export function activate(context: vscode.ExtensionContext): LmmStudioApi {
  const log = vscode.window.createOutputChannel('LMM');
  const store = new RunStore();
  const languageClient = new LmmLanguageClient(context, log);
  context.subscriptions.push(log, languageClient);

  // ------------------------------------------------------------ trees
  const providers = {
    pageFamilies: new LmmTreeProvider('lmm.pageFamilies', pageFamilyNodes),
    structUsage: new LmmTreeProvider('lmm.structUsage', structUsageNodes),
    leaks: new LmmTreeProvider('lmm.leaks', leakNodes),
    freeLists: new LmmTreeProvider('lmm.freeLists', freeListNodes),
  };
  for (const provider of Object.values(providers)) {
    const view = vscode.window.createTreeView(provider.viewId, { treeDataProvider: provider, showCollapseAll: true });
    provider.view = view;
    context.subscriptions.push(provider, view);
  }

  // ------------------------------------------------------------ status bar
  const status = vscode.window.createStatusBarItem('lmm.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'LMM Studio';
  context.subscriptions.push(status);
  let statusTimer: NodeJS.Timeout | undefined;
  const showStatus = () => {
    const run = store.current;
    const { text, tooltip } = statusText(run);
    status.text = text;
    status.tooltip = tooltip;
    status.command = run?.status === 'running' ? 'lmm.stopRun' : run ? 'lmm.showMemoryMap' : 'lmm.runHarness';
    status.accessibilityInformation = { label: tooltip };
    status.show();
  };
  showStatus();
  registerPolicyPicker(context);

  // ------------------------------------------------------------ editor line highlight (timeline)
  const stepHighlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  context.subscriptions.push(stepHighlight);
  const highlightSite = async (site: ReportSite | undefined) => {
    for (const editor of vscode.window.visibleTextEditors) editor.setDecorations(stepHighlight, []);
    if (!site) return;
    const uri = vscode.Uri.file(site.file);
    let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
    if (!editor) {
      try {
        editor = await vscode.window.showTextDocument(uri, {
          viewColumn: vscode.ViewColumn.One,
          preserveFocus: true,
          preview: true,
        });
      } catch {
        return;
      }
    }
    const line = Math.min(site.line - 1, editor.document.lineCount - 1);
    const range = new vscode.Range(line, 0, line, 0);
    editor.setDecorations(stepHighlight, [range]);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  };

  const openSite = async (site: ReportSite, preserveFocus = false) => {
    try {
      const position = new vscode.Position(site.line - 1, Math.max(0, site.column - 1));
      await vscode.window.showTextDocument(vscode.Uri.file(site.file), {
        selection: new vscode.Range(position, position),
        preserveFocus,
        viewColumn: vscode.ViewColumn.One,
      });
    } catch (error) {
      log.appendLine(`Cannot open ${site.file}:${site.line}: ${(error as Error).message}`);
    }
  };

  // ------------------------------------------------------------ Memory Map
  const revealBlockInTree = async (address: number) => {
    const run = store.current;
    if (!run) return;
    const meta = address - META_SIZE;
    const heap = run.replay.heap;
    const family = heap.blockFamily(meta);
    if (!family) return;
    const page = heap.kernel.pageOf(meta);
    const node = providers.pageFamilies.find(`block/${meta}`, [`family/${family.name}`, `page/${page}`]);
    if (node && providers.pageFamilies.view?.visible) {
      await providers.pageFamilies.view.reveal(node, { select: true, focus: false, expand: true });
    }
  };
  const memoryMap = new MemoryMapPanel(context.extensionUri, store, log, {
    blockSelected: (address, site) => {
      void revealBlockInTree(address);
      if (site) void openSite(site, true);
    },
    stepChanged: (site) => void highlightSite(site),
    openSource: (site) => void openSite(site),
  });
  context.subscriptions.push(memoryMap);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer('lmm.memoryMap', {
      deserializeWebviewPanel: async (panel) => memoryMap.restore(panel),
    }),
  );

  // ------------------------------------------------------------ runs
  const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);
  const settle = async (run: RunState) => {
    for (const provider of Object.values(providers)) provider.setRun(run, true);
    const result = await languageClient.runFinished(run);
    if (result) log.appendLine(`${run.label}: ${result.diagnostics} diagnostics in ${result.files} files`);
  };
  const controller = new RunController(store, settle, log, createHarnessRunner(context, log));
  store.onDidChange((run, change) => {
    for (const provider of Object.values(providers)) provider.setRun(run, change !== 'progress');
    setContext('lmm.running', run.status === 'running');
    setContext('lmm.hasRun', true);
    setContext('lmm.hasLeaks', (run.report?.leaks.length ?? 0) > 0);
    if (change === 'progress') {
      statusTimer ??= setTimeout(() => {
        statusTimer = undefined;
        showStatus();
      }, 200);
    } else showStatus();
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
  setContext('lmm.running', false);
  setContext('lmm.hasRun', false);

  const pickHarness = async (): Promise<vscode.Uri | undefined> => {
    const active = vscode.window.activeTextEditor?.document;
    if (active && (isHarnessFile(active.fileName, active.getText()) || isTraceFile(active.fileName))) return active.uri;
    const found = await vscode.workspace.findFiles('**/*.lmm.ts', '**/node_modules/**', 200);
    const open = vscode.workspace.textDocuments.filter((d) => isHarnessFile(d.fileName, d.getText())).map((d) => d.uri);
    const all = [...new Map([...open, ...found].map((u) => [u.toString(), u])).values()];
    if (all.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        'LMM: no harness in this workspace (a *.lmm.ts file, or a .ts file importing lmm-studio).',
        'New Harness',
      );
      if (choice) await vscode.commands.executeCommand('lmm.newHarness');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'LMM: Run Harness', placeHolder: 'Which harness?' },
    );
    return picked?.uri;
  };

  const runHarness = async (arg?: unknown) => {
    const uri = arg instanceof vscode.Uri ? arg : await pickHarness();
    if (!uri) return;
    if (isTraceFile(uri.fsPath)) return openTrace(uri);
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(TRUST_MESSAGE, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) await document.save();
    if (!memoryMap.visible) memoryMap.show(true);
    // Under another lmm.policy the run is still LMM's (its views and analyses read LMM's page
    // bytes); its operations are then replayed under that policy, in a page beside the editor.
    const policy = configuredPolicy(uri);
    const run = await controller.runHarness(uri);
    if (policy !== CLASSIC_POLICY && (run.status === 'finished' || run.status === 'failed'))
      return showHarnessRunUnderPolicy(run, policy, log);
    return undefined;
  };

  const openTrace = async (arg?: unknown) => {
    let uri = arg instanceof vscode.Uri ? arg : undefined;
    if (!uri) {
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active && isTraceFile(active.fsPath)) uri = active;
    }
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: 'LMM: Open Trace',
        canSelectMany: false,
        filters: { 'LMM traces': ['trace'], 'malloc-lab traces': ['rep'] },
      });
      uri = picked?.[0];
    }
    if (!uri) return;
    // lmm.policy picks the allocator for trace replays; the Memory Map and the trees are LMM's own views.
    const policy = configuredPolicy(uri);
    if (policy !== CLASSIC_POLICY) return openTraceUnderPolicy(uri, policy, log);
    try {
      if (!memoryMap.visible) memoryMap.show(true);
      await controller.openTrace(uri);
    } catch (error) {
      void vscode.window.showErrorMessage(`LMM: ${(error as Error).message}`);
    }
  };

  const checkLeaksNow = async () => {
    if (controller.checkLeaksNow()) {
      void vscode.window.setStatusBarMessage(
        'LMM: leak check requested; it runs at the harness’s next XCALLOC / XFREE and joins the Leaks view and the Memory Map’s leak-check markers.',
        5000,
      );
      return;
    }
    const run = store.current;
    if (!run?.report) {
      void vscode.window.showInformationMessage(
        'LMM: run a harness first; its leaks are checked at the end of main and at each mm_leak_check().',
      );
      return;
    }
    await settle(run);
    await vscode.commands.executeCommand('lmm.leaks.focus');
    const leaked = leakedBlocks(run);
    void vscode.window.showInformationMessage(
      leaked === 0
        ? `LMM: no leaks in ${run.label}.`
        : `LMM: ${leaked} leaked blocks in ${run.label} (see the Leaks view and the Problems panel).`,
    );
  };

  const exportCommand = async (formatArg?: unknown, targetArg?: unknown) => {
    const run = [...store.runs].reverse().find((r) => r.report);
    if (!run) {
      void vscode.window.showInformationMessage('LMM: nothing to export yet: run a harness or open a trace.');
      return undefined;
    }
    const formats: ExportFormat[] = ['json', 'sarif', 'text', 'html'];
    let format = formats.find((f) => f === formatArg);
    if (!format) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'JSON', description: 'the run report (lmm run --json)', format: 'json' as const },
          { label: 'SARIF', description: 'leaks and memory errors for code-scanning tools', format: 'sarif' as const },
          { label: 'Text', description: "LMM's classic reports, leaks, errors and hints", format: 'text' as const },
          { label: 'HTML', description: 'a page with the memory map picture and the tables', format: 'html' as const },
        ],
        { title: 'LMM: Export Report' },
      );
      format = picked?.format;
    }
    if (!format) return undefined;
    let target = targetArg instanceof vscode.Uri ? targetArg : undefined;
    if (!target) {
      const base = run.label.replace(/\.(lmm\.)?ts$|\.trace$|\.rep$/, '');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const defaultUri = folder ? vscode.Uri.joinPath(folder, `${base}.lmm-report.${EXPORT_EXTENSIONS[format]}`) : undefined;
      target = await vscode.window.showSaveDialog({ title: 'LMM: Export Report', ...(defaultUri ? { defaultUri } : {}) });
    }
    if (!target) return undefined;
    const text = exportReport(run, format, typeof LMM_VERSION === 'string' ? LMM_VERSION : 'dev');
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    if (!(targetArg instanceof vscode.Uri)) {
      void vscode.window
        .showInformationMessage(`LMM: report written to ${vscode.workspace.asRelativePath(target)}`, 'Open')
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('vscode.open', target);
        });
    }
    return target;
  };

  /**
   * Compare Runs on a workload file (argument or active editor): policies side by side; else two
   * finished runs. Arguments (for keybindings and tests): a workload Uri and the policies' names,
   * or two run ids (`[3, 4]`, see the test API's currentRun) to compare those runs without picks.
   */
  const compareRuns = async (arg?: unknown, policiesArg?: unknown) => {
    const runs = store.runs.filter((r) => r.report);
    if (Array.isArray(arg) && arg.length === 2 && arg.every((id) => Number.isInteger(id))) {
      const given = arg.map((id) => runs.find((run) => run.id === id));
      if (!given[0] || !given[1]) {
        const missing = given[0] ? arg[1] : arg[0];
        void vscode.window.showWarningMessage(
          `LMM: Compare Runs: run #${missing} is not among the last finished runs kept (${runs.map((r) => `#${r.id}`).join(', ') || 'none'}).`,
        );
        return undefined;
      }
      return showRunComparison(given[0], given[1]);
    }
    const choice = compareRunsChoice(
      arg instanceof vscode.Uri ? arg : undefined,
      vscode.window.activeTextEditor?.document.uri,
      (uri) => uri.fsPath,
      runs.length,
      // A harness is a workload too (its run's operations): by name, or by an open editor's text.
      (uri) =>
        isHarnessFile(uri.fsPath, vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText()),
    );
    if (choice.kind === 'policies') return comparePoliciesOn(choice.workload, policiesArg, log);
    if (choice.kind === 'ask') {
      const name = choice.workload.path.slice(choice.workload.path.lastIndexOf('/') + 1);
      const picked = await vscode.window.showQuickPick(
        [
          { label: `Compare policies on ${name}`, description: 'the same workload under two or more allocators', policies: true },
          { label: 'Compare two finished runs', description: `${runs.length} runs`, policies: false },
        ],
        { title: 'LMM: Compare Runs' },
      );
      if (!picked) return;
      if (picked.policies) return comparePoliciesOn(choice.workload, policiesArg, log);
    }
    if (choice.kind === 'pick-workload') {
      const answer = await vscode.window.showInformationMessage(
        'LMM: Compare Runs needs two finished runs (e.g. the same harness before and after a change), or a trace (.rep or .trace) or a harness to replay under several policies.',
        'Compare Policies on a Trace…',
      );
      if (!answer) return;
      const picked = await vscode.window.showOpenDialog({
        title: 'LMM: Compare Runs — workload',
        canSelectMany: false,
        filters: { 'malloc-lab traces': ['rep'], 'LMM traces': ['trace'], 'LMM harnesses': ['ts'] },
      });
      if (!picked?.[0]) return;
      return comparePoliciesOn(picked[0], policiesArg, log);
    }
    let pair: [RunState, RunState] = [runs[runs.length - 2]!, runs[runs.length - 1]!];
    if (runs.length > 2) {
      const picked = await vscode.window.showQuickPick(
        runs.map((run) => ({
          label: `#${run.id} ${run.label}`,
          description: `${run.status} · ${new Date(run.startedAt).toLocaleTimeString()}`,
          run,
        })),
        { title: 'LMM: Compare Runs — pick two', canPickMany: true },
      );
      if (!picked || picked.length !== 2) return;
      pair = [picked[0]!.run, picked[1]!.run];
    }
    return showRunComparison(pair[0], pair[1]);
  };

  /** Counters and both maps side by side in a script-less webview (the table is returned as Markdown too). */
  const showRunComparison = (a: RunState, b: RunState): string => {
    const panel = vscode.window.createWebviewPanel('lmm.compareRuns', `LMM: #${a.id} vs #${b.id}`, vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [],
    });
    panel.webview.html = compareRunsHtml(a, b, makeNonce(), panel.webview.cspSource);
    return compareRunsMarkdown(a, b);
  };

  const newHarness = async (from?: unknown, nameArg?: unknown) => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    // From a C header (through the importer) or from the template; a Uri argument names a header.
    let header = from instanceof vscode.Uri ? from : undefined;
    // Arguments (for keybindings and tests): a header Uri, or 'template', then the harness name.
    if (!header && from !== 'template') {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'From the template', description: 'two structs, a list, one deliberate leak', header: false },
          {
            label: 'From a C header…',
            description: 'struct declarations become annotated classes with the same layout',
            header: true,
          },
        ],
        { title: 'LMM: New Harness' },
      );
      if (!choice) return;
      if (choice.header) {
        const picked = await vscode.window.showOpenDialog({
          title: 'LMM: New Harness from a C header',
          filters: { 'C headers': ['h'] },
          canSelectMany: false,
        });
        header = picked?.[0];
        if (!header) return;
      }
    }
    let source = harnessTemplate();
    let suggested = 'my_program';
    if (header) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(header));
      const imported = importCHeader(text, header.fsPath);
      const name = header.path.slice(header.path.lastIndexOf('/') + 1);
      for (const note of imported.notes) log.appendLine(`${header.fsPath}:${note.line}: ${note.message}`);
      if (imported.structs.length === 0) {
        void vscode.window.showErrorMessage(
          `LMM: no struct could be imported from ${name}${imported.notes[0] ? ` (line ${imported.notes[0].line}: ${imported.notes[0].message})` : ''}.`,
        );
        return;
      }
      if (imported.notes.length > 0) {
        void vscode.window.showWarningMessage(
          `LMM: ${imported.notes.length} things in ${name} could not be translated exactly; they are TODO comments in the harness and listed in the LMM output.`,
        );
      }
      source = imported.source;
      suggested = name.replace(/\.h$/i, '');
    }
    const name =
      typeof nameArg === 'string'
        ? nameArg
        : await vscode.window.showInputBox({ title: 'LMM: New Harness', prompt: 'Name of the harness', value: suggested });
    if (name === undefined) return;
    const base = harnessBaseName(name);
    let target: vscode.Uri | undefined = folder ? vscode.Uri.joinPath(folder, `${base}.lmm.ts`) : undefined;
    if (!target || (await exists(target))) {
      target = await vscode.window.showSaveDialog({
        title: 'LMM: New Harness',
        filters: { 'LMM harness': ['lmm.ts'] },
        ...(target ? { defaultUri: target } : {}),
      });
    }
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(source));
    const root = vscode.workspace.getWorkspaceFolder(target)?.uri ?? vscode.Uri.joinPath(target, '..');
    await writeDeclarationsFallback(root);
    await vscode.window.showTextDocument(target);
    return target;
  };

  const writeDeclarationsFallback = async (root: vscode.Uri) => {
    const source = vscode.Uri.joinPath(context.extensionUri, 'dist', 'types', 'lmm-studio.d.ts');
    let declarations: Uint8Array;
    try {
      declarations = await vscode.workspace.fs.readFile(source);
    } catch {
      log.appendLine('The lmm-studio declarations are not in this build; only the TypeScript server plugin resolves the module.');
      return;
    }
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, '.lmm', 'lmm-studio.d.ts'), declarations);
    const tsconfig = vscode.Uri.joinPath(root, 'tsconfig.json');
    if (!(await exists(tsconfig))) {
      await vscode.workspace.fs.writeFile(tsconfig, new TextEncoder().encode(harnessTsconfig('./.lmm/lmm-studio.d.ts')));
      return;
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(tsconfig));
    const updated = withPathsEntry(text, './.lmm/lmm-studio.d.ts');
    if (updated === undefined) {
      void vscode.window.showInformationMessage(
        'LMM: to resolve lmm-studio without the TypeScript plugin, add "paths": { "lmm-studio": ["./.lmm/lmm-studio.d.ts"] } to compilerOptions in tsconfig.json.',
      );
    } else if (updated !== text) {
      await vscode.workspace.fs.writeFile(tsconfig, new TextEncoder().encode(updated));
    }
  };

  // ------------------------------------------------------------ commands
  context.subscriptions.push(
    vscode.commands.registerCommand('lmm.runHarness', runHarness),
    vscode.commands.registerCommand('lmm.stopRun', () => {
      if (!controller.stop()) void vscode.window.showInformationMessage('LMM: no run is going on.');
    }),
    vscode.commands.registerCommand('lmm.showMemoryMap', () => memoryMap.show()),
    vscode.commands.registerCommand('lmm.newHarness', newHarness),
    vscode.commands.registerCommand('lmm.checkLeaksNow', checkLeaksNow),
    vscode.commands.registerCommand('lmm.openTrace', openTrace),
    vscode.commands.registerCommand('lmm.exportReport', exportCommand),
    vscode.commands.registerCommand('lmm.compareRuns', compareRuns),
    // Tree rows: open the allocating line, and show the block in the Memory Map.
    vscode.commands.registerCommand('lmm.revealNode', async (site?: ReportSite, address?: number) => {
      if (site) await openSite(site, true);
      const run = store.current;
      if (run && address !== undefined) memoryMap.revealBlock(run, address);
    }),
  );

  // ------------------------------------------------------------ harness context key, re-run on save, settings
  const updateHarnessKey = (editor: vscode.TextEditor | undefined) => {
    const document = editor?.document;
    setContext('lmm.isHarnessFile', document !== undefined && isHarnessFile(document.fileName, document.getText()));
  };
  updateHarnessKey(vscode.window.activeTextEditor);
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(updateHarnessKey),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length > 0) {
        updateHarnessKey(vscode.window.activeTextEditor);
        if (!languageClient.started) startServerFor(e.document);
      }
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (!vscode.workspace.getConfiguration('lmm', document.uri).get<boolean>('runOnSave', false)) return;
      if (!vscode.workspace.isTrusted || !isHarnessFile(document.fileName, document.getText())) return;
      void runHarness(document.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lmm.structColors')) memoryMap.settingsChanged();
      if (e.affectsConfiguration('lmm.pageSize')) languageClient.settingsChanged();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.appendLine('Workspace trusted: harnesses can run.')),
  );

  // The language server starts with the first harness (not for every TypeScript file).
  const startServerFor = (document: vscode.TextDocument) => {
    if (document.languageId !== 'typescript' || !isHarnessFile(document.fileName, document.getText())) return;
    void languageClient.start();
    if (vscode.workspace.isTrusted) void warmUpHarnessCompiler(log);
  };
  vscode.workspace.textDocuments.forEach(startServerFor);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(startServerFor));
  void ensureTsPlugin(context, log);
  void ensureNodeForEsbuild(context, log).catch((error: Error) =>
    log.appendLine(`No node launcher for harness compiles: ${error.message}`),
  );

  return {
    treeProviders: providers,
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

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the language client stops there).
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
