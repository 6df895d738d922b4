/**
 * Sets one of LMM's `when`-clause context keys (fire and forget: VS Code applies them in order),
 * only when its value changes (see ChangedValues).
 */
import * as vscode from 'vscode';
import type { ContextKey } from '../contributions';
import { ChangedValues } from '../model/changedValues';

const sentValues = new ChangedValues<ContextKey>();

export function setContextKey(key: ContextKey, value: unknown): void {
  if (!sentValues.changed(key, value)) return;
  void vscode.commands.executeCommand('setContext', key, value);
}
