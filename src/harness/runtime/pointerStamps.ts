/**
 * When the harness last stored each pointer, by the pointer's address: the allocation count then
 * (RunData.pointerWrites, read by the leak check). Every pointer store of a run lands here, so it
 * is an open-addressing table on typed arrays: a Map made a run of linked-list stores 40 % slower.
 * Free of vscode and the DOM.
 */

const EMPTY = 0;

/** The leak check reads it through `RunData.pointerWrites` (its `get`). */
export class PointerStamps {
  /** Address + 1 per slot (0: empty); addresses are whole numbers below 2^53. */
  private keys: Float64Array;
  private stamps: Uint32Array;
  private bits: number;
  /** Addresses held. */
  size = 0;

  constructor(initialBits = 10) {
    this.bits = initialBits;
    this.keys = new Float64Array(1 << initialBits);
    this.stamps = new Uint32Array(1 << initialBits);
  }

  /** Records `stamp` for the pointer stored at `address` now. */
  set(address: number, stamp: number): void {
    const key = address + 1;
    const mask = (1 << this.bits) - 1;
    const keys = this.keys;
    for (let i = this.slot(address); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) {
        this.stamps[i] = stamp;
        return;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.stamps[i] = stamp;
        // At most half full: probes stay short.
        if (++this.size * 2 > keys.length) this.grow();
        return;
      }
    }
  }

  get(address: number): number | undefined {
    const key = address + 1;
    const mask = (1 << this.bits) - 1;
    const keys = this.keys;
    for (let i = this.slot(address); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) return this.stamps[i];
      if (k === EMPTY) return undefined;
    }
  }

  /** The slot an address hashes to (Fibonacci hashing of its low and high 32 bits). */
  private slot(address: number): number {
    const mixed = (address >>> 0) ^ Math.floor(address / 4294967296);
    return Math.imul(mixed, 0x9e3779b1) >>> (32 - this.bits);
  }

  private grow(): void {
    const keys = this.keys;
    const stamps = this.stamps;
    this.bits++;
    this.keys = new Float64Array(1 << this.bits);
    this.stamps = new Uint32Array(1 << this.bits);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i]! - 1, stamps[i]!);
  }
}
