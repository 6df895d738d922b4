/**
 * `lmm import-c`'s bounds, as the README gives them: a header over 64 MiB is refused; before the
 * compiler's preprocessor runs, so is an `#include` line of the header's own naming a file over
 * 64 MiB (with that line); and the preprocessor's message, when it rejects a header, is shown
 * with its first 40 lines, each cut at 500 characters. Before, a header including a 64 MiB file
 * of NULs ran `cc -E` for 15 s and printed 268 MB of gcc's warning (it quotes the line).
 */
import { strict as assert } from 'node:assert';
import { truncateSync } from 'node:fs';
import {
  COMPILER_MESSAGE_LINE_CHARACTERS,
  COMPILER_MESSAGE_LINES,
  compilerMessage,
  MAX_HEADER_BYTES,
} from '../../../src/cli/importCCommand';
import { compilerOrSkip } from '../../support/cCompiler';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

describe('lmm import-c: a huge header, a huge include and a long compiler message', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-import-bounds-');
  /** A sparse file of `bytes` NULs: no disk written, read as zeros. */
  const sparse = (name: string, bytes: number): string => {
    const path = scratch.write(name, '');
    truncateSync(path, bytes);
    return path;
  };

  it('is 64 MiB, as the README says', () => {
    assert.equal(MAX_HEADER_BYTES, 64 * 1024 * 1024);
  });

  it('a header one byte over 64 MiB is refused (exit 2), with the compiler and without', async () => {
    const huge = sparse('huge.h', MAX_HEADER_BYTES + 1);
    for (const options of [['--no-cc'], []]) {
      const result = await lmm('import-c', huge, ...options);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `${huge}: larger than 64 MiB; is it a C header?\n`);
    }
  });

  it('with the compiler: an #include of a file over 64 MiB is refused at its line, before cc -E runs', async function () {
    compilerOrSkip(this);
    sparse('included-huge.h', MAX_HEADER_BYTES + 1);
    const header = scratch.write('includes-huge.h', 'struct s { int a; };\n#include "included-huge.h"\n');
    const started = Date.now();
    const result = await lmm('import-c', header);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^\S*includes-huge\.h:2: #include "included-huge\.h": \S*included-huge\.h is larger than 64 MiB, not read\n$/,
    );
    assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms: the compiler was not left to read it`);
  });

  it("without the compiler: the same include is a note, not read, and the header's struct is written (exit 1)", async () => {
    sparse('included-huge.h', MAX_HEADER_BYTES + 1);
    const header = scratch.write('includes-huge-builtin.h', 'struct s { int a; };\n#include "included-huge.h"\n');
    const result = await lmm('import-c', header, '--no-cc');
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /includes-huge-builtin\.h:2: #include "included-huge\.h": \S*included-huge\.h is larger than 64 MiB, not read\n/,
    );
    assert.match(result.stdout, /^class s \{/m);
  });

  it('a header the preprocessor rejects with hundreds of errors shows its first 40 lines, and says how many more', async function () {
    compilerOrSkip(this);
    // Not #error (each of those is said as FILE:LINE:COLUMN: #error TEXT): directives gcc does not know.
    const lines = Array.from({ length: 200 }, (_, k) => `#problem_number_${k + 1}`);
    const header = scratch.write('errors.h', `${lines.join('\n')}\nstruct s { int a; };\n`);
    const result = await lmm('import-c', header);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /-E failed:\n/);
    assert.match(result.stderr, /error: invalid preprocessing directive #problem_number_1\n/, 'the first error is shown');
    assert.doesNotMatch(result.stderr, /problem_number_200\b/);
    const message = result.stderr.split('-E failed:\n')[1]!.split('\n(pass --no-cc')[0]!.split('\n');
    assert.equal(message.length, COMPILER_MESSAGE_LINES + 1, result.stderr);
    assert.match(message[COMPILER_MESSAGE_LINES]!, /^… \d+ more lines of the compiler's message$/);
  });

  it('a header with hundreds of #error lines shows the first 40, each as FILE:LINE:COLUMN: #error TEXT', async function () {
    compilerOrSkip(this);
    const lines = Array.from({ length: 200 }, (_, k) => `#error problem number ${k + 1}`);
    const header = scratch.write('many-errors.h', `${lines.join('\n')}\nstruct s { int a; };\n`);
    const result = await lmm('import-c', header);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /many-errors\.h:1:2: #error problem number 1\n/);
    assert.doesNotMatch(result.stderr, /problem number 41\b/);
    assert.match(result.stderr, /… 160 more lines of the compiler's message/);
  });

  it('each line of the message is cut at 500 characters; a short message is shown whole', () => {
    const long = 'x'.repeat(COMPILER_MESSAGE_LINE_CHARACTERS + 1);
    assert.equal(compilerMessage(`a\n${long}\n`), `a\n${'x'.repeat(COMPILER_MESSAGE_LINE_CHARACTERS)}…`);
    assert.equal(compilerMessage('x'.repeat(COMPILER_MESSAGE_LINE_CHARACTERS)), 'x'.repeat(COMPILER_MESSAGE_LINE_CHARACTERS));
    const exactly = Array.from({ length: COMPILER_MESSAGE_LINES }, (_, k) => `line ${k}`).join('\n');
    assert.equal(compilerMessage(exactly), exactly);
    assert.equal(compilerMessage(`${exactly}\nline 40`), `${exactly}\n… 1 more line of the compiler's message`);
  });
});
