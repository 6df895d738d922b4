/**
 * ARCHITECTURE.md's rules, checked on the sources' import graph rather than hoped for: which
 * folder may import which (its "Dependency direction"), and which runtimes each folder's code
 * reaches through everything it imports, transitively (a portable file that imports a portable
 * file that imports `node:fs` would pass a per-file lint rule and still break the webview).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isNodeBuiltin, isVscodeApi, projectRoot, reachable, sourceFiles, type SourceFile } from '../../support/sourceImports';

/** The folder a file belongs to, as ARCHITECTURE.md's diagram names folders. */
function folderOf(file: string): string {
  if (file.startsWith('webview-ui/')) return 'webview-ui';
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : file;
}

/**
 * The layers of the diagram, lowest first: a folder may import the folders of lower layers.
 * `src/protocol` stands aside: every folder above the engine may use it, and it uses only the engine.
 */
const LAYER: Record<string, number> = {
  'src/engine': 0,
  'src/trace': 1,
  'src/analysis': 1,
  'src/policies': 2,
  'src/harness': 3,
  'src/cli': 4,
  'src/extension': 4,
  'src/server': 4,
};

function mayImport(from: string, to: string): boolean {
  if (from === to) return true;
  if (from === 'webview-ui') return to === 'src/engine' || to === 'src/protocol';
  if (from === 'src/protocol') return to === 'src/engine';
  if (to === 'src/protocol') return from !== 'src/engine';
  return from in LAYER && to in LAYER && LAYER[to]! < LAYER[from]!;
}

/** Every import that goes against the direction, as `file -> imported file`. */
function upwardImports(files: Map<string, SourceFile>): string[] {
  return [...files.values()].flatMap(({ file, local }) =>
    local.filter((target) => !mayImport(folderOf(file), folderOf(target))).map((target) => `${file} -> ${target}`),
  );
}

/** The forbidden packages that `roots` reach, each with the chain of files that imports it. */
function forbiddenReached(files: Map<string, SourceFile>, roots: string[], forbidden: (specifier: string) => boolean): string[] {
  const found: string[] = [];
  for (const chain of reachable(files, roots).values()) {
    const file = files.get(chain.at(-1)!);
    for (const specifier of file?.packages.filter(forbidden) ?? []) found.push(`${chain.join(' -> ')} -> ${specifier}`);
  }
  return found;
}

const files = sourceFiles(['src', 'webview-ui/src']);
const under = (...folders: string[]) =>
  [...files.keys()].filter((file) => folders.some((folder) => file.startsWith(`${folder}/`)));

