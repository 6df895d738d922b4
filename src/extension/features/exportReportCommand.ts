/**
 * LMM: Export Report — the last run with a report (or a harness run that ended with none), as
 * JSON, SARIF, text or HTML. Arguments (for
 * keybindings and tests): the format, then the target Uri (then no dialog and no notification).
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import { canExport, EXPORT_EXTENSIONS, exportReport, workspaceFolderOf, type ExportFormat } from '../model/reportExport';
import type { ExtensionServices } from './extensionServices';

declare const LMM_VERSION: string;

export function registerExportReport({ context, store }: ExtensionServices): void {
  const exportCommand = async (formatArg?: unknown, targetArg?: unknown) => {
    // The last run with a report, or a harness run that ended with none (it exports what lmm run prints).
    const run = [...store.runs].reverse().find(canExport);
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
    // SARIF names files relative to the run's workspace folder, as lmm run --sarif to its working directory.
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const text = exportReport(
      run,
      format,
      typeof LMM_VERSION === 'string' ? LMM_VERSION : 'dev',
      workspaceFolderOf(run.file, folders),
    );
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
  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.exportReport, exportCommand));
}
