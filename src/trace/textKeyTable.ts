/**
 * Interns words of a source text (trace IDs, struct names) without making a string per
 * occurrence: an open-addressing hash table keyed by (start, length) slices of the text and
 * compared char by char. A 1,000,000-line trace then parses without per-line garbage.
 */
export class TextKeyTable {
  /** Slot → key index + 1 (0 = empty). */
  private slots: Int32Array;
  private mask: number;
  private starts: Int32Array;
  private lengths: Int32Array;
  private hashes: Int32Array;
  /** Number of distinct keys. */
  size = 0;
  /** Keys in the hash slots (appended keys are not). */
  private hashed = 0;

  constructor(
    private readonly text: string,
    initialCapacity = 1024,
  ) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.starts = new Int32Array(initialCapacity);
    this.lengths = new Int32Array(initialCapacity);
    this.hashes = new Int32Array(initialCapacity);
  }

  /** The key index of text[start, end), or -1 when absent. */
  find(start: number, end: number): number {
    const hash = hashOf(this.text, start, end);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, start, end)) return entry - 1;
    }
  }

  /**
   * Adds text[start, end) as a new key without looking it up first: for callers that know it is
   * new and will never look it up here (see TraceIdTable). Returns its index.
   */
  append(start: number, end: number): number {
    return this.store(start, end, NOT_HASHED);
  }

  /** The key index of text[start, end), added when absent. */
  intern(start: number, end: number): number {
    const hash = hashOf(this.text, start, end);
    let slot = hash & this.mask;
    for (; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) break;
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, start, end)) return entry - 1;
    }
    const index = this.store(start, end, hash);
    this.slots[slot] = index + 1;
    if (++this.hashed * 2 > this.slots.length) this.rehash();
    return index;
  }

  /** Number of distinct keys (so the table reads as a list of keys). */
  get length(): number {
    return this.size;
  }

  /** The text of key `index`. */
  at(index: number): string {
    return this.key(index);
  }

  /** The text of key `index`. */
  key(index: number): string {
    return this.text.slice(this.starts[index]!, this.starts[index]! + this.lengths[index]!);
  }

  /** Every key as a string, by index. */
  keys(): string[] {
    const out: string[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.key(i);
    return out;
  }

  /** Records a new key's slice and hash; returns its index. */
  private store(start: number, end: number, hash: number): number {
    const index = this.size++;
    if (index === this.starts.length) {
      this.starts = growInt32(this.starts);
      this.lengths = growInt32(this.lengths);
      this.hashes = growInt32(this.hashes);
    }
    this.starts[index] = start;
    this.lengths[index] = end - start;
    this.hashes[index] = hash;
    return index;
  }

  private equals(index: number, start: number, end: number): boolean {
    const length = end - start;
    if (this.lengths[index] !== length) return false;
    const from = this.starts[index]!;
    const text = this.text;
    for (let i = 0; i < length; i++) if (text.charCodeAt(from + i) !== text.charCodeAt(start + i)) return false;
    return true;
  }

  private rehash(): void {
    const capacity = this.slots.length * 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let index = 0; index < this.size; index++) {
      if (this.hashes[index] === NOT_HASHED) continue;
      let slot = this.hashes[index]! & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = index + 1;
    }
  }
}

/** Hashes are non-negative; this marks an appended key that is not in the slots. */
const NOT_HASHED = -1;

function hashOf(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash ^ (hash >>> 15)) & 0x7fffffff;
}

function growInt32(old: Int32Array): Int32Array {
  const bigger = new Int32Array(old.length * 2);
  bigger.set(old);
  return bigger;
}
