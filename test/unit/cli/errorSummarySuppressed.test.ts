/**
 * "The text report's ERROR SUMMARY counts as memcheck's does (…) of every leak check, a mid-run
 * `mm_leak_check()`'s too (…); suppressed ones count as suppressed. (…) The JSON's `errorSummary`
 * counts the memory errors alone": a leak record suppressed at a mid-run check and again at exit
 * counts twice as suppressed, a suppressed double free once; the JSON counts that free alone.
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

describe('lmm run: suppressed leaks and errors in the ERROR SUMMARY', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-error-summary-');

  it('counts each suppressed record at each check, and the suppressed error, as suppressed', async () => {
    const harness = scratch.write(
      'sup.lmm.ts',
      `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE, mm_leak_check } from 'lmm-studio';
@struct class a_t { @u32 v!: number; }
export default function main(): void {
  MM_REG_STRUCT(a_t);
  XCALLOC(1, a_t);
  mm_leak_check();
  const b = XCALLOC(1, a_t);
  XFREE(b);
  XFREE(b);
  XCALLOC(2, a_t);
}
`,
    );
    scratch.write(
      'sup.lmmsupp',
      '{\n   kept\n   lmm:Leak\n   src:sup.lmm.ts:5\n}\n{\n   twice\n   lmm:double-free\n   src:sup.lmm.ts:9\n}\n',
    );
    const text = await lmm('run', harness);
    assert.equal(text.status, 0, text.stderr);
    // The unsuppressed 8-byte record at exit is the one error; the 4-byte record at both checks and the double free are suppressed.
    assert.match(text.stdout, /^ERROR SUMMARY: 1 error from 1 context \(suppressed: 3\)$/m);
    const json = JSON.parse((await lmm('run', harness, '--json')).stdout) as { errorSummary: unknown };
    assert.deepEqual(json.errorSummary, { errors: 0, contexts: 0, suppressed: 1 });
  });
});
