/**
 * `lmm import-c` on headers as they are: conditionals, member macros, `extern "C"` guards,
 * includes, `sizeof` in constants, a BOM, deep nesting — through the built-in preprocessor and
 * through the C compiler's; exit codes and the summary.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { importCCommand } from '../../../../src/cli/importCCommand';
import { CliError } from '../../../../src/cli/cliIo';
import { compilerOrSkip } from '../../../support/cCompiler';

const REAL_WORLD = `\uFEFF#ifndef H_H
#define H_H
#include "inc.h"
#ifdef __cplusplus
extern "C" {
#endif
#define PyObject_HEAD long ob_refcnt; void *ob_type;
#define CommonHeader struct GCObject *next; unsigned char tt; unsigned char marked
#define z_const const
#define FAR
#define FLEX_ARRAY
#define NAME_LEN (sizeof(int) * 4) /* a comment that starts on a #define
   and ends here */
typedef struct { PyObject_HEAD int extra; } PyLike;
struct GCObject { CommonHeader; };
typedef struct z_stream_s { z_const unsigned char FAR *next_in; unsigned avail_in; } z_stream;
struct flex { int n; char data[FLEX_ARRAY]; };
struct cond {
#ifdef BIG
  long x;
#else
  int x;
#endif
  char c;
  char name[NAME_LEN];
};
#if defined(BIG) && BIG > 1
struct only_when_big_is_2 { int y; };
#elif !defined(BIG)
struct only_without_big { int z; };
#endif
struct bits_s { unsigned a:3, :0; unsigned char b; __int128 q; long double ld; };
enum big { BV = 0x100000000 };
struct with_enum { char c; enum big e; };
struct mystery { unknown_t u; };
#ifdef __cplusplus
}
#endif
#endif
`;

function run(args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s) };
  try {
    const status = importCCommand(args, io as never);
    return { status, stdout, stderr };
  } catch (error) {
    if (error instanceof CliError) return { status: 2, stdout, stderr: stderr + error.message };
    throw error;
  }
}

describe('lmm import-c on headers as they are', function () {
  this.timeout(60_000);
  let dir: string;
  let header: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-headers-'));
    header = join(dir, 'h.h');
    writeFileSync(header, REAL_WORLD);
    writeFileSync(join(dir, 'inc.h'), '#pragma once\nstruct inc_s { short s; int i; };\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sizes = (stderr: string) =>
    Object.fromEntries([...stderr.matchAll(/^ {2}(\w+) +(\d+) bytes/gm)].map((m) => [m[1]!, Number(m[2])]));
  const expected = {
    inc_s: 8,
    PyLike: 24,
    GCObject: 16,
    z_stream: 16,
    flex: 4,
    cond: 24,
    only_without_big: 4,
    bits_s: 48,
    with_enum: 16,
  };

  for (const path of ['--no-cc', 'cc']) {
    it(`reads member macros, conditionals, extern "C" guards, includes, sizeof and a BOM (${path === 'cc' ? 'the C compiler’s preprocessor' : 'the built-in preprocessor'})`, function () {
      if (path === 'cc') compilerOrSkip(this);
      const args = path === 'cc' ? [header] : [header, '--no-cc'];
      const plain = run(args);
      assert.deepEqual(sizes(plain.stderr), expected, plain.stderr);
      assert.equal(plain.status, 1, 'struct mystery cannot be laid out: exit 1');
      // At the type's column, where gcc says "unknown type name 'unknown_t'"; the struct at its tag's.
      assert.match(plain.stderr, /h\.h:35:18: struct mystery\.u: unknown type 'unknown_t'/);
      assert.match(plain.stderr, /h\.h:35:8: struct mystery: no harness class/);
      assert.match(plain.stderr, /import-c: 9 struct\(s\) written, 0 flagged, 1 dropped/);
      assert.doesNotMatch(plain.stdout, /class mystery/);
      // A void * is written as the same 8 bytes, with a comment, and does not flag its struct.
      assert.match(
        plain.stdout,
        /\/\/ void \* in C: LMM follows only pointers to structs; u64 keeps the layout\n {2}@u64 ob_type!: bigint;/,
      );
      const big = run([...args, '-D', 'BIG=2']);
      assert.equal(sizes(big.stderr).cond, 32, big.stderr);
      assert.equal(sizes(big.stderr).only_when_big_is_2, 4);
      assert.equal(sizes(big.stderr).only_without_big, undefined);
    });
  }

  for (const path of ['--no-cc', 'cc']) {
    it(`finds #include "..." in the -I directories (${path})`, function () {
      if (path === 'cc') compilerOrSkip(this);
      const includes = join(dir, 'include');
      mkdirSync(includes, { recursive: true });
      writeFileSync(join(includes, 'deep.h'), 'struct deep_s { long l; char c; };\n');
      const user = join(dir, 'user.h');
      writeFileSync(user, '#include "deep.h"\nstruct user_s { struct deep_s d; };\n');
      const args = path === 'cc' ? [user] : [user, '--no-cc'];
      const missing = run(args);
      // The built-in preprocessor goes on without it (exit 1); the compiler's stops (exit 2), and says why.
      assert.equal(missing.status, path === 'cc' ? 2 : 1, missing.stderr);
      assert.match(missing.stderr, /deep\.h/);
      const found = run([...args, '-I', includes]);
      assert.equal(found.status, 0, found.stderr);
      assert.deepEqual(sizes(found.stderr), { deep_s: 16, user_s: 16 });
    });
  }

  it('exits 0 when every struct is written exactly, and names wrong options with exit 2', () => {
    const clean = join(dir, 'clean.h');
    writeFileSync(clean, 'struct ok { char c; long l; };\n');
    const ok = run([clean, '--no-cc']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /import-c: 1 struct\(s\) written, 0 flagged, 0 dropped/);
    assert.match(run([clean, '-I', join(dir, 'nope')]).stderr, /-I: .*nope is not a directory/);
    assert.match(run([clean, '-D', '1X']).stderr, /-D: '1X' is not NAME or NAME=VALUE/);
    assert.match(run([clean, '-D']).stderr, /-D: needs a value/);
    assert.match(run([clean, '--frobnicate']).stderr, /--frobnicate: unknown option/);
    assert.match(run([clean, '-o']).stderr, /-o: needs a value/);
    assert.match(run([clean, clean]).stderr, /one header at a time/);
    for (const bad of [['-I', 'nope'], ['-D'], ['--frobnicate'], ['-o'], [clean]]) assert.equal(run([clean, ...bad]).status, 2);
    const approximate = join(dir, 'approximate.h');
    writeFileSync(approximate, 'struct ops { int (*open)(const char *); long n; };\n');
    const flagged = run([approximate, '--no-cc']);
    assert.equal(flagged.status, 1, flagged.stderr);
    assert.match(flagged.stderr, /approximate\.h:1: struct ops\.open: a function pointer has no harness equivalent; kept as u64/);
    assert.match(flagged.stderr, /import-c: 0 struct\(s\) written, 1 flagged, 0 dropped/);
    assert.match(flagged.stdout, /class ops \{/);
  });

  it('stops at 5,000-level nested declarations with a FILE:LINE message, never a stack overflow', () => {
    const deep = 'struct s { ' + 'struct { '.repeat(5000) + 'int x; ' + '} a; '.repeat(5000) + '};\nstruct after { int y; };\n';
    const result = importCHeader(deep, 'deep.h');
    assert.ok(result.notes.some((n) => n.line === 1 && /nest deeper than 256 levels/.test(n.message)));
    assert.deepEqual(
      result.structs.filter((s) => s.name === 'after').map((s) => s.size),
      [4],
    );
    const parens = importCHeader(`struct p { char c[${'('.repeat(5000)}1${')'.repeat(5000)}]; };\n`, 'parens.h');
    assert.ok(parens.notes.some((n) => /nests deeper than 256 levels/.test(n.message)));
    const conditionals = importCHeader('#if 1\n'.repeat(6000) + 'struct q { int x; };\n', 'ifs.h');
    assert.ok(conditionals.notes.some((n) => /conditionals nest deeper than 5000 levels/.test(n.message)));
  });

  it('evaluates sizeof of types, structs and typedefs in array sizes and bit-field widths', () => {
    const result = importCHeader(
      'struct a { int x; long y; };\ntypedef struct a a_t;\n' +
        'struct b { char buf[sizeof(struct a)]; char p[sizeof(a_t *) * 2]; unsigned w : sizeof(short) * 4; char q[sizeof(unsigned long long)]; };\n',
      'sizes.h',
    );
    const b = result.structs.find((s) => s.name === 'b')!;
    assert.deepEqual(
      b.fields.map((f) => [f.name, f.type, f.offset]),
      [
        ['buf', 'char[16]', 0],
        ['p', 'char[16]', 16],
        ['w', 'unsigned:8', 32],
        ['q', 'char[8]', 33],
      ],
    );
    assert.equal(b.size, 44);
  });

  it('keeps header line numbers in messages after multi-line comments, continuations and includes', () => {
    const text = '#define A 1 /* one\n two\n three */\n#define LONG \\\n  int\nstruct s {\n  LONG x;\n  mystery_t y;\n};\n';
    const result = importCHeader(text, 'lines.h');
    assert.ok(
      result.notes.some((n) => n.line === 8 && /mystery_t/.test(n.message)),
      JSON.stringify(result.notes),
    );
  });
});
