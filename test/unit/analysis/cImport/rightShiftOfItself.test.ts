/**
 * `x >> x` where gcc folds (an enumerator, a bit-field width, aligned(N)): gcc's folder makes it 0
 * whatever the count when both promoted operands are one value of one type, so a count negative
 * as a signed value of the left's width (0xffffffffu, -2) is no refusal there. import-c refused
 * them as a negative count (six of 2,574 shifts over the edges of C's types differed from gcc 12;
 * the others agreed). Of 64 bits gcc also wants both long or both long long, which the importer
 * does not tell apart: refused with that reason rather than guessed.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';
import { scratchFolder } from '../../../support/scratchFolder';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

/** Enumerators gcc 12 folds to these values (checked below against the compiler on PATH). */
const FOLDED: readonly (readonly [string, bigint])[] = [
  ['0x80000000u >> 0x80000000u', 0n],
  ['0xffffffffu >> 0xffffffffu', 0n],
  ['0xffffffffu >> -1u', 0n],
  ['-2 >> -2', 0n],
  ['(short)-2 >> (short)-2', 0n],
  ['(char)-2 >> -2', 0n],
  ['((-2) >> (-2)) + 1', 1n],
  ['-1 >> -1', -1n],
  ['-40 >> -40', 0n],
];
/** Shifts gcc refuses in an enumerator ("not an integer constant"): the types differ, or it is `<<`. */
const REFUSED = ['-2L >> -2', '0xfffffffeu >> -2', '-2 << -2', '0x80000000u << 0x80000000u', '1u >> 0xffffffffu'];

describe('import-c: x >> x is 0 where gcc folds it', () => {
  const dir = scratchFolder('lmm-shift-itself-');

  it('in enumerators, whatever the count', () => {
    const header = FOLDED.map(([e], k) => `enum { E${k} = ${e} };`).join('\n');
    const result = importCHeader(header, 'self.h');
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      FOLDED.map((_, k) => result.constants?.get(`E${k}`)?.value),
      FOLDED.map(([, value]) => value),
    );
  });

  it('in a bit-field width and aligned(N); refused in an array length, as by gcc', () => {
    const header = [
      'struct s { int x : (-2 >> -2) + 3; int y __attribute__((aligned((-2 >> -2) + 8))); };',
      'struct t { char a[(-2 >> -2) + 1]; };',
    ].join('\n');
    const result = importCHeader(header, 'uses.h');
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.align]),
      [['s', 16, 8]],
    );
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.message]),
      [[2, 'struct t: right shift count is negative']],
    );
  });

  it('still refuses a negative count where the operands differ, and <<', () => {
    for (const e of REFUSED) {
      const result = importCHeader(`enum { E = ${e} };`, 'refused.h');
      assert.equal(result.notes.length, 1, e);
      assert.match(result.notes[0]!.message, /shift count is negative/, e);
    }
  });

  it('of 64 bits, refuses it naming long and long long', () => {
    const result = importCHeader('enum { E = 0xffffffffffffffffUL >> 0xffffffffffffffffUL };', 'wide.h');
    assert.deepEqual(
      result.notes.map((n) => n.message),
      [
        '18446744073709551615 >> 18446744073709551615: gcc folds it to 0 if both are long or both long long, which the importer does not tell apart',
      ],
    );
  });

  it('the values and refusals are gcc’s on this machine', function () {
    const cc = compilerOrSkip(this);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      ...FOLDED.map(([e], k) => `enum { E${k} = ${e} };`),
      'struct s { int x : (-2 >> -2) + 3; int y __attribute__((aligned((-2 >> -2) + 8))); };',
      'int main(void) {',
      ...FOLDED.map((_, k) => `  printf("%lld\\n", (long long)E${k});`),
      '  printf("%zu %zu\\n", sizeof(struct s), _Alignof(struct s));',
      '  return 0;',
      '}',
    ]);
    assert.deepEqual(printed, [...FOLDED.map(([, value]) => String(value)), '16 8']);
    for (const header of [...REFUSED.map((e) => `enum { E = ${e} };`), 'struct t { char a[(-2 >> -2) + 1]; };']) {
      const file = dir.write('refused.h', header + '\n');
      const gcc = spawnSync(cc, ['-fsyntax-only', '-std=gnu11', '-w', '-x', 'c', file], { encoding: 'utf8' });
      assert.equal(gcc.status, 1, `gcc refuses ${header}`);
    }
    // The 64-bit one the importer refuses, gcc folds: the refusal is the importer's alone.
    const wide = dir.write('wide.h', 'enum { E = 0xffffffffffffffffUL >> 0xffffffffffffffffUL };\n');
    assert.equal(spawnSync(cc, ['-fsyntax-only', '-std=gnu11', '-w', '-x', 'c', wide]).status, 0);
  });
});
