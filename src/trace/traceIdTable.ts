/**
 * Interns trace IDs. Almost every ID is one letter and a number (`a17`), so such IDs — exactly
 * those, written without leading zeros — index a dense array by their number (per letter):
 * no hashing, no string compares and no random reads of the trace text, which is what made
 * 1,000,000-line traces slow to parse. Every other ID goes through the general hash table.
 * Both paths share one index space, so `at(i)` names any ID.
 */
import { TextKeyTable } from './textKeyTable';

const MAX_NUMBER = 1 << 28;

export class TraceIdTable {
  private readonly table: TextKeyTable;
  /** Per letter (char code < 128): number → ID index + 1 (0 = none yet). */
  private readonly numbered: (Int32Array | undefined)[] = new Array(128);

  constructor(
    private readonly text: string,
    initialCapacity = 1024,
  ) {
    this.table = new TextKeyTable(text, initialCapacity);
  }

  get length(): number {
    return this.table.size;
  }

  at(index: number): string {
    return this.table.key(index);
  }

  /** The index of the ID text[start, end), added when absent. */
  intern(start: number, end: number): number {
    const number = this.numberOf(start, end);
    if (number < 0) return this.table.intern(start, end);
    const letter = this.text.charCodeAt(start);
    const indices = this.indicesFor(letter, number);
    const known = indices[number]!;
    if (known !== 0) return known - 1;
    const index = this.table.append(start, end);
    indices[number] = index + 1;
    return index;
  }

  /** The index of the ID text[start, end), or -1 when no alloc named it. */
  find(start: number, end: number): number {
    const number = this.numberOf(start, end);
    if (number < 0) return this.table.find(start, end);
    const indices = this.numbered[this.text.charCodeAt(start)];
    return indices === undefined || number >= indices.length ? -1 : indices[number]! - 1;
  }

  /** The number of a `letter + digits` ID without leading zeros, else -1. */
  private numberOf(start: number, end: number): number {
    const text = this.text;
    const letter = text.charCodeAt(start);
    if (end - start < 2 || end - start > 9 || !((letter >= 65 && letter <= 90) || (letter >= 97 && letter <= 122))) return -1;
    if (text.charCodeAt(start + 1) === 48 && end - start > 2) return -1; // leading zero: not canonical
    let number = 0;
    for (let i = start + 1; i < end; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return -1;
      number = number * 10 + digit;
    }
    return number < MAX_NUMBER ? number : -1;
  }

  private indicesFor(letter: number, number: number): Int32Array {
    let indices = this.numbered[letter];
    if (indices === undefined || number >= indices.length) {
      let size = indices === undefined ? 1024 : indices.length;
      while (size <= number) size *= 2;
      const bigger = new Int32Array(size);
      if (indices !== undefined) bigger.set(indices);
      this.numbered[letter] = indices = bigger;
    }
    return indices;
  }
}
