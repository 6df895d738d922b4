/**
 * `#include MACRO` (C11 6.10.2p4), as FreeType includes every header of its own
 * (`#include FT_FREETYPE_H`): the built-in preprocessor expands the line's macros to a "file" or
 * a <file>, as gcc does. It refused each ('expected "file" or <file>'), and with --no-cc
 * freetype.h's structs were all unknown.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { BITS_OF_C, compileAndRun, compilerOrSkip } from '../../../support/cCompiler';
import { compareLines } from '../../../support/harnessAgainstCompiler';
import { declareClasses } from '../../../support/randomCRecords';
import { runImportC } from '../../../support/importCRun';

const FIXTURE = resolve(__dirname, '../../../fixtures/c-headers/computed-includes');
const HEADER = join(FIXTURE, 'face.h');
const INCLUDE = join(FIXTURE, 'include');

describe('import-c: #include of a macro, as gcc reads it', function () {
  this.timeout(60_000);

  it('the built-in preprocessor reads the <file>, the "file" and the <file> a function-like macro names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-computed-'));
    try {
      const result = runImportC([HEADER, '-I', INCLUDE, '--no-cc', '-o', join(dir, 'harness.ts')]);
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /expected "file" or <file>|skipped|not found/);
      assert.match(result.stderr, /^ {2}FaceRec {2,}72 bytes, align 8$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an expansion that names no file, as gcc does', () => {
    const bad = importCHeader('#define NOT_A_FILE 42\n#include NOT_A_FILE\nstruct s { int a; };\n', 'bad.h');
    assert.deepEqual(
      bad.notes.map((n) => [n.line, n.message]),
      [[2, '#include NOT_A_FILE: expected "file" or <file>']],
    );
  });

  it('puts the <file> together as gcc does: a space where a token had white space before it', function () {
    const cc = compilerOrSkip(this);
    const dir = mkdtempSync(join(tmpdir(), 'lmm-computed-'));
    try {
      // Files whose names hold the spaces: each is read only if the name is put together so.
      writeFileSync(join(dir, 'a .h'), 'struct spaced_inside { int x; };\n');
      writeFileSync(join(dir, ' b.h'), 'struct spaced_before { int x; };\n');
      writeFileSync(join(dir, 'c.h'), 'struct unspaced { int x; };\n');
      const header = join(dir, 'glued.h');
      writeFileSync(
        header,
        ['#define A <a .h>', '#include A', '#define LT <', '#include LT b.h>', '#define C(x) <x.h>', '#include C(c)', ''].join(
          '\n',
        ),
      );
      const gcc = execFileSync(cc, ['-E', '-P', '-I', dir, header], { encoding: 'utf8' });
      for (const name of ['spaced_inside', 'spaced_before', 'unspaced']) assert.match(gcc, new RegExp(`struct ${name}`));
      const result = runImportC([header, '-I', dir, '--no-cc', '-o', join(dir, 'harness.ts')]);
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /skipped|not found/);
      for (const name of ['spaced_inside', 'spaced_before', 'unspaced'])
        assert.match(result.stderr, new RegExp(`^ {2}${name} `, 'm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const mode of ['cc', 'no-cc'] as const) {
    it(`writes the structs with gcc's layouts (${mode})`, function () {
      const cc = compilerOrSkip(this);
      const dir = mkdtempSync(join(tmpdir(), 'lmm-computed-'));
      try {
        const output = join(dir, 'harness.ts');
        const result = runImportC([HEADER, '-I', INCLUDE, '-o', output, ...(mode === 'no-cc' ? ['--no-cc'] : [])]);
        assert.equal(result.status, 0, result.stderr);
        const structs = importCHeader(
          execFileSync(cc, ['-E', '-x', 'c', '-std=gnu11', '-I', INCLUDE, HEADER], { encoding: 'utf8' }),
          'face.h',
          { preprocessed: true },
        ).structs;
        const { c, expected } = compareLines(declareClasses(readFileSync(output, 'utf8'), true), structs, new Set());
        assert.equal(c.filter((line) => line.includes('sizeof(')).length, 3);
        const printed = compileAndRun(
          cc,
          [
            `#include ${JSON.stringify(HEADER)}`,
            '#include <stdio.h>',
            '#include <stddef.h>',
            '#include <string.h>',
            ...BITS_OF_C,
            'int main(void) {',
            ...c,
            'return 0; }',
          ],
          ['-I', INCLUDE],
        );
        assert.deepEqual(printed, expected);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
