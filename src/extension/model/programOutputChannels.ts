/**
 * What a harness prints goes to an output channel named after it ("LMM: list.lmm.ts"), as it
 * prints it: one channel per harness file, cleared when the harness runs again, each run headed by
 * its number and time. A run of another harness leaves the channel as it is; a stopped run's last
 * words, printed while its worker winds down, never land in its successor's text.
 * Free of vscode (unit tested): the feature hands it VS Code's output channels.
 */
import { ProgramOutputBuffer } from './programOutputBuffer';
import type { RunState } from './runState';

/** What this needs of a VS Code output channel. */
export interface ProgramChannel {
  append(text: string): void;
  appendLine(text: string): void;
  clear(): void;
  show(preserveFocus: boolean): void;
  dispose(): void;
}

/**
 * How often printed text is appended while a run goes on, how much at most each time (160,000
 * characters a second: a print loop at full speed prints megabytes a second, and the window
 * drawing the channel froze for most of a second at a time under that), and how much one run may print.
 */
export const PROGRAM_OUTPUT_PACE = { flushMs: 100, maxCharsPerFlush: 16_000, maxChars: 4_000_000 };

/** One run's printed text on its way to its channel (the RunController's ProgramOutput). */
export interface ProgramRunOutput {
  write(text: string): void;
  end(summary: string): void;
}

export interface ProgramOutputChannels {
  open(run: RunState): ProgramRunOutput;
  dispose(): void;
}

export function programOutputChannels(createChannel: (name: string) => ProgramChannel): ProgramOutputChannels {
  const channels = new Map<string, ProgramChannel>();
  /** The run each channel belongs to now: a stopped run's last words do not land in its successor's. */
  const owners = new Map<string, number>();
  return {
    dispose: () => channels.forEach((channel) => channel.dispose()),
    open(run: RunState): ProgramRunOutput {
      let channel = channels.get(run.file);
      if (!channel) {
        channel = createChannel(`LMM: ${run.label}`);
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
        ...PROGRAM_OUTPUT_PACE,
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
