/**
 * Which files a harness may import: esbuild reads imports while compiling, in the `lmm` or
 * extension-host process, before the sandbox exists, and a `.json` or a `with { type: 'text' }`
 * import puts a file's whole text in the harness's hands. So a harness's own files are source
 * and JSON files in its folder or below it, or in a `node_modules` package; a link is judged by
 * where it leads. Anything else (`/proc/self/environ`, `~/.docker/config.json`, `../../.env`)
 * would let a harness print the host's environment or secrets.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/** The file names a harness may import: TypeScript, JavaScript and JSON. */
const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/i;

/** Why `path` (imported with attributes `importAttributes`) is not the harness's own file, or undefined. */
export async function importProblem(
  path: string,
  harnessFolder: string,
  importAttributes: Record<string, string>,
): Promise<string | undefined> {
  const type = importAttributes['type'];
  if (type !== undefined && type !== 'json') return `a harness imports source files, not with { type: '${type}' }`;
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return undefined; // the loader says what is wrong (no such file …)
  }
  if (!SOURCE_FILE.test(real)) return 'not a source file (a harness imports .ts, .js and .json files)';
  if (isInside(harnessFolder, real) || real.split(sep).includes('node_modules')) return undefined;
  return 'outside the harness\u2019s folder (a harness imports files in its folder or below it, and packages)';
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
