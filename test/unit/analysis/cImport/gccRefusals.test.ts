/**
 * What gcc refuses in a struct, the importer refuses too (with the built-in preprocessor, no
 * compiler checks it afterwards): a flexible array member where C allows none, an alignment
 * that is not a power of two or is past gcc's maximum, a shift by 64 or more; and a constant or
 * a size past 2^53, where the importer's arithmetic would no longer be exact. Before, each of
 * these was written as a class with some layout. And constant arithmetic is exact: `|` on a
 * value past 32 bits kept 32 bits (`(1L << 35) | 1` was 1, so an enum that gcc makes 8 bytes
 * was 4).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compileAndRun, compilerOrSkip } from '../../../support/cCompiler';

const REFUSED: [header: string, ours: RegExp][] = [
  ['struct s { char a[]; int b; };', /^struct s: flexible array member 'a' not at the end of the struct$/],
  ['struct s { char a[]; };', /^struct s: flexible array member 'a' in a struct with no named members$/],
  ['struct s { int : 3; char a[]; };', /^struct s: flexible array member 'a' in a struct with no named members$/],
  ['union u { int x; char a[]; };', /^union u: flexible array member 'a' in a union$/],
  [
    'struct s { int a __attribute__((aligned(1 << 29))); };',
    /^struct s: aligned\(536870912\): the alignment exceeds gcc's maximum, 268435456$/,
  ],
  ['struct __attribute__((aligned(1 << 29))) s { int a; };', /^aligned\(536870912\): the alignment exceeds gcc's maximum/],
  ['struct s { _Alignas(3) int a; };', /^struct s: _Alignas\(3\): the alignment must be a power of two$/],
  [
    'struct s { int a __attribute__((aligned(12884901888))); };',
    /^struct s: aligned\(12884901888\): the alignment must be a power of two$/,
  ],
  ['struct s { char a[1 << 200]; };', /^struct s: left shift count 200 >= width of type \(32 bits\)$/],
  ['struct s { char a[1 << 32]; };', /^struct s: left shift count 32 >= width of type \(32 bits\)$/],
  ['struct s { char a[1L >> 64]; };', /^struct s: right shift count 64 >= width of type \(64 bits\)$/],
  ['struct s { char a[1 << -1]; };', /^struct s: left shift count is negative$/],
  // A member name twice, also through anonymous structs and unions (was written, one hiding the other).
  ['struct s { int a; char a; };', /^struct s: duplicate member 'a'$/],
  ['struct s { int d; struct { char c; int d; }; };', /^struct s: duplicate member 'd'$/],
  ['struct s { union { int x; }; union { struct { char x; }; }; };', /^struct s: duplicate member 'x'$/],
  // gcc's vectors: what it refuses, said in its words.
  [
    'typedef float v3 __attribute__((vector_size(12)));\nstruct s { v3 a; };',
    /^number of vector components 3 not a power of two$/,
  ],
  [
    'struct s { float a __attribute__((vector_size(2))); };',
    /^struct s: vector size not an integral multiple of component size$/,
  ],
  ['struct s { float a __attribute__((vector_size(0))); };', /^struct s: zero vector size$/],
  [
    'struct s { float a __attribute__((vector_size(-16))); };',
    /^struct s: 'vector_size' attribute argument value '-16' is negative$/,
  ],
  [
    'struct s { _Bool a __attribute__((vector_size(16))); };',
    /^struct s: invalid vector type for attribute 'vector_size' \(_Bool\)$/,
  ],
  [
    'struct s { _Complex float a __attribute__((vector_size(16))); };',
    /^struct s: invalid vector type for attribute 'vector_size' \(_Complex float\)$/,
  ],
  [
    'typedef float v4 __attribute__((vector_size(16)));\nstruct s { v4 a __attribute__((vector_size(32))); };',
    /^struct s: invalid vector type for attribute 'vector_size' \(a vector of vectors\)$/,
  ],
  [
    'typedef float v __attribute__((vector_size(16), vector_size(32)));\nstruct s { v a; };',
    /^invalid vector type for attribute 'vector_size' \(a vector of vectors\)$/,
  ],
  [
    'struct __attribute__((vector_size(16))) s { int a; };',
    /^invalid vector type for attribute 'vector_size' \(on the struct itself\)$/,
  ],
  [
    'struct s { int a; } __attribute__((vector_size(16)));',
    /^struct s: invalid vector type for attribute 'vector_size' \(on the struct itself\)$/,
  ],
  [
    'struct s { enum e { A } __attribute__((vector_size(16))) a; };',
    /^struct s: invalid vector type for attribute 'vector_size' \(on the enum itself\)$/,
  ],
];

/** gcc takes these; the importer computes them exactly, and refuses a size of 2^53 or more, either sign. */
const INEXACT: [header: string, ours: RegExp][] = [
  // Cut to 64 bits, as gcc cuts it (with a warning).
  ['struct s { char a[99999999999999999999]; };', /^struct s: the value 7766279631452241919 is 2\^53 or more/],
  ['struct s { char a[1ULL << 62]; };', /^struct s: the value 4611686018427387904 is 2\^53 or more/],
  ['struct s { int a[3][1000000000000001]; };', /^struct s\.a: 12000000000000012 bytes, 2\^53 or more/],
  ['struct s { char a[1L << 53]; };', /^struct s: the value 9007199254740992 is 2\^53 or more/],
  ['struct s { char a[-(1L << 52) - (1L << 52)]; };', /^struct s: the value -9007199254740992 is 2\^53 or more/],
];

