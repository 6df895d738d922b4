/**
 * `lmm import-c`'s exit status, each case the README names: 0 when every struct was written, 1
 * when one was flagged, 2 when nothing could be imported (a wrong option, a header that cannot be
 * read or defines no struct, an -o file that exists without --force). Before, the README said
 * "1 otherwise", and a header without structs exits 2.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilerOrSkip } from '../../support/cCompiler';
import { lmm } from '../../support/lmmCli';

describe('lmm import-c: the exit status the README gives', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-import-status-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const header = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('0 when every struct is written, 1 when one is flagged', async () => {
    const clean = header('clean.h', 'struct point { int x; int y; };\n');
    assert.equal((await lmm('import-c', clean, '--no-cc')).status, 0);
    const flagged = header('flagged.h', 'struct handler { void (*fn)(void); int n; };\n');
    const result = await lmm('import-c', flagged, '--no-cc');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /0 struct\(s\) written, 1 flagged/);
  });

  it('1 also when every struct is written but the summary counts a message (a class renamed to a name LMM registers, a directive refused)', async () => {
    for (const [name, text] of [
      ['renamed.h', 'struct a_struct_name_longer_than_thirty_two_a { int a; };\n'],
      ['directive.h', 'struct ok { int x; };\n#bogus\n'],
    ] as const) {
      const result = await lmm('import-c', header(name, text), '--no-cc');
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /import-c: 1 struct\(s\) written, 0 flagged, 0 dropped, 1 message\(s\)\n$/);
    }
  });

  it('2 for a wrong option, a header that cannot be read or defines no struct, and an existing -o file', async () => {
    const clean = header('point.h', 'struct point { int x; int y; };\n');
    const target = join(dir, 'point.lmm.ts');
    assert.equal((await lmm('import-c', clean, '--no-cc', '-o', target)).status, 0);
    for (const args of [
      [clean, '-D', '1X'],
      [join(dir, 'missing.h')],
      [dir],
      [header('none.h', 'int f(void);\n')],
      [header('empty.h', '')],
      [clean, '-o', target],
    ]) {
      const result = await lmm('import-c', ...args, '--no-cc');
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });

  it('2 at an #error, with the compiler and --no-cc alike, each one named FILE:LINE:COLUMN as gcc does', async function () {
    // Before, --no-cc wrote the structs around it and exited 1, where the compiler's -E stopped (2).
    mkdirSync(join(dir, 'inc'), { recursive: true });
    writeFileSync(
      join(dir, 'inc', 'refuse.h'),
      'struct q { int z; };\n  #  error   deep "kept   apart" text\n/* c */ #error second\n',
    );
    const stopped = header(
      'stopped.h',
      'struct a { int x; };\n#include "inc/refuse.h"\n#error  top   level /* gone */ end\nstruct b { int y; };\n',
    );
    const expected = [
      `${join(dir, 'inc', 'refuse.h')}:2:6: #error deep "kept   apart" text`,
      `${join(dir, 'inc', 'refuse.h')}:3:10: #error second`,
      `${stopped}:3:2: #error top level end`,
    ].join('\n');
    const builtIn = await lmm('import-c', stopped, '--no-cc');
    assert.equal(builtIn.status, 2, builtIn.stderr);
    assert.equal(builtIn.stderr.trim(), expected);
    assert.equal(builtIn.stdout, '');
    compilerOrSkip(this);
    const compiled = await lmm('import-c', stopped);
    assert.equal(compiled.status, 2, compiled.stderr);
    assert.equal(compiled.stderr.trim(), expected);
  });
});
