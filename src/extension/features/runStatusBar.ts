/**
 * The LMM status bar item: the current run's state; a click stops a running run, shows the
 * Memory Map of a finished one, or runs a harness when there is none yet.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../contributions';
import type { RunStore } from '../model/runState';
import { statusText } from '../model/statusText';
import { probeMark } from './hostProbe';

export interface RunStatusBar {
  /** Shows the current run now. */
  show(): void;
  /** Shows the current run within 200 ms (a live run changes many times a second). */
  showSoon(): void;
  /** The text the item shows now (for the integration tests). */
  text(): string;
}

export function createRunStatusBar(context: vscode.ExtensionContext, store: RunStore): RunStatusBar {
  const status = vscode.window.createStatusBarItem('lmm.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'LMM Studio';
  context.subscriptions.push(status);
  let timer: NodeJS.Timeout | undefined;
  const show = () => {
    const run = store.current;
    const { text, tooltip } = statusText(run);
    status.text = text;
    status.tooltip = tooltip;
    status.command = run?.status === 'running' ? COMMANDS.stopRun : run ? COMMANDS.showMemoryMap : COMMANDS.runHarness;
    status.accessibilityInformation = { label: tooltip };
    status.show();
    probeMark('status', { text });
  };
  const showSoon = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      show();
    }, 200);
  };
  show();
  return { show, showSoon, text: () => status.text };
}
