/**
 * No header makes the importer throw or overflow the stack: random C-like text (fast-check, many
 * seeds) and deliberately deep nesting of every recursive construct — macro chains, `#if`
 * parentheses, unary operators, declarators, conditionals — end in messages with lines.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

const PIECES = [
  'struct', 'union', 'enum', 'typedef', 'int', 'char', 'long', 'unsigned', '__int128', 'double', 'x', 'y', 'T',
  '{', '}', '(', ')', '[', ']', ';', ',', ':', '*', '=', '-', '~', '!', '1', '0x10', 'sizeof', '"s"', "'c'",
  '__attribute__((packed))', '__attribute__((aligned(8)))', '_Alignas(4)', 'extern "C" {',
  '\n#define M(a) a x\n', '\n#define N 3\n', '\n#if N > 2\n', '\n#ifdef M\n', '\n#elif 1\n', '\n#else\n', '\n#endif\n',
  '\n#include "nowhere.h"\n', '\n#include <stdio.h>\n', '\n#pragma pack(1)\n', '/*', '*/', '//', '\\\n', '\uFEFF', '\n',
]; // prettier-ignore

describe('lmm import-c on hostile headers', function () {
  this.timeout(120_000);

  it('never throws on random C-like text (2,000 headers)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }), (pieces) => {
        const result = importCHeader(pieces.join(' '), 'fuzz.h');
        for (const note of result.notes) assert.ok(Number.isInteger(note.line) && note.line >= 1, JSON.stringify(note));
      }),
      { numRuns: 2_000, seed: 13 },
    );
  });

  const deep: [string, string, RegExp][] = [
    ['a 5,000-macro chain', Array.from({ length: 5000 }, (_, k) => `#define M${k + 1} M${k}\n`).join('') + '#define M0 1\nstruct s { int a[M5000]; };\n', /macros expand within each other deeper than 256 levels/],
    ['5,000 parentheses in #if', `#if ${'('.repeat(5000)}1${')'.repeat(5000)}\nstruct s { int a; };\n#endif\n`, /nests deeper than 256 levels/],
    ['100,000 unary operators in #if', `#if ${'!'.repeat(100_000)}1\n#endif\nstruct s { int a; };\n`, /nests deeper than 256 levels/],
    ['100,000 unary minus in an array size', `struct s { int a[${'- '.repeat(100_000)}1]; };\n`, /nests deeper than 256 levels/],
    ['5,000 declarator parentheses', `struct s { int ${'('.repeat(5000)}*p${')'.repeat(5000)}; };\n`, /nest deeper than 256 levels/],
    ['5,000 nested function-like macro calls', `#define F(x) x\nstruct s { int a[${'F('.repeat(5000)}1${')'.repeat(5000)}]; };\n`, /deeper than 256 levels/],
  ]; // prettier-ignore
  for (const [what, text, message] of deep) {
    it(`stops ${what} with a message, never a stack overflow`, () => {
      const result = importCHeader(text, 'deep.h');
      assert.ok(
        result.notes.some((n) => message.test(n.message)),
        result.notes.map((n) => `${n.line}: ${n.message}`).join('\n'),
      );
    });
  }
});
