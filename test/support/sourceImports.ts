/**
 * The import graph of the project's own TypeScript sources, read the way TypeScript reads it
 * (`ts.preProcessFile`: static imports, re-exports, `require` and `import()`; comments and
 * strings that merely look like imports are not imports). Relative specifiers are resolved to
 * the files they name; anything else is a package (or a Node builtin) and kept as written.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export const projectRoot = path.resolve(__dirname, '../..');

export interface SourceFile {
  /** Relative to the project root, with `/` separators. */
  file: string;
  /** Project files it imports (relative to the root). */
  local: string[];
  /** Packages and builtins it imports, as written. */
  packages: string[];
}

/** Every `.ts` file under `dirs` (relative to the root), declaration files excepted. */
export function sourceFiles(dirs: string[], root = projectRoot): Map<string, SourceFile> {
  const files = new Map<string, SourceFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(path.join(root, dir))) {
      const relative = `${dir}/${name}`;
      if (statSync(path.join(root, relative)).isDirectory()) walk(relative);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.set(relative, importsOf(relative, root));
    }
  };
  for (const dir of dirs) walk(dir);
  return files;
}

function importsOf(file: string, root: string): SourceFile {
  const text = readFileSync(path.join(root, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const local: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of importedFiles) {
    if (fileName.startsWith('.')) local.push(resolved(path.posix.join(path.posix.dirname(file), fileName), root));
    else packages.push(fileName);
  }
  return { file, local, packages };
}

/** `a/b` as the file it names: `a/b.ts`, `a/b/index.ts`, or itself (`.json`, `.css`…). */
function resolved(target: string, root: string): string {
  for (const candidate of [`${target}.ts`, `${target}/index.ts`, target.replace(/\.js$/, '.ts')]) {
    if (existsSync(path.join(root, candidate)) && statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  return target;
}

/** Whether a package specifier is one of Node's modules (`node:fs`, `fs`, `fs/promises`). */
export function isNodeBuiltin(specifier: string): boolean {
  const bare = specifier.replace(/^node:/, '');
  return specifier.startsWith('node:') || builtinModules.includes(bare) || builtinModules.includes(bare.split('/')[0]!);
}

/** Whether a package specifier is the VS Code API or the language client that wraps it (not the server's package). */
export function isVscodeApi(specifier: string): boolean {
  return /^vscode(-languageclient)?(\/|$)/.test(specifier);
}

/**
 * The files reachable from `roots` through local imports, each with the chain that reaches it
 * (root first), so a failure can say how a forbidden import got in.
 */
export function reachable(files: Map<string, SourceFile>, roots: string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  const queue = roots.map((root) => [root]);
  for (const chain of queue) {
    const file = chain.at(-1)!;
    if (chains.has(file)) continue;
    chains.set(file, chain);
    for (const next of files.get(file)?.local ?? []) if (!chains.has(next)) queue.push([...chain, next]);
  }
  return chains;
}
