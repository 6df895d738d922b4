/**
 * Tokens of a C header, with line numbers: comments dropped, preprocessor lines kept aside
 * (`#define NAME <integer expression>` becomes a constant for array sizes; the rest is skipped).
 */
import type { PackPragma } from './pragmaPack';

export interface Token {
  /** 'id' identifiers and keywords, 'num' integer or float literals, 'punct' one punctuator, 'str' string or char literal. */
  kind: 'id' | 'num' | 'punct' | 'str';
  text: string;
  line: number;
  /** The included file the token comes from (a `# LINE "FILE"` marker), or undefined for the header itself. */
  file?: string;
  /** True inside a system header (marker flag 3): its structs are read, not imported. */
  system?: boolean;
}

/** How deep parentheses, declarators and nested structs may go before the importer stops with a message. */
export const MAX_NESTING = 256;

export interface Define {
  name: string;
  tokens: Token[];
  line: number;
}

export class CSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    /** The included file the line is in, or undefined for the header itself. */
    readonly file?: string,
    /** The name the error is about (a member's), for its column on the line as written. */
    readonly word?: string,
    /** The token the reader stopped at, for the column of the error when no word is named. */
    readonly token?: Token,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CSyntaxError';
  }
}

/** Where an identifier starts and goes on (a lone surrogate half is a letter of neither). */
export const IDENTIFIER_START = /[A-Za-z_$\p{L}\uD800-\uDFFF]/u;
export const IDENTIFIER_PART = /[\w$\p{L}\p{N}\p{Mn}\p{Mc}\uD800-\uDFFF]/u;

const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '##'];
/** The first characters of the punctuators above: any other is a punctuator alone, looked at no further. */
const LONGER_PUNCT_STARTS = new Set([...PUNCT3, ...PUNCT2].map((p) => p[0]!));

/**
 * Printable ASCII characters that start no identifier, number, literal, comment, directive or
 * universal character name: a punctuator, known from its code alone (no regular expression).
 */
const PLAIN_PUNCTUATORS = new Uint8Array(128);
for (const ch of '!%&()*+,-:;<=>?@[]^`{|}~') PLAIN_PUNCTUATORS[ch.charCodeAt(0)] = 1;

function isPlainPunctuator(code: number): boolean {
  return code < 128 && PLAIN_PUNCTUATORS[code] === 1;
}

function longestPunctuator(text: string, at: number): string {
  const three = text.slice(at, at + 3);
  if (PUNCT3.includes(three)) return three;
  const two = text.slice(at, at + 2);
  return PUNCT2.includes(two) ? two : text[at]!;
}

/** The prefixes of a string literal (`L"x"`, `u8"x"`); all but u8 prefix a character constant in gnu11. */
export const LITERAL_PREFIXES = new Set(['L', 'u', 'U', 'u8']);

/** Where the string or character literal whose quote is at `at` ends (past its closing quote). */
function literalEnd(text: string, at: number, line: number, file: string | undefined): number {
  const quote = text[at]!;
  let j = at + 1;
  while (j < text.length && text[j] !== quote) {
    if (text[j] === '\\') j++;
    if (text[j] === '\n') throw new CSyntaxError(line, 'string or character literal is not closed', file);
    j++;
  }
  return j + 1;
}

