/**
 * Output of a run (`print`, `mm_print_*`) on its way to the parent, bounded and back-pressured:
 * at most `MAX_IN_FLIGHT` output messages are posted and not yet taken in by the parent (it
 * counts them in the shared control array); past that the harness waits (`Atomics.wait`, the
 * worker is busy running it) until the parent catches up, the deadline passes or a stop is
 * asked for, and then the text is dropped. A run prints at most `MAX_OUTPUT_CHARS` in all, one
 * print at most `MAX_PRINT_CHARS`; what does not go out is counted, and the end of the run says
 * how many lines were dropped.
 */
import { CONTROL } from './workerProtocol';

export const MAX_IN_FLIGHT = 64;
export const MAX_PRINT_CHARS = 1 << 20;
export const MAX_OUTPUT_CHARS = 64 << 20;
/** How long one wait lasts before the deadline and the stop request are looked at again. */
const WAIT_SLICE_MS = 50;

export class OutputGate {
  /** Lines (prints) that did not go out. */
  dropped = 0;
  dropReason = '';
  private posted = 0;
  private chars = 0;

  constructor(
    private readonly control: Int32Array,
    private readonly deadline: number,
    private readonly post: (text: string) => void,
  ) {}

  write(text: string): void {
    if (this.chars >= MAX_OUTPUT_CHARS) return this.drop(`the run printed more than ${MAX_OUTPUT_CHARS >> 20} MiB`);
    const control = this.control;
    for (;;) {
      const taken = Atomics.load(control, CONTROL.outputTaken);
      if (this.posted - taken < MAX_IN_FLIGHT) break;
      if (Atomics.load(control, CONTROL.stop) !== 0) return this.drop('the run was stopping');
      const left = this.deadline - Date.now();
      if (left <= 0) return this.drop('the time limit was reached while output waited');
      Atomics.wait(control, CONTROL.outputTaken, taken, Math.min(left, WAIT_SLICE_MS));
    }
    if (text.length > MAX_PRINT_CHARS) {
      text = `${text.slice(0, MAX_PRINT_CHARS)}\n[… ${text.length - MAX_PRINT_CHARS} more characters of this print dropped]\n`;
    }
    this.posted++;
    this.chars += text.length;
    this.post(text);
  }

  private drop(reason: string): void {
    if (this.dropped === 0) this.dropReason = reason;
    this.dropped++;
  }
}
