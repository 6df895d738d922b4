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

function lineAt(text: string, index: number): string {
  let start = 0;
  for (let i = 0; i < index; i++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}
