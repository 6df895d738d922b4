/**
 * Harness editors: the `lmm.isHarnessFile` context key follows the active editor; the language
 * server starts with the first harness opened or typed (not for every TypeScript file); a saved
 * harness runs again when `lmm.runOnSave` is on for it; setting changes reach the Memory Map and
 * the language server.
 */
import * as vscode from 'vscode';
import { isHarnessFile } from '../../harness/harnessFiles';
import { CONTEXT_KEYS } from '../contributions';
import { isHarnessDocument } from '../model/harnessOnDisk';
import { warmUpHarnessCompiler } from '../harnessRunner';
import { affectsLmmSetting, lmmSetting } from '../settings';
import { setContextKey } from './contextKeys';
import type { ExtensionServices } from './extensionServices';
import type { RunHarness } from './runHarnessCommand';

export function trackHarnessEditors(services: ExtensionServices, runHarness: RunHarness): void {
  const { context, languageClient, memoryMap, log } = services;
  const updateHarnessKey = (editor: vscode.TextEditor | undefined) => {
    const document = editor?.document;
    setContextKey(CONTEXT_KEYS.isHarnessFile, document !== undefined && isHarnessDocument(document));
  };
  const startServerFor = (document: vscode.TextDocument) => {
    if (document.languageId !== 'typescript' || !isHarnessFile(document.fileName, document.getText())) return;
    void languageClient.start();
    if (vscode.workspace.isTrusted) void warmUpHarnessCompiler(log);
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
      if (!lmmSetting('runOnSave', document.uri)) return;
      if (!vscode.workspace.isTrusted || !isHarnessFile(document.fileName, document.getText())) return;
      void runHarness(document.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsLmmSetting(e, 'structColors')) memoryMap.settingsChanged();
      if (affectsLmmSetting(e, 'pageSize')) languageClient.settingsChanged();
    }),
    // A folder added to the workspace may set its own page size for the static checks.
    vscode.workspace.onDidChangeWorkspaceFolders(() => languageClient.settingsChanged()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.appendLine('Workspace trusted: harnesses can run.')),
  );
  vscode.workspace.textDocuments.forEach(startServerFor);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(startServerFor));
}
