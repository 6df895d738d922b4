/**
 * TypeScript's parser recurses once per level of a prefix operator, a nested `? :`, an arrow
 * returning an arrow, an `if` without braces…, so thousands of them (`- - - … 1`) overflow the
 * stack, and the RangeError says nothing of where. The bracket limit (nestingDepth.ts) cannot
 * see these: they have no brackets. When a parse overflows, the shortest prefix of the text that
 * still overflows ends where the nesting became too deep for the parser; a binary search over
 * prefix lengths finds it in about log2(length) more parses, paid only by a file that fails.
 */
import ts from 'typescript';
import { lineAndColumn } from './nestingDepth';

/** The text nests too deeply to parse or walk; `line` and `column` (1-based) are where it became too deep. */
export class TooDeepForTheStack extends RangeError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** `ts.createSourceFile`, or a TooDeepForTheStack at the token where the parser ran out of stack. */
export function parseWithinStack(fileName: string, text: string): ts.SourceFile {
  const parse = (source: string) => ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const offset = overflowOffset(text, parse);
    // The parses of the search ran the parser hot: compiled by V8, its frames are smaller, and
    // a file that overflowed it cold may fit now (a 5,000-deep `a ? 1 : a ? …` does).
    try {
      return parse(text);
    } catch {
      const { line, column } = lineAndColumn(text, offset);
      throw new TooDeepForTheStack(error.message, line, column);
    }
  }
}

/**
 * Where `attempt`, which overflows the stack on `text`, first does so: the start of the token
 * that ends the shortest prefix of `text` it overflows on (0-based offset).
 */
export function overflowOffset(text: string, attempt: (prefix: string) => unknown): number {
  let fits = 0; // the empty text parses
  let overflows = text.length;
  while (overflows - fits > 1) {
    const middle = (fits + overflows) >>> 1;
    if (overflowsOn(attempt, text.slice(0, middle))) overflows = middle;
    else fits = middle;
  }
  let start = overflows - 1;
  while (start > 0 && isWordCharacter(text.charCodeAt(start - 1)) && isWordCharacter(text.charCodeAt(start))) start--;
  return Math.max(start, 0);
}

function overflowsOn(attempt: (prefix: string) => unknown, prefix: string): boolean {
  try {
    attempt(prefix);
    return false;
  } catch (error) {
    if (error instanceof RangeError) return true;
    throw error;
  }
}

/** A character of an identifier or a keyword (`typeof`, `await`): the token is reported where it starts. */
function isWordCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 36 || code === 95;
}
