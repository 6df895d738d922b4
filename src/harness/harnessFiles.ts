/** What counts as a harness (a `*.lmm.ts` file, or any `.ts` file importing `lmm-studio`) and a trace: for the CLI, the language server and the extension alike. */

/**
 * The largest file a harness may be made of (a harness is source text, not data). Here, not in
 * the compiler, so that the CLI's verbs that only read a harness need not load esbuild.
 */
export const MAX_HARNESS_FILE_BYTES = 16 * 2 ** 20;

const MODULE_NAME = 'lmm-studio';
/**
 * What precedes the quoted module name in an import, a re-export, `import()` or `require()`,
 * once the spaces before the name (and before an opening parenthesis) are trimmed: a pattern with
 * `\s*` on both sides of `\(?` tried every split of a run of spaces, quadratic in its length.
 */
const KEYWORD_BEFORE_NAME = /\b(?:from|import)$/;
const KEYWORD_BEFORE_PARENTHESIS = /\b(?:import|require)$/;
/** How far before the name an import's keyword may be (its line breaks and spaces). */
const IMPORT_LOOKBEHIND = 256;

export function isHarnessFile(fileName: string, text: string | undefined): boolean {
  if (/\.lmm\.ts$/i.test(fileName)) return true;
  if (!/\.(c|m)?tsx?$/i.test(fileName) || /\.d\.(c|m)?ts$/i.test(fileName)) return false;
  return text !== undefined && importsLmmStudio(text);
}

/**
 * Whether the text imports lmm-studio anywhere: an import may follow a long comment (a pasted C
 * header), so the whole file is read, but only around each occurrence of the name, which keeps a
 * 16 MiB file to one `indexOf` pass at each editor change.
 */
function importsLmmStudio(text: string): boolean {
  for (let at = text.indexOf(MODULE_NAME); at !== -1; at = text.indexOf(MODULE_NAME, at + 1)) {
    const open = text[at - 1];
    const close = text[at + MODULE_NAME.length];
    if ((open !== "'" && open !== '"') || (close !== "'" && close !== '"')) continue;
    if (importKeywordEnds(text.slice(Math.max(0, at - 1 - IMPORT_LOOKBEHIND), at - 1))) return true;
  }
  return false;
}

/** Whether `before` (the text before the quote) ends with `from`, `import`, `import(` or `require(`, spaces allowed. */
function importKeywordEnds(before: string): boolean {
  const trimmed = before.trimEnd();
  if (KEYWORD_BEFORE_NAME.test(trimmed)) return true;
  return trimmed.endsWith('(') && KEYWORD_BEFORE_PARENTHESIS.test(trimmed.slice(0, -1).trimEnd());
}

export function isTraceFile(fileName: string): boolean {
  return /\.(trace|rep)$/i.test(fileName);
}
