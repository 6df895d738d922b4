/**
 * `lmm import-c` on headers a confused newcomer (or an attacker) writes: types nested past what
 * the importer walks (100,000 `*`, typedef chains) were an internal error; names LMM cannot
 * register (over 32 characters, not ASCII) gave a harness that stopped at MM_REG_STRUCT; UTF-8
 * identifiers, gcc accepts, lost their struct without a word; a NUL or a control character was
 * quoted raw in a message.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compilerOrSkip } from '../../../support/cCompiler';
import { lmm } from '../../../support/lmmCli';
import { HarnessProbe } from '../../../support/harnessProbe';
import { scratchFolder } from '../../../support/scratchFolder';

describe('import-c on malformed and unusual headers', function () {
  this.timeout(60_000);
  const { dir, write: header } = scratchFolder('lmm-malformed-headers-');

  it('100,000 `*` and typedef chains 50,000 deep: a message at their line, not an internal error', () => {
    const stars = importCHeader(`struct s { int ${'*'.repeat(100_000)}p; };\nstruct t { int a; };\n`, 'h.h');
    assert.match(stars.notes[0]!.message, /^struct s: a pointer of more than 256 levels/);
    assert.deepEqual(
      stars.structs.map((s) => s.name),
      ['t'],
    );
    const lines = ['typedef int a0[2];', 'typedef int *p0;'];
    for (let i = 1; i < 200; i++) lines.push(`typedef a${i - 1} a${i}[1][1];`, `typedef p${i - 1} ${'*'.repeat(250)}p${i};`);
    lines.push('struct s { a199 x; p199 y; int z; };', 'struct t { int a; };');
    const chains = importCHeader(lines.join('\n') + '\n', 'h.h');
    assert.ok(chains.notes.some((n) => /a type of pointers and arrays more than 256 levels deep/.test(n.message)));
    assert.deepEqual(
      chains.structs.filter((s) => s.status === 'written').map((s) => s.name),
      ['t'],
    );
  });

  it('256 levels of pointers still import', () => {
    const result = importCHeader(`struct s { int ${'*'.repeat(256)}p; };\n`, 'h.h');
    assert.deepEqual(result.notes, []);
    assert.equal(result.structs[0]!.size, 8);
  });

  it('256 levels of pointers and arrays together import; 257, pointers alone or mixed, are refused at their line', () => {
    const levels = (stars: number, arrays: number) => `int ${'*'.repeat(stars)}p${'[1]'.repeat(arrays)};`;
    const result = importCHeader(
      `struct ok { ${levels(128, 128)} };\nstruct arrays { char a${'[1]'.repeat(256)}; };\n` +
        `struct mixed { ${levels(128, 129)} };\nstruct stars { ${levels(257, 0)} };\nstruct deep { char a${'[1]'.repeat(257)}; };\n`,
      'h.h',
    );
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.size]),
      [
        ['ok', 8],
        ['arrays', 1],
      ],
    );
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.message.replace(/ \(.*$/, '')]),
      [
        [3, 'struct mixed: a type of pointers and arrays more than 256 levels deep'],
        [4, 'struct stars: a pointer of more than 256 levels'],
        [5, 'struct deep: a type of pointers and arrays more than 256 levels deep'],
      ],
    );
  });

  it('struct names longer than 32 characters get a class LMM registers, and the harness runs', async () => {
    const file = header(
      'long.h',
      'struct a_struct_name_longer_than_thirty_two_a { int a; };\n' +
        'struct a_struct_name_longer_than_thirty_two_b { int b; struct { int c; } a_member_with_a_long_name; };\n',
    );
    const out = join(dir, 'long.lmm.ts');
    const imported = await lmm('import-c', file, '--no-cc', '-o', out, '--force');
    assert.match(
      imported.stderr,
      /long\.h:1: 'a_struct_name_longer_than_thirty_two_a' is longer than the 32 characters LMM registers a struct under: the harness struct is 'a_struct_name_longer_than_thirty' \(registered under that name\)/,
    );
    const names = [...imported.stderr.matchAll(/the harness struct is '([^']+)'/g)].map((m) => m[1]!);
    assert.equal(names.length, 3);
    assert.equal(new Set(names).size, 3, names.join(', '));
    for (const name of names) assert.ok(name.length <= 32, name);
    const probe = new HarnessProbe();
    try {
      const run = await probe.run('long.lmm.ts', readFileSync(out, 'utf8'));
      assert.equal(run.outcome, 'completed', run.message);
    } finally {
      probe.dispose();
    }
  });

  it('UTF-8 identifiers, and gcc -E’s \\u00e9 for them, are read; the class gets an ASCII name', () => {
    const direct = importCHeader('struct sé { int aé; };\nstruct \\u00e9t { int b\\u00e9; };\n', 'h.h');
    assert.deepEqual(
      direct.structs.map((s) => [s.name, s.cName, s.status]),
      [
        ['s_', 'struct sé', 'written'],
        ['_t', 'struct ét', 'written'],
      ],
    );
    assert.match(direct.notes[0]!.message, /^'sé' is not ASCII, which LMM registers structs under: the harness struct is 's_'/);
    assert.match(direct.source, /@i32 aé!: number;/);
    assert.match(direct.source, /@i32 bé!: number;/);
  });

  it('with cc -E too (which writes them as \\U000000e9)', async function () {
    compilerOrSkip(this);
    const result = await lmm('import-c', header('utf8.h', 'struct sé { int aé; };\n'));
    assert.match(result.stdout, /class s_ \{\n {2}@i32 aé!: number;\n\}/);
    assert.doesNotMatch(result.stderr, /not checked against the compiler/);
  });

  it('a NUL is ignored, as gcc ignores it; a control character is a message with its code, not the raw byte', async () => {
    const nul = importCHeader('struct s { int a;\0 int b; };\n', 'h.h');
    assert.deepEqual(nul.notes, []);
    assert.equal(nul.structs[0]!.size, 8);
    const result = await lmm('import-c', header('ctl.h', 'struct s { int a;\x01 int b; };\n'), '--no-cc');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /ctl\.h:1: stray control character \\x01 in the header\n/);
    assert.ok(!result.stderr.includes(String.fromCharCode(1)), 'the raw byte is not printed');
  });

  it('#include of /dev/zero or a folder, with cc -E: refused at once with its line (cc read /dev/zero for 60 s)', async function () {
    compilerOrSkip(this);
    for (const [spelled, shown] of [
      ['"/dev/zero"', /zero\.h:2: #include "\/dev\/zero": not a regular file \(\/dev\/zero\)\n/],
      ['"."', /zero\.h:2: #include ".": not a regular file/],
    ] as const) {
      const started = Date.now();
      const result = await lmm('import-c', header('zero.h', `struct s { int a; };\n#include ${spelled}\n`));
      assert.equal(result.status, 2);
      assert.match(result.stderr, shown);
      assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
    }
  });

  it('a stray token where a declaration starts is said and skipped alone: the struct after it is kept', () => {
    // `/* /* */ */`: the comment ends at the first `*/`; the second was skipped with the struct after it.
    const result = importCHeader('/* /* */ */ struct s { int a; };\n42 struct t { char c; };\n', 'h.h');
    assert.deepEqual(
      result.notes.map((n) => [n.line, n.message]),
      [
        [1, "unexpected '* /' where a declaration starts (skipped)"],
        [2, "unexpected '42' where a declaration starts (skipped)"],
      ],
    );
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.status]),
      [
        ['s', 'written'],
        ['t', 'written'],
      ],
    );
  });

  it('functions, initialised arrays and static asserts among the declarations are no strays', () => {
    const result = importCHeader(
      'static inline int add(int a, int b) { return a + b * 2; }\nint table[] = { 1, 2, 3 };\n_Static_assert(sizeof(int) == 4, "int");\nchar *strs[] = { "a", "b" };\nstruct s { int a; };\n',
      'h.h',
    );
    assert.deepEqual(result.notes, []);
    assert.equal(result.structs[0]!.status, 'written');
  });

  it('built-in preprocessor: #include of a device says so (it said "not found"); an absolute #include is read', async () => {
    const zero = await lmm('import-c', header('zero-builtin.h', '#include "/dev/zero"\nstruct s { int a; };\n'), '--no-cc');
    assert.match(zero.stderr, /zero-builtin\.h:1: #include "\/dev\/zero": \/dev\/zero is not a regular file, not read\n/);
    // join(folder, '/abs/x.h') looked for it under the header's folder.
    const included = header('absolute-inner.h', 'struct inner { int q; };\n');
    const result = await lmm(
      'import-c',
      header('absolute.h', `#include "${included}"\nstruct s { struct inner a; };\n`),
      '--no-cc',
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /class inner \{/);
  });

  it('`$` in identifiers, as gcc takes it', () => {
    const result = importCHeader('struct d$ { int a$b; };\n', 'h.h');
    assert.deepEqual(result.notes, []);
    assert.match(result.source, /class d\$ \{\n {2}@i32 a\$b!: number;/);
  });
});
