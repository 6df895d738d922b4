import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * On a machine without gcc or valgrind the re-check of the ported programs under valgrind is
 * skipped, saying why, and fails nothing: run here with a PATH that has neither, then (when this
 * machine has gcc) one that has gcc only.
 */
describe('the valgrind re-check of the ported programs on a machine without gcc or valgrind', function () {
  this.timeout(120_000);
  let bin: string;
  before(() => {
    bin = mkdtempSync(join(tmpdir(), 'lmm-no-valgrind-'));
    symlinkSync(process.execPath, join(bin, 'node'));
  });
  after(() => rmSync(bin, { recursive: true, force: true }));

  const root = join(__dirname, '..', '..', '..');
  const runWithPath = (path: string) =>
    spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
        '--no-config',
        '--require',
        'tsx/cjs',
        '--extension',
        'ts',
        'test/unit/harness/portedProgramsUnderMemcheck.test.ts',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, PATH: path } },
    );
  const skippedSaying = (run: ReturnType<typeof runWithPath>, reason: RegExp) => {
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, reason);
    assert.match(run.stdout, /0 passing/);
    assert.match(run.stdout, /\d+ pending/);
    assert.doesNotMatch(run.stdout, /failing/);
  };

  it('without gcc: skipped with the reason printed, and passes', () => {
    skippedSaying(runWithPath(bin), /\(skipped: gcc is not on PATH\)/);
  });

  it('with gcc but no valgrind: skipped with that reason, and passes', function () {
    const gcc = spawnSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' }).stdout.trim();
    if (gcc === '') this.skip();
    const withGcc = mkdtempSync(join(tmpdir(), 'lmm-gcc-only-'));
    try {
      symlinkSync(process.execPath, join(withGcc, 'node'));
      symlinkSync(gcc, join(withGcc, 'gcc'));
      skippedSaying(runWithPath(withGcc), /\(skipped: valgrind is not on PATH\)/);
    } finally {
      rmSync(withGcc, { recursive: true, force: true });
    }
  });
});
