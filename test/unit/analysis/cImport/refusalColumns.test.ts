/**
 * What `lmm import-c` refuses is named FILE:LINE:COLUMN at gcc's own column (a tab moving to the
 * next multiple of 8, as gcc counts): the unknown constant, the second type of `T long`, an
 * unknown type name, a stray operator, a bit-field too wide, an #error, a misplaced directive; the column is left out
 * where a macro hides which token it is about. Checked against `cc -fsyntax-only` on the same file,
 * with the built-in preprocessor and with the compiler's.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { compilerOrSkip } from '../../../support/cCompiler';
import { runImportC } from '../../../support/importCRun';

const FIXTURES = resolve(__dirname, '../../../fixtures/c-headers/refusal-columns');
const REFUSALS = resolve(FIXTURES, 'refusals.h');

/** gcc's first error of each line of `header`: line → column. */
function gccColumns(cc: string, header: string, flags: string[] = ['-fsyntax-only']): Map<number, number> {
  let stderr = '';
  try {
    execFileSync(cc, [...flags, '-std=gnu11', '-x', 'c', header], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    stderr = String((error as { stderr?: unknown }).stderr);
  }
  const columns = new Map<number, number>();
  for (const m of stderr.matchAll(/^.*?:(\d+):(\d+): error: /gm))
    if (!columns.has(Number(m[1]))) columns.set(Number(m[1]), Number(m[2]));
  return columns;
}

/**
 * Our messages about `file`: line → the columns given (null for a message without one); the
 * compiler's own errors, which a failed layout check quotes, are not ours.
 */
function ourColumns(stderr: string, file: string): Map<number, (number | null)[]> {
  const columns = new Map<number, (number | null)[]>();
  const escaped = file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  for (const m of stderr.matchAll(new RegExp(`^${escaped}:(\\d+)(?::(\\d+))?: (?!error: )`, 'gm'))) {
    const line = Number(m[1]);
    columns.set(line, [...(columns.get(line) ?? []), m[2] === undefined ? null : Number(m[2])]);
  }
  return columns;
}

describe("import-c names what it refuses FILE:LINE:COLUMN, at gcc's column", function () {
  this.timeout(60_000);

  for (const mode of ['--no-cc', 'cc'] as const) {
    it(`each refusal at the column gcc gives its error, tabs counted as gcc counts them (${mode})`, function () {
      const cc = compilerOrSkip(this);
      const result = runImportC([REFUSALS, ...(mode === '--no-cc' ? ['--no-cc'] : [])]);
      assert.equal(result.status, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      const gcc = gccColumns(cc, REFUSALS);
      const ours = ourColumns(result.stderr, REFUSALS);
      // MISSING, the second type word, unknown_t, the second '*', the first NOPE, the bit-field's name.
      assert.deepEqual([...gcc.keys()], [4, 5, 7, 9, 10, 11], 'the fixture makes gcc refuse these lines');
      for (const [line, column] of gcc)
        assert.deepEqual(ours.get(line), [column], `line ${line}: gcc's column ${column}\n${result.stderr}`);
      assert.deepEqual([...gcc.values()], [18, 27, 9, 22, 32, 29]);
      // The struct a member's type is unknown in: at its tag.
      assert.deepEqual(ours.get(6), [8]);
      // HIDE NOPE reads NOPE + NOPE: which of the two is meant the line as written cannot say.
      assert.deepEqual(ours.get(12), [null], result.stderr);
      assert.match(result.stderr, /refusals\.h:12: struct g: unknown constant 'NOPE'/);
    });
  }

  for (const mode of ['--no-cc', 'cc'] as const) {
    it(`type words gcc does not take together (char char, long long long, unsigned signed …) refused in gcc's words, at its column (${mode})`, function () {
      const cc = compilerOrSkip(this);
      const header = resolve(FIXTURES, 'type-words.h');
      const result = runImportC([header, ...(mode === '--no-cc' ? ['--no-cc'] : [])]);
      assert.equal(result.status, 1, result.stderr);
      let stderr = '';
      try {
        execFileSync(cc, ['-fsyntax-only', '-std=gnu11', header], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (error) {
        stderr = String((error as { stderr?: unknown }).stderr);
      }
      const gcc = [...stderr.matchAll(/^.*?:(\d+:\d+): error: (.*)$/gm)].map((m) => `${m[1]}: ${m[2]!.replace(/[‘’]/g, "'")}`);
      assert.equal(gcc.length, 11, stderr);
      const ours = [...result.stderr.matchAll(/type-words\.h:(\d+:\d+): struct t\d+: (.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
      assert.deepEqual(ours, gcc);
      // What gcc takes together is read: `long int long`, `__signed__ char`, `_Complex int` …
      assert.match(result.stderr, /^ {2}ok {2,}144 bytes, align 16 \(flagged\)$/m);
    });
  }

  it("a directive refused by the built-in preprocessor (#else after #else, #endif without #if, an unknown one, #define 3x) at gcc -E's column", function () {
    const cc = compilerOrSkip(this);
    const header = resolve(FIXTURES, 'directives.h');
    const result = runImportC([header, '--no-cc']);
    assert.equal(result.status, 1, result.stderr);
    const gcc = gccColumns(cc, header, ['-E']);
    const ours = ourColumns(result.stderr, header);
    for (const line of [3, 5, 6, 7]) assert.deepEqual(ours.get(line), [gcc.get(line)], `line ${line}\n${result.stderr}`);
    assert.deepEqual(
      [3, 5, 6, 7].map((line) => gcc.get(line)),
      [6, 2, 4, 9],
    );
  });

  for (const mode of ['--no-cc', 'cc'] as const) {
    it(`an #error after a tab at gcc's column (${mode})`, function () {
      const cc = compilerOrSkip(this);
      const header = resolve(FIXTURES, 'tabbed-error.h');
      const result = runImportC([header, ...(mode === '--no-cc' ? ['--no-cc'] : [])]);
      assert.equal(result.status, 2, result.stderr);
      const column = gccColumns(cc, header, ['-E']).get(2);
      assert.equal(column, 10, 'gcc: the tab to column 9, `error` at 10');
      assert.match(result.stderr, new RegExp(`tabbed-error\\.h:2:${column}: #error tabbed text`));
    });
  }
});
