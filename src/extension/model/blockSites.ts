/**
 * The allocation site of each live block, by data address: a Map<number, number> in typed arrays.
 * A replay sets an entry at every allocation and deletes one at every free; in a loop that
 * allocates and frees one block, a Map makes a new hash table every few operations (its deleted
 * entries fill the old one) and keeps each address as a heap number: two thirds of what the
 * extension host allocated while replaying a tight loop, garbage that kept its collector busy on
 * the thread the views share. Here an operation allocates nothing until the live set outgrows the
 * arrays. Iteration is in insertion order (the Leaks view lists a site's oldest live blocks
 * first), as a Map's, and goes on as a Map's does when entries are set or deleted meanwhile (a
 * compaction moves each open iterator with the entries). The arrays never shrink while a run
 * goes on (a loop that builds and frees a thousand blocks would remake them each time); `trim`
 * shrinks them when the run is set aside, as a Map's table would have shrunk: a run that held a
 * million blocks and freed them then keeps 336 bytes of arrays, not 21 MiB, for as long as it is
 * kept (RunStore keeps four).
 * Free of vscode (unit tested against a Map).
 */

const EMPTY = -1;
/** The fewest entries the arrays hold (`trim` stops there). */
const MIN_CAPACITY = 16;

export class BlockSites {
  /** Entries in insertion order; a deleted one has `live[i] === 0` until a compaction. */
  private addresses: Float64Array;
  private sites: Int32Array;
  private live: Uint8Array;
  /** The next entry in the same bucket (EMPTY: none). */
  private chain: Int32Array;
  /** The first entry of each bucket (EMPTY: none). */
  private buckets: Int32Array;
  /** Entries used so far (live and deleted): the next one goes at `used`. */
  private used = 0;
  /** 32 less log2 of the bucket count: a hash's top bits pick its bucket. */
  private shift: number;
  /** The next entry of each iterator begun and not ended (a compaction moves them). */
  private readonly cursors: { next: number }[] = [];
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    const size = 1 << Math.max(Math.log2(MIN_CAPACITY), Math.ceil(Math.log2(capacity)));
    this.addresses = new Float64Array(size);
    this.shift = 32 - Math.log2(size);
    this.sites = new Int32Array(size);
    this.live = new Uint8Array(size);
    this.chain = new Int32Array(size).fill(EMPTY);
    this.buckets = new Int32Array(size).fill(EMPTY);
  }

  get(address: number): number | undefined {
    const entry = this.find(address);
    return entry === EMPTY ? undefined : this.sites[entry];
  }

  has(address: number): boolean {
    return this.find(address) !== EMPTY;
  }

  set(address: number, site: number): this {
    const entry = this.find(address);
    if (entry !== EMPTY) {
      this.sites[entry] = site;
      return this;
    }
    if (this.used === this.addresses.length) this.makeRoom();
    const index = this.used++;
    const bucket = this.bucketOf(address);
    this.addresses[index] = address;
    this.sites[index] = site;
    this.live[index] = 1;
    this.chain[index] = this.buckets[bucket]!;
    this.buckets[bucket] = index;
    this.size++;
    return this;
  }

  delete(address: number): boolean {
    const bucket = this.bucketOf(address);
    let previous = EMPTY;
    for (let entry = this.buckets[bucket]!; entry !== EMPTY; previous = entry, entry = this.chain[entry]!) {
      if (this.addresses[entry] !== address) continue;
      if (previous === EMPTY) this.buckets[bucket] = this.chain[entry]!;
      else this.chain[previous] = this.chain[entry]!;
      this.live[entry] = 0;
      this.size--;
      return true;
    }
    return false;
  }

  clear(): void {
    this.used = 0;
    this.size = 0;
    this.live.fill(0);
    this.buckets.fill(EMPTY);
    // As a Map's iterator: what is set after a clear is still visited.
    for (const cursor of this.cursors) cursor.next = 0;
  }

  /** The arrays made as small as the live entries allow (at most half full, at least 16 entries). */
  trim(): void {
    let capacity = MIN_CAPACITY;
    while (capacity < 2 * this.size) capacity *= 2;
    if (capacity < this.addresses.length) this.resize(capacity);
  }

  /** Entries in the arrays now: what they hold, live or not (for tests). */
  get capacity(): number {
    return this.addresses.length;
  }

  /**
   * [address, site] pairs in insertion order, each read when it is reached: an entry set meanwhile
   * is visited, one deleted before it is reached is not. The cursor is registered while the
   * iteration runs (a `for…of` that ends or breaks ends it) so that a compaction moves it.
   */
  *entries(): IterableIterator<[number, number]> {
    const cursor = this.openCursor();
    try {
      // The index stays in a local between yields; a compaction during a yield moves `cursor.next`.
      for (let i = 0; i < this.used; i++) {
        if (this.live[i] !== 1) continue;
        cursor.next = i + 1;
        yield [this.addresses[i]!, this.sites[i]!];
        i = cursor.next - 1;
      }
    } finally {
      this.closeCursor(cursor);
    }
  }

  /** The addresses, as `entries` gives them. */
  *keys(): IterableIterator<number> {
    for (const [address] of this.entries()) yield address;
  }

  [Symbol.iterator](): IterableIterator<[number, number]> {
    return this.entries();
  }

  /** Iterators begun and not ended (for tests). */
  get openIterators(): number {
    return this.cursors.length;
  }

  private openCursor(): { next: number } {
    const cursor = { next: 0 };
    this.cursors.push(cursor);
    return cursor;
  }

  private closeCursor(cursor: { next: number }): void {
    this.cursors.splice(this.cursors.indexOf(cursor), 1);
  }

  private find(address: number): number {
    for (let entry = this.buckets[this.bucketOf(address)]!; entry !== EMPTY; entry = this.chain[entry]!) {
      if (this.addresses[entry] === address) return entry;
    }
    return EMPTY;
  }

  /** The bucket of an address: its low 32 bits, mixed (a block's address is 8-byte aligned). */
  private bucketOf(address: number): number {
    return Math.imul(address | 0, 0x9e3779b1) >>> this.shift;
  }

  /** The arrays are full: compacted in place when half or more is deleted, else twice as large. */
  private makeRoom(): void {
    const capacity = this.addresses.length;
    if (this.size <= capacity >>> 1) {
      this.rebuild(this.addresses, this.sites, this.live, this.chain, this.buckets);
      return;
    }
    this.resize(capacity * 2);
  }

  /** The live entries moved to new arrays of `capacity` entries (a power of two, more than `size`). */
  private resize(capacity: number): void {
    const addresses = new Float64Array(capacity);
    const sites = new Int32Array(capacity);
    const live = new Uint8Array(capacity);
    const chain = new Int32Array(capacity);
    const buckets = new Int32Array(capacity);
    this.shift = 32 - Math.log2(capacity);
    this.rebuild(addresses, sites, live, chain, buckets);
  }

  /** Moves the live entries, in order, to the front of the given arrays (may be the same ones) and rehashes. */
  private rebuild(addresses: Float64Array, sites: Int32Array, live: Uint8Array, chain: Int32Array, buckets: Int32Array): void {
    // An open iterator's next entry becomes the live entries before it (they move to the front).
    for (const cursor of this.cursors) {
      let before = 0;
      for (let i = 0; i < Math.min(cursor.next, this.used); i++) before += this.live[i]!;
      cursor.next = before;
    }
    let next = 0;
    for (let i = 0; i < this.used; i++) {
      if (this.live[i] !== 1) continue;
      addresses[next] = this.addresses[i]!;
      sites[next] = this.sites[i]!;
      next++;
    }
    this.addresses = addresses;
    this.sites = sites;
    this.live = live;
    this.chain = chain;
    this.buckets = buckets;
    live.fill(1, 0, next);
    live.fill(0, next);
    buckets.fill(EMPTY);
    this.used = next;
    for (let i = 0; i < next; i++) {
      const bucket = this.bucketOf(addresses[i]!);
      chain[i] = buckets[bucket]!;
      buckets[bucket] = i;
    }
  }
}
