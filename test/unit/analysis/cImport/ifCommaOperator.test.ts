/**
 * The comma operator in `#if`, which gcc's preprocessor computes in every -std (-pedantic only
 * warns: "comma operator in operand of #if"): the right operand, in its type, after the left was
 * evaluated. import-c refused `#if (1, 2)` as "unexpected ','" and dropped what it guarded.
 * gcc refuses a comma in an enumerator or an array length (not an integer constant), and so
 * does import-c; only `#if` takes it.
 */
import { strict as assert } from 'node:assert';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

/** Each `#if` condition and whether gcc 12 takes its branch (checked below against the compiler on PATH). */
const CONDITIONS: readonly (readonly [string, boolean])[] = [
  ['(1, 0)', false],
  ['(0, 1)', true],
  ['1, 0', false],
  ['0, 1', true],
  ['(1, 2) == 2', true],
  ['(1, 2, 3) == 3', true],
  ['(1, 2) + 1 == 3', true],
  ['-(1, 2) == -2', true],
  ['(1, -1) < 0', true],
  ['(1, 2u) - 3 > 0', true],
  ['(1u, 2) - 3 > 0', false],
  ['1 == 1, 0', false],
  ['(2, 3) ? 4 : 5', true],
  ['(1 ? 2, 0 : 5) == 0', true],
  ['(1 ? 0, 2 : 5) == 2', true],
  ['(0 ? 1 / 0, 2 : 5) == 5', true],
  ['0 && (1, 2)', false],
  ['1 || (1 / 0, 2)', true],
  ['(1 || 1, 0) == 0', true],
  ['(0 && 1, 1) == 1', true],
  ['1 ? 2 : 3, 4 ? 5 : 0', true],
  ['0 ? 1 : 2, 0', false],
];

/** One struct per condition: one byte when its branch is taken, two when not. */
const HEADER = CONDITIONS.flatMap(([condition], k) => [
  `#if ${condition}`,
  `struct c${k} { char a[1]; };`,
  '#else',
  `struct c${k} { char a[2]; };`,
  '#endif',
]);

describe('import-c: the comma operator in #if, as gcc computes it', () => {
  it('gives the right operand, in its type, wherever gcc takes it', () => {
    const result = importCHeader(HEADER.join('\n'), 'comma.h');
    assert.deepEqual(result.notes, []);
    const taken = result.structs.map((s) => [s.name, s.size === 1]);
    assert.deepEqual(
      taken,
      CONDITIONS.map(([, expected], k) => [`c${k}`, expected]),
    );
  });

  it('evaluates the left operand: a division by zero there is refused, as gcc refuses it', () => {
    for (const condition of ['(1 / 0, 1)', '(0, 1 / 0)']) {
      const result = importCHeader(`#if ${condition}\nstruct s { int a; };\n#endif\n`, 'zero.h');
      assert.deepEqual(
        result.notes.map((n) => [n.line, n.message]),
        [[1, `#if ${condition}: division by zero in #if`]],
        condition,
      );
    }
  });

  it('refuses a comma with an operand missing, as gcc does', () => {
    for (const condition of ['(1,)', '(, 1)', '1,']) {
      const result = importCHeader(`#if ${condition}\nstruct s { int a; };\n#endif\n`, 'missing.h');
      assert.equal(result.notes.length, 1, condition);
      assert.equal(result.notes[0]!.line, 1, condition);
    }
  });

  it('refuses a comma in an enumerator and an array length, where gcc refuses it', () => {
    const result = importCHeader('enum { A = (1, 2) };\nstruct s { char a[(1, 2)]; };\n', 'c.h');
    assert.deepEqual(
      result.notes.map((n) => n.line),
      [1, 2],
    );
  });

  it('the branches are the ones gcc takes on this machine', function () {
    const cc = compilerOrSkip(this);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      ...HEADER,
      'int main(void) {',
      ...CONDITIONS.map((_, k) => `  printf("c${k} %d\\n", sizeof(struct c${k}) == 1);`),
      '  return 0;',
      '}',
    ]);
    assert.deepEqual(
      printed,
      CONDITIONS.map(([, expected], k) => `c${k} ${expected ? 1 : 0}`),
    );
  });
});
