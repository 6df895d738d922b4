/**
 * A struct defined inside a declaration the importer skips (it starts with no type the importer
 * knows: a macro the built-in preprocessor did not expand, `UNKNOWN(1) struct s {…};`) is said, as
 * gcc refuses the header; it was dropped without a message. Declarations gcc takes that define a
 * struct where the importer has no use for it (a parameter, an initializer) say nothing.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compilerOrSkip } from '../../../support/cCompiler';

const SKIPPED = [
  [
    'UNKNOWN(1)\nstruct s { int a; };\n',
    2,
    "struct s: skipped with the declaration it is in, which starts 'UNKNOWN ( 1 )' (not a type the importer knows)",
  ],
  [
    'BEGIN_DECLS(x) union { int a; } u;\n',
    1,
    "an anonymous union: skipped with the declaration it is in, which starts 'BEGIN_DECLS ( x )' (not a type the importer knows)",
  ],
] as const;

const TAKEN = [
  'int f(struct p { int a; } *x);\nstruct ok { int a; };\n',
  'int n = sizeof(struct { int a; char b; });\nstruct ok { int a; };\n',
  'static const struct k { int a; } table[] = { { 1 } };\nstruct ok { int a; };\n',
];

function gccTakes(cc: string, header: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-skipped-'));
  try {
    writeFileSync(join(dir, 'h.c'), header);
    execFileSync(cc, ['-std=gnu11', '-fsyntax-only', join(dir, 'h.c')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('import-c: a struct defined in a declaration it skips', () => {
  it('is named in a message at its line (gcc refuses such a header)', function () {
    const cc = compilerOrSkip(this);
    for (const [header, line, message] of SKIPPED) {
      assert.equal(gccTakes(cc, header), false, header);
      const result = importCHeader(header, 'h.h');
      assert.deepEqual(result.structs, []);
      assert.deepEqual(
        result.notes.map((n) => [n.line, n.message]),
        [[line, message]],
      );
    }
  });

  it('says nothing of one defined where gcc takes it and the importer needs none (a parameter, an initializer)', function () {
    const cc = compilerOrSkip(this);
    for (const header of TAKEN) {
      assert.equal(gccTakes(cc, header), true, header);
      const result = importCHeader(header, 'h.h');
      assert.deepEqual(result.notes, [], header);
      assert.ok(
        result.structs.some((s) => s.name === 'ok'),
        header,
      );
    }
  });
});
