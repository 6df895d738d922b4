/**
 * "A harness file (…) is a regular file of at most 16 MiB, and so is a `--suppressions` file":
 * one within the bound is read, by the host and again by the locked-down worker. Before, the
 * worker split it into lines with a regular expression, off V8's fast path once SES had frozen
 * RegExp.prototype: a file of 4 MiB of blank lines took 21 s there, so a run given it ended at
 * the 10 s time limit before its harness started, and this test's run took 11 s.
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../../support/lmmCli';
import { scratchFolder } from '../../../support/scratchFolder';

describe('the harness sandbox: a large suppressions file within the bound', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-large-supp-');

  it('4 MiB of blank and comment lines around one entry: the run completes and the entry still silences its leak', async () => {
    const harness = scratch.write(
      'leaks.lmm.ts',
      "import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';\n" +
        '@struct class kept_t { @u32 a!: number; }\n' +
        'export default function main() {\n  MM_REG_STRUCT(kept_t);\n  XCALLOC(1, kept_t);\n}\n',
    );
    const filler = '\n# a comment line, then a blank one\n\n'.repeat(((4 * 2 ** 20) / 38) | 0);
    const entry = '{\n   kept\n   lmm:Leak\n   struct: kept_t\n   src:leaks.lmm.ts:5\n}\n';
    const suppressions = scratch.write('large.lmmsupp', `${filler}${entry}${filler}`);
    const started = Date.now();
    const result = await lmm('run', harness, '--json', '--suppressions', suppressions, '--fail-on', 'leak');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      complete: boolean;
      suppressionsUsed: { name: string; blocks: number }[];
    };
    assert.equal(report.complete, true);
    assert.deepEqual(
      report.suppressionsUsed.map((s) => [s.name, s.blocks]),
      [['kept', 1]],
    );
    assert.ok(Date.now() - started < 8_000, `${Date.now() - started} ms`);
  });
});
