/**
 * The constants gcc refuses in an array length (test/fixtures/c-headers/refusal-columns/
 * constant-refusals.h): import-c refuses each, with gcc's reason and FILE:LINE:COLUMN at the
 * operator, where gcc puts its warning; and gcc on this machine refuses each line too.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';
import { compilerOrSkip } from '../../../support/cCompiler';
import { runImportC } from '../../../support/importCRun';

const HEADER = resolve(__dirname, '../../../fixtures/c-headers/refusal-columns/constant-refusals.h');

/** Each line's refusal as import-c says it, without the file. */
const EXPECTED = [
  '2:22: struct s1: division by zero',
  '3:22: struct s2: division by zero',
  '4:22: struct s3: left shift count 32 >= width of type (32 bits)',
  '5:23: struct s4: right shift count is negative',
  "6:36: struct s5: integer overflow in expression, then compared with '<': not an integer constant for gcc here",
  '7:23: struct s6: left shift of negative value',
  "8:23: struct s7: result of '1 << 31' requires more bits than its type has",
  '9:22: struct s8: integer overflow in expression, then the arm ?: takes: not an integer constant for gcc here',
  "10:37: struct s9: integer overflow in expression, then an operand of '&&': not an integer constant for gcc here",
  '11:25: struct s10: left shift count 32 >= width of type (32 bits)',
];

describe('import-c refuses the constants gcc refuses in an array length, at the operator', function () {
  this.timeout(60_000);

  it('with the built-in preprocessor: each line refused with its reason, the struct after them kept', () => {
    const result = runImportC([HEADER, '--no-cc']);
    const ours = [...result.stderr.matchAll(/constant-refusals\.h:(\d+:\d+: struct s\d+: .*)$/gm)].map((m) => m[1]);
    assert.deepEqual(ours, EXPECTED, result.stderr);
    assert.match(result.stderr, /import-c: 1 struct\(s\) written, 0 flagged, 10 dropped/);
  });

  it('gcc refuses each line, and warns at the column import-c names (where it warns)', function () {
    const cc = compilerOrSkip(this);
    const { stderr } = spawnSync(cc, ['-fsyntax-only', '-std=gnu11', '-x', 'c', HEADER], { encoding: 'utf8' });
    const errors = new Set([...stderr.matchAll(/:(\d+):\d+: error: /g)].map((m) => Number(m[1])));
    assert.deepEqual(
      [...errors].sort((a, b) => a - b),
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      stderr,
    );
    const warnings = new Map(
      [...stderr.matchAll(/:(\d+):(\d+): warning: (division by zero|left shift count|right shift count)/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ]),
    );
    for (const line of [2, 3, 4, 5, 11])
      assert.equal(`${line}:${warnings.get(line)}`, EXPECTED[line - 2]!.split(':').slice(0, 2).join(':'));
  });

  it("sizeof of a bit-field through ((T *)0)->member is refused with gcc's words, and gcc refuses it too", function () {
    const header = 'struct b { int bf : 3; };\nstruct s { char a[sizeof(((struct b *)0)->bf)]; };\n';
    const notes = importCHeader(header, 'h.h').notes.map((n) => `${n.line}: ${n.message}`);
    assert.deepEqual(notes, ["2: struct s: sizeof(((struct b *) 0) -> bf): 'sizeof' applied to a bit-field"]);
    const cc = compilerOrSkip(this);
    const { stderr } = spawnSync(cc, ['-fsyntax-only', '-std=gnu11', '-x', 'c', '-'], { input: header, encoding: 'utf8' });
    assert.match(stderr, /2:\d+: error: .sizeof. applied to a bit-field/);
  });
});
