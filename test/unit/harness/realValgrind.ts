/**
 * The real valgrind for the ported programs' re-checks: inside a `describe`, builds each C program
 * with gcc into a scratch folder and gives what `valgrind VGOPTS ./program` writes to stderr. The
 * suite is skipped, saying which is missing, on a machine without gcc or valgrind.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

export function realValgrind(prefix: string): (program: string, vgopts: readonly string[]) => string {
  let dir: string | undefined;
  before(function () {
    const found = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
    if (!found('gcc') || !found('valgrind')) {
      console.log(`    (skipped: ${found('gcc') ? 'valgrind' : 'gcc'} is not on PATH)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return (program, vgopts) => {
    const binary = join(dir!, program);
    const compiled = spawnSync('gcc', ['-O0', '-g', '-w', '-o', binary, join(ported, `${program}.c`)], { encoding: 'utf8' });
    assert.equal(compiled.status, 0, compiled.stderr);
    return spawnSync('valgrind', [...vgopts, binary], { encoding: 'utf8', maxBuffer: 1 << 24 }).stderr;
  };
}
