// The README sends a reader to files ("tested in `test/unit/…`", "`examples/…`", "beside its
// port: `suppfree.lmmsupp`"), to npm scripts and to linked documents. Each is a promise that the
// thing is there: a test renamed or moved, a script dropped, must fail here, not in a reader's shell.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const buildScript = readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8');
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

/**
 * Spans the README writes as paths that are not the repository's files: the reader's own files in
 * examples of use, system headers and devices, folders a run makes. Kept short on purpose.
 */
const NOT_REPOSITORY_FILES = new Set([
  'demo.lmm.ts', // "saved as `demo.lmm.ts`"
  'list.lmmsupp', // the suppressions file beside a reader's list.lmm.ts
  'bits/wchar.h',
  'time.h',
  'sys/stat.h',
  'sys/epoll.h',
  'bits/epoll.h',
  'out/integration/', // made by the integration tier's build
  'test/artifacts/', // made by the UI tier
  'test/vscode-host/.cache/', // made on first use
]);

/** A code span that names a file or a folder: a path, or a file name with its extension. */
function namesAFile(span: string): boolean {
  if (!/^[\w.*/-]+$/.test(span)) return false;
  if (span.startsWith('/') || span.startsWith('../') || span.startsWith('*') || span.startsWith('.')) return false;
  return span.includes('/') || /\.(ts|json|mjs|cjs|md|h|lmmsupp|rep|trace)$/.test(span);
}

/**
 * A tracked file or folder, from the root or as the end of a tracked path (`recursionStops.test.ts`,
 * `model/`). Tracked only: a folder a test run made (out/, test/artifacts/) must not count as there.
 */
function exists(span: string): boolean {
  // A bundle the build writes (dist/ is not tracked): the build script must name it as an entry point.
  if (span.startsWith('dist/')) return buildScript.includes(`'${span.slice('dist/'.length).replace(/\.js$/, '')}'`);
  const name = span.replace(/\/$/, '');
  return tracked.some(
    (file) => file === name || file.startsWith(`${name}/`) || file.endsWith(`/${name}`) || `/${file}`.includes(`/${name}/`),
  );
}

describe('README: what it points to exists', () => {
  const spans = [...new Set([...readme.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!))].filter(namesAFile);

  it('every file and folder it names (over a hundred: tests, examples, fixtures, sources)', () => {
    assert.ok(spans.length > 100, `${spans.length} paths`);
    assert.deepEqual(
      spans.filter((span) => !NOT_REPOSITORY_FILES.has(span) && !exists(span)),
      [],
    );
  });

  it("and what it names as a reader's own file is not one of the repository's (the list stays honest)", () => {
    assert.deepEqual(
      [...NOT_REPOSITORY_FILES].filter((span) => !spans.includes(span) || exists(span)),
      [],
    );
  });

  it('every `npm run X` it gives is a script of package.json', () => {
    const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const named = [...new Set([...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!))];
    assert.ok(named.length >= 8, named.join(' '));
    assert.deepEqual(
      named.filter((name) => !(name in scripts)),
      [],
    );
  });

  it('every document and picture it links to', () => {
    const links = [...readme.matchAll(/\]\(([^)#\s]+)\)/g)].map((m) => m[1]!).filter((link) => !/^[a-z]+:/.test(link));
    assert.ok(links.length >= 10, links.join(' '));
    assert.deepEqual(
      links.filter((link) => !exists(link)),
      [],
    );
  });

  it('the check fails on a name that is not there', () => {
    assert.equal(exists('test/unit/harness/noSuchPromise.test.ts'), false);
    assert.equal(exists('noSuchPromise.test.ts'), false);
    assert.equal(exists('nothing/'), false);
    assert.equal(exists('recursionStops.test.ts'), true);
    assert.equal(exists('model/'), true);
    assert.equal(exists('dist/cli/lmm-trace.js'), true);
    assert.equal(exists('dist/cli/no-such-bundle.js'), false);
    // made by a test run, not the repository's
    assert.equal(exists('test/artifacts/'), false);
  });
});
