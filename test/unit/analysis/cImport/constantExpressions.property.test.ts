/**
 * Random integer constant expressions against gcc: literals of every base and suffix at the edges
 * of C's types, character constants (signed char, several characters, L, u, U), casts to every
 * integer type and typedefs of them, sizeof of types and of expressions, every unary and binary
 * operator and ?:. Each one's value, size and signedness as import-c computes it (an enum of the
 * header) must be gcc's; and, without casts and sizeof, each one's value and signedness in `#if`
 * as the built-in preprocessor computes it must be gcc's preprocessor's. An expression import-c
 * refuses (a division by zero, a shift count too large) is left out of the comparison, and the
 * refusals are tested on their own. Fixed seeds (`LMM_CONSTANT_SEEDS` explores others); one
 * compiler run per seed, all expressions in one C file.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { evaluateExpression } from '../../../../src/analysis/cImport/cExpressions';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';
import { scratchFolder } from '../../../support/scratchFolder';

const EDGES = [0n, 1n, 2n, 7n, 31n, 32n, 63n, 127n, 128n, 255n, 256n, 32767n, 32768n, 65535n, 65536n];
const WIDE_EDGES = [2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];
const SUFFIXES = ['', '', '', 'u', 'U', 'l', 'L', 'ul', 'lu', 'll', 'LL', 'ull', 'ULL'];
const CHARACTERS = [
  "'a'",
  "'\\xff'",
  "'\\377'",
  "'\\200'",
  "'\\0'",
  "'\\n'",
  "'ab'",
  "'\\xff\\xff'",
  "'\\xff\\xff\\xff\\xff'",
  "'abcd'",
  "L'a'",
  "L'\\xffffffff'",
  "u'x'",
  "u'\\xffff'",
  "U'\\xffffffff'",
  "U'a'",
];
const CAST_TYPES = [
  'char',
  'signed char',
  'unsigned char',
  'short',
  'unsigned short',
  'int',
  'unsigned',
  'long',
  'unsigned long',
  'long long',
  'unsigned long long',
  '_Bool',
  'u8_t',
  's16_t',
  'u64_t',
  'flag_t',
];
const TYPEDEFS = [
  'typedef unsigned char u8_t;',
  'typedef short s16_t;',
  'typedef unsigned long long u64_t;',
  'typedef _Bool flag_t;',
];
/**
 * Shifts are drawn with a count 0 to 70 alone: in an enum gcc folds a negative or huge count by
 * its folder's rules, not C's (`0xffffffffu >> 0xffffffff` is `x >> x`, 0; `1u >> 0xffffffff` is
 * refused, and so is any use of it but `< 0` and `>= 0`), which rightShiftOfItself.test.ts and
 * unfoldedComparisons.test.ts compare with gcc on their own.
 */
const BINARY = ['+', '-', '*', '/', '%', '<', '>', '<=', '>=', '==', '!=', '&', '^', '|', '&&', '||'];

const literal: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.constantFrom(...EDGES), fc.constantFrom(...WIDE_EDGES)),
    fc.constantFrom('dec', 'hex', 'oct'),
    fc.constantFrom(...SUFFIXES),
  )
  .map(([value, base, suffix]) => {
    const digits = base === 'dec' ? value.toString() : base === 'hex' ? `0x${value.toString(16)}` : `0${value.toString(8)}`;
    return digits + suffix;
  });

/** A random expression as tokens; `typed` adds what only C has (casts, sizeof), not `#if`. */
function expression(typed: boolean): fc.Arbitrary<string[]> {
  const { node } = fc.letrec<{ node: string[] }>((tie) => {
    const leaf = fc.oneof(
      { weight: 4, arbitrary: literal.map((t) => [t]) },
      { weight: 1, arbitrary: fc.constantFrom(...CHARACTERS).map((t) => [t]) },
    );
    const sub = tie('node');
    const choices: fc.WeightedArbitrary<string[]>[] = [
      { weight: 5, arbitrary: leaf },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('-', '~', '!', '+'), sub).map(([op, x]) => [op, '(', ...x, ')']) },
      {
        weight: 4,
        arbitrary: fc.tuple(sub, fc.constantFrom(...BINARY), sub).map(([a, op, b]) => ['(', ...a, ')', op, '(', ...b, ')']),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(sub, fc.constantFrom('<<', '>>'), fc.integer({ min: 0, max: 70 }))
          .map(([a, op, n]) => ['(', ...a, ')', op, String(n)]),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(sub, sub, sub).map(([a, b, c]) => ['(', ...a, ')', '?', '(', ...b, ')', ':', '(', ...c, ')']),
      },
    ];
    if (typed) {
      choices.push(
        {
          weight: 2,
          arbitrary: fc
            .tuple(fc.constantFrom(...CAST_TYPES), sub)
            .map(([type, x]) => ['(', ...type.split(' '), ')', '(', ...x, ')']),
        },
        { weight: 1, arbitrary: sub.map((x) => ['sizeof', '(', ...x, ')']) },
        { weight: 1, arbitrary: fc.constantFrom(...CAST_TYPES).map((type) => ['sizeof', '(', ...type.split(' '), ')']) },
      );
    }
    return { node: fc.oneof({ depthSize: 'small', maxDepth: 4 }, ...choices) };
  });
  return node;
}

