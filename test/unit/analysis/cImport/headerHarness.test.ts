/**
 * "LMM: New Harness" from a C header (harnessFromHeader, what the VS Code command runs) and
 * `lmm import-c` stop at an `#error` alike: no harness, and each #error named FILE:LINE:COLUMN.
 * Before, the command wrote the structs around the #error where `lmm import-c` exited 2.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessFromHeader } from '../../../../src/analysis/cImport/headerHarness';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { CliError } from '../../../../src/cli/cliIo';
import { importCCommand } from '../../../../src/cli/importCCommand';

describe('New Harness from a C header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-header-harness-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes no harness for a header that reaches an #error, and says where, as lmm import-c does', () => {
    const text = 'struct a { int x; };\n  /* why */ #  error  no  harness\nstruct b { int y; };\n';
    const path = join(dir, 'stopped.h');
    writeFileSync(path, text);
    const imported = importCHeader(text, path);
    assert.equal(imported.source, '');
    assert.deepEqual(imported.structs, []);
    const harness = harnessFromHeader(text, path, 'stopped.h');
    assert.equal(harness.kind, 'refused');
    const where = `${path}:2:16: #error no harness`;
    assert.equal(
      harness.kind === 'refused' ? harness.message : '',
      `stopped.h stops at an #error, as a C compiler would, so no harness was written: ${where}`,
    );
    // The command line says the same, from the same code.
    let stdout = '';
    assert.throws(
      () => importCCommand([path, '--no-cc'], { stdout: (s) => void (stdout += s), stderr: () => undefined }),
      (error: unknown) => error instanceof CliError && error.message === where,
    );
    assert.equal(stdout, '');
  });

  it('every #error is named, in the order reached', () => {
    const text = '#error first\nstruct a { int x; };\n#error second one\n';
    const harness = harnessFromHeader(text, '/h/two.h', 'two.h');
    assert.equal(harness.kind, 'refused');
    assert.match(
      harness.kind === 'refused' ? harness.message : '',
      /no harness was written: \/h\/two\.h:1:2: #error first; \/h\/two\.h:3:2: #error second one$/,
    );
  });

  it('a header with no struct to import names the first problem, FILE:LINE:COLUMN, not a skipped system include', () => {
    const harness = harnessFromHeader('#include <stdio.h>\nstruct s { int a : 99; };\n', '/h/wide.h', 'wide.h');
    assert.equal(harness.kind, 'refused');
    assert.match(
      harness.kind === 'refused' ? harness.message : '',
      /^no struct could be imported from wide\.h \(wide\.h:2:16: struct s: width of 'a' exceeds its type/,
    );
  });

  it("a header without #error gives the importer's harness, and counts what it could not translate exactly", () => {
    const text = 'struct a { int x; void (*f)(void); };\n';
    const harness = harnessFromHeader(text, '/h/a.h', 'a.h');
    assert.equal(harness.kind, 'written');
    assert.equal(harness.kind === 'written' ? harness.source : '', importCHeader(text, '/h/a.h').source);
    assert.equal(harness.kind === 'written' ? harness.untranslated : -1, 1, 'the function pointer');
  });
});
