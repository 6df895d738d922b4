/**
 * What a harness prints goes to an output channel of VS Code named after it ("LMM: list.lmm.ts"):
 * the channels and their runs are model/programOutputChannels.ts's. The LMM channel keeps LMM's
 * own messages.
 */
import * as vscode from 'vscode';
import { programOutputChannels } from '../model/programOutputChannels';
import type { ProgramOutput } from '../runController';

export function createProgramOutputChannels(context: vscode.ExtensionContext): ProgramOutput {
  const channels = programOutputChannels((name) => vscode.window.createOutputChannel(name));
  context.subscriptions.push(channels);
  return channels;
}
