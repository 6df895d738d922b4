import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { importCHeader, type ImportedStruct } from '../../../src/analysis/cImport/importCHeader';
import { importCCommand } from '../../../src/cli/importCCommand';
import { createLmmStudioModule } from '../../../src/harness/api/lmmStudioModule';
import { declaredStructs, structLayout } from '../../../src/harness/api/structLayout';
import type { HarnessRuntime } from '../../../src/harness/runtime/harnessRuntime';
import type { StructLayout } from '../../../src/analysis/analysisInput';

const SEED = `
#include <stdint.h>
typedef struct emp_ {
    char name[32];
    unsigned int emp_id;
} emp_t;

typedef struct student_ {
    char name[32];
    uint32_t rollno;
    uint32_t marks_phys;
    uint32_t marks_chem;
    uint32_t marks_maths;
    struct student_ *next;
} student_t;
`;

/** Every construct import-c knows, with gcc's offsets (x86-64) written down below. */
const SHAPES = `
#define NAME_LEN 16
#define MAX (2 * 4)
struct point { double x, y; };
enum color { RED, GREEN = 5, BLUE };
typedef union value_ { int64_t i; double d; char bytes[12]; } value_t;
typedef struct node node_t;          /* defined further down */
struct shape {
    char kind;
    struct point corners[3];
    struct point *origin;
    node_t *first, **all;
    char *label;
    void *user_data;
    int (*area)(const struct shape *);
    enum color color;
    value_t value;
    unsigned flags : 3, visible : 1;
    short grid[3][4];
    char tags[4][NAME_LEN];
    struct { int w, h; } size;
    long double precise;
    uint8_t raw[MAX];
    size_t count;
    float ratio;
    _Bool ok;
    struct opaque *handle;
    node_t *kids[2];
};
struct node { long key; node_t *left, *right; };
struct packet { uint16_t len; uint8_t data[]; };
`;

const GCC_SHAPE_OFFSETS: Record<string, number> = {
  kind: 0,
  corners: 8,
  origin: 56,
  first: 64,
  all: 72,
  label: 80,
  user_data: 88,
  area: 96,
  color: 104,
  value: 112,
  flags: 128,
  visible: 128,
  grid: 130,
  tags: 154,
  size: 220,
  precise: 240,
  raw: 256,
  count: 264,
  ratio: 272,
  ok: 276,
  handle: 280,
  kids: 288,
};

function struct(result: { structs: ImportedStruct[] }, name: string): ImportedStruct {
  const s = result.structs.find((x) => x.name === name);
  assert.ok(s, `struct ${name} in ${result.structs.map((x) => x.name).join(', ')}`);
  return s;
}

/** Runs the generated harness's class declarations with the real harness decorators; returns its layouts. */
function harnessLayouts(source: string): Map<string, StructLayout> {
  const code = transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2022' }).code;
  const api = createLmmStudioModule({ paths: {} } as unknown as HarnessRuntime);
  const before = declaredStructs.length;
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', code)(
    (name: string) => {
      assert.equal(name, 'lmm-studio');
      return api;
    },
    module,
    module.exports,
  );
  return new Map(declaredStructs.slice(before).map((info) => [info.name, structLayout(info)]));
}

