/**
 * `#pragma pack` as gcc keeps it: a current N (0: none, the type's own alignments) and a stack
 * that `push` saves it on and `pop` restores it from. The value in effect where a struct's body
 * opens is the one its members are placed under (`RecordSpec.pack`).
 */

/** A `#pragma pack(...)` line, with where it stands among the header's tokens. */
export interface PackPragma {
  /** The text after `#pragma`: `pack(push, 1)`. */
  text: string;
  line: number;
  file?: string;
  /** How many tokens came before it: a record whose body opens at a later token is under it. */
  at: number;
}

/** The pack in effect at a point: N (0: none), or why the importer cannot say. */
export type PackState = { pack: number } | { refused: PackPragma };

type PackAction =
  | { kind: 'set'; pack: number }
  | { kind: 'push'; ident?: string; pack?: number }
  | { kind: 'pop'; ident?: string; pack?: number }
  | { kind: 'show' };

/** gcc takes these (`pack(32)` is refused with a warning and changes nothing). */
const PACK_VALUES = new Set([1, 2, 4, 8, 16]);

/** What a pragma's text asks, or undefined for a form the importer does not follow. */
export function packAction(text: string): PackAction | undefined {
  const match = /^pack\s*\(\s*(.*?)\s*\)\s*$/.exec(text);
  if (match === null) return undefined;
  const args = match[1] === '' ? [] : match[1]!.split(',').map((a) => a.trim());
  const value = (arg: string | undefined): number | undefined | null => {
    if (arg === undefined) return undefined;
    if (!/^\d+$/.test(arg)) return null;
    const n = Number(arg);
    return PACK_VALUES.has(n) ? n : null;
  };
  const identifier = (arg: string | undefined) =>
    arg !== undefined && /^[A-Za-z_]\w*$/.test(arg) && arg !== 'push' && arg !== 'pop';
  if (args.length === 0) return { kind: 'set', pack: 0 };
  const [first, ...rest] = args;
  if (first === 'show' && rest.length === 0) return { kind: 'show' };
  if (first === 'push' || first === 'pop') {
    // push [, ident] [, N]; pop [, ident] [, N] (N after a pop: MSVC's, which gcc also takes).
    let ident: string | undefined;
    if (identifier(rest[0]) && value(rest[0]) === null) ident = rest.shift();
    if (rest.length > 1) return undefined;
    const pack = value(rest[0]);
    if (pack === null) return undefined;
    return { kind: first, ...(ident !== undefined ? { ident } : {}), ...(pack !== undefined ? { pack } : {}) };
  }
  if (rest.length > 0) return undefined;
  const pack = value(first);
  return pack === null || pack === undefined ? undefined : { kind: 'set', pack };
}

/** Replays `pragmas` (in token order) as gcc would; `stateAt(i)` is the state before token i. */
export class PackTimeline {
  private next = 0;
  private askedAt = -1;
  private current: PackState = { pack: 0 };
  private readonly stack: { ident?: string; state: PackState }[] = [];

  constructor(private readonly pragmas: readonly PackPragma[]) {}

  /** The first pragma standing after token `from` and before token `to`, if any. */
  firstBetween(from: number, to: number): PackPragma | undefined {
    return this.pragmas.find((p) => p.at > from && p.at <= to);
  }

  /** The state for a body opening at token `at`. */
  stateAt(at: number): PackState {
    if (at < this.askedAt) {
      // Asked about an earlier point (a `sizeof(struct {…})` read again): replay from the start.
      this.next = 0;
      this.current = { pack: 0 };
      this.stack.length = 0;
    }
    this.askedAt = at;
    while (this.next < this.pragmas.length && this.pragmas[this.next]!.at <= at) this.apply(this.pragmas[this.next++]!);
    return this.current;
  }

  private apply(pragma: PackPragma): void {
    const action = packAction(pragma.text);
    if (action === undefined) {
      this.current = { refused: pragma };
      return;
    }
    switch (action.kind) {
      case 'show':
        return;
      case 'set':
        this.current = { pack: action.pack };
        return;
      case 'push':
        this.stack.push({ ...(action.ident !== undefined ? { ident: action.ident } : {}), state: this.current });
        if (action.pack !== undefined) this.current = { pack: action.pack };
        return;
      case 'pop': {
        let popped = this.stack.pop();
        if (action.ident !== undefined) {
          while (popped !== undefined && popped.ident !== action.ident) popped = this.stack.pop();
        }
        // A pop with nothing pushed: gcc warns and goes back to no pack.
        this.current = popped?.state ?? { pack: 0 };
        if (action.pack !== undefined) this.current = { pack: action.pack };
        return;
      }
    }
  }
}
