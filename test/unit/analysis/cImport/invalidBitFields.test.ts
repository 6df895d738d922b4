/**
 * Bit-fields gcc refuses are refused by `lmm import-c` too, with gcc's reason at gcc's line and
 * column: a width wider than the type, negative, zero with a name, not an integer constant, or a
 * type that is not an integer. Before, `int a : 99;` was written as `@bits(i32, 99)`.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compilerOrSkip } from '../../../support/cCompiler';
import { lmm } from '../../../support/lmmCli';

interface Refused {
  header: string;
  /** What the importer says (after `struct s: `), and what gcc says, as patterns. */
  ours: RegExp;
  gcc: RegExp;
  line: number;
  column: number;
}

const REFUSED: Refused[] = [
  {
    header: 'struct s {\n  int ok;\n  int a : 99;\n};\n',
    ours: /^width of 'a' exceeds its type \(99 bits; int has 32\)$/,
    gcc: /width of .a. exceeds its type/,
    line: 3,
    column: 7,
  },
  {
    header: 'struct s {\n  char c : 9;\n};\n',
    ours: /^width of 'c' exceeds its type \(9 bits; char has 8\)$/,
    gcc: /width of .c. exceeds its type/,
    line: 2,
    column: 8,
  },
  {
    header: 'struct s {\n  _Bool b : 2;\n};\n',
    ours: /^width of 'b' exceeds its type \(2 bits; _Bool has 1\)$/,
    gcc: /width of .b. exceeds its type/,
    line: 2,
    column: 9,
  },
  {
    header: 'struct s {\n  unsigned long long x : 65;\n};\n',
    ours: /^width of 'x' exceeds its type \(65 bits; unsigned long long has 64\)$/,
    gcc: /width of .x. exceeds its type/,
    line: 2,
    column: 22,
  },
  {
    header: 'enum e { A, B };\nstruct s {\n  enum e x : 40;\n};\n',
    ours: /^width of 'x' exceeds its type \(40 bits; enum e has 32\)$/,
    gcc: /width of .x. exceeds its type/,
    line: 3,
    column: 10,
  },
  {
    header: 'struct s {\n  int : 33;\n};\n',
    ours: /^width of an unnamed bit-field exceeds its type \(33 bits; int has 32\)$/,
    gcc: /width of .<anonymous>. exceeds its type/,
    line: 2,
    column: 3,
  },
  {
    header: 'struct s {\n  int ok;\n  int a : -1;\n};\n',
    ours: /^negative width in bit-field 'a' \(-1\)$/,
    gcc: /negative width in bit-field .a./,
    line: 3,
    column: 7,
  },
  {
    header: 'struct s {\n  int a : 0;\n  int b;\n};\n',
    ours: /^zero width for bit-field 'a'/,
    gcc: /zero width for bit-field .a./,
    line: 2,
    column: 7,
  },
  {
    header: 'int n;\nstruct s {\n  int a : n;\n};\n',
    ours: /^bit-field 'a': width not an integer constant \(unknown constant 'n'/,
    gcc: /bit-field .a. width not an integer constant/,
    line: 3,
    column: 7,
  },
  {
    header: 'struct s {\n  int a : 1.5;\n};\n',
    ours: /^bit-field 'a': width not an integer constant \('1\.5' is not an integer constant\)$/,
    gcc: /bit-field .a. width not an integer constant/,
    line: 2,
    column: 7,
  },
  {
    header: 'struct s {\n  float f : 3;\n};\n',
    ours: /^bit-field 'f' has invalid type \(float: a bit-field is an integer, _Bool or an enum\)$/,
    gcc: /bit-field .f. has invalid type/,
    line: 2,
    column: 9,
  },
  {
    header: 'struct s {\n  int *p : 3;\n};\n',
    ours: /^bit-field 'p' has invalid type \(a pointer:/,
    gcc: /bit-field .p. has invalid type/,
    line: 2,
    column: 8,
  },
  {
    header: 'struct t { int x; };\nstruct s {\n  struct t v : 3;\n};\n',
    ours: /^bit-field 'v' has invalid type \(struct t:/,
    gcc: /bit-field .v. has invalid type/,
    line: 3,
    column: 12,
  },
  {
    header: 'struct s {\n  double a[2] : 3;\n};\n',
    ours: /^bit-field 'a' has invalid type \(an array:/,
    gcc: /bit-field .a. has invalid type/,
    line: 2,
    column: 10,
  },
];

/** Accepted by gcc: each at its widest, an unnamed zero-width one, _Bool, enums, typedefs. */
const ACCEPTED = `struct s {
  _Bool b : 1;
  unsigned char u : 8;
  long long w : 64;
  __int128 big : 100;
  signed char sc : 7;
  unsigned short us : 16;
  int : 0;
  enum { P, Q } e : 1;
};
typedef unsigned int flag_t;
struct t { flag_t f : 32; const int ci : 3; volatile unsigned v : 1; };
`;

describe('import-c refuses the bit-fields gcc refuses, at gcc’s line and column', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-bitfields-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of REFUSED) {
    it(`${c.ours.source.slice(1, 40)}…: refused at ${c.line}:${c.column}, no class for struct s`, () => {
      const result = importCHeader(c.header, 'h.h');
      const note = result.notes.find((n) => n.message.startsWith('struct s: '));
      assert.ok(note, JSON.stringify(result.notes));
      assert.match(note.message.slice('struct s: '.length), c.ours);
      assert.deepEqual([note.line, note.column], [c.line, c.column]);
      assert.ok(!result.structs.some((s) => s.name === 's'), 'struct s gets no class');
      assert.doesNotMatch(result.source, /class s \{/);
    });
  }

  it('gcc on this machine says the same, at the same line and column', function () {
    const cc = compilerOrSkip(this);
    for (const [k, c] of REFUSED.entries()) {
      const file = join(dir, `refused${k}.h`);
      writeFileSync(file, c.header);
      let stderr = '';
      try {
        execFileSync(cc, ['-fsyntax-only', '-std=gnu11', '-x', 'c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        stderr = String((error as { stderr?: unknown }).stderr);
      }
      const first = /:(\d+):(\d+): error: (.*)/.exec(stderr);
      assert.ok(first, `${cc} accepted ${JSON.stringify(c.header)}`);
      assert.match(first[3]!, c.gcc);
      assert.deepEqual([Number(first[1]), Number(first[2])], [c.line, c.column], c.header);
    }
  });

  it('what gcc accepts (widest widths, unnamed zero width, _Bool, enum, typedef) is written', function () {
    const result = importCHeader(ACCEPTED, 'ok.h');
    assert.deepEqual(result.notes, []);
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.status]),
      [
        ['s', 'written'],
        ['t', 'written'],
      ],
    );
    const cc = compilerOrSkip(this);
    const file = join(dir, 'ok.h');
    writeFileSync(file, ACCEPTED);
    execFileSync(cc, ['-fsyntax-only', '-std=gnu11', '-x', 'c', file], { stdio: 'ignore' });
  });

  it('lines ending with CR alone or CR LF are counted as gcc counts them (a lone CR was no line end)', async () => {
    for (const [name, end] of [
      ['cr.h', '\r'],
      ['crlf.h', '\r\n'],
    ]) {
      const file = join(dir, name!);
      writeFileSync(file, ['struct s {', '  int ok;', '  int a : 99;', '};', ''].join(end));
      for (const mode of [['--no-cc'], []]) {
        const result = await lmm('import-c', file, ...mode);
        assert.match(result.stderr, new RegExp(`${name!.replace('.', '\\.')}:3:7: struct s: width of 'a' exceeds its type`));
      }
    }
  });

  it('the column is left out when the name is on its line twice (rather than guessed)', () => {
    const result = importCHeader('struct s { int x : 40; } x;\n', 'h.h');
    const note = result.notes.find((n) => n.message.startsWith('struct s: '));
    assert.ok(note);
    assert.equal(note.line, 1);
    assert.equal(note.column, undefined);
  });

  it('lmm import-c prints FILE:LINE:COLUMN, for the header and for a file it includes, with cc -E too', async () => {
    writeFileSync(join(dir, 'inner.h'), 'struct in {\n    unsigned x : 40;\n};\n');
    const outer = join(dir, 'outer.h');
    writeFileSync(outer, '#include "inner.h"\nstruct s {\n\tint ok;   int a : 99;\n};\nstruct fine { int a : 3; };\n');
    for (const mode of [['--no-cc'], []]) {
      const result = await lmm('import-c', outer, ...mode);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /inner\.h:2:14: struct in: width of 'x' exceeds its type \(40 bits; unsigned has 32\)\n/);
      // Columns are gcc's: the tab moves to column 9 (gcc says outer.h:3:23 too).
      assert.match(result.stderr, /outer\.h:3:23: struct s: width of 'a' exceeds its type/);
      assert.match(result.stdout, /class fine \{/);
    }
  });
});
