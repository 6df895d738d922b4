// A fresh clone, alone in an empty folder, has everything its tests, docs and code refer to:
// nothing points at files outside the repository, and every relative link in the project's
// Markdown leads to a file that exists.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
/** Build output, dependencies and caches: not the project's own files. */
const SKIPPED = new Set(['node_modules', 'dist', 'out', '.git', '.cache', 'artifacts', '.vscode-test']);
const TEXT = /\.(ts|mts|cts|js|mjs|cjs|json|md|css|html|yml|yaml|sh)$|^run$/;

function projectFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED.has(name)) return [];
    const full = path.join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) return projectFiles(full);
    return TEXT.test(name) && stat.size < 2_000_000 ? [full] : [];
  });
}

describe('the repository is self-contained', () => {
  const files = projectFiles(root);

  it('finds the project files it checks', () => {
    for (const expected of ['README.md', 'package.json', 'src/engine/lmmHeap.ts', 'test/integration/suite/policyLab.ts']) {
      assert.ok(files.includes(path.join(root, expected)), expected);
    }
  });

  it('no file refers to the shared folder beside the project', () => {
    // Spelled in pieces so this file does not match itself.
    const outside = new RegExp(['\\.\\./', 'shared/', '|', '\\bshared/', '(spec|notes|workloads|conformance)/'].join(''));
    const offenders = files
      .filter((file) => !file.endsWith('package-lock.json'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, index) => (outside.test(line) ? [`${path.relative(root, file)}:${index + 1}: ${line.trim()}`] : [])),
      );
    assert.deepEqual(offenders, []);
  });

  it('every relative link in the Markdown documents leads to an existing file', () => {
    const documents = files.filter((file) => file.endsWith('.md') && !file.includes(`${path.sep}test${path.sep}fixtures`));
    assert.ok(documents.some((file) => file.endsWith('ARCHITECTURE.md')) || documents.length > 2, 'documents found');
    const broken: string[] = [];
    for (const document of documents) {
      const text = readFileSync(document, 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!.split('#')[0]!;
        if (!target || /^[a-z]+:/i.test(target)) continue;
        if (!existsSync(path.resolve(path.dirname(document), target))) broken.push(`${path.relative(root, document)}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
