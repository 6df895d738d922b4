/**
 * The set of allocated blocks, by the handle of their meta address (pointers.ts: its low 32 bits
 * as an int32; every simulated address lies in one 4 GiB window under the kernel's top, so the low
 * 32 bits name a block). Keys are int32, never 0.
 *
 * It lets xfree prove in O(1) that an address is an allocated block's data address, instead of
 * walking the page's block list (which it still does, only on the error path, to tell a double
 * free from an invalid one). Open addressing with linear probing and backward-shift deletion in
 * an Int32Array: about 8 to 16 bytes per live block, no objects, no tombstones.
 */
const EMPTY = 0;

export class AllocatedBlockSet {
  private keys: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  has(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const k = keys[slot]!;
      if (k === key) return true;
      if (k === EMPTY) return false;
    }
  }

  /** Adds `key` (a non-zero int32; callers never add a key twice). */
  add(key: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.resize(this.keys.length * 2);
    const keys = this.keys;
    const mask = this.mask;
    let slot = hash(key) & mask;
    while (keys[slot] !== EMPTY) slot = (slot + 1) & mask;
    keys[slot] = key;
    this.size++;
  }

  /** Removes `key`; false when it was not there. */
  delete(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    let slot = hash(key) & mask;
    for (;;) {
      const k = keys[slot]!;
      if (k === EMPTY) return false;
      if (k === key) break;
      slot = (slot + 1) & mask;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole.
    let hole = slot;
    for (let next = (hole + 1) & mask; keys[next] !== EMPTY; next = (next + 1) & mask) {
      const home = hash(keys[next]!) & mask;
      // Move the entry when its home is not cyclically within (hole, next].
      if ((next > hole && (home <= hole || home > next)) || (next < hole && home <= hole && home > next)) {
        keys[hole] = keys[next]!;
        hole = next;
      }
    }
    keys[hole] = EMPTY;
    this.size--;
    if (this.keys.length > 1024 && this.size * 8 < this.keys.length) this.resize(this.keys.length / 2);
    return true;
  }

  /** Every key (for the invariant checker). */
  *values(): IterableIterator<number> {
    for (const k of this.keys) if (k !== EMPTY) yield k;
  }

  clone(): AllocatedBlockSet {
    const copy = new AllocatedBlockSet(this.keys.length);
    copy.keys.set(this.keys);
    copy.size = this.size;
    return copy;
  }

  /** The table as it is (for time-travel snapshots); `restoreState` takes it back. */
  saveState(): Int32Array {
    return this.keys.slice();
  }

  restoreState(keys: Int32Array): void {
    if (this.keys.length === keys.length) this.keys.set(keys);
    else this.keys = keys.slice();
    this.mask = keys.length - 1;
    let size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) size++;
    this.size = size;
  }

  /** Bytes held, for the bookkeeping benchmark. */
  get byteLength(): number {
    return this.keys.byteLength;
  }

  private resize(capacity: number): void {
    const old = this.keys;
    this.keys = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (const k of old) if (k !== EMPTY) this.add(k);
  }
}

function hash(key: number): number {
  const h = Math.imul(key ^ (key >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}
