/**
 * Output collected as UTF-8 bytes in one growing buffer outside the JS heap. A replay's output is
 * held until the whole trace has been read (a malformed trace prints nothing but its error); a
 * million `ok` lines held as strings kept V8's young generation growing and cost `lmm trace`
 * ~17 MB of peak RSS.
 */
import { utf8Decoder, utf8Encoder } from './utf8';

export class ByteOutput {
  private bytes = new Uint8Array(1 << 16);
  /** Bytes written so far; a writer that filled `room` moves it past what it wrote. */
  length = 0;

  /** Appends text made of ASCII characters only (`ok`, `null`, newlines). */
  writeAscii(text: string): void {
    if (this.length + text.length > this.bytes.length) this.grow(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Appends one byte (an ASCII character code). */
  writeByte(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  /** Appends an integer in decimal (as JSON and String() write it), without making a string. */
  writeInteger(value: number): void {
    if (!(value >= 0 && value <= 0x7fffffff)) {
      this.writeAscii(String(value));
      return;
    }
    // int32 arithmetic: V8 divides by the constant 10 without a floating-point division.
    let rest = value | 0;
    let digits = 1;
    for (let scale = 10; scale <= rest && digits < 10; scale *= 10) digits++;
    if (this.length + digits > this.bytes.length) this.grow(digits);
    const bytes = this.bytes;
    let at = this.length + digits;
    this.length = at;
    do {
      const tenth = (rest / 10) | 0;
      bytes[--at] = 48 + rest - tenth * 10;
      rest = tenth;
    } while (rest > 0);
  }

  /** Appends any text, as UTF-8. */
  writeText(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.length + text.length * 3 > this.bytes.length) this.grow(text.length * 3);
    this.length += utf8Encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /**
   * Makes room for `extra` more bytes and returns the buffer to write them into, from `length` on
   * (valid until the next write): for writers of many small pieces, with one check for all.
   */
  room(extra: number): Uint8Array {
    if (this.length + extra > this.bytes.length) this.grow(extra);
    return this.bytes;
  }

  /** The bytes written so far (a view: valid until the next write). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** Forgets what was written (once it is written out), keeping the buffer. */
  clear(): void {
    this.length = 0;
  }

  text(): string {
    return utf8Decoder.decode(this.view());
  }

  private grow(extra: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const bigger = new Uint8Array(capacity);
    bigger.set(this.view());
    this.bytes = bigger;
  }
}
