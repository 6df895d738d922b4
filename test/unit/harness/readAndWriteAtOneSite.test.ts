/**
 * A read and a write at one site (C's `p[-1] += 'z'`, memcheck's errs1) are two errors, as they are
 * two contexts in memcheck's ERROR SUMMARY: "Invalid read" and "Invalid write", each counted once.
 * Before, the write counted as the read's second occurrence ("Invalid read … (2 times)", 1 context).
 * Repeats of each still count against its own record. (The in-process runtime of the view tests,
 * which takes no stack traces, keeps one record per kind and call path.)
 */
import { strict as assert } from 'node:assert';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { scratchFolder } from '../../support/scratchFolder';

describe('a read and a write at one site are two memory errors', function () {
  this.timeout(60_000);
  const { write } = scratchFolder('lmm-read-write-');

  it('each counted once per occurrence, in a run in the worker (each error located by a stack trace)', async () => {
    const file = write(
      'plus-equals.lmm.ts',
      [
        "import { XCALLOC_BUF } from 'lmm-studio';",
        'export default function main(): void {',
        '  const p = XCALLOC_BUF(10)!;',
        '  for (let i = 0; i < 3; i++) p[-1] += 1;',
        '}',
        '',
      ].join('\n'),
    );
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'completed', result.message);
    const errors = result.finished!.report.errors;
    assert.deepEqual(
      errors.map((e) => [e.access?.operation, e.site?.line, e.count]),
      [
        ['read', 4, 3],
        ['write', 4, 3],
      ],
    );
    assert.match(errors[0]!.message, /^Invalid read of size 1: byte \[-1\], 1 bytes before the start of a 10-byte buffer/);
    assert.match(errors[1]!.message, /^Invalid write of size 1: byte \[-1\]/);
    assert.deepEqual(result.finished!.report.errorSummary, { errors: 6, contexts: 2, suppressed: 0 });
  });
});
