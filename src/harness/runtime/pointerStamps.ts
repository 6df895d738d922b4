/**
 * When the harness last stored each pointer, by the pointer's address: the allocation count then
 * (RunData.pointerWrites, read by the leak check), and the count when the value it holds was first
 * stored (a struct copy or a realloc copies a pointer with its age: a stale one stays stale). Every
 * pointer store of a run lands here, so it is an open-addressing table on typed arrays: a Map made
 * a run of linked-list stores 40 % slower. Free of vscode and the DOM.
 */

const EMPTY = 0;

/** The leak check reads it through `RunData.pointerWrites` (its `get`). */
export class PointerStamps {
  /** Address + 1 per slot (0: empty); addresses are whole numbers below 2^53. */
  private keys: Float64Array;
  private stamps: Uint32Array;
  private heldSince: Uint32Array;
  private bits: number;
  /** Addresses held. */
  size = 0;
  /** The earliest `since` of a pointer copied with a value older than its store (Infinity: none was). */
  earliestCopiedSince = Infinity;

  constructor(initialBits = 10) {
    this.bits = initialBits;
    this.keys = new Float64Array(1 << initialBits);
    this.stamps = new Uint32Array(1 << initialBits);
    this.heldSince = new Uint32Array(1 << initialBits);
  }

  /**
   * Records `stamp` for the pointer stored at `address` now, whose value was first stored at
   * `since` (a copied pointer's; `stamp` for one stored afresh).
   */
  set(address: number, stamp: number, since = stamp): void {
    if (since < this.earliestCopiedSince && since < stamp) this.earliestCopiedSince = since;
    const key = address + 1;
    const mask = (1 << this.bits) - 1;
    const keys = this.keys;
    for (let i = this.slot(address); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) {
        this.stamps[i] = stamp;
        this.heldSince[i] = since;
        return;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.stamps[i] = stamp;
        this.heldSince[i] = since;
        // At most half full: probes stay short.
        if (++this.size * 2 > keys.length) this.grow();
        return;
      }
    }
  }

  get(address: number): number | undefined {
    const i = this.find(address);
    return i < 0 ? undefined : this.stamps[i];
  }

  /** When the value the pointer at `address` holds was first stored (its stamp's, unless it was copied). */
  since(address: number): number | undefined {
    const i = this.find(address);
    return i < 0 ? undefined : this.heldSince[i];
  }

  private find(address: number): number {
    const key = address + 1;
    const mask = (1 << this.bits) - 1;
    const keys = this.keys;
    for (let i = this.slot(address); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) return i;
      if (k === EMPTY) return -1;
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
    const heldSince = this.heldSince;
    this.bits++;
    this.keys = new Float64Array(1 << this.bits);
    this.stamps = new Uint32Array(1 << this.bits);
    this.heldSince = new Uint32Array(1 << this.bits);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i]! - 1, stamps[i]!, heldSince[i]!);
  }
}
