/**
 * `#x` spells its argument as gcc does: one space where the argument had white space between two
 * tokens, none where it had none. The built-in preprocessor put a space between every two tokens,
 * so `#include STR(fttypes.h)`, a computed include through a stringizing macro, looked for
 * "fttypes . h" and did not find it.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { preprocess } from '../../../../src/analysis/cImport/cPreprocessor';
import { importCCommand } from '../../../../src/cli/importCCommand';
import { compilerOrSkip } from '../../../support/cCompiler';

const FIXTURE = resolve(__dirname, '../../../fixtures/c-headers/computed-includes');

const ARGUMENTS = [
  'a.h',
  'a .h',
  ' a  .  h ',
  'x->y+1',
  'x -> y + 1',
  'f(a,b)',
  'f( a , b )',
  '"s" \'c\'',
  'a/**/b',
  'H',
  'a\t.h',
];
const SOURCE = [
  '#define Q(x) #x',
  '#define XQ(x) Q(x)',
  '#define H fttypes.h',
  ...ARGUMENTS.map((arg, k) => `char q${k}[] = Q(${arg});`),
  ...ARGUMENTS.map((arg, k) => `char x${k}[] = XQ(${arg});`),
].join('\n');

/** The string each `char …[] = "…";` line of a preprocessed text gives. */
function definitions(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('char '))
    .map((line) =>
      line
        .slice(line.indexOf('=') + 1)
        .replace(/;\s*$/, '')
        .trim(),
    );
}

describe('import-c: #x spelled as gcc spells it', function () {
  this.timeout(60_000);

  it('gives the strings gcc -E gives, through one macro and through two', function () {
    const cc = compilerOrSkip(this);
    const dir = mkdtempSync(join(tmpdir(), 'lmm-stringize-'));
    try {
      const file = join(dir, 'stringize.h');
      writeFileSync(file, `${SOURCE}\n`);
      const gcc = definitions(execFileSync(cc, ['-E', '-P', '-x', 'c', file], { encoding: 'utf8' }));
      assert.equal(gcc.length, 2 * ARGUMENTS.length);
      const ours = preprocess(SOURCE, 'stringize.h');
      assert.deepEqual(ours.problems, []);
      assert.deepEqual(definitions(ours.text), gcc);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('spells a.h as "a.h" and a .h as "a .h" (without a compiler too)', () => {
    const text = preprocess('#define Q(x) #x\nchar a[] = Q(a.h);\nchar b[] = Q( a  .h );\n', 'q.h').text;
    assert.deepEqual(definitions(text), ['"a.h"', '"a .h"']);
  });

  it('#include of a stringized name reads the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-stringize-'));
    try {
      const header = join(dir, 'q.h');
      writeFileSync(header, 'typedef long FT_Long;\n#define Q(x) #x\n#include Q(fttypes.h)\nstruct uses { FT_BBox box; };\n');
      let stderr = '';
      const io = { stdout: () => undefined, stderr: (s: string) => void (stderr += s) };
      const status = importCCommand([header, '-I', FIXTURE, '--no-cc', '-o', join(dir, 'harness.ts')], io);
      assert.equal(status, 0, stderr);
      assert.doesNotMatch(stderr, /not found|unknown/);
      assert.match(stderr, /^ {2}uses {2,}32 bytes, align 8$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
