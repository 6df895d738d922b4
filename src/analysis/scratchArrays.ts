/**
 * Typed arrays reused from one leak check to the next. A check over 1,000,000 blocks needs
 * ~100 MB of scratch arrays; allocating them fresh each time makes V8 run a full collection
 * over the run's records every check (≈ 200 ms), which a harness calling `mm_leak_check()` in a
 * loop would pay each time. Arrays grow and are handed out as views of the right length;
 * callers must not keep them past the check (results are copied out).
 */
export class ScratchArrays {
  private readonly buffers = new Map<string, ArrayBuffer>();

  private buffer(name: string, bytes: number): ArrayBuffer {
    let buffer = this.buffers.get(name);
    if (buffer === undefined || buffer.byteLength < bytes) {
      // Exact the first time (a single end-of-run check pays no slack); ×1.5 when growing.
      const size = buffer === undefined ? bytes : Math.max(bytes, buffer.byteLength * 1.5);
      buffer = new ArrayBuffer(Math.max(64, Math.ceil(size / 8) * 8));
      this.buffers.set(name, buffer);
    }
    return buffer;
  }

  /** An Int32Array of `length` elements, contents undefined unless `fill` is given. */
  int32(name: string, length: number, fill?: number): Int32Array {
    const array = new Int32Array(this.buffer(name, length * 4), 0, length);
    if (fill !== undefined) array.fill(fill);
    return array;
  }

  float64(name: string, length: number, fill?: number): Float64Array {
    const array = new Float64Array(this.buffer(name, length * 8), 0, length);
    if (fill !== undefined) array.fill(fill);
    return array;
  }

  uint8(name: string, length: number, fill?: number): Uint8Array {
    const array = new Uint8Array(this.buffer(name, length), 0, length);
    if (fill !== undefined) array.fill(fill);
    return array;
  }

  /** Lets the memory go (e.g. after a run's final check). */
  clear(): void {
    this.buffers.clear();
  }
}
