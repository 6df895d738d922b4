/**
 * Output collected as UTF-8 bytes in one growing buffer outside the JS heap. A replay's output is
 * held until the whole trace has been read (a malformed trace prints nothing but its error); a
 * million `ok` lines held as strings kept V8's young generation growing and cost `lmm trace`
 * ~17 MB of peak RSS.
 */
import { utf8Decoder, utf8Encoder } from './utf8';

export class ByteOutput {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;

  /** Appends text made of ASCII characters only (`ok`, `null`, newlines). */
  writeAscii(text: string): void {
    if (this.length + text.length > this.bytes.length) this.grow(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Appends an integer in decimal (as JSON and String() write it), without making a string. */
  writeInteger(value: number): void {
    if (this.length + 24 > this.bytes.length) this.grow(24);
    const bytes = this.bytes;
    if (value < 0) {
      bytes[this.length++] = 45; // -
      value = -value;
    }
    if (!Number.isSafeInteger(value)) {
      this.writeAscii(String(value));
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    do {
      bytes[--at] = 48 + (value % 10);
      value = Math.floor(value / 10);
    } while (value > 0);
  }

  /** Appends any text, as UTF-8. */
  writeText(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.length + text.length * 3 > this.bytes.length) this.grow(text.length * 3);
    this.length += utf8Encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /** The bytes written so far (a view: valid until the next write). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
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
