/** What counts as a harness (a `*.lmm.ts` file, or any `.ts` file importing `lmm-studio`) and a trace: for the CLI, the language server and the extension alike. */

/**
 * The largest file a harness may be made of (a harness is source text, not data). Here, not in
 * the compiler, so that the CLI's verbs that only read a harness need not load esbuild.
 */
export const MAX_HARNESS_FILE_BYTES = 16 * 2 ** 20;

const IMPORTS_LMM = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]lmm-studio['"]/;

export function isHarnessFile(fileName: string, text: string | undefined): boolean {
  if (/\.lmm\.ts$/i.test(fileName)) return true;
  if (!/\.(c|m)?tsx?$/i.test(fileName) || /\.d\.(c|m)?ts$/i.test(fileName)) return false;
  // An import sits near the top; scanning the first 64 KiB keeps this cheap on huge files.
  return text !== undefined && IMPORTS_LMM.test(text.length > 65536 ? text.slice(0, 65536) : text);
}

export function isTraceFile(fileName: string): boolean {
  return /\.(trace|rep)$/i.test(fileName);
}
