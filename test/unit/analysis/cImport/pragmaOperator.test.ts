/**
 * `_Pragma("…")` (C11 6.10.9) is the `#pragma …` it names, as gcc -E writes it: a header that
 * packs its structs through a macro (`#define PACKED(x) _Pragma(#x)`) is laid out as gcc lays it
 * out. The built-in preprocessor left `_Pragma ( "pack(1)" )` in the text, the struct after it was
 * read as part of a declaration named _Pragma and dropped, with no message at all.
 */
import { strict as assert } from 'node:assert';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';

const HEADER = [
  '#define PRAGMA(x) _Pragma(#x)',
  'struct before { char c; int i; };',
  '_Pragma("pack(1)")',
  'struct one { char c; int i; };',
  'PRAGMA(pack(push, 2))',
  'struct two { char c; int i; };',
  'PRAGMA(pack(pop))',
  'struct back_to_one { char c; int i; };',
  '_Pragma("pack()") struct same_line { char c; long l; };',
  'struct after { char c; double d; };',
];
const NAMES = ['before', 'one', 'two', 'back_to_one', 'same_line', 'after'];

describe('import-c: _Pragma, as the #pragma it names', () => {
  it('lays out the structs around it as gcc does', function () {
    const cc = compilerOrSkip(this);
    const gcc = compileAndRun(cc, [
      ...HEADER,
      '#include <stdio.h>',
      'int main(void) {',
      ...NAMES.map((name) => `printf("%s %zu\\n", "${name}", sizeof(struct ${name}));`),
      'return 0; }',
    ]);
    const result = importCHeader(HEADER.join('\n'), 'pragmas.h');
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      result.structs.map((s) => `${s.name} ${s.size}`),
      gcc,
    );
  });

  it('packs the struct after _Pragma("pack(1)") (without a compiler too), and keeps the lines after it where they are', () => {
    const result = importCHeader('_Pragma("pack(1)")\nstruct s { char c; int i; };\nstruct t { int bad[-1]; };\n', 'p.h');
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size]),
      [['s', 5]],
    );
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.message]),
      [[3, 'struct t: array length -1 is negative']],
    );
  });
});
