/**
 * Compiles a harness with esbuild, with our own settings whatever the user's tsconfig says
 * (TC39 standard decorators, ES2022 output, inline source maps), bundling the harness's own
 * relative imports, `lmm-studio` left to the sandbox. An instrumenting plugin adds call-stack
 * and loop hooks (see `harnessInstrumenter.ts`) and builds the site table.
 */
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Site } from '../../analysis/analysisInput';
import { instrumentHarnessSource, toOriginalOffset, type Insertion } from './harnessInstrumenter';
import { SourceMapLookup, type RawSourceMap } from './sourceMap';

export interface CompileOptions {
  /** Call stacks for every allocation and free (default true). */
  attribution?: boolean;
  /** How a file is named in sites and messages (default: its absolute path). */
  displayName?: (absolutePath: string) => string;
}

export interface CompiledHarness {
  /** CommonJS code: `require('lmm-studio')` is the only import left. */
  code: string;
  sites: Site[];
  structSites: Record<string, Site>;
  /** Maps a position in `code` (0-based line and column) to its harness source site. */
  locate(line: number, column: number): Site | null;
}

/** A harness that does not compile: each problem with its position in the .ts source. */
export class HarnessCompileError extends Error {
  constructor(readonly problems: { site: Site | null; message: string }[]) {
    super(problems.map((p) => (p.site ? `${siteText(p.site)}: ` : '') + p.message).join('\n'));
  }
}

export function siteText(site: Site): string {
  return `${site.file}:${site.line}:${site.column}`;
}

interface FileInfo {
  original: string;
  instrumented: string;
  insertions: Insertion[];
  displayName: string;
}

export async function compileHarness(file: string, options: CompileOptions = {}): Promise<CompiledHarness> {
  const entry = resolve(file);
  const attribution = options.attribution ?? true;
  const displayName = options.displayName ?? ((p: string) => p);
  const sites: Site[] = [];
  const structSites: Record<string, Site> = {};
  const files = new Map<string, FileInfo>();

  const instrument: esbuild.Plugin = {
    name: 'lmm-instrument',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const original = await readFile(args.path, 'utf8');
        const name = displayName(args.path);
        const result = instrumentHarnessSource(args.path, original, {
          attribution,
          siteFile: name,
          addSite: (site) => sites.push(site) - 1,
        });
        const instrumented = result?.code ?? original;
        files.set(args.path, { original, instrumented, insertions: result?.insertions ?? [], displayName: name });
        if (result) Object.assign(structSites, result.structSites);
        return { contents: instrumented, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };

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
      plugins: [instrument],
    });
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    if (!Array.isArray(failure.errors)) throw error;
    throw new HarnessCompileError(
      failure.errors.map((e) => ({
        message: e.text,
        site: e.location
          ? originalSite(files, resolvePath(dirname(entry), e.location.file), e.location.line - 1, e.location.column)
          : null,
      })),
    );
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!;
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.js.map'))!;
  const rawMap = JSON.parse(mapFile.text) as RawSourceMap;
  const lookup = new SourceMapLookup(rawMap);
  const mapDir = dirname(outfile);
  const code = `${js.text.replace(/\/\/# sourceMappingURL=.*\s*$/, '')}//# sourceMappingURL=data:application/json;base64,${Buffer.from(mapFile.text).toString('base64')}\n`;
  return {
    code,
    sites,
    structSites,
    locate(line, column) {
      const position = lookup.original(line, column);
      if (!position) return null;
      return originalSite(files, resolvePath(mapDir, position.source), position.line, position.column);
    },
  };
}

function resolvePath(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

/** A 0-based position in the instrumented text of `path` → a 1-based site in its original text. */
function originalSite(files: Map<string, FileInfo>, path: string, line: number, column: number): Site {
  const info = files.get(path);
  if (!info) return { file: path, line: line + 1, column: column + 1 };
  const offset = offsetOf(info.instrumented, line, column);
  const original = toOriginalOffset(info.insertions, offset);
  const before = info.original.slice(0, original);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { file: info.displayName, line: before.split('\n').length, column: original - lineStart + 1 };
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column, text.length);
}