describe('import-c refuses what gcc refuses in a struct', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-gcc-refusals-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [header, ours] of [...REFUSED, ...INEXACT]) {
    it(`${header}: no class, and why`, () => {
      const result = importCHeader(`${header}\n`, 'h.h');
      assert.ok(
        result.notes.some((n) => ours.test(n.message)),
        JSON.stringify(result.notes.map((n) => n.message)),
      );
      assert.ok(!result.structs.some((s) => s.status === 'written'), result.source);
    });
  }

  it('gcc on this machine refuses each of them too', function () {
    const cc = compilerOrSkip(this);
    for (const [k, [header]] of REFUSED.entries()) {
      const file = join(dir, `refused${k}.h`);
      writeFileSync(file, `${header}\n`);
      assert.throws(
        () => execFileSync(cc, ['-fsyntax-only', '-std=gnu11', '-x', 'c', file], { stdio: 'pipe' }),
        /error:/,
        `${cc} accepted ${header}`,
      );
    }
  });

  it('what gcc accepts still imports: a last flexible array, _Alignas(0), aligned up to 2^28', () => {
    const result = importCHeader(
      'struct f { int n; char a[]; };\nstruct z { _Alignas(0) int a; };\nstruct m { int a __attribute__((aligned(1 << 28))); };\n',
      'h.h',
    );
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.status]),
      [
        ['f', 4, 'written'],
        ['z', 4, 'written'],
        ['m', 2 ** 28, 'written'],
      ],
    );
  });

  it("a flexible array after an anonymous union is taken, as gcc takes it (bpf.h's bpf_lpm_trie_key_u8 was refused)", function () {
    const header = 'struct key { union { unsigned hdr; unsigned prefixlen; }; unsigned char data[]; };\n';
    const result = importCHeader(header, 'h.h');
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.align, s.status, s.fields.map((f) => f.offset)]),
      [
        ['key_anon0', 4, 4, 'written', [0, 0]],
        ['key', 4, 4, 'written', [0, 4]],
      ],
    );
    const cc = compilerOrSkip(this);
    const file = join(dir, 'key.h');
    writeFileSync(file, header);
    assert.deepEqual(
      compileAndRun(cc, [
        '#include <stdio.h>',
        '#include <stddef.h>',
        `#include "${file}"`,
        'int main(void) { printf("%zu %zu\\n", sizeof(struct key), offsetof(struct key, data)); return 0; }',
      ]),
      ['4 4'],
    );
  });

  it("__alignof__ of a 32-byte vector is gcc's 32; its _Alignof (16 there) and _Alignas are refused, not guessed", function () {
    const header = [
      'typedef int v8si __attribute__((vector_size(32)));',
      'struct gnu { char a[__alignof__(v8si)]; char b[__alignof__(struct { char c; v8si v; })]; };',
      'struct c11 { char a[_Alignof(v8si)]; };',
      'struct alignas_type { char c; _Alignas(v8si) char d; };',
      '',
    ].join('\n');
    const result = importCHeader(header, 'h.h');
    assert.deepEqual(
      result.notes.map((n) => `${n.line}: ${n.message}`),
      [
        "3: struct c11: _Alignof(v8si): gcc's _Alignof of a type holding a vector of more than 16 bytes is not followed (its __alignof__ is)",
        "4: struct alignas_type: _Alignof(v8si): gcc's _Alignof of a type holding a vector of more than 16 bytes is not followed (its __alignof__ is)",
      ],
    );
    const gnu = result.structs.find((s) => s.name === 'gnu')!;
    assert.deepEqual(
      gnu.fields.map((f) => f.size),
      [32, 32],
    );
    const cc = compilerOrSkip(this);
    const file = join(dir, 'alignof.h');
    writeFileSync(file, header);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      `#include "${file}"`,
      'int main(void) { printf("%zu %zu\\n", sizeof(struct gnu), sizeof(struct c11)); return 0; }',
    ]);
    assert.deepEqual(printed, ['64 16']);
  });

  it('comparisons, logical operators, ! and ?: in constants (were "unexpected \'?\'"): the sizes gcc gives', function () {
    const header = [
      '#define BUF (sizeof(long) == 8 ? 16 : 8)',
      '#define MAX(a, b) ((a) > (b) ? (a) : (b))',
      'enum { SMALL = 3, BIG = 40, FLAG = !0, NFLAG = !5 };',
      'struct s {',
      '  char a[BUF];',
      '  char b[MAX(SMALL, 5)];',
      '  char c[(BIG >= 40 && SMALL < 4) || 0 ? 3 : 1];',
      '  char d[1 ? 2 ? 5 : 6 : 7];',
      '  char e[0 ? 1 : 0 ? 2 : 9];',
      '  char f[FLAG + NFLAG + (3 != 3) + (2 <= 2)];',
      '  int g : (BIG > 32 ? 7 : 3);',
      '};',
      '',
    ].join('\n');
    const result = importCHeader(header, 'h.h');
    assert.deepEqual(result.notes, []);
    const s = result.structs[0]!;
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.size]),
      [
        ['a', 16],
        ['b', 5],
        ['c', 3],
        ['d', 5],
        ['e', 9],
        ['f', 2],
        ['g', 4],
      ],
    );
    const cc = compilerOrSkip(this);
    const file = join(dir, 'operators.h');
    writeFileSync(file, header);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      '#include <stddef.h>',
      `#include "${file}"`,
      'int main(void) { printf("%zu %zu %zu %zu %zu %zu\\n", sizeof(struct s), sizeof(((struct s *)0)->a), sizeof(((struct s *)0)->c), sizeof(((struct s *)0)->d), sizeof(((struct s *)0)->e), sizeof(((struct s *)0)->f)); return 0; }',
    ]);
    assert.deepEqual(printed, [`${s.size} 16 3 5 9 2`]);
  });

  it('an operand C does not evaluate (0 && …, 1 || …, the arm ?: does not take) is not computed, in #if too: the sizes gcc gives', function () {
    // Before, both sides were computed and each of these was refused ("division by zero").
    const header = [
      '#if 0 && 1 / 0',
      '#error not taken',
      '#elif 1 || 1 / 0',
      '#define TAKEN 1',
      '#endif',
      '#if (0 ? 1 / 0 : 2) == 2 && (1 ? 3 : 1 % 0) == 3 && TAKEN',
      'struct s {',
      '  char a[1 + (0 && 1 / 0)];',
      '  char b[1 || 1 / 0];',
      '  char c[0 ? 1 / 0 : 2];',
      '  char d[1 ? 3 : 1 << 200];',
      '  char e[(0 && (1ULL << 62)) + 4];',
      '  char f[(0 && (unsigned char)300) + 5];',
      '  char g[1 || (0 && 1 / 0) || 1 / 0];',
      '  int h : (1 ? 6 : 1 / 0);',
      '};',
      '#endif',
      '',
    ].join('\n');
    const result = importCHeader(header, 'h.h');
    assert.deepEqual(result.notes, []);
    const s = result.structs[0]!;
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.size]),
      [
        ['a', 1],
        ['b', 1],
        ['c', 2],
        ['d', 3],
        ['e', 4],
        ['f', 5],
        ['g', 1],
        ['h', 4],
      ],
    );
    // An operand C does evaluate is still computed, and refused when it cannot be.
    for (const [expression, why] of [
      ['1 && 1 / 0', /division by zero/],
      ['0 || 1 / 0', /division by zero/],
      ['1 ? 1 / 0 : 2', /division by zero/],
      ['0 ? 2 : 1 << 200', /shift count 200/],
      ['0 && UNKNOWN', /unknown constant 'UNKNOWN'/],
    ] as const) {
      const notes = importCHeader(`struct r { char a[${expression}]; };\n`, 'h.h').notes.map((n) => n.message);
      assert.ok(
        notes.some((m) => why.test(m)),
        `${expression}: ${JSON.stringify(notes)}`,
      );
    }
    const cc = compilerOrSkip(this);
    const file = join(dir, 'unevaluated.h');
    writeFileSync(file, header);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      `#include "${file}"`,
      'int main(void) { struct s *p = 0; printf("%zu %zu %zu %zu %zu %zu %zu %zu\\n", sizeof *p, sizeof p->a, sizeof p->b, sizeof p->c, sizeof p->d, sizeof p->e, sizeof p->f, sizeof p->g); return 0; }',
    ]);
    assert.deepEqual(printed, [`${s.size} 1 1 2 3 4 5 1`]);
  });

  it('sizeof or _Alignof of a type with no layout: the messages are at the line of the expression (one was at line 0)', () => {
    const result = importCHeader(
      'struct s {\n  int x;\n  char c[sizeof(int (void))];\n};\nstruct u { char d[_Alignof(struct nowhere)]; };\n',
      'h.h',
    );
    assert.deepEqual(
      result.notes.map((n) => `${n.line}: ${n.message}`),
      [
        '3: sizeof: a member cannot be a function (a pointer to one can)',
        '3: struct s: sizeof(int ( void )): the size of this type is unknown here',
        '5: struct nowhere is declared but not defined here: its layout is unknown',
        '5: struct u: _Alignof(struct nowhere): the alignment of this type is unknown here',
      ],
    );
  });

  it("offsetof of a member gcc has no offset for is refused with gcc's reason, at its line", function () {
    const header = [
      'struct src { char a; int arr[4]; unsigned bf : 3; };',
      'struct bad1 { char x[__builtin_offsetof(struct src, nope)]; };',
      'struct bad2 { char x[__builtin_offsetof(struct src, bf)]; };',
      'struct bad3 { char x[__builtin_offsetof(struct src, a.b)]; };',
      'struct bad4 { char x[__builtin_offsetof(struct src, a[1])]; };',
      '',
    ].join('\n');
    assert.deepEqual(
      importCHeader(header, 'h.h').notes.map((n) => `${n.line}: ${n.message}`),
      [
        "2: struct bad1: offsetof(struct src , nope): no member named 'nope'",
        "3: struct bad2: offsetof(struct src , bf): 'bf' is a bit-field, which has no offset",
        "4: struct bad3: offsetof(struct src , a . b): 'b' is not in a struct or union",
        '5: struct bad4: offsetof(struct src , a [ 1 ]): an index of something that is not an array',
      ],
    );
    const cc = compilerOrSkip(this);
    for (const [k, line] of header.split('\n').slice(1, 5).entries()) {
      const file = join(dir, `offsetof${k}.h`);
      writeFileSync(file, `${header.split('\n')[0]}\n${line}\n`);
      assert.throws(() => execFileSync(cc, ['-fsyntax-only', '-std=gnu11', '-x', 'c', file], { stdio: 'pipe' }), /error:/, line);
    }
  });

  it('10,000 nested ?: is a message, not a stack overflow', () => {
    const result = importCHeader(`struct s { char a[${'1 ? '.repeat(10_000)}1${' : 1'.repeat(10_000)}]; };\n`, 'h.h');
    assert.match(result.notes[0]!.message, /^struct s: the expression nests deeper than 256 levels$/);
  });

  it('2^53 - 1, the largest size, is computed with, and values past 2^53 are exact on the way (before, refused)', () => {
    const result = importCHeader(
      'enum { M = 9007199254740991 };\nstruct s { char a[M - 9007199254740990]; char b[-(-M) - (M - 2)]; ' +
        'char c[9007199254740993 - 9007199254740992]; char d[(1L << 53) + 3 - (1L << 53)]; char e[(1ULL << 63) / (1ULL << 61)]; };\n',
      'h.h',
    );
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      result.structs[0]!.fields.map((f) => [f.name, f.size]),
      [
        ['a', 1],
        ['b', 2],
        ['c', 1],
        ['d', 3],
        ['e', 4],
      ],
    );
  });

  it('constant arithmetic past 32 bits is exact: the sizes gcc gives', function () {
    const header =
      'enum e { A = (1L << 35) | 1 };\n' +
      'struct s { enum e x; char c[((1L << 33) | 3) & 7]; long m[~0L + 2]; char d[(1L << 40) / 3 % 7]; char x2[(1L << 34 ^ 5) >> 32]; };\n';
    const result = importCHeader(header, 'h.h');
    assert.deepEqual(result.notes, []);
    const s = result.structs.find((x) => x.name === 's')!;
    // enum e is 8 bytes (a value past 32 bits), c 3, m 1 long, d (2^40 / 3 % 7 = 5), x2 4.
    assert.deepEqual(
      s.fields.map((f) => [f.name, f.offset, f.size]),
      [
        ['x', 0, 8],
        ['c', 8, 3],
        ['m', 16, 8],
        ['d', 24, 5],
        ['x2', 29, 4],
      ],
    );
    assert.equal(s.size, 40);
    const cc = compilerOrSkip(this);
    const file = join(dir, 'exact.h');
    writeFileSync(file, header);
    const printed = compileAndRun(cc, [
      '#include <stdio.h>',
      '#include <stddef.h>',
      `#include "${file}"`,
      'int main(void) { printf("%zu %zu %zu %zu %zu\\n", sizeof(struct s), offsetof(struct s, c), offsetof(struct s, m), offsetof(struct s, d), offsetof(struct s, x2)); return 0; }',
    ]);
    assert.deepEqual(printed, ['40 8 16 24 29']);
  });
});
