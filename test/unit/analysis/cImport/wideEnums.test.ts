/**
 * Enumerators as gcc computes them: exact past 2^53 (perf_event.h's `1ULL << 63`), in C's integer
 * types, so that `~0ULL` is 2^64 - 1 (it was -1, and `enum { L = ~0UL }` a signed 4-byte enum where
 * gcc has an unsigned 8-byte one), `-1 < 0U` is 0, and an enumerator of an unsigned long keeps that
 * type for the next. Their values are written into the harness as gcc has them, as bigints past 2^53.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';

const HEADER = resolve(__dirname, '../../../fixtures/c-headers/wide-enums.h');
const TEXT = readFileSync(HEADER, 'utf8');
const TAGS = [...TEXT.matchAll(/enum (\w+) \{([^}]*)\}/g)].map((m) => ({
  tag: m[1]!,
  names: m[2]!.split(',').map((e) => /^\s*(\w+)/.exec(e)![1]!),
}));

/** What gcc printed for each enum: its size, then each enumerator's value in the enum's type. */
const GCC: Record<string, string> = {
  big: '8 9223372036854775808 18446744073709551615 9007199254740993 9007199254740994',
  neg: '8 -9223372036854775808 1',
  uns: '8 -1 2147483648',
  small: '4 -1 2147483647',
  u32: '4 4294967295 2147483647',
  ul: '8 18446744073709551615',
  cmp: '4 0 0 1 -1 1073741822',
  shift: '8 -2147483648 1099511627776 -1 268435455',
  perf: '8 1099511627776 1152921504606846976 1152922604118474752 17293821469591076863',
  implicit: '8 18446744073709551614 18446744073709551615',
  dec: '8 9223372036854775807 -9223372036854775807',
};

/** The member of struct s of each enum. */
const FIELDS: Record<string, string> = {
  big: 'b',
  neg: 'n',
  uns: 'u',
  small: 'sm',
  u32: 'w',
  ul: 'l',
  cmp: 'c',
  shift: 'sh',
  perf: 'p',
  implicit: 'i',
  dec: 'd',
};

/** gcc's values with each value once, as the harness's cenum lists them. */
const once = (line: string) => [...new Set(line.split(' '))].join(' ');

/** The importer's view: each enum member's size, then its values as the harness gets them. */
function imported(): Record<string, string> {
  const result = importCHeader(TEXT, 'wide-enums.h');
  assert.deepEqual(result.notes, []);
  const struct = result.structs[0]!;
  const out: Record<string, string> = {};
  for (const { tag } of TAGS) {
    const field = struct.fields.find((f) => f.name === FIELDS[tag]);
    assert.ok(field, tag);
    const decorator = /@cenum\(\{([^}]*)\}\)/.exec(result.source.split('\n').find((l) => l.includes(` ${field.name}!:`))!)!;
    const values = [...decorator[1]!.matchAll(/: (-?\d+)n?/g)].map((m) => m[1]);
    out[tag] = [field.size, ...values].join(' ');
  }
  return out;
}

describe('import-c: enumerators past 2^53 and in unsigned types, as gcc has them', () => {
  it('writes each enum with the size and the values gcc gives (built-in preprocessor)', () => {
    assert.deepEqual(imported(), Object.fromEntries(Object.entries(GCC).map(([tag, line]) => [tag, once(line)])));
  });

  it('the values above are what gcc prints for this header', function () {
    const cc = compilerOrSkip(this);
    const lines = TAGS.map(({ tag, names }) => {
      // In the enum's own type: an unsigned enum's values print unsigned, a signed one's signed.
      const each = names.map(
        (n) => `((enum ${tag})-1 < 0 ? printf(" %lld", (long long)${n}) : printf(" %llu", (unsigned long long)${n}));`,
      );
      return `printf("${tag} %zu", sizeof(enum ${tag})); ${each.join(' ')} printf("\\n");`;
    });
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      `#include ${JSON.stringify(HEADER)}`,
      'int main(void) {',
      ...lines,
      'return 0; }',
    ]);
    const byTag = Object.fromEntries(printed.map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
    assert.deepEqual(byTag, GCC);
  });

  it('the harness reads an enum with a value past 2^53 as a bigint, the others as numbers', () => {
    const harness = importCHeader(TEXT, 'wide-enums.h').source;
    assert.match(harness, /@cenum\(\{ V0: 9223372036854775808n, V1: 18446744073709551615n, [^}]*\}\) b!: bigint;/);
    assert.match(harness, /@cenum\(\{ V0: 4294967295, V1: 2147483647 \}\) w!: number;/);
  });

  it('an enumerator past 2^64 is refused as gcc refuses it; one past 2^53 in an array size is said to be', () => {
    const over = importCHeader('enum e { A = 0xffffffffffffffff, B };\nstruct s { enum e x; };\n', 'h.h');
    assert.match(over.notes.map((n) => `${n.line}: ${n.message}`).join('\n'), /^1: enumerator B: overflow in enumeration values/);
    // After INT_MAX the next implicit value overflows int, which gcc refuses too (before, 2^31 as a long).
    const intMax = importCHeader('enum e { A = 2147483647, B };\nstruct s { enum e x; };\n', 'h.h');
    assert.match(
      intMax.notes.map((n) => `${n.line}: ${n.message}`).join('\n'),
      /^1: enumerator B: overflow in enumeration values/,
    );
    const past64 = importCHeader('enum e { A = 9223372036854775808 * 4 };\nstruct s { enum e x; };\n', 'h.h');
    assert.match(
      past64.notes.map((n) => n.message).join('\n'),
      /enumerator A: enumeration values exceed range of largest integer/,
    );
    const size = importCHeader('enum e { A = 1ULL << 60 };\nstruct s { char x[A]; };\n', 'h.h');
    assert.match(size.notes.map((n) => n.message).join('\n'), /the value 1152921504606846976 is 2\^53 or more/);
  });

  it('a packed enum of 200,000 enumerators is measured without a stack overflow', () => {
    const names = Array.from({ length: 200_000 }, (_, i) => `E${i}`).join(', ');
    const result = importCHeader(`enum __attribute__((packed)) e { ${names} };\nstruct s { enum e x; };\n`, 'h.h');
    assert.equal(result.structs[0]!.size, 4);
  });
});
