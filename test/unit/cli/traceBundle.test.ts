/**
 * "`lmm trace` loads neither the harness compiler nor the policies nor the analyses; it runs from
 * a bundle of its own (`dist/cli/lmm-trace.js`)": what the built command line loads, not the
 * sources (cliErrors.test.ts checks those). Needs the bundle `npm run build` makes.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** The files a process running `lmm ARGS` from the bundle has loaded, with `/` between folders. */
function loadedBy(args: string[]): string[] {
  const script =
    "const { main } = require('./dist/cli/lmm.js');" +
    `Promise.resolve(main(${JSON.stringify(args)}, { stdout() {}, stderr() {}, stdoutBytes() {} })).then((status) => {` +
    '  if (status !== 0) process.exit(10 + status);' +
    "  console.log(JSON.stringify(Object.keys(require.cache).map((p) => p.replace(/\\\\/g, '/'))));" +
    '});';
  const child = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as string[];
}

describe('lmm trace: its own bundle', function () {
  this.timeout(60_000);

  it('runs from dist/cli/lmm-trace.js and loads nothing else: no esbuild, no TypeScript', () => {
    const loaded = loadedBy(['trace', 'test/fixtures/conformance/course-scenarios.trace']);
    assert.deepEqual(
      loaded.map((path) => path.replace(/^.*\/dist\//, 'dist/')),
      ['dist/cli/lmm.js', 'dist/cli/lmm-trace.js'],
    );
  });

  it('while lmm run, from the same bundle, loads the compiler (the check above can see it)', () => {
    const loaded = loadedBy(['run', 'examples/seed-testapp.lmm.ts', '--json']);
    assert.ok(!loaded.some((path) => path.endsWith('/dist/cli/lmm-trace.js')), 'run does not load the trace bundle');
    assert.ok(
      loaded.some((path) => path.includes('/node_modules/esbuild/')),
      loaded.join('\n'),
    );
  });
});
