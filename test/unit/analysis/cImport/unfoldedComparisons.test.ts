/**
 * Where gcc folds (an enumerator, a bit-field width, aligned(N)), a negative shift count or a
 * division by zero leaves no value, and gcc refuses any use of it but one: its shorten_compare
 * decides `x < 0` and `x >= 0` (and `0 > x`, `0 <= x`) when the comparison is unsigned once x is
 * taken at its narrowest type. import-c refused every one; found by comparing enumerators over
 * shifts and divisions nested in every operator and cast with gcc 12 (1,353 expressions: 15
 * differed, none now but refusals gcc does not make: `(unsigned char)(x) & 0`, a _Bool cast).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';
import { scratchFolder } from '../../../support/scratchFolder';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

/** Enumerators gcc 12 folds, with their values (checked below against the compiler on PATH). */
const DECIDED: readonly (readonly [string, bigint])[] = [
  ['(1u << -1) < 0', 0n],
  ['(1u << -1) >= 0', 1n],
  ['0 > (1u << -1)', 0n],
  ['0 <= (1u << -1)', 1n],
  ['(1u / 0) < 0', 0n],
  ['(1u % 0) >= 0', 1n],
  ['(1ul << -1) < 0', 0n],
  ['(unsigned char)(1 << -1) < 0', 0n],
  ['(long)(1u << -1) < 0', 0n],
  ['(1u << -1) < 0L', 0n],
  ['(1 << -1) < 0u', 0n],
  ['((1u << -1) + 1) < 0', 0n],
  ['-(1u << -1) < 0', 0n],
  ['((1u << -1) < 0) + 1', 1n],
  ['(1u << -1) < 0 ? 5 : 6', 6n],
  ['(1u << -1) < 0 ? 1 / 0 : 2', 2n],
];

/** Uses gcc 12 refuses ("not an integer constant"), and so does import-c. */
const REFUSED = [
  '(1u << -1) <= 0',
  '(1u << -1) == 0',
  '!(1u << -1)',
  '(1u << -1) * 0',
  '(1 << -1) < 0',
  '(1 << -1) < 0ul',
  '(unsigned long)(1 << -1) < 0',
  '(short)(1u << -1) < 0',
  '(1 / 0) < 0',
  '(unsigned char)((_Bool)(1u << -1)) >= 0',
  '(1u << -1) < 0 ? 1 : 1 / 0',
  '(1u << -1) + 1',
];

describe('import-c: an unsigned value gcc leaves unfolded compared with 0, as gcc decides it', () => {
  const dir = scratchFolder('lmm-unfolded-');

  it('in enumerators', () => {
    const header = DECIDED.map(([e], k) => `enum { E${k} = ${e} };`).join('\n');
    const result = importCHeader(header, 'decided.h');
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      DECIDED.map((_, k) => result.constants?.get(`E${k}`)?.value),
      DECIDED.map(([, value]) => value),
    );
  });

  it('in a bit-field width and aligned(N); refused in an array length, as by gcc', () => {
    const header = [
      'struct s { int x : ((1u << -1) < 0) + 3; int y __attribute__((aligned(((1u << -1) >= 0) * 8))); };',
      'struct t { char a[((1u << -1) < 0) + 1]; };',
    ].join('\n');
    const result = importCHeader(header, 'uses.h');
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.align]),
      [['s', 16, 8]],
    );
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.message]),
      [[2, 'struct t: left shift count is negative']],
    );
  });

  it('any other use refused with its reason, at the operator that left it unfolded', () => {
    for (const e of REFUSED) {
      const result = importCHeader(`enum { E = ${e} };`, 'refused.h');
      assert.equal(result.notes.length, 1, e);
      assert.match(result.notes[0]!.message, /shift count is negative|division by zero/, e);
    }
    const result = importCHeader('enum { E = ((1u << -1) + 1) * 2 == 3 };', 'column.h');
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.column, n.message]),
      [[1, 17, 'left shift count is negative']],
    );
  });

  it('the values and refusals are gcc’s on this machine', function () {
    const cc = compilerOrSkip(this);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      ...DECIDED.map(([e], k) => `enum { E${k} = ${e} };`),
      'struct s { int x : ((1u << -1) < 0) + 3; int y __attribute__((aligned(((1u << -1) >= 0) * 8))); };',
      'int main(void) {',
      ...DECIDED.map((_, k) => `  printf("%lld\\n", (long long)E${k});`),
      '  printf("%zu %zu\\n", sizeof(struct s), _Alignof(struct s));',
      '  return 0;',
      '}',
    ]);
    assert.deepEqual(printed, [...DECIDED.map(([, value]) => String(value)), '16 8']);
    for (const header of [...REFUSED.map((e) => `enum { E = ${e} };`), 'struct t { char a[((1u << -1) < 0) + 1]; };']) {
      const file = dir.write('refused.h', header + '\n');
      const gcc = spawnSync(cc, ['-fsyntax-only', '-std=gnu11', '-w', '-x', 'c', file], { encoding: 'utf8' });
      assert.equal(gcc.status, 1, `gcc refuses ${header}`);
    }
    const gcc = spawnSync(
      cc,
      ['-std=gnu11', '-x', 'c', '-fsyntax-only', dir.write('column.h', 'enum { E = ((1u << -1) + 1) * 2 == 3 };\n')],
      {
        encoding: 'utf8',
      },
    );
    assert.match(gcc.stderr, /column\.h:1:17: warning: left shift count is negative/);
  });
});