describe('lmm import-c', () => {
  it("translates the seed's structs with their C layout", () => {
    const result = importCHeader(SEED, 'seed.h');
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.info]),
      [[2, true]],
    );
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.align, s.harnessSize]),
      [
        ['emp_t', 36, 4, 36],
        ['student_t', 56, 8, 56],
      ],
    );
    assert.deepEqual(
      struct(result, 'student_t').fields.map((f) => [f.name, f.offset]),
      [
        ['name', 0],
        ['rollno', 32],
        ['marks_phys', 36],
        ['marks_chem', 40],
        ['marks_maths', 44],
        ['next', 48],
      ],
    );
    assert.match(result.source, /import \{ char, ptr, struct, u32, MM_REG_STRUCT \} from 'lmm-studio';/);
    assert.match(result.source, /@struct\nclass student_t \{\n {2}@char\(32\) name!: string;\n {2}@u32 rollno!: number;/);
    assert.match(result.source, /@ptr\(\(\) => student_t\) next!: student_t \| null;/);
    assert.match(
      result.source,
      /export default function main\(\): void \{\n {2}MM_REG_STRUCT\(emp_t\);\n {2}MM_REG_STRUCT\(student_t\);/,
    );
  });

  it('lays out every construct as gcc does (offsets measured with gcc, x86-64)', () => {
    const result = importCHeader(SHAPES, 'shapes.h');
    const shape = struct(result, 'shape');
    assert.equal(shape.size, 304);
    assert.equal(shape.align, 16);
    assert.deepEqual(Object.fromEntries(shape.fields.map((f) => [f.name, f.offset])), GCC_SHAPE_OFFSETS);
    assert.equal(struct(result, 'node_t').size, 24);
    assert.equal(struct(result, 'packet').size, 2);
    assert.equal(struct(result, 'shape_size').size, 8);
  });

  it("keeps gcc's builtin types without a harness equivalent as bytes at gcc's places (va_list, _Float128 …), and reads _Float32/_Float64 as float and double", () => {
    // The same struct, with <stdarg.h>, printed by gcc 12 on x86-64: 96 16 8 32 40 44 48 64 80.
    const result = importCHeader(
      'struct logger { char level; va_list args; _Float64 scale; _Float32 ratio; char tag; _Float128 precise; _Float16 half; __float128 q; };\n',
      'logger.h',
    );
    const logger = struct(result, 'logger');
    assert.deepEqual([logger.size, logger.align, logger.status], [96, 16, 'flagged']);
    assert.deepEqual(
      logger.fields.map((f) => f.offset),
      [0, 8, 32, 40, 44, 48, 64, 80],
    );
    assert.match(
      result.notes.map((n) => n.message).join('\n'),
      /logger\.args: va_list has no harness equivalent; kept as 24 bytes/,
    );
    assert.match(result.source, /@f64 scale!: number;/);
    assert.match(result.source, /@f32 ratio!: number;/);
    const layout = harnessLayouts(result.source).get('logger')!;
    assert.deepEqual([layout.size, layout.align], [96, 16]);
    assert.deepEqual(
      layout.fields.map((f) => f.offset),
      [0, 8, 32, 40, 44, 48, 64, 80],
    );
  });

  it('emits a harness whose layout (by the harness decorators themselves) equals the C layout', () => {
    for (const [header, file] of [
      [SEED, 'seed.h'],
      [SHAPES, 'shapes.h'],
    ] as const) {
      const result = importCHeader(header, file);
      const layouts = harnessLayouts(result.source);
      for (const s of result.structs) {
        const layout = layouts.get(s.name);
        assert.ok(layout, `${s.name} declared by the generated harness`);
        assert.equal(layout.size, s.size, `${file}: size of ${s.name}`);
        const offsets = new Map(layout.fields.map((f) => [f.name, f.offset]));
        for (const f of s.fields) {
          if (offsets.has(f.name)) assert.equal(offsets.get(f.name), f.offset, `${s.name}.${f.name}`);
        }
      }
      // Pointers to structs and C strings (char *, as @ptr(buf)) are pointer fields of the
      // harness: the leak check follows them.
      if (file === 'shapes.h') {
        const shape = layouts.get('shape')!;
        assert.deepEqual(shape.pointerOffsets, [56, 64, 80, 288, 296]);
        assert.deepEqual(layouts.get('node_t')!.pointerOffsets, [8, 16]);
      }
    }
  });

  it('matches gcc on this machine, when gcc is installed', function () {
    let gcc = true;
    try {
      execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    } catch {
      gcc = false;
    }
    if (!gcc) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'lmm-import-c-'));
    try {
      const header = `#include <stdint.h>\n#include <stddef.h>\n${SEED}\n${SHAPES}`;
      writeFileSync(join(dir, 'h.h'), header);
      const result = importCHeader(header, 'h.h');
      const lines: string[] = [];
      for (const s of result.structs) {
        if (s.name === 'shape_size') continue; // anonymous in C
        const cName = s.cName.startsWith('struct ') || s.cName.endsWith('_t') ? s.cName : `struct ${s.cName}`;
        lines.push(`printf("${s.name} %zu\\n", sizeof(${cName}));`);
        for (const f of s.fields) {
          if (f.type.includes(':')) continue; // bit-fields have no offsetof
          lines.push(`printf("${s.name}.${f.name} %zu\\n", offsetof(${cName}, ${f.name}));`);
        }
      }
      writeFileSync(
        join(dir, 'main.c'),
        `#include <stdio.h>\n#include "h.h"\nint main(void) {\n${lines.join('\n')}\nreturn 0;\n}\n`,
      );
      execFileSync('gcc', ['-w', '-o', join(dir, 'main'), join(dir, 'main.c')]);
      const gccFigures = execFileSync(join(dir, 'main'), { encoding: 'utf8' }).trim().split('\n');
      const ours: string[] = [];
      for (const s of result.structs) {
        if (s.name === 'shape_size') continue;
        ours.push(`${s.name} ${s.size}`);
        for (const f of s.fields) if (!f.type.includes(':')) ours.push(`${s.name}.${f.name} ${f.offset}`);
      }
      assert.deepEqual(ours, gccFigures);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes unions, bit-fields, enums, long double and flexible arrays with the layout decorators', () => {
    const result = importCHeader(SHAPES, 'shapes.h');
    const notes = result.notes.map((n) => `${n.line}: ${n.message}`);
    const expect = (line: number, pattern: RegExp) =>
      assert.ok(
        notes.some((n) => n.startsWith(`${line}: `) && pattern.test(n)),
        `a note on line ${line} like ${pattern}\n${notes.join('\n')}`,
      );
    expect(15, /struct shape\.area: a function pointer has no harness equivalent; kept as u64/);
    expect(27, /struct shape\.handle: points to struct opaque, not defined in this header/);
    assert.match(result.source, /@union\nclass value_t \{/);
    assert.match(result.source, /@field\(\(\) => value_t\) value!: value_t;/);
    assert.match(result.source, /@bits\(u32, 3\) flags!: number;\n {2}@bits\(u32, 1\) visible!: number;/);
    assert.match(result.source, /@f80 precise!: number;/);
    assert.match(result.source, /@cenum\(\{ V0: 0, V1: 5, V2: 6 \}\) color!: number;/);
    assert.match(result.source, /@array\(u8, 0\) data!: CArray<number>;/);
    assert.match(result.source, /@array\(char\(16\), 4\) tags!: CArray<string>;/);
    assert.match(result.source, /\n {2}@ptr\(buf\) label!: Buf \| null;/);
    assert.match(result.source, /@u64 user_data!: bigint;/);
    assert.ok(result.source.indexOf('class shape_size') < result.source.indexOf('class shape '));
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.status]),
      [
        ['point', 'written'],
        ['value_t', 'written'],
        ['node_t', 'written'],
        ['shape_size', 'written'],
        ['shape', 'flagged'],
        ['packet', 'written'],
      ],
    );
  });
  it('reports unknown types and syntax errors with their lines, and writes no class for a struct it cannot lay out', () => {
    const result = importCHeader(
      'struct a { mystery_t m; int x; };\nstruct b { int x }\nstruct c { int y; };\n/* open comment',
      'bad.h',
    );
    assert.deepEqual(result.notes, [{ line: 4, message: 'comment is not closed with */' }]);
    const partial = importCHeader('struct a { mystery_t m; int x; };\nstruct b { int x }\nstruct c { int y; };\n', 'bad.h');
    assert.deepEqual(
      partial.notes.map((n) => [n.line, n.message]),
      [
        [1, "struct a.m: unknown type 'mystery_t' (not declared in this header): its size is unknown"],
        [1, 'struct a: no harness class: its layout is unknown (see the messages about its members)'],
        [2, "struct b: expected ';', found '}'"],
      ],
    );
    assert.equal(struct(partial, 'a').status, 'dropped');
    assert.doesNotMatch(partial.source, /class a \{/);
    assert.match(partial.source, /\/\/ struct a \(bad\.h:1\): not imported: its layout is unknown/);
    assert.equal(struct(partial, 'c').size, 4);
  });
  it('lays out packed, aligned and #pragma pack as gcc does, and writes no class under a #pragma pack form it does not follow', () => {
    const result = importCHeader(
      '#pragma pack(push, 1)\nstruct p1 { char a; int b; };\n#pragma pack(pop)\n' +
        'struct __attribute__((packed)) p2 { char a; long b; };\nstruct p3 { char a; } __attribute__((aligned(16)));\n' +
        'struct p4 { char a; int b __attribute__((aligned(8))); _Alignas(16) char c; };\n' +
        '#pragma pack(push, 3)\nstruct p5 { char a; int b; };\n#pragma pack(pop)\nstruct p6 { char a; int b; };\n' +
        '#pragma pack(2 4)\nstruct p7 { char a; int b; };\n',
      'p.h',
    );
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.align, s.status]),
      [
        ['p1', 5, 1, 'written'],
        ['p2', 9, 1, 'written'],
        ['p3', 16, 16, 'written'],
        ['p4', 32, 16, 'written'],
        ['p5', 8, 4, 'dropped'],
        ['p6', 8, 4, 'written'],
        ['p7', 8, 4, 'dropped'],
      ],
    );
    assert.match(result.source, /@struct\(\{ pack: 1 \}\)\nclass p1/);
    assert.match(
      result.notes.map((n) => n.message).join('\n'),
      /p5: no harness class: it is under #pragma pack\(push, 3\) \(line 7\), a form the importer does not follow/,
    );
    assert.match(
      result.notes.map((n) => n.message).join('\n'),
      /p7: no harness class: it is under #pragma pack\(2 4\) \(line 11\)/,
    );
    assert.match(result.source, /@struct\(\{ packed: true \}\)\nclass p2/);
    assert.match(result.source, /@struct\(\{ aligned: 16 \}\)\nclass p3/);
    assert.match(result.source, /@aligned\(8\) @i32 b!: number;/);
  });
  it('writes no class for a struct with a #pragma pack inside its body (gcc packs its members before and after it differently), and still follows the pragma for the structs after it', () => {
    // gcc 12, x86-64: struct split is 5 bytes (c at 0, i at 1), align 1; later is 5 bytes too.
    const result = importCHeader(
      'struct split {\n  char c;\n#pragma pack(push, 1)\n  int i;\n};\nstruct later { char c; int i; };\n#pragma pack(pop)\nstruct plain { char c; int i; };\n',
      'split.h',
    );
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.align, s.status]),
      [
        ['split', 8, 4, 'dropped'],
        ['later', 5, 1, 'written'],
        ['plain', 8, 4, 'written'],
      ],
    );
    assert.match(
      result.notes.map((n) => n.message).join('\n'),
      /struct split: no harness class: #pragma pack\(push, 1\) \(line 3\) stands inside its body: gcc places the members before it and after it under different packs/,
    );
  });

  it('never writes a class whose layout the harness cannot make exactly, and what embeds or points to it adapts', () => {
    const result = importCHeader(
      'struct odd { char c; int : 3; };\n' + // the harness must name the bit-field, which would align the struct to 4
        'struct holder { short s; struct odd inner; struct odd *link; };\n' +
        'struct fine { struct holder h; };\n',
      'odd.h',
    );
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size, s.status]),
      [
        ['odd', 2, 'dropped'],
        ['holder', 16, 'flagged'],
        ['fine', 16, 'written'],
      ],
    );
    assert.ok(
      result.notes.some(
        (n) =>
          n.line === 1 &&
          /odd: no harness class: the harness class would be 4 bytes \(align 4\), C's is 2 \(align 1\)/.test(n.message),
      ),
    );
    assert.ok(
      result.notes.some(
        (n) => n.line === 2 && /holder\.inner: struct odd in C, which has no harness class: kept as bytes/.test(n.message),
      ),
    );
    assert.ok(
      result.notes.some(
        (n) => n.line === 2 && /holder\.link: points to struct odd, which has no harness class; kept as u64/.test(n.message),
      ),
    );
    assert.doesNotMatch(result.source, /class odd\b|MM_REG_STRUCT\(odd\)/);
    // What is written runs with the real decorators and has C's layout.
    const layouts = harnessLayouts(result.source);
    assert.equal(layouts.get('holder')!.size, 16);
    assert.equal(layouts.get('fine')!.size, 16);
  });
  it('renames what TypeScript cannot take and evaluates #define and enum constants', () => {
    const result = importCHeader(
      '#define N (1 << 3)\nenum { SLOTS = N + 2 };\nstruct new { char names[SLOTS][N]; int constructor; };',
      'r.h',
    );
    assert.equal(struct(result, 'new_').size, 84);
    assert.match(
      result.source,
      /class new_ \{\n {2}@array\(char\(8\), 10\) names!: CArray<string>;\n {2}@i32 constructor_!: number;/,
    );
    assert.ok(result.notes.some((n) => /'new' cannot name a class/.test(n.message)));
  });
});

