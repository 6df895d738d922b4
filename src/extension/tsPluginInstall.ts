/**
 * tsserver loads `contributes.typescriptServerPlugins` by package name from
 * `<extension>/node_modules`, which a .vsix cannot carry. So the plugin ships in dist/ts-plugin
 * and is copied into place on activation; the first time, the TypeScript server restarts to load
 * it (later activations find it there before tsserver starts).
 */
import * as vscode from 'vscode';

const FILES = ['index.js', 'package.json', 'lmm-studio.d.ts'];

export async function ensureTsPlugin(context: vscode.ExtensionContext, log: vscode.OutputChannel): Promise<void> {
  const source = vscode.Uri.joinPath(context.extensionUri, 'dist', 'ts-plugin');
  const target = vscode.Uri.joinPath(context.extensionUri, 'node_modules', 'lmm-studio-ts-plugin');
  try {
    const wanted = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(source, 'index.js'));
    let present: Uint8Array | undefined;
    try {
      present = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(target, 'index.js'));
    } catch {
      present = undefined;
    }
    if (present && Buffer.from(present).equals(Buffer.from(wanted))) return;
    for (const file of FILES)
      await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, file), vscode.Uri.joinPath(target, file), { overwrite: true });
    log.appendLine(
      `Installed the lmm-studio TypeScript plugin in ${target.fsPath}; restarting the TypeScript server to load it.`,
    );
    await vscode.commands.executeCommand('typescript.restartTsServer').then(undefined, () => undefined);
  } catch (error) {
    log.appendLine(
      `The lmm-studio TypeScript plugin could not be installed (${(error as Error).message}); New Harness writes a tsconfig "paths" fallback instead.`,
    );
  }
}
