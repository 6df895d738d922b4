/**
 * Compiles a harness with esbuild, with our own settings whatever the user's tsconfig says
 * (TC39 standard decorators, ES2022 output, inline source maps), bundling the harness's own
 * relative imports, `lmm-studio` left to the sandbox. An instrumenting plugin adds call-stack
 * and loop hooks (see `harnessInstrumenter.ts`) and builds the site table.
 */
import * as esbuild from 'esbuild';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import type { Site } from '../../analysis/analysisInput';
import { MAX_HARNESS_FILE_BYTES } from '../harnessFiles';
import { compartmentScript, type ColumnShift } from './compartmentScript';
import { instrumentHarnessSource } from './harnessInstrumenter';
import { importProblem } from './harnessImports';
import { findTooDeepNesting, tooDeepMessage } from './nestingDepth';
import { TooDeepForTheStack } from './parseWithinStack';
import { editorLineStarts, HarnessLocator, lineStarts, type Insertion, type LocatorData } from './harnessLocator';
import type { RawSourceMap } from './sourceMap';

export interface CompileOptions {
  /** Call stacks for every allocation and free (default true). */
  attribution?: boolean;
  /** How a file is named in sites and messages (default: its absolute path). */
  displayName?: (absolutePath: string) => string;
}

export interface CompiledHarness {
  /**
   * The script the worker evaluates in its Compartment: a function of the compiler's hooks
   * returning a function of `require`, `module`, `exports` and the built-ins around esbuild's
   * CommonJS output (`require('lmm-studio')` is the only import left); see compartmentScript.ts.
   */
  code: string;
  sites: Site[];
  structSites: Record<string, Site>;
  /** Maps positions in `code` to harness source sites (`locatorData` is its serializable form). */
  locator: HarnessLocator;
  locatorData: LocatorData;
}

/** A harness that does not compile: each problem with its position in the .ts source. */
export class HarnessCompileError extends Error {
  constructor(readonly problems: { site: Site | null; message: string }[]) {
    super(problems.map((p) => (p.site ? `${siteText(p.site)}: ` : '') + p.message).join('\n'));
  }
}

export { MAX_HARNESS_FILE_BYTES };

/** Why a harness file cannot be read as source text, or undefined when it can. */
async function unreadableProblem(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined; // the loader says what is wrong (no such file …)
  }
  return statProblem(info);
}

/**
 * The names esbuild reads as code. A file named otherwise (a `.rep` trace given to `lmm run`) was
 * esbuild's `No loader is configured for ".rep" files`, with no position; a `.json` or `.txt`
 * one became a module without a main.
 */
const CODE_EXTENSIONS: ReadonlySet<string> = new Set(['', '.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']);

function entryNameProblem(entry: string): string | undefined {
  const extension = extname(entry);
  if (CODE_EXTENSIONS.has(extension)) return undefined;
  return `not a harness: a harness is a TypeScript or JavaScript source file (*.lmm.ts), not a ${extension} file`;
}

function statProblem(info: Stats): string | undefined {
  if (!info.isFile()) return 'not a regular file (a harness is a TypeScript source file)';
  if (info.size > MAX_HARNESS_FILE_BYTES) {
    return `${info.size} bytes, more than a harness file may have (${MAX_HARNESS_FILE_BYTES >> 20} MiB)`;
  }
  return undefined;
}

export function siteText(site: Site): string {
  return `${site.file}:${site.line}:${site.column}`;
}

interface FileInfo {
  original: string;
  instrumented: string;
  insertions: Insertion[];
  displayName: string;
  elementStores?: number[];
}

