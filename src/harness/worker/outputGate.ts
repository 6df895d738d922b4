/**
 * Output of a run (`print`, `mm_print_*`) on its way to the parent, bounded and back-pressured:
 * at most `MAX_IN_FLIGHT` output messages, and `MAX_IN_FLIGHT_CHARS` characters, are posted and
 * not yet taken in by the parent (it counts the messages in the shared control array; queued
 * output is memory the run holds, within its memory limit); past that the harness waits (`Atomics.wait`, the
 * worker is busy running it) until the parent catches up, the deadline passes or a stop is
 * asked for, and then the text is dropped. A run prints at most `MAX_OUTPUT_CHARS` in all, one
 * print at most `MAX_PRINT_CHARS`; what does not go out is counted, and the end of the run says
 * how many lines were dropped.
 */
import { CONTROL } from './workerProtocol';

export const MAX_IN_FLIGHT = 64;
export const MAX_IN_FLIGHT_CHARS = 4 << 20;
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
  /** The lengths of the prints posted and not yet known taken, oldest first (from `oldest`). */
  private readonly inFlight: number[] = [];
  private oldest = 0;
  private inFlightChars = 0;

  constructor(
    private readonly control: Int32Array,
    private readonly deadline: number,
    private readonly post: (text: string) => void,
  ) {}

  write(text: string): void {
    if (this.chars >= MAX_OUTPUT_CHARS) return this.drop(`the run printed more than ${MAX_OUTPUT_CHARS >> 20} MiB`);
    const control = this.control;
    // A print's own line end is not of its text: a print of exactly MAX_PRINT_CHARS is kept whole.
    const printed = text.endsWith('\n') ? text.length - 1 : text.length;
    if (printed > MAX_PRINT_CHARS) {
      const cut = printed - MAX_PRINT_CHARS;
      text = `${text.slice(0, MAX_PRINT_CHARS)}\n[… ${cut} more ${cut === 1 ? 'character' : 'characters'} of this print dropped]\n`;
    }
    // The print that would take the run past its bound is dropped whole, and so is every later
    // one (the bound counts as reached), so that the output is a prefix of what was printed.
    if (this.chars + text.length > MAX_OUTPUT_CHARS) {
      this.chars = MAX_OUTPUT_CHARS;
      return this.drop(`the run printed more than ${MAX_OUTPUT_CHARS >> 20} MiB`);
    }
    for (;;) {
      const taken = Atomics.load(control, CONTROL.outputTaken);
      this.forgetTaken(taken);
      const waiting = this.posted - taken;
      if (waiting === 0 || (waiting < MAX_IN_FLIGHT && this.inFlightChars + text.length <= MAX_IN_FLIGHT_CHARS)) break;
      if (Atomics.load(control, CONTROL.stop) !== 0) return this.drop('the run was stopping');
      const left = this.deadline - Date.now();
      if (left <= 0) return this.drop('the time limit was reached while output waited');
      Atomics.wait(control, CONTROL.outputTaken, taken, Math.min(left, WAIT_SLICE_MS));
    }
    this.posted++;
    this.chars += text.length;
    this.inFlight.push(text.length);
    this.inFlightChars += text.length;
    this.post(text);
  }

  /** Drops the lengths of the prints the parent has taken in (`taken` of them in all). */
  private forgetTaken(taken: number): void {
    const first = this.posted - this.inFlight.length + this.oldest;
    for (let i = first; i < taken; i++) this.inFlightChars -= this.inFlight[this.oldest++]!;
    if (this.oldest > 1024 && this.oldest * 2 > this.inFlight.length) {
      this.inFlight.splice(0, this.oldest);
      this.oldest = 0;
    }
  }

  private drop(reason: string): void {
    if (this.dropped === 0) this.dropReason = reason;
    this.dropped++;
  }
}
