/**
 * What a harness prints goes to an output channel named after it ("LMM: list.lmm.ts"), as it
 * prints it: one channel per harness file, cleared when the harness runs again, each run headed by
 * its number and time. The LMM channel keeps LMM's own messages.
 */
import * as vscode from 'vscode';
import type { RunState } from '../model/runState';
import { ProgramOutputBuffer } from '../model/programOutputBuffer';
import type { ProgramOutput } from '../runController';

/**
 * How often printed text is appended while a run goes on, how much at most each time (160,000
 * characters a second: a print loop at full speed prints megabytes a second, and the window
 * drawing the channel froze for most of a second at a time under that), and how much one run may print.
 */
const FLUSH_MS = 100;
const MAX_CHARS_PER_FLUSH = 16_000;
const MAX_CHARS_PER_RUN = 4_000_000;

export function createProgramOutputChannels(context: vscode.ExtensionContext): ProgramOutput {
  const channels = new Map<string, vscode.OutputChannel>();
  /** The run each channel belongs to now: a stopped run's last words do not land in its successor's. */
  const owners = new Map<string, number>();
  context.subscriptions.push({ dispose: () => channels.forEach((channel) => channel.dispose()) });
  return {
    open(run: RunState) {
      let channel = channels.get(run.file);
      if (!channel) {
        channel = vscode.window.createOutputChannel(`LMM: ${run.label}`);
        channels.set(run.file, channel);
      }
      const out = channel;
      owners.set(run.file, run.id);
      const own = () => owners.get(run.file) === run.id;
      out.clear();
      out.appendLine(`── run ${run.id} of ${run.file}, started ${new Date(run.startedAt).toLocaleTimeString()} ──`);
      const buffer = new ProgramOutputBuffer({
        write: (text) => {
          if (own()) out.append(text);
        },
        flushMs: FLUSH_MS,
        maxChars: MAX_CHARS_PER_RUN,
        maxCharsPerFlush: MAX_CHARS_PER_FLUSH,
      });
      let shown = false;
      return {
        write(text: string) {
          buffer.append(text);
          // The first thing the program prints brings its channel up, without taking the focus.
          if (!shown) {
            shown = true;
            out.show(true);
          }
        },
        end(summary: string) {
          buffer.end();
          if (own()) out.appendLine(`── ${summary} ──`);
        },
      };
    },
  };
}