/** The k of each expression whose enumerator gcc refuses as not an integer constant. */
function refusedByCompiler(cc: string, file: string): number[] {
  const result = spawnSync(cc, ['-fsyntax-only', '-std=gnu11', '-w', '-x', 'c', file], { encoding: 'utf8' });
  const refused = [...result.stderr.matchAll(/enumerator value for .[VSU](\d+). is not an integer constant/g)].map((m) =>
    Number(m[1]),
  );
  return [...new Set(refused)].sort((a, b) => a - b);
}

/** The lines of `file` gcc refuses (an error on them). */
function refusedLines(cc: string, file: string): number[] {
  const result = spawnSync(cc, ['-fsyntax-only', '-std=gnu11', '-w', '-x', 'c', file], { encoding: 'utf8' });
  const lines = [...result.stderr.matchAll(/^[^:\n]+:(\d+):\d+: error:/gm)].map((m) => Number(m[1]));
  return [...new Set(lines)].sort((a, b) => a - b);
}

/** A value as a `#if` literal of its type (a signed one as a difference, so INT64_MIN has one too). */
function asLiteral(value: bigint, unsigned: boolean): string {
  if (unsigned) return `${value}u`;
  return value < 0n ? `(-${-value - 1n} - 1)` : `${value}`;
}

