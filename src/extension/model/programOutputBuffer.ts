/**
 * What a harness prints (`print`, `mm_print_memory_usage`, `mm_print_block_usage` …) on its way to
 * the run's output channel: the pieces are joined in order and written at most every `flushMs`, so a
 * harness printing in a loop costs the host one append per interval, not one per print. At most
 * `maxCharsPerFlush` characters go out per interval: a harness printing in a tight loop would
 * otherwise push megabytes a second into the channel, and the window, which draws it, freezes.
 * What goes past that is dropped (a piece larger than the room left is cut: after its last whole
 * line that fits, else at the room), and the channel says where and how many lines. Past `maxChars`
 * a run's text is cut, and the channel says where, and at the end how much was left out.
 * Free of vscode (unit tested).
 */
import { cancelTimer, startTimer, type TimerHandle } from '../../engine/hostGlobals';
export interface ProgramOutputBufferOptions {
  write: (text: string) => void;
  flushMs: number;
  maxChars: number;
  /** Characters written per interval at most (no bound when absent). */
  maxCharsPerFlush?: number;
}

export class ProgramOutputBuffer {
  private pending: string[] = [];
  private written = 0;
  private leftOut = 0;
  /** Characters kept since the last write, and the lines and characters dropped since (by the rate bound). */
  private keptThisFlush = 0;
  private droppedLines = 0;
  private droppedChars = 0;
  private endsLine = true;
  private timer: TimerHandle | undefined;
  private ended = false;

  constructor(private readonly options: ProgramOutputBufferOptions) {}

  append(text: string): void {
    if (this.ended || text.length === 0) return;
    const perFlush = this.options.maxCharsPerFlush;
    if (perFlush !== undefined && this.keptThisFlush >= perFlush && this.written < this.options.maxChars) {
      this.droppedLines += Math.max(1, newlines(text));
      this.droppedChars += text.length;
      this.timer ??= startTimer(() => this.flush(), this.options.flushMs);
      return;
    }
    if (perFlush !== undefined && this.written < this.options.maxChars) {
      // One print may be far larger than the interval's room (up to a MiB): only what fits goes
      // out, whole lines while they fit, else the line cut at the room; the rest is dropped.
      const roomNow = perFlush - this.keptThisFlush;
      if (text.length > roomNow) {
        const lastBreak = text.lastIndexOf('\n', roomNow - 1);
        const cut = lastBreak >= 0 ? lastBreak + 1 : roomNow;
        const rest = text.slice(cut);
        this.droppedLines += Math.max(1, newlines(rest));
        this.droppedChars += rest.length;
        text = text.slice(0, cut);
      }
    }
    const room = this.options.maxChars - this.written;
    if (room <= 0) {
      this.leftOut += text.length;
      return;
    }
    const kept = text.length <= room ? text : text.slice(0, room);
    this.leftOut += text.length - kept.length;
    this.written += kept.length;
    this.keptThisFlush += kept.length;
    this.push(kept);
    if (this.written >= this.options.maxChars) {
      this.pushNote(
        `[LMM: the output is cut here, after ${this.options.maxChars.toLocaleString('en-US')} characters; the end of the run says how much more there was]\n`,
      );
    }
    this.timer ??= startTimer(() => this.flush(), this.options.flushMs);
  }

  /** Writes what waits now. */
  flush(): void {
    cancelTimer(this.timer);
    this.timer = undefined;
    this.keptThisFlush = 0;
    if (this.droppedLines > 0) {
      this.pushNote(
        `[LMM: ${this.droppedLines.toLocaleString('en-US')} line${this.droppedLines === 1 ? '' : 's'} (${this.droppedChars.toLocaleString('en-US')} characters) dropped here: the program printed faster than this channel shows; lmm run prints them]\n`,
      );
      this.droppedLines = 0;
      this.droppedChars = 0;
    }
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.options.write(text);
  }

  /** The run is over: what waits is written, with a line saying how much was left out, if any. */
  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    if (this.leftOut > 0)
      this.options.write(
        `\n[LMM: the output was cut after ${this.options.maxChars.toLocaleString('en-US')} characters; ${this.leftOut.toLocaleString('en-US')} more were not shown]\n`,
      );
  }

  private push(text: string): void {
    this.pending.push(text);
    this.endsLine = text.endsWith('\n');
  }

  /** Queues a note of LMM's own, on a line of its own (the program's last line may be unfinished). */
  private pushNote(note: string): void {
    this.push(this.endsLine ? note : `\n${note}`);
  }
}

function newlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
