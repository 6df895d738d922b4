/**
 * The one remainder that overflows: INT_MIN % -1 (LLONG_MIN % -1). gcc folds it to 0 ("integer
 * overflow in expression of type 'int' results in '0'"), in a struct's array length and a ?:
 * test, and its preprocessor reads LLONG_MIN % -1 as 0 in `#if`; import-c made it
 * INT_MIN (as INT_MIN / -1 is), so such a length was refused as negative and a test took the
 * wrong arm. As the other overflows, it stays refused in a comparison, where gcc refuses it too.
 */
import { strict as assert } from 'node:assert';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

const HEADER = [
  'struct plus_one { char a[((-2147483647 - 1) % -1) + 1]; };',
  'struct int_test { char a[((-2147483647 - 1) % -1) ? 1 : 2]; };',
  'struct long_long_test { char a[((-9223372036854775807LL - 1) % -1) ? 1 : 2]; };',
  '#if ((-9223372036854775807LL - 1) % -1) == 0',
  'struct in_if { char a[1]; };',
  '#else',
  'struct in_if { char a[2]; };',
  '#endif',
];
/** The sizes gcc gives (x86-64, gcc 12): checked below against the compiler on PATH too. */
const GCC_SIZES = { plus_one: 1, int_test: 2, long_long_test: 2, in_if: 1 };

describe('import-c: INT_MIN % -1 is 0, as gcc folds it', () => {
  it('in an array length, a ?: test and #if', () => {
    const result = importCHeader(HEADER.join('\n'), 'remainder.h');
    assert.deepEqual(result.notes, []);
    const sizes = Object.fromEntries(result.structs.map((s) => [s.name, s.size]));
    assert.deepEqual(sizes, GCC_SIZES);
  });

  it('compared, it is refused as the other overflows are (gcc: variably modified at file scope)', () => {
    const result = importCHeader('struct s { char a[((-2147483647 - 1) % -1) == 0 ? 1 : 2]; };', 'compared.h');
    assert.deepEqual(
      result.notes.map((n) => n.message),
      ["struct s: integer overflow in expression, then compared with '==': not an integer constant for gcc here"],
    );
  });

  it('the sizes are gcc’s on this machine', function () {
    const cc = compilerOrSkip(this);
    const names = Object.keys(GCC_SIZES);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      ...HEADER,
      'int main(void) {',
      ...names.map((name) => `  printf("${name} %zu\\n", sizeof(struct ${name}));`),
      '  return 0;',
      '}',
    ]);
    assert.deepEqual(
      printed,
      names.map((name) => `${name} ${GCC_SIZES[name as keyof typeof GCC_SIZES]}`),
    );
  });
});
