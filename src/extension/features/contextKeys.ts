/** Sets one of LMM's `when`-clause context keys (fire and forget: VS Code applies them in order). */
import * as vscode from 'vscode';
import type { ContextKey } from '../contributions';

export function setContextKey(key: ContextKey, value: unknown): void {
  void vscode.commands.executeCommand('setContext', key, value);
}
