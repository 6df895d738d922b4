/**
 * What a harness prints (`print`, `mm_print_memory_usage`, `mm_print_block_usage` …) on its way to
 * the run's output channel: the pieces are joined in order and written at most every `flushMs`, so a
 * harness printing in a loop costs the host one append per interval, not one per print. Past
 * `maxChars` a run's text is cut, and the channel says where and how much was left out.
 * Free of vscode (unit tested).
 */
import { cancelTimer, startTimer, type TimerHandle } from '../../engine/hostGlobals';
export interface ProgramOutputBufferOptions {
  write: (text: string) => void;
  flushMs: number;
  maxChars: number;
}

export class ProgramOutputBuffer {
  private pending: string[] = [];
  private written = 0;
  private leftOut = 0;
  private timer: TimerHandle | undefined;
  private ended = false;

  constructor(private readonly options: ProgramOutputBufferOptions) {}

  append(text: string): void {
    if (this.ended || text.length === 0) return;
    const room = this.options.maxChars - this.written;
    if (room <= 0) {
      this.leftOut += text.length;
      return;
    }
    const kept = text.length <= room ? text : text.slice(0, room);
    this.leftOut += text.length - kept.length;
    this.written += kept.length;
    this.pending.push(kept);
    this.timer ??= startTimer(() => this.flush(), this.options.flushMs);
  }

  /** Writes what waits now. */
  flush(): void {
    cancelTimer(this.timer);
    this.timer = undefined;
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
}
