/**
 * Interns words read from trace bytes (struct names, IDs that are not `letter + number`) without
 * making a string per occurrence: an open-addressing hash table whose keys are copied once, when
 * first seen, into a byte arena of its own. The trace is read in chunks that are reused, so a key
 * cannot point back into them; the text of a key is decoded only when asked for (diagnostics).
 */
import { wordDecoder as UTF8 } from './utf8';
export class ByteKeyTable {
  /** Slot → key index + 1 (0 = empty). */
  private slots: Int32Array;
  private mask: number;
  /** The keys' bytes, one after another; key i is arena[starts[i], starts[i] + lengths[i]). */
  private arena: Uint8Array;
  private arenaLength = 0;
  private starts: Int32Array;
  private lengths: Int32Array;
  private hashes: Int32Array;
  /** Number of distinct keys. */
  size = 0;

  constructor(initialCapacity = 16) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.arena = new Uint8Array(initialCapacity * 8);
    this.starts = new Int32Array(initialCapacity);
    this.lengths = new Int32Array(initialCapacity);
    this.hashes = new Int32Array(initialCapacity);
  }

  /** The key index of bytes[start, end), or -1 when absent. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashOf(bytes, start, end);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, bytes, start, end)) return entry - 1;
    }
  }

  /** The key index of bytes[start, end), added when absent. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashOf(bytes, start, end);
    let slot = hash & this.mask;
    for (; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) break;
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, bytes, start, end)) return entry - 1;
    }
    const index = this.store(bytes, start, end, hash);
    this.slots[slot] = index + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return index;
  }

  /** The text of key `index` (UTF-8; a byte sequence that is not UTF-8 shows U+FFFD). */
  key(index: number): string {
    const start = this.starts[index]!;
    return UTF8.decode(this.arena.subarray(start, start + this.lengths[index]!));
  }

  /** Every key as a string, by index. */
  keys(): string[] {
    const out: string[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.key(i);
    return out;
  }

  private store(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const index = this.size++;
    if (index === this.starts.length) {
      this.starts = growInt32(this.starts);
      this.lengths = growInt32(this.lengths);
      this.hashes = growInt32(this.hashes);
    }
    const length = end - start;
    if (this.arenaLength + length > this.arena.length) {
      let capacity = this.arena.length * 2;
      while (capacity < this.arenaLength + length) capacity *= 2;
      const bigger = new Uint8Array(capacity);
      bigger.set(this.arena.subarray(0, this.arenaLength));
      this.arena = bigger;
    }
    this.arena.set(bytes.subarray(start, end), this.arenaLength);
    this.starts[index] = this.arenaLength;
    this.lengths[index] = length;
    this.hashes[index] = hash;
    this.arenaLength += length;
    return index;
  }

  private equals(index: number, bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.lengths[index] !== length) return false;
    const from = this.starts[index]!;
    const arena = this.arena;
    for (let i = 0; i < length; i++) if (arena[from + i] !== bytes[start + i]) return false;
    return true;
  }

  private rehash(): void {
    const capacity = this.slots.length * 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let index = 0; index < this.size; index++) {
      let slot = this.hashes[index]! & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = index + 1;
    }
  }
}

function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return (hash ^ (hash >>> 15)) & 0x7fffffff;
}

export function growInt32(old: Int32Array, minimum = 0): Int32Array {
  let capacity = Math.max(old.length * 2, 16);
  while (capacity < minimum) capacity *= 2;
  const bigger = new Int32Array(capacity);
  bigger.set(old);
  return bigger;
}