describe('ARCHITECTURE.md: the dependency direction, on the import graph', () => {
  it('reads the graph it checks (imports, re-exports, requires; not comments)', () => {
    assert.ok(files.size > 250, `${files.size} files`);
    assert.ok(files.get('src/trace/traceReplay.ts')!.local.includes('src/engine/lmmHeap.ts'));
    assert.ok(files.get('src/trace/traceProgram.ts')!.local.includes('src/trace/traceReader.ts'), 'a re-export');
    assert.ok(files.get('src/cli/lmm.ts')!.local.includes('src/cli/traceCommand.ts'), 'a lazy require');
    assert.ok(files.get('src/cli/lmm.ts')!.packages.includes('node:fs'));
  });

  it('no folder imports against the direction (engine <- trace / analysis <- policies <- harness <- cli / extension / server)', () => {
    assert.deepEqual(upwardImports(files), []);
  });

  it('the engine imports nothing outside itself: it knows no trace, no harness and no editor', () => {
    const outside = under('src/engine').flatMap((file) => [
      ...files.get(file)!.local.filter((target) => !target.startsWith('src/engine/')),
      ...files.get(file)!.packages,
    ]);
    assert.deepEqual(outside, []);
  });

  it('the check fails on an import against the direction, and on one that reaches Node through another file', () => {
    const fake = new Map<string, SourceFile>([
      ['src/engine/a.ts', { file: 'src/engine/a.ts', local: ['src/trace/b.ts'], packages: [] }],
      ['src/trace/b.ts', { file: 'src/trace/b.ts', local: ['src/protocol/c.ts'], packages: [] }],
      ['src/protocol/c.ts', { file: 'src/protocol/c.ts', local: ['src/cli/d.ts'], packages: [] }],
      ['src/cli/d.ts', { file: 'src/cli/d.ts', local: [], packages: ['node:fs'] }],
      ['webview-ui/e.ts', { file: 'webview-ui/e.ts', local: ['src/harness/f.ts'], packages: [] }],
      ['src/harness/f.ts', { file: 'src/harness/f.ts', local: ['src/policies/g.ts'], packages: ['fs/promises'] }],
      ['src/policies/g.ts', { file: 'src/policies/g.ts', local: ['src/harness/f.ts'], packages: ['vscode'] }],
    ]);
    assert.deepEqual(upwardImports(fake), [
      'src/engine/a.ts -> src/trace/b.ts',
      'src/protocol/c.ts -> src/cli/d.ts',
      'webview-ui/e.ts -> src/harness/f.ts',
      'src/policies/g.ts -> src/harness/f.ts',
    ]);
    assert.deepEqual(forbiddenReached(fake, ['src/engine/a.ts'], isNodeBuiltin), [
      'src/engine/a.ts -> src/trace/b.ts -> src/protocol/c.ts -> src/cli/d.ts -> node:fs',
    ]);
    assert.deepEqual(
      forbiddenReached(fake, ['webview-ui/e.ts'], (s) => isNodeBuiltin(s) || isVscodeApi(s)),
      [
        'webview-ui/e.ts -> src/harness/f.ts -> fs/promises',
        'webview-ui/e.ts -> src/harness/f.ts -> src/policies/g.ts -> vscode',
      ],
    );
  });
});

describe('ARCHITECTURE.md: what each runtime reaches, through every import', () => {
  const nodeOrVscode = (specifier: string) => isNodeBuiltin(specifier) || isVscodeApi(specifier);

  it('the portable code (engine, trace, analysis, protocol, policies, extension/model, harness runtime and api) reaches neither Node nor vscode', () => {
    const roots = under(
      'src/engine',
      'src/trace',
      'src/analysis',
      'src/protocol',
      'src/policies',
      'src/extension/model',
      'src/harness/runtime',
      'src/harness/api',
    );
    assert.ok(roots.length > 140, `${roots.length} files`);
    assert.deepEqual(forbiddenReached(files, roots, nodeOrVscode), []);
  });

  it('the webview never reaches Node (nor vscode: it talks to the host by messages)', () => {
    const roots = under('webview-ui/src');
    assert.ok(roots.length > 20, `${roots.length} files`);
    assert.deepEqual(forbiddenReached(files, roots, nodeOrVscode), []);
  });

  it('the language server and src/protocol never reach vscode or src/extension', () => {
    const roots = under('src/server', 'src/protocol');
    const reached = [...reachable(files, roots).values()];
    assert.deepEqual(
      reached.filter((chain) => chain.at(-1)!.startsWith('src/extension/')).map((chain) => chain.join(' -> ')),
      [],
    );
    assert.deepEqual(forbiddenReached(files, roots, isVscodeApi), []);
  });

  it('what it calls the Node and vscode imports are those: node:fs, fs/promises and vscode-languageclient/node, not the language server package nor @vscode-elements', () => {
    assert.deepEqual(['node:fs', 'fs/promises', 'worker_threads', 'esbuild'].map(isNodeBuiltin), [true, true, true, false]);
    assert.deepEqual(
      [
        'vscode',
        'vscode-languageclient/node',
        'vscode-languageserver/node',
        '@vscode-elements/elements/dist/vscode-tabs/index.js',
      ].map(isVscodeApi),
      [true, true, false, false],
    );
  });

  it('the diagram in ARCHITECTURE.md states the direction this test checks', () => {
    const doc = readFileSync(path.join(projectRoot, 'ARCHITECTURE.md'), 'utf8').replace(/\s+/g, ' ');
    assert.match(doc, /engine ← trace \/ analysis ← policies ← harness ← cli \/ extension \/ server/);
    assert.match(doc, /which itself uses only `src\/engine`/);
    assert.match(doc, /The webview imports only `src\/engine` and `src\/protocol`/);
  });
});