export async function compileHarness(file: string, options: CompileOptions = {}): Promise<CompiledHarness> {
  const entry = resolve(file);
  const attribution = options.attribution ?? true;
  const displayName = options.displayName ?? ((p: string) => p);
  const sites: Site[] = [];
  const structSites: Record<string, Site> = {};
  const files = new Map<string, FileInfo>();
  // Drawn for each compile: harness source cannot name the hooks (compartmentScript.ts says why).
  const hookPrefix = `$lmm${randomBytes(8).toString('hex')}$`;

  const instrument: esbuild.Plugin = {
    name: 'lmm-instrument',
    setup(build) {
      // Before any file is read: a device (/dev/zero), a FIFO or a huge file would be read
      // without end, or without bound, by whichever loader reads it.
      build.onLoad({ filter: /.*/ }, async (args) => {
        const problem =
          (await unreadableProblem(args.path)) ??
          (args.path === realEntry ? undefined : await importProblem(args.path, dirname(realEntry), args.with));
        return problem ? { errors: [{ text: problem, location: { file: args.path, line: 1, column: 0 } }] } : undefined;
      });
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        // Without its BOM: every position (TypeScript's, esbuild's, the locator's) is then the
        // editor's, line 1 too (esbuild counted the BOM's 3 bytes in a column, TypeScript its 1).
        const original = (await readFile(args.path, 'utf8')).replace(/^\uFEFF/, '');
        const name = displayName(args.path);
        // Parsers recurse once per nesting level: refuse what would overflow the stack, at its position.
        const tooDeep = findTooDeepNesting(original);
        if (tooDeep) {
          files.set(args.path, { original, instrumented: original, insertions: [], displayName: name });
          return {
            errors: [
              { text: tooDeepMessage(tooDeep), location: { file: args.path, line: tooDeep.line, column: tooDeep.column - 1 } },
            ],
          };
        }
        let result: ReturnType<typeof instrumentHarnessSource>;
        try {
          result = instrumentHarnessSource(args.path, original, {
            attribution,
            siteFile: name,
            hookPrefix,
            addSite: (site) => sites.push(site) - 1,
          });
        } catch (error) {
          // Nesting without brackets (thousands of `- - -`, `a ? b : a ? …`, a chain of `+`) can still be too deep.
          if (!(error instanceof RangeError)) throw error;
          files.set(args.path, { original, instrumented: original, insertions: [], displayName: name });
          return {
            errors: [
              {
                text: `this file is too deeply nested to compile (${error.message})`,
                location:
                  error instanceof TooDeepForTheStack
                    ? { file: args.path, line: error.line, column: error.column - 1 }
                    : { file: args.path, line: 1, column: 0 },
              },
            ],
          };
        }
        const instrumented = result?.code ?? original;
        files.set(args.path, {
          original,
          instrumented,
          insertions: result?.insertions ?? [],
          displayName: name,
          ...(result && result.elementStores.length > 0 ? { elementStores: result.elementStores } : {}),
        });
        if (result) Object.assign(structSites, result.structSites);
        return { contents: instrumented, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };

  // esbuild resolves the entry before any loader sees it: a missing file or a directory would
  // only be its "Could not resolve", which names neither what is wrong nor the user's path.
  const entryProblem = statProblem(await stat(entry)) ?? entryNameProblem(entry); // ENOENT: the run says `FILE: no such file`
  if (entryProblem)
    throw new HarnessCompileError([{ site: { file: displayName(entry), line: 1, column: 1 }, message: entryProblem }]);
  // esbuild names a file by where its links lead: the harness's folder is the real one.
  const realEntry = await realpath(entry);

  let result: esbuild.BuildResult & { outputFiles: esbuild.OutputFile[] };
  const outfile = resolve(dirname(entry), '__lmm_harness__.js');
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      outfile,
      absWorkingDir: dirname(entry),
      format: 'cjs',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      external: ['lmm-studio'],
      sourcemap: 'external',
      sourcesContent: false,
      logLevel: 'silent',
      // The user's tsconfig does not apply: standard decorators, class fields defined as in ES2022.
      tsconfigRaw: { compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } },
      // Every `eval` becomes an indirect one (a direct eval could resolve the hooks' names in the
      // scope around the harness): `eval(x)`, `(eval)(x)` and `ev\u0061l(x)` in any file, imported
      // packages too, are compiled as `(0, globalThis.eval)(x)`, which sees the Compartment's globals only.
      define: { eval: 'globalThis.eval' },
      // `import(x)` becomes `Promise.resolve().then(() => require(x))`: a harness's own files are
      // bundled as for a static import, and anything else reaches the harness's require, which
      // refuses it by name at its line. Kept as `import(`, SES refuses the whole script with a
      // SyntaxError that names no line.
      supported: { 'dynamic-import': false },
      plugins: [instrument],
    });
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    if (!Array.isArray(failure.errors)) throw error;
    throw new HarnessCompileError(
      failure.errors.map((e) => ({
        message: e.text,
        site: e.location
          ? locatorFor(files, { sources: [], mappings: '' }, dirname(entry)).site(
              resolvePath(dirname(entry), e.location.file),
              e.location.line - 1,
              // esbuild counts a column in UTF-8 bytes, the locator (and an editor) in UTF-16
              // units: '漢字' before an error moved it 4 columns, '😀' onto the next line. The
              // plugin's own errors (nesting too deep) are in UTF-16 units already.
              e.pluginName === 'lmm-instrument' ? e.location.column : utf16Column(e.location.lineText, e.location.column),
            )
          : null,
      })),
    );
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!;
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.js.map'))!;
  const rawMap = JSON.parse(mapFile.text) as RawSourceMap;
  const { script, columnShifts } = compartmentScript(js.text.replace(/\/\/# sourceMappingURL=.*\s*$/, ''), hookPrefix);
  const locator = locatorFor(files, rawMap, dirname(outfile), columnShifts);
  return { code: script, sites, structSites, locator, locatorData: locator.data };
}

function locatorFor(
  files: Map<string, FileInfo>,
  map: RawSourceMap,
  mapDir: string,
  columnShifts?: ColumnShift[],
): HarnessLocator {
  const data: LocatorData = {
    map: { sources: map.sources, mappings: map.mappings },
    mapDir,
    files: [...files].map(([path, info]) => ({
      path,
      displayName: info.displayName,
      instrumentedLineStarts: lineStarts(info.instrumented),
      originalLineStarts: editorLineStarts(info.original),
      insertions: info.insertions,
      ...(info.elementStores ? { elementStores: info.elementStores } : {}),
    })),
    ...(columnShifts ? { columnShifts } : {}),
  };
  return new HarnessLocator(data);
}

/** The UTF-16 column of the byte column `bytes` in `lineText`. */
function utf16Column(lineText: string, bytes: number): number {
  const encoded = Buffer.from(lineText, 'utf8');
  if (bytes >= encoded.length) return lineText.length + (bytes - encoded.length);
  return encoded.subarray(0, bytes).toString('utf8').length;
}

function resolvePath(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}
