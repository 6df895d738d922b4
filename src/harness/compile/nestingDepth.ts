/**
 * A cheap look at how deeply a harness's brackets nest, before any parser sees it. TypeScript's
 * parser and the instrumenter recurse once per level, so a few thousand levels (a generated
 * 700-deep array literal, 20,000 nested parentheses) overflow the stack deep inside
 * typescript.js; this finds the first bracket past the limit, with its line and column, in one
 * pass over the text. Strings, template text and comments are skipped; a regular expression is
 * read as code (its brackets only ever make the count higher, and the limit is far above what a
 * person writes).
 */

/** Deepest `(`/`[`/`{`/`${` nesting a harness may have. */
export const MAX_NESTING_DEPTH = 256;

export interface TooDeep {
  /** 0-based offset of the bracket past the limit; 1-based line and column. */
  offset: number;
  line: number;
  column: number;
  limit: number;
}

export function findTooDeepNesting(text: string, limit = MAX_NESTING_DEPTH): TooDeep | undefined {
  let depth = 0;
  // For each open `${`: the depth at which its `}` closes it (back into template text).
  const templates: number[] = [];
  const n = text.length;
  let i = 0;
  const skipString = (quote: number): void => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) i++;
      else if (c === quote || c === 10) return;
    }
  };
  // Template text from i (just after a backquote or a closing `}`), to its end or to a `${`.
  const skipTemplateText = (): boolean => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 96) return false;
      else if (c === 36 && text.charCodeAt(i + 1) === 123) {
        i++;
        return true;
      }
    }
    return false;
  };
  const open = (): TooDeep | undefined => {
    depth++;
    return depth > limit ? tooDeep(text, i, limit) : undefined;
  };
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 47) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) {
        const end = text.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (next === 42) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? n : end + 1;
      }
    } else if (c === 34 || c === 39) skipString(c);
    else if (c === 96) {
      i++;
      if (skipTemplateText()) {
        templates.push(depth);
        const problem = open();
        if (problem) return problem;
      }
    } else if (c === 40 || c === 91 || c === 123) {
      const problem = open();
      if (problem) return problem;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
      if (c === 125 && templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        i++;
        if (skipTemplateText()) {
          templates.push(depth);
          const problem = open();
          if (problem) return problem;
        }
      }
    }
  }
  return undefined;
}

function tooDeep(text: string, offset: number, limit: number): TooDeep {
  return { offset, ...lineAndColumn(text, offset), limit };
}

/** The 1-based line and column of a 0-based offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The message for a harness nested too deeply (the compiler's and the language server's). */
export function tooDeepMessage(problem: TooDeep): string {
  return `brackets nest more than ${problem.limit} levels deep here; LMM Studio does not compile or analyse code nested this deeply (split the expression or build the data in a loop)`;
}