describe('import-c constant expressions against gcc', function () {
  this.timeout(120_000);
  const seeds = (process.env.LMM_CONSTANT_SEEDS ?? '301,302').split(',').map(Number);
  const count = Number(process.env.LMM_CONSTANT_COUNT ?? 250);
  const dir = scratchFolder('lmm-constant-expressions-');

  for (const seed of seeds) {
    it(`${count} C expressions and ${count} #if expressions from seed ${seed}: values, sizes and signedness as gcc has them`, function () {
      const cc = compilerOrSkip(this);
      const typed = fc.sample(expression(true), { seed, numRuns: count }).map((t) => t.join(' '));
      const headerOf = (indices: readonly number[]) =>
        [
          ...TYPEDEFS,
          ...indices.flatMap((k) => [
            `enum { V${k} = (${typed[k]}) };`,
            `enum { S${k} = sizeof(${typed[k]}) };`,
            `enum { U${k} = ((${typed[k]}) * 0 - 1 > 0) };`,
          ]),
          'struct probe_end { int x; };',
          '',
        ].join('\n');
      const all = typed.map((_, k) => k);
      const header = headerOf(all);
      // The whole header at once: an expression import-c refuses is a note, and its enumerators are missing.
      const ours = importCHeader(header, 'typed.h');
      const constants = ours.constants!;
      assert.ok(constants !== undefined, JSON.stringify(ours.notes.slice(0, 3)));
      const kept = all.filter((k) => constants.has(`V${k}`) && constants.has(`S${k}`) && constants.has(`U${k}`));
      for (const { message } of ours.notes)
        assert.match(
          message,
          /division by zero|shift count|exceed range of largest integer/,
          `only a division by zero, a shift or an enumerator past 64 bits import-c refuses: ${message}`,
        );
      assert.ok(kept.length >= count * 0.7, `compared ${kept.length} of ${count}`);
      // What import-c refuses, gcc refuses ("not an integer constant"); but an enumerator past 64
      // bits gcc only warns about, and a division by zero its folder sometimes drops from an enum
      // (`(_Bool)(1 / 0 ? 2 : 3)`, both arms true: 1), where the importer refuses it still.
      const reasonOf = new Map(ours.notes.map((n) => [Math.floor((n.line - TYPEDEFS.length - 1) / 3), n.message]));
      const gccRefused = refusedByCompiler(cc, dir.write(`all${seed}.h`, header));
      assert.deepEqual(
        gccRefused.filter((k) => kept.includes(k)),
        [],
        'import-c computes no expression gcc refuses',
      );
      const onlyOurs = all.filter((k) => !kept.includes(k) && !gccRefused.includes(k));
      for (const k of onlyOurs)
        assert.match(
          reasonOf.get(k) ?? '',
          /division by zero|exceed range of largest integer/,
          `${typed[k]}: refused by import-c alone`,
        );
      const file = dir.write(`typed${seed}.h`, headerOf(kept));

      // In an array length gcc wants an integer constant expression: what it refuses there (signed
      // overflow compared, a shift count out of range, a left shift of a negative value, a
      // division by zero) import-c refuses too. gcc takes a shift past the width there or not as
      // its parser happened to fold the operands (`-(1 << 40)` it takes, `-(1 << 40 | 1)` not):
      // import-c refuses one unless a unary - + ~ holds it, and the two may differ there alone.
      const arrays = [...TYPEDEFS, ...all.map((k) => `struct A${k} { char x[(${typed[k]}) ? 1 : 2]; };`), ''].join('\n');
      const arrayNotes = importCHeader(arrays, 'arrays.h').notes.filter((n) => !/no harness class/.test(n.message));
      const oursInArrays = [...new Set(arrayNotes.map((n) => n.line - TYPEDEFS.length - 1))];
      const gccInArrays = refusedLines(cc, dir.write(`arrays${seed}.h`, arrays)).map((line) => line - TYPEDEFS.length - 1);
      const arraysDiffer = all
        .filter((k) => oursInArrays.includes(k) !== gccInArrays.includes(k))
        .map((k) => `${typed[k]} (${gccInArrays.includes(k) ? 'gcc' : 'import-c'} refuses)`);
      assert.deepEqual(
        arraysDiffer.filter((e) => !/(<<|>>) (3[2-9]|[4-7][0-9])\b/.test(e)),
        [],
        'the array lengths gcc refuses are the ones import-c refuses, but for a shift past the width',
      );
      assert.ok(arraysDiffer.length <= count / 100, `${arraysDiffer.length} differ: ${arraysDiffer.join('\n')}`);
      assert.ok(gccInArrays.length > 0 && gccInArrays.length < count / 2, `${gccInArrays.length} refused in arrays`);

      const untyped = fc.sample(expression(false), { seed: seed + 1000, numRuns: count });
      const ifLines: string[] = [];
      const ifExpected: string[] = [];
      for (const [k, tokens] of untyped.entries()) {
        let value;
        try {
          value = evaluateExpression(tokens);
        } catch {
          continue; // a division by zero: gcc's preprocessor refuses it too
        }
        const e = tokens.join(' ');
        const literalOf = asLiteral(value.value, value.type.unsigned);
        ifLines.push(
          `#if (${e}) == ${literalOf}`,
          `int if_value${k} = 1;`,
          '#else',
          `int if_value${k} = 0;`,
          '#endif',
          `#if (${e}) - (${e}) - 1 > 0`,
          `int if_unsigned${k} = 1;`,
          '#else',
          `int if_unsigned${k} = 0;`,
          '#endif',
        );
        ifExpected.push(`if ${k} 1 ${value.type.unsigned ? 1 : 0}`);
      }
      assert.ok(ifExpected.length >= count * 0.9, `compared ${ifExpected.length} #if expressions of ${count}`);

      const printed = compileAndRun(cc, [
        '#include <stdio.h>',
        `#include "${file}"`,
        ...ifLines,
        'int main(void) {',
        ...kept.map((k) => `printf("${k} %lld %d %d\\n", (long long)V${k}, (int)S${k}, (int)U${k});`),
        ...ifExpected.map((line) => {
          const k = line.split(' ')[1];
          return `printf("if ${k} %d %d\\n", if_value${k}, if_unsigned${k});`;
        }),
        'return 0; }',
      ]);
      const expected = kept.map((k) => {
        const at = (name: string) => constants.get(`${name}${k}`)!.value;
        return `${k} ${BigInt.asIntN(64, at('V'))} ${at('S')} ${at('U')}`;
      });
      const lines = [...expected, ...ifExpected];
      const differing = lines
        .map((line, i) => [line, printed[i]] as const)
        .filter(([ours, gcc]) => ours !== gcc)
        .map(([ours, gcc]) => {
          const k = Number(ours.replace(/^if /, '').split(' ')[0]);
          const source = ours.startsWith('if ') ? untyped[k]!.join(' ') : typed[k]!;
          return `${source}\n  import-c: ${ours}\n  gcc:      ${gcc}`;
        });
      assert.deepEqual(differing.slice(0, 5), [], `${differing.length} of ${lines.length} differ`);
      assert.equal(printed.length, lines.length);
    });
  }
});
