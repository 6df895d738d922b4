/**
 * LMM: New Harness — from the template or from a C header (through the C importer). Arguments
 * (for keybindings and tests): a header Uri or 'template', then the harness name. The harness is
 * written to the first workspace folder with the lmm-studio declarations beside it, so that the
 * editor resolves `lmm-studio` even without the TypeScript server plugin.
 */
import * as vscode from 'vscode';
import { harnessFromHeader } from '../../analysis/cImport/headerHarness';
import { noteWhere } from '../../analysis/cImport/importCHeader';
import { COMMANDS } from '../contributions';
import { harnessBaseName, harnessTemplate, harnessTsconfig, withPathsEntry } from '../harnessTemplate';
import type { ExtensionServices } from './extensionServices';

export function registerNewHarness({ context, log }: ExtensionServices): void {
  const newHarness = async (from?: unknown, nameArg?: unknown) => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    // From a C header (through the importer) or from the template; a Uri argument names a header.
    let header = from instanceof vscode.Uri ? from : undefined;
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
      const name = header.path.slice(header.path.lastIndexOf('/') + 1);
      const imported = harnessFromHeader(text, header.fsPath, name);
      for (const note of imported.notes) log.appendLine(`${noteWhere(note, header.fsPath)}: ${note.message}`);
      if (imported.kind === 'refused') {
        void vscode.window.showErrorMessage(`LMM: ${imported.message}`);
        return;
      }
      if (imported.untranslated > 0) {
        void vscode.window.showWarningMessage(
          `LMM: ${imported.untranslated} things in ${name} could not be translated exactly; they are TODO comments in the harness and listed in the LMM output.`,
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

  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.newHarness, newHarness));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
