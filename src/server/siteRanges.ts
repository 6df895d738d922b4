/** From a report's 1-based site to an editor range covering the word (or call) that is there. */
import type { Range } from 'vscode-languageserver';

export function siteRange(text: string | undefined, line: number, column: number): Range {
  const start = { line: line - 1, character: Math.max(0, column - 1) };
  if (text === undefined) return { start, end: { line: line - 1, character: start.character + 1 } };
  const lineText = lineAt(text, line - 1);
  const from = Math.min(start.character, lineText.length);
  const word = /^[A-Za-z0-9_$.]+/.exec(lineText.slice(from));
  const end = word ? from + word[0].length : lineText.length > from ? lineText.length : from + 1;
  return { start: { line: line - 1, character: from }, end: { line: line - 1, character: end } };
}

/** The text of line `index` (0-based), lines ended as an editor ends them: LF, CR LF or a lone CR. */
function lineAt(text: string, index: number): string {
  let start = 0;
  for (let line = 0; line < index; line++) {
    const end = lineEnd(text, start);
    if (end === text.length) return '';
    start = text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
  }
  return text.slice(start, lineEnd(text, start));
}

const CR = 13;
const LF = 10;

/** Where the line starting at `start` ends: its CR or LF, or the end of the text (read once, not searched for each). */
function lineEnd(text: string, start: number): number {
  let at = start;
  while (at < text.length && text.charCodeAt(at) !== LF && text.charCodeAt(at) !== CR) at++;
  return at;
}
