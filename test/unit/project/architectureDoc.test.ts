/**
 * ARCHITECTURE.md is the map a maintainer follows: every file and folder it names exists, every
 * name it places in a file is defined there, the README's Layout table has a row for every
 * source folder, and `test/unit/` mirrors `src/` as it says.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, sourceFiles } from '../../support/sourceImports';

const doc = readFileSync(path.join(projectRoot, 'ARCHITECTURE.md'), 'utf8');
const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
const sources = [...sourceFiles(['src', 'webview-ui/src']).keys()];
const folders = (dir: string) =>
  readdirSync(path.join(projectRoot, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

/** A code span that names a file or a folder: a path, or a file name with its extension. */
function namesAPath(span: string): boolean {
  return /^[\w.*<>/-]+$/.test(span) && (span.includes('/') || /\.(ts|json|mjs|md)$/.test(span)) && !span.startsWith('lmm/');
}

/** Whether a path the document names exists: from the root, or (a short path) under src/. */
function exists(span: string): boolean {
  if (span.includes('<folder>')) return folders('src').every((folder) => exists(span.replace('<folder>', folder)));
  if (existsSync(path.join(projectRoot, span))) return true;
  const pattern = new RegExp(`(^|/)${span.replace(/\/$/, '').replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`);
  return sources.some((file) => pattern.test(file));
}

describe('ARCHITECTURE.md names what exists', () => {
  const spans = [...new Set([...doc.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!))];

  it('every file and folder it names', () => {
    const paths = spans.filter(namesAPath);
    assert.ok(paths.length > 30, `${paths.length} paths: ${paths.join(' ')}`);
    assert.deepEqual(
      paths.filter((span) => !exists(span)),
      [],
    );
  });

  it("and webview-ui/README.md's TypeScript files, the webview's own and its tests", () => {
    const readmeOfWebview = readFileSync(path.join(projectRoot, 'webview-ui/README.md'), 'utf8');
    const files = [...readmeOfWebview.matchAll(/`([\w./-]+\.ts)`/g)].map((match) => match[1]!);
    assert.ok(files.length > 15, files.join(' '));
    assert.deepEqual(
      files.filter((file) => !exists(file)),
      [],
    );
  });

  it('the check fails on a path that does not exist', () => {
    assert.equal(exists('src/extension/features/noSuchCommand.ts'), false);
    assert.equal(exists('harnessGhost.ts'), false);
    assert.equal(exists('model/*Forest.ts'), false);
    assert.equal(exists('harnessHost.ts'), true);
  });

  /** [name as the document spells it, the file it says defines it]. */
  const definitions: [string, string][] = [
    ['PALETTE_COMMANDS', 'src/extension/contributions.ts'],
    ['INTERNAL_COMMANDS', 'src/extension/contributions.ts'],
    ['LmmSettings', 'src/extension/model/settingsSchema.ts'],
    ['SETTING_DEFAULTS', 'src/extension/model/settingsSchema.ts'],
    ['lmmSetting', 'src/extension/settings.ts'],
    ['languageServerSettings', 'src/extension/settings.ts'],
    ['LmmServerSettings', 'src/protocol/lspMessages.ts'],
    ['AllocatorPolicy', 'src/policies/allocatorPolicy.ts'],
    ['RunStore', 'src/extension/model/runState.ts'],
    ['parseWebviewToHost', 'src/protocol/webviewMessages.ts'],
    ['MemoryMapFeed', 'src/extension/model/memoryMapFeed.ts'],
    ['HeapReplay', 'src/extension/model/heapReplay.ts'],
    ['RunController', 'src/extension/runController.ts'],
    ['HeapOpBatch', 'src/engine/heapOps.ts'],
    ['activate', 'src/extension/extension.ts'],
  ];
  for (const [name, file] of definitions) {
    it(`${name} is named in it and exported by ${file}`, () => {
      assert.match(doc, new RegExp(`\`${name}[(\`]`));
      const text = readFileSync(path.join(projectRoot, file), 'utf8');
      assert.match(text, new RegExp(`^export (const|function|class|interface|type) ${name}\\b`, 'm'));
    });
  }

  it('every feature module registers itself as registerX, called from activate()', () => {
    const extension = readFileSync(path.join(projectRoot, 'src/extension/extension.ts'), 'utf8');
    const commands = readdirSync(path.join(projectRoot, 'src/extension/features')).filter((f) => f.endsWith('Command.ts'));
    assert.ok(commands.length >= 5, commands.join(' '));
    for (const file of commands) {
      const text = readFileSync(path.join(projectRoot, 'src/extension/features', file), 'utf8');
      const register = /^export function (register\w+)\(/m.exec(text)?.[1];
      assert.ok(register, `${file} exports a registerX`);
      assert.match(extension, new RegExp(`\\b${register}\\(`), `activate() calls ${register}`);
    }
  });

  it('the four trees take their rows from model/*Tree.ts', () => {
    assert.match(doc, /the four trees \(rows come\s+from `model\/\*Tree\.ts`\)/);
    const trees = readdirSync(path.join(projectRoot, 'src/extension/model')).filter((f) => /Tree\.ts$/.test(f));
    assert.equal(trees.length, 4, trees.join(' '));
  });

  it("each worker's messages have their own protocol module", () => {
    for (const file of [
      'src/extension/traceWorkerProtocol.ts',
      'src/extension/policyWorkerProtocol.ts',
      'src/harness/worker/workerProtocol.ts',
      'src/harness/worker/hostProtocol.ts',
    ]) {
      assert.ok(existsSync(path.join(projectRoot, file)), file);
    }
  });
});

describe('the layout ARCHITECTURE.md points to', () => {
  it("the README's Layout table has a row, with its runtime, for every source folder", () => {
    assert.match(doc.replace(/\s+/g, ' '), /The README's "Layout" table lists every folder with its runtime\./);
    const layout = readme.slice(readme.indexOf('\n## Layout'), readme.indexOf('\n## ', readme.indexOf('\n## Layout') + 1));
    const rows = new Map(
      [...layout.matchAll(/^\| `([^`]+)`[^|]*\| ([^|]+) \|/gm)].map((match) => [match[1]!.replace(/\/$/, ''), match[2]!.trim()]),
    );
    const expected = [...folders('src').map((folder) => `src/${folder}`), 'webview-ui', 'bench'];
    assert.deepEqual(
      expected.filter((folder) => !rows.get(folder)),
      [],
    );
  });

  it('test/unit/<folder>/ holds the tests of src/<folder>/: a test folder for every source folder', () => {
    const testFolders = new Set(folders('test/unit'));
    assert.deepEqual(
      folders('src').filter((folder) => !testFolders.has(folder)),
      [],
    );
    assert.ok(existsSync(path.join(projectRoot, 'test/support')) && existsSync(path.join(projectRoot, 'test/fixtures')));
  });
});
