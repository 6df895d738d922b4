/**
 * Interns trace IDs read from bytes. Almost every ID is one letter and a number (`a17`), so such
 * IDs — exactly those, written without leading zeros — index a dense array by their number (per
 * letter): no hashing, no byte compares and no copy of their bytes, which is what makes
 * 1,000,000-line traces cheap to parse. Every other ID goes through the general hash table.
 * Both paths share one index space, so `at(i)` names any ID.
 *
 * Generated traces name their blocks a1, a2, a3 … in the order they allocate them, so those IDs
 * get consecutive indices: the table keeps that run (its letter, first number, first index and
 * length) and finds an ID of the run by arithmetic. A free of an old ID in a big trace then costs
 * no read of the dense array, which is a cache miss at random places of megabytes.
 *
 * A dense array grows with the IDs of its letter, never with a number alone: `a16000000` as the
 * only ID must not cost 64 MB. A number too far beyond its letter's count goes to the general
 * table (and lookups of numbered IDs then consult it too).
 */
import { ByteKeyTable, growInt32 } from './byteKeyTable';

/** Numbers below this (24 bits) pack with their letter into one non-negative Int32. */
const MAX_NUMBER = 1 << 24;
/** A letter's dense array may reach this many entries beyond 16 per ID of that letter. */
const DENSE_SLACK = 1 << 16;

export class TraceIdTable {
  private readonly general = new ByteKeyTable(64);
  /** General table index → ID index. */
  private generalIds: Int32Array = new Int32Array(64);
  /** Per ID index: (letter << 24) | number for a numbered ID, -(general index + 1) for another. */
  private refs: Int32Array;
  private count = 0;
  /** Per letter (byte < 128): number → ID index + 1 (0 = none yet). */
  private readonly numbered: (Int32Array | undefined)[] = new Array(128);
  private readonly numberedCount = new Int32Array(128);
  /** Whether some `letter + number` ID went to the general table. */
  private sparseNumbered = false;
  /**
   * The run: IDs `runLetter` + runFirst … runFirst + runLength − 1 have indices runBase …
   * runBase + runLength − 1 (the first numbered ID starts it; it grows while each new ID follows
   * on in number and index, and is kept as it is once one does not).
   */
  private runLetter = -1;
  private runFirst = 0;
  private runBase = 0;
  private runLength = 0;
  private runOpen = true;

  constructor(initialCapacity = 1024) {
    this.refs = new Int32Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.count;
  }

  /** The text of ID `index`. */
  at(index: number): string {
    const ref = this.refs[index]!;
    if (ref >= 0) return String.fromCharCode(ref >>> 24) + String(ref & (MAX_NUMBER - 1));
    return this.general.key(-ref - 1);
  }

  /** The index of the ID bytes[start, end), added when absent. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    return this.internNumbered(numberOf(bytes, start, end), bytes, start, end);
  }

  /**
   * `intern` for a caller that worked out the ID's number while it read the bytes: `number` is
   * what `idNumber` gives for them.
   */
  internNumbered(number: number, bytes: Uint8Array, start: number, end: number): number {
    if (number >= 0) {
      const letter = bytes[start]!;
      let indices = this.numbered[letter];
      if (indices !== undefined && number < indices.length) {
        const known = indices[number]!;
        if (known !== 0) return known - 1;
      } else if (number < DENSE_SLACK + 16 * this.numberedCount[letter]!) {
        indices = this.growDense(letter, number);
      } else {
        indices = undefined;
      }
      if (indices !== undefined) {
        if (this.sparseNumbered) {
          const known = this.general.find(bytes, start, end);
          if (known >= 0) return this.generalIds[known]!;
        }
        const index = this.add((letter << 24) | number);
        indices[number] = index + 1;
        this.numberedCount[letter]!++;
        if (this.runOpen) this.extendRun(letter, number, index);
        return index;
      }
      this.sparseNumbered = true;
    }
    const before = this.general.size;
    const key = this.general.intern(bytes, start, end);
    if (key < before) return this.generalIds[key]!;
    if (key === this.generalIds.length) this.generalIds = growInt32(this.generalIds);
    const index = this.add(-key - 1);
    this.generalIds[key] = index;
    return index;
  }

  /** The index of the ID bytes[start, end), or -1 when no alloc named it. */
  find(bytes: Uint8Array, start: number, end: number): number {
    return this.findNumbered(numberOf(bytes, start, end), bytes, start, end);
  }

  /** `find` with the ID's number worked out by the caller (see `internNumbered`). */
  findNumbered(number: number, bytes: Uint8Array, start: number, end: number): number {
    if (number >= 0) {
      const letter = bytes[start]!;
      const inRun = number - this.runFirst;
      if (letter === this.runLetter && inRun >= 0 && inRun < this.runLength) return this.runBase + inRun;
      const indices = this.numbered[letter];
      if (indices !== undefined && number < indices.length && indices[number] !== 0) return indices[number]! - 1;
      if (!this.sparseNumbered) return -1;
    }
    const key = this.general.find(bytes, start, end);
    return key < 0 ? -1 : this.generalIds[key]!;
  }

  /** Grows the run by the new ID `letter` + `number` at `index`, or closes it when the ID does not follow on. */
  private extendRun(letter: number, number: number, index: number): void {
    if (this.runLetter < 0) {
      this.runLetter = letter;
      this.runFirst = number;
      this.runBase = index;
      this.runLength = 1;
    } else if (
      letter === this.runLetter &&
      number === this.runFirst + this.runLength &&
      index === this.runBase + this.runLength
    ) {
      this.runLength++;
    } else {
      this.runOpen = false;
    }
  }

  private add(ref: number): number {
    const index = this.count++;
    if (index === this.refs.length) this.refs = growInt32(this.refs);
    this.refs[index] = ref;
    return index;
  }

  private growDense(letter: number, number: number): Int32Array {
    const old = this.numbered[letter];
    const bigger = growInt32(old ?? new Int32Array(512), number + 1);
    this.numbered[letter] = bigger;
    return bigger;
  }
}

/** The number of a `letter + digits` ID without leading zeros (below 2^24), else -1. */
function numberOf(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < 2 || end - start > 9) return -1;
  let digits = 0;
  for (let i = start + 1; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return -1;
    digits = digits * 10 + digit;
  }
  return idNumber(bytes, start, end, digits);
}

/**
 * The number of the ID bytes[start, end) (as `numberOf`), given `digits`: the value of its bytes
 * after the first read as decimal digits, or -1 when one of them is not a digit.
 */
export function idNumber(bytes: Uint8Array, start: number, end: number, digits: number): number {
  const letter = bytes[start]!;
  if (digits < 0 || end - start < 2 || end - start > 9) return -1;
  if (!((letter >= 65 && letter <= 90) || (letter >= 97 && letter <= 122))) return -1;
  if (bytes[start + 1] === 48 && end - start > 2) return -1; // leading zero: not canonical
  return digits < MAX_NUMBER ? digits : -1;
}
