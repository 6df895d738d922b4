/**
 * Columns as gcc prints them in a message (its default `-fdiagnostics-column-unit=display`,
 * `-ftabstop=8`): a tab moves to the next multiple of 8, any other character is one column. A
 * kernel header's `\tSCTP_EOF\t\t= MSG_FIN,` puts MSG_FIN at column 35, where counting characters
 * said 14; a reader comparing the importer's message with gcc's would look in the wrong place.
 */
const TAB_STOP = 8;

/** The 1-based column gcc gives the character at `index` (UTF-16 offset) of `line`. */
export function gccColumn(line: string, index: number): number {
  let width = 0;
  for (const ch of line.slice(0, index)) width = ch === '\t' ? width + TAB_STOP - (width % TAB_STOP) : width + 1;
  return width + 1;
}
