/**
 * `lmm run --json` and `--sarif` under memcheck's leak-report options, and how those options go
 * with `--fail-on`. JSON keeps every loss record and marks the ones the text leaves out
 * (`"shown": false`), with `leakReport` saying which options made it (absent under LMM's
 * defaults, whose document is unchanged); `--leak-check=no` makes the leak verdict null, never an
 * empty list. SARIF lists the shown records alone, with a note saying what was left out. The
 * options shape the report only: `--fail-on` decides the exit status from every record.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
// 15 records: 3 definitely, 2 indirectly, 6 possibly lost, 4 still reachable.
const leakCases = join(ported, 'leak-cases.lmm.ts');
// Two mid-run checks, the second with 4 definitely and 14 indirectly lost records, then the same at exit.
const leakCycle = join(ported, 'leak-cycle.lmm.ts');

interface Json {
  leaks: { kind: string; shown?: boolean }[] | null;
  leakSummary: unknown;
  suppressionsUsed: unknown;
  sites: Record<string, unknown>[];
  leakChecks: { leaks: { kind: string; shown?: boolean }[] }[];
  leakReport?: { leakCheck: string; showLeakKinds: string[]; errorsForLeakKinds: string[] };
  complete: boolean;
}

interface Sarif {
  runs: {
    results: { ruleId: string }[];
    invocations: { toolExecutionNotifications?: { level: string; message: { text: string } }[] }[];
  }[];
}

async function json(...args: string[]): Promise<Json> {
  const r = await lmm('run', ...args, '--json');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Json;
}

async function sarif(...args: string[]): Promise<Sarif['runs'][number]> {
  const r = await lmm('run', ...args, '--sarif');
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as Sarif).runs[0]!;
}

/** `kind:shown` of each record, counted: `{ 'definitely-lost:shown': 3, … }`. */
function marks(records: { kind: string; shown?: boolean }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) {
    const key = `${r.kind}:${r.shown === undefined ? 'shown' : String(r.shown)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe("lmm run --json / --sarif under memcheck's leak-report options", function () {
  this.timeout(120_000);

  it("under LMM's defaults the JSON has no leakReport and no record carries shown", async () => {
    const report = await json(leakCases);
    assert.equal('leakReport' in report, false);
    assert.deepEqual(marks(report.leaks!), {
      'definitely-lost:shown': 3,
      'indirectly-lost:shown': 2,
      'possibly-lost:shown': 6,
      'still-reachable:shown': 4,
    });
  });

  it('--show-leak-kinds=definite,possible keeps every record and marks the others shown: false', async () => {
    const report = await json(leakCases, '--show-leak-kinds=definite,possible');
    assert.deepEqual(report.leakReport, {
      leakCheck: 'full',
      showLeakKinds: ['definitely-lost', 'possibly-lost'],
      errorsForLeakKinds: ['definitely-lost', 'possibly-lost'],
    });
    assert.deepEqual(marks(report.leaks!), {
      'definitely-lost:shown': 3,
      'indirectly-lost:false': 2,
      'possibly-lost:shown': 6,
      'still-reachable:false': 4,
    });
    assert.ok(report.leakSummary, 'the LEAK SUMMARY counts every kind');
  });

  it('--leak-check=summary marks every record at exit, and a mid-run check (a full one) by --show-leak-kinds', async () => {
    const report = await json(leakCycle, '--leak-check=summary', '--show-leak-kinds', 'definite');
    assert.deepEqual(marks(report.leaks!), { 'definitely-lost:false': 4, 'indirectly-lost:false': 14 });
    assert.deepEqual(marks(report.leakChecks[1]!.leaks), { 'definitely-lost:shown': 4, 'indirectly-lost:false': 14 });
    assert.equal(report.leakReport!.leakCheck, 'summary');
  });

  it('--leak-check=no: the leak verdict is null (never []), sites lose their leaked figures, the mid-run checks stay', async () => {
    const report = await json(leakCycle, '--leak-check=no');
    assert.equal(report.complete, true);
    assert.equal(report.leaks, null);
    assert.equal(report.leakSummary, null);
    assert.equal(report.suppressionsUsed, null);
    assert.ok(report.sites.length > 0);
    for (const site of report.sites) assert.ok(!('leakedBlocks' in site) && !('leakedBytes' in site), JSON.stringify(site));
    assert.equal(report.leakChecks.length, 2);
    assert.equal(report.leakChecks[1]!.leaks.length, 18);
    assert.equal(report.leakReport!.leakCheck, 'no');
  });

  it('SARIF lists the shown records alone, with a note naming what was left out in memcheck words', async () => {
    const run = await sarif(leakCases, '--show-leak-kinds=definite');
    assert.deepEqual(
      run.results.map((r) => r.ruleId),
      ['definitely-lost', 'definitely-lost', 'definitely-lost'],
    );
    const notes = run.invocations[0]!.toolExecutionNotifications!;
    assert.deepEqual(
      notes.map((n) => [n.level, n.message.text]),
      [['note', '--show-leak-kinds=definite: 12 loss record(s) of other kinds are not listed.']],
    );
  });

  it('SARIF under --leak-check=no has no leak result and says no leak check ran; under summary it says the records are not listed', async () => {
    const no = await sarif(leakCases, '--leak-check=no');
    assert.deepEqual(no.results, []);
    assert.match(
      no.invocations[0]!.toolExecutionNotifications![0]!.message.text,
      /^No leak check ran at exit \(--leak-check=no\)/,
    );
    const summary = await sarif(leakCases, '--leak-check', 'summary');
    assert.deepEqual(summary.results, []);
    assert.equal(
      summary.invocations[0]!.toolExecutionNotifications![0]!.message.text,
      '--leak-check=summary: the 15 loss record(s) of the check at exit are not listed.',
    );
  });

  it("under LMM's defaults the SARIF log has no note and every record", async () => {
    const run = await sarif(leakCases);
    assert.equal(run.results.length, 15);
    assert.equal(run.invocations[0]!.toolExecutionNotifications, undefined);
  });

  it("the text: a record left out keeps its number among all of them, as memcheck's does", async () => {
    const r = await lmm('run', leakCases, '--show-leak-kinds=definite,possible');
    const headers = [
      ...r.stdout.matchAll(
        /are (definitely|indirectly|possibly) lost in loss record (\d+) of (\d+)|are still reachable in loss record (\d+)/g,
      ),
    ];
    // LMM numbers most severe first: definitely lost 1-3, indirectly 4-5, possibly 6-11, reachable 12-15.
    assert.deepEqual(
      headers.map((m) => `${m[1] ?? 'reachable'} ${m[2] ?? m[4]} of ${m[3] ?? '?'}`),
      [
        'definitely 1 of 15',
        'definitely 2 of 15',
        'definitely 3 of 15',
        ...[6, 7, 8, 9, 10, 11].map((n) => `possibly ${n} of 15`),
      ],
    );
  });

  describe('a run that did not complete', () => {
    const { write } = scratchFolder('lmm-leak-options-early-');
    const throws = () => write('throws.lmm.ts', nodeHarness('XCALLOC(1, node_t);', "throw new Error('boom');"));

    it('prints its JSON as before, with no leakReport: it has no leak verdict to shape', async () => {
      for (const option of ['--show-leak-kinds=definite', '--leak-check=no']) {
        const r = await lmm('run', throws(), option, '--json');
        assert.equal(r.status, 2, option);
        const doc = JSON.parse(r.stdout) as Json;
        assert.equal(doc.complete, false, option);
        assert.equal(doc.leaks, null, option);
        assert.equal('leakReport' in doc, false, option);
      }
    });

    it('its text under --leak-check=no says no leak check ran, not the check at the stop', async () => {
      const r = await lmm('run', throws(), '--leak-check=no');
      assert.equal(r.status, 2);
      assert.match(r.stdout, /^No leak check ran at exit \(--leak-check=no\)/m);
      assert.doesNotMatch(r.stdout, /LEAK SUMMARY|the leak check when the run stopped|no leaks/);
    });
  });

  describe('with --fail-on: the options shape the report, --fail-on alone decides the exit status', () => {
    it('a kind left out of the text still fails the run (--show-leak-kinds=none, --leak-check=summary)', async () => {
      const hidden = await lmm('run', leakCases, '--show-leak-kinds=none', '--fail-on', 'definite');
      assert.equal(hidden.status, 1);
      assert.equal(hidden.stderr, 'lmm run: --fail-on: definitely-lost\n');
      assert.equal((await lmm('run', leakCases, '--leak-check=summary', '--fail-on', 'reachable')).status, 1);
    });

    it('--errors-for-leak-kinds changes the ERROR SUMMARY, not the exit status', async () => {
      const all = await lmm('run', leakCases, '--errors-for-leak-kinds=all');
      assert.equal(all.status, 0);
      assert.match(all.stdout, /^ERROR SUMMARY: 15 errors from 15 contexts \(suppressed: 0\)$/m);
      const none = await lmm('run', leakCases, '--errors-for-leak-kinds=none', '--fail-on', 'possible');
      assert.equal(none.status, 1);
      assert.match(none.stdout, /^ERROR SUMMARY: 0 errors from 0 contexts \(suppressed: 0\)$/m);
    });

    it("leak-cases-exit-on-definite (--errors-for-leak-kinds=definite --error-exitcode=127) is --fail-on definite: exit 1 where valgrind's is 127", async () => {
      const r = await lmm('run', leakCases, '--errors-for-leak-kinds=definite', '--leak-check=full', '--fail-on', 'definite');
      assert.equal(r.status, 1);
      assert.match(r.stdout, /^ERROR SUMMARY: 3 errors from 3 contexts \(suppressed: 0\)$/m);
    });

    it('--leak-check=no goes with --fail-on error (no leak kind): the run exits on its memory errors alone', async () => {
      assert.equal((await lmm('run', leakCases, '--leak-check=no', '--fail-on', 'error')).status, 0);
    });
  });
});
