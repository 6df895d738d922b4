import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memcheckErrorSummary } from '../../../src/analysis/textReport';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { lmm } from '../../support/lmmCli';

/**
 * memcheck's tests that run leak-cases with leak-kind options: `lks` (`--suppressions=lks.supp`,
 * a suppression matching possibly lost blocks only, and `--errors-for-leak-kinds=definite,possible`)
 * and `leak-cases-exit-on-definite` (`--errors-for-leak-kinds=definite --error-exitcode=127`).
 * Ours: `lks.lmmsupp` beside the port, and `--fail-on KINDS` for memcheck's pair of options, or
 * that pair itself (`lmm run` takes `--error-exitcode`). The
 * figures are valgrind 3.19's for `leak-cases.c` here, re-checked with the real valgrind below.
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
const harness = join(ported, 'leak-cases.lmm.ts');
const lmmSupp = join(ported, 'lks.lmmsupp');

// LEAK SUMMARY with lks.supp: the 6 possibly lost blocks (96 bytes) are suppressed.
const LKS_SUMMARY = { definite: [48, 3], indirect: [32, 2], possible: [0, 0], reachable: [64, 4], suppressed: [96, 6] };
// "ERROR SUMMARY: 3 errors from 3 contexts (suppressed: 6 from 6)": the 3 definitely lost records
// count, the 6 suppressed possibly lost ones count as suppressed.
const LKS_ERRORS = { errors: 3, contexts: 3, suppressed: 6 };
// Whether the run fails (memcheck's --error-exitcode, our --fail-on) for each kind, without and
// with lks's suppression: leak-cases has blocks of every kind, and lks suppresses all possibly lost.
const FAILS: Record<string, { plain: boolean; lks: boolean }> = {
  definite: { plain: true, lks: true },
  indirect: { plain: true, lks: true },
  possible: { plain: true, lks: false },
  reachable: { plain: true, lks: true },
};

describe("memcheck's lks and leak-cases-exit-on-definite: leak-cases with leak-kind options and suppressions", function () {
  this.timeout(120_000);

  it('lks: the suppression takes the possibly lost blocks alone, into "suppressed", and the ERROR SUMMARY counts them as suppressed', async () => {
    const result = await runHarnessFile(harness, { suppressions: { text: readFileSync(lmmSupp, 'utf8'), file: lmmSupp } });
    assert.equal(result.outcome, 'completed', result.message);
    const report = result.finished!.report;
    const figure = (kind: keyof typeof report.leakSummary) => [report.leakSummary[kind].bytes, report.leakSummary[kind].blocks];
    assert.deepEqual(
      {
        definite: figure('definitely-lost'),
        indirect: figure('indirectly-lost'),
        possible: figure('possibly-lost'),
        reachable: figure('still-reachable'),
        suppressed: figure('suppressed'),
      },
      LKS_SUMMARY,
    );
    assert.deepEqual(
      report.leaks.filter((record) => record.suppressed).map((record) => `${record.kind} ${record.suppressedBy}`),
      Array<string>(6).fill('possibly-lost lks_suppress_only_possible'),
    );
    assert.deepEqual(memcheckErrorSummary(report), LKS_ERRORS);
  });

  for (const [kind, fails] of Object.entries(FAILS)) {
    it(`--fail-on ${kind} fails the run as memcheck's --errors-for-leak-kinds=${kind} --error-exitcode does (${fails.lks ? 'with' : 'but not with'} lks's suppression)`, async () => {
      assert.equal((await lmm('run', harness, '--fail-on', kind)).status, fails.plain ? 1 : 0);
      assert.equal((await lmm('run', harness, '--fail-on', kind, '--suppressions', lmmSupp)).status, fails.lks ? 1 : 0);
    });
  }

  for (const [kind, fails] of Object.entries(FAILS)) {
    it(`with memcheck's own options, --errors-for-leak-kinds=${kind} --error-exitcode=127, it exits as valgrind does (${fails.lks ? 'with' : 'but not with'} lks's suppression)`, async () => {
      const options = ['--leak-check=full', '-q', `--errors-for-leak-kinds=${kind}`, '--error-exitcode=127'];
      assert.equal((await lmm('run', harness, ...options)).status, fails.plain ? 127 : 0);
      assert.equal((await lmm('run', harness, ...options, '--suppressions', lmmSupp)).status, fails.lks ? 127 : 0);
    });
  }

  describe('the recorded figures are what valgrind says for leak-cases.c', () => {
    let dir: string | undefined;
    let binary = '';
    before(function () {
      const found = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
      if (!found('gcc') || !found('valgrind')) {
        console.log(`    (skipped: ${found('gcc') ? 'valgrind' : 'gcc'} is not on PATH)`);
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'lmm-lks-'));
      binary = join(dir, 'leak-cases');
      const compiled = spawnSync('gcc', ['-O0', '-g', '-w', '-o', binary, join(ported, 'leak-cases.c')], { encoding: 'utf8' });
      assert.equal(compiled.status, 0, compiled.stderr);
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const valgrind = (...options: string[]) =>
      spawnSync('valgrind', ['--leak-check=full', ...options, binary], { encoding: 'utf8', maxBuffer: 1 << 24 });

    it('lks: valgrind --show-leak-kinds=definite,possible,indirect --errors-for-leak-kinds=definite,possible --suppressions=lks.supp', () => {
      const run = valgrind(
        '--show-leak-kinds=definite,possible,indirect',
        '--errors-for-leak-kinds=definite,possible',
        `--suppressions=${join(ported, 'lks.supp')}`,
      );
      const figure = (words: string) => {
        const match = new RegExp(`${words}: ([\\d,]+) bytes in ([\\d,]+) blocks`).exec(run.stderr);
        assert.ok(match, `${words} in\n${run.stderr}`);
        return [Number(match[1]!.replace(/,/g, '')), Number(match[2]!.replace(/,/g, ''))];
      };
      assert.deepEqual(
        {
          definite: figure('definitely lost'),
          indirect: figure('indirectly lost'),
          possible: figure('possibly lost'),
          reachable: figure('still reachable'),
          suppressed: figure('suppressed'),
        },
        LKS_SUMMARY,
      );
      const summary = /ERROR SUMMARY: (\d+) errors from (\d+) contexts \(suppressed: (\d+) from \d+\)/.exec(run.stderr);
      assert.ok(summary, run.stderr);
      assert.deepEqual({ errors: Number(summary[1]), contexts: Number(summary[2]), suppressed: Number(summary[3]) }, LKS_ERRORS);
    });

    for (const [kind, fails] of Object.entries(FAILS)) {
      it(`--errors-for-leak-kinds=${kind} --error-exitcode=127, without and with lks.supp`, () => {
        const options = ['-q', `--errors-for-leak-kinds=${kind}`, '--error-exitcode=127'];
        assert.equal(valgrind(...options).status, fails.plain ? 127 : 0);
        assert.equal(valgrind(...options, `--suppressions=${join(ported, 'lks.supp')}`).status, fails.lks ? 127 : 0);
      });
    }
  });
});