export function tokenize(text: string): {
  tokens: Token[];
  defines: Define[];
  pragmas: PackPragma[];
} {
  const tokens: Token[] = [];
  const defines: Define[] = [];
  const pragmas: PackPragma[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let atLineStart = true;
  const n = text.length;
  /** The first `# LINE "FILE"` marker names the header; later ones name what it includes. */
  let mainFile: string | undefined;
  let file: string | undefined;
  let system = false;
  /** The punctuator tokens made on the line being read (by the line they hold), by their text. */
  const punctuatorsOfLine = new Map<string, Token>();
  const push = (token: Token) => {
    if (file !== undefined) token.file = file;
    if (system) token.system = true;
    tokens.push(token);
  };
  /** Pushes the punctuator at `at` and says how long it is. */
  const pushPunctuator = (at: number): number => {
    const ch = text[at]!;
    const punct = LONGER_PUNCT_STARTS.has(ch) ? longestPunctuator(text, at) : ch;
    // A punctuator met again on its line is the same token (they are never changed once made):
    // a header of millions of `;` made an object for each.
    let token = punctuatorsOfLine.get(punct);
    if (token === undefined || token.line !== line) {
      token = { kind: 'punct', text: punct, line };
      if (file !== undefined) token.file = file;
      if (system) token.system = true;
      punctuatorsOfLine.set(punct, token);
    }
    tokens.push(token);
    return punct.length;
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    // A NUL is ignored, as gcc ignores it ("null character(s) ignored").
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\0') {
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const start = line;
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        if (text[i] === '\n') line++;
        i++;
      }
      if (i >= n) throw new CSyntaxError(start, 'comment is not closed with */', file);
      i += 2;
      continue;
    }
    if (ch === '#' && atLineStart) {
      // A preprocessor line, with its backslash continuations.
      const startLine = line;
      let body = '';
      i++;
      while (i < n && text[i] !== '\n') {
        if (text[i] === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
          i += text[i + 1] === '\r' ? 3 : 2;
          line++;
          body += ' ';
          continue;
        }
        body += text[i];
        i++;
      }
      const marker = /^\s*(?:line\s+)?(\d+)\s+"((?:[^"\\]|\\.)*)"\s*([\d\s]*)$/.exec(body);
      if (marker !== null) {
        const name = marker[2]!.replace(/\\(.)/g, '$1');
        mainFile ??= name;
        const builtin = name.startsWith('<');
        file = name === mainFile ? undefined : name;
        system = builtin || /(^|\s)3(\s|$)/.test(marker[3]!);
        line = Number(marker[1]) - 1;
        // Another file's line of the same number holds other tokens.
        punctuatorsOfLine.clear();
        continue;
      }
      const define = /^\s*define\s+([A-Za-z_]\w*)(?!\()\s*(.*)$/.exec(body.replace(/\/\*.*?\*\/|\/\/.*$/g, ' '));
      const pragma = /^\s*pragma\s+(pack\b.*)$/.exec(body);
      // A system header's pragmas count too: the pack they leave in effect places what follows.
      if (pragma !== null)
        pragmas.push({ line: startLine, text: pragma[1]!.trim(), at: tokens.length, ...(file ? { file } : {}) });
      if (define !== null) {
        defines.push({
          name: define[1]!,
          tokens: tokenize(define[2]!).tokens.map((t) => ({ ...t, line: startLine })),
          line: startLine,
        });
      }
      continue;
    }
    atLineStart = false;
    if (isPlainPunctuator(text.charCodeAt(i))) {
      i += pushPunctuator(i);
      continue;
    }
    // gcc's identifiers: `$` and letters beyond ASCII too, as UTF-8 or as `\u00e9` (what
    // `gcc -E` writes for them).
    if (IDENTIFIER_START.test(ch) || universalCharacterAt(text, i) !== null) {
      let name = '';
      let j = i;
      for (;;) {
        const universal = universalCharacterAt(text, j);
        if (universal !== null) {
          name += universal.character;
          j += universal.length;
        } else if (j < n && IDENTIFIER_PART.test(text[j]!)) name += text[j++];
        else break;
      }
      // `L'\0'`, `u8"…"`: a prefixed literal is one token, as C reads it (glibc's bits/wchar.h
      // asks `#if L'\0' - 1 > 0`).
      if (LITERAL_PREFIXES.has(name) && (text[j] === '"' || (text[j] === "'" && name !== 'u8'))) {
        const end = literalEnd(text, j, line, file);
        push({ kind: 'str', text: text.slice(i, end), line });
        i = end;
        continue;
      }
      push({ kind: 'id', text: name, line });
      i = j;
      continue;
    }
    // gcc: "stray '\1' in program". Shown escaped: a control character would act on the terminal.
    if (ch < ' ' || ch === '\x7f') {
      throw new CSyntaxError(
        line,
        `stray control character \\x${ch.charCodeAt(0).toString(16).padStart(2, '0')} in the header`,
        file,
      );
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(text[j]!)) j++;
      push({ kind: 'num', text: text.slice(i, j), line });
      i = j;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = literalEnd(text, i, line, file);
      push({ kind: 'str', text: text.slice(i, end), line });
      i = end;
      continue;
    }
    i += pushPunctuator(i);
  }
  return { tokens, defines, pragmas };
}

/** A universal character name (`\u00e9`, `\U0001F600`) at text[at], or null. */
export function universalCharacterAt(text: string, at: number): { character: string; length: number } | null {
  if (text[at] !== '\\') return null;
  const match = /^\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(text.slice(at, at + 10));
  if (match === null) return null;
  const code = parseInt(match[1] ?? match[2]!, 16);
  if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
  return { character: String.fromCodePoint(code), length: match[0].length };
}

/** What a cast converts an integer to: `bits` wide, unsigned or not; `bool` for `_Bool` (0 or 1). */
export interface CastTarget {
  bits: number;
  unsigned: boolean;
  bool: boolean;
}

/**
 * What `sizeof` ('size'), gcc's `__alignof__` ('align') or C's `_Alignof` ('c-align') asks of a
 * type name: the two alignments differ for a vector of more than 16 bytes (gcc's _Alignof says 16).
 */
export type TypeMeasure = 'size' | 'align' | 'c-align';

/** The operators that measure a type: `sizeof`, and `_Alignof` as C11, gcc and C23 spell it. */
export const MEASURE_OPERATORS: ReadonlyMap<string, TypeMeasure> = new Map([
  ['sizeof', 'size'],
  ['_Alignof', 'c-align'],
  ['__alignof__', 'align'],
  ['__alignof', 'align'],
  ['alignof', 'c-align'],
]);
