/**
 * esbuild-wasm (harness compiles) starts its service as `node …` from PATH. Desktop VS Code users
 * may have no Node installed, so when PATH has none, a `node` launcher that runs the extension
 * host's own runtime as Node (ELECTRON_RUN_AS_NODE) goes first on this process's PATH.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type * as vscode from 'vscode';

export function nodeOnPath(path = process.env['PATH'] ?? ''): boolean {
  const names = process.platform === 'win32' ? ['node.exe', 'node.cmd'] : ['node'];
  return path.split(delimiter).some((dir) => dir !== '' && names.some((name) => existsSync(join(dir, name))));
}

export async function ensureNodeForEsbuild(context: vscode.ExtensionContext, log: vscode.OutputChannel): Promise<void> {
  if (nodeOnPath()) return;
  const dir = join(context.globalStorageUri.fsPath, 'node-launcher');
  await mkdir(dir, { recursive: true });
  const runtime = process.execPath;
  if (process.platform === 'win32') {
    await writeFile(join(dir, 'node.cmd'), `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${runtime}" %*\r\n`);
  } else {
    const file = join(dir, 'node');
    await writeFile(file, `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec "${runtime}" "$@"\n`);
    await chmod(file, 0o755);
  }
  process.env['PATH'] = `${dir}${delimiter}${process.env['PATH'] ?? ''}`;
  log.appendLine(`No node on PATH: harness compiles use ${runtime} through ${dir}.`);
}
