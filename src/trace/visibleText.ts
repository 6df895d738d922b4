/**
 * Text from a trace as a message can show it: characters that look like a space or like nothing
 * (a CR inside a line, which sends a terminal back over the message; a no-break space between
 * two words; a BOM before `reg`, which made a message read `unknown command 'reg'`) are written
 * as `\u{…}`. A plain space stays.
 */
const INVISIBLE = /(?! )[\p{C}\p{Z}]/gu;

export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (character) => `\\u{${character.codePointAt(0)!.toString(16)}}`);
}
