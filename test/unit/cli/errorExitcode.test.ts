/**
 * memcheck's `--error-exitcode=N` under `lmm run`: exit N when the ERROR SUMMARY, counted as the
 * text report counts it (memory errors, and the loss records `--errors-for-leak-kinds` names of
 * every check that lists them: not the check at exit under `--leak-check=summary` or `no`), has an
 * unsuppressed error; each case here was run under valgrind 3.19 on the C program beside the port
 * and gave the same status. 0 is memcheck's "off", the last one given counts, what is not 0 to
 * 255 is refused (memcheck takes it and exits with it mod 256), and so are 2 and 3, lmm's own.
 * With `--fail-on` too, N goes first, then `--fail-on`'s 1.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
const leakCases = join(ported, 'leak-cases.lmm.ts');
const doublefree = join(ported, 'doublefree.lmm.ts');

describe('lmm run --error-exitcode=N, as memcheck exits', function () {
  this.timeout(60_000);
  const { write } = scratchFolder('lmm-exitcode-');

  it("exits N when memcheck's ERROR SUMMARY counts an error, and says so on stderr", async () => {
    const r = await lmm('run', leakCases, '--error-exitcode=127');
    assert.equal(r.status, 127);
    assert.match(r.stdout, /^ERROR SUMMARY: 9 errors from 9 contexts/m);
    assert.equal(r.stderr, "lmm run: --error-exitcode: memcheck's ERROR SUMMARY counts 9 errors (exit status 127)\n");
    assert.equal((await lmm('run', leakCases, '--error-exitcode', '9')).status, 9, 'as --error-exitcode 9 too');
  });

  it('counts what the ERROR SUMMARY counts: no record at exit under --leak-check=summary, a memory error under =no, a mid-run check always', async () => {
    assert.equal((await lmm('run', leakCases, '--leak-check=summary', '--error-exitcode=9')).status, 0);
    assert.equal((await lmm('run', doublefree, '--leak-check=no', '--error-exitcode=9')).status, 9);
    const cycle = join(ported, 'leak-cycle.lmm.ts');
    const r = await lmm('run', cycle, '--leak-check=no', '--errors-for-leak-kinds=indirect', '--error-exitcode=9');
    assert.equal(r.status, 9);
    assert.match(r.stderr, /counts 14 errors/);
    assert.equal((await lmm('run', leakCases, '--errors-for-leak-kinds=none', '--error-exitcode=9')).status, 0);
  });

  it('a suppressed error does not count (nanoleak_supp with its suppression)', async () => {
    const supp = join(ported, 'nanoleak_supp.lmmsupp');
    const harness = join(ported, 'nanoleak_supp.lmm.ts');
    assert.equal((await lmm('run', harness, `--suppressions=${supp}`, '--error-exitcode=9')).status, 0);
    const none = write('none.lmmsupp', '');
    assert.equal((await lmm('run', harness, `--suppressions=${none}`, '--error-exitcode=9')).status, 9, 'unsuppressed it counts');
  });

  it('0 leaves the status alone, and the last one given counts (valgrind: =5 then =0 exits 0; =0 then =5 exits 5)', async () => {
    assert.equal((await lmm('run', leakCases, '--error-exitcode=0')).status, 0);
    assert.equal((await lmm('run', leakCases, '--error-exitcode=5', '--error-exitcode=0')).status, 0);
    assert.equal((await lmm('run', leakCases, '--error-exitcode=0', '--error-exitcode=5')).status, 5);
  });

  it('refuses what is not 0 to 255, and 2 and 3, before the run (nothing on stdout)', async () => {
    for (const value of ['256', '-1', 'x', '0x10', '', '1e2']) {
      const r = await lmm('run', leakCases, `--error-exitcode=${value}`);
      assert.equal(r.status, 2, value);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `lmm run: --error-exitcode: takes an exit status from 0 to 255, not '${value}'\n`);
    }
    for (const value of ['2', '3']) {
      const r = await lmm('run', leakCases, `--error-exitcode=${value}`);
      assert.equal(r.status, 2);
      assert.match(r.stderr, new RegExp(`^lmm run: --error-exitcode: ${value} is lmm run's own exit status for `));
    }
  });

  it("with --fail-on: N when memcheck's count has an error, else --fail-on's 1, each gate saying what it found", async () => {
    const both = await lmm('run', leakCases, '--error-exitcode=127', '--fail-on', 'reachable');
    assert.equal(both.status, 127);
    assert.equal(
      both.stderr,
      'lmm run: --fail-on: still-reachable occurred unsuppressed\n' +
        "lmm run: --error-exitcode: memcheck's ERROR SUMMARY counts 9 errors (exit status 127)\n",
    );
    const failOnly = await lmm('run', leakCases, '--errors-for-leak-kinds=none', '--error-exitcode=127', '--fail-on=reachable');
    assert.equal(failOnly.status, 1);
    assert.equal(failOnly.stderr, 'lmm run: --fail-on: still-reachable occurred unsuppressed (exit status 1)\n');
  });

  it("lmm --help's exit statuses name it", async () => {
    assert.match((await lmm('--help')).stdout, /; run --error-exitcode=N: N when errors were found\n/);
  });

  it('the same status with --json and -q; a run that did not complete exits 2 whatever', async () => {
    assert.equal((await lmm('run', leakCases, '--json', '--error-exitcode=127')).status, 127);
    assert.equal((await lmm('run', leakCases, '-q', '--error-exitcode=127')).status, 127);
    const file = write('throws.lmm.ts', nodeHarness('XCALLOC(1, node_t);', "throw new Error('boom');"));
    assert.equal((await lmm('run', file, '--error-exitcode=127')).status, 2);
  });
});