describe('lmm import-c (command)', () => {
  function run(args: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    try {
      const code = importCCommand(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
      return { code, out, err };
    } catch (error) {
      return { code: 2, out, err: err + (error as Error).message };
    }
  }

  it('prints the skeleton and the C sizes; -o writes a file and never overwrites silently', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-import-c-'));
    try {
      writeFileSync(join(dir, 'seed.h'), SEED);
      let r = run([join(dir, 'seed.h')]);
      assert.equal(r.code, 0);
      assert.match(r.out, /^\/\/ Generated by `lmm import-c` from seed\.h/);
      assert.match(r.err, /student_t\s+56 bytes, align 8/);
      const target = join(dir, 'seed.lmm.ts');
      r = run([join(dir, 'seed.h'), '-o', target]);
      assert.equal(r.code, 0);
      assert.match(readFileSync(target, 'utf8'), /class emp_t/);
      r = run([join(dir, 'seed.h'), '-o', target]);
      assert.match(r.err, /exists; pass --force/);
      assert.equal(run([join(dir, 'seed.h'), '-o', target, '--force']).code, 0);
      assert.match(run([join(dir, 'missing.h')]).err, /cannot read/);
      assert.match(run([]).err, /usage: lmm import-c/);
      writeFileSync(join(dir, 'none.h'), 'int f(void);\n');
      assert.match(run([join(dir, 'none.h')]).err, /no struct definitions found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
