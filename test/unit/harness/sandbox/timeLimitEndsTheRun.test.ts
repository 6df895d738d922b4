/**
 * The time limit's stop is thrown into harness code, which may catch it. Before, `try { for (;;)
 * {} } catch {}` went on: the harness freed its blocks after the limit, main returned and the run
 * was reported complete (exit 0, "All heap blocks were freed"), as was a promise job that spun
 * after main had returned. A stop caught is now thrown again by the next call, loop turn, `catch`
 * or `finally`, and a run the limit stopped is `timed-out` whatever the harness did with it.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const TIME_LIMIT_MS = 400;

describe('the harness sandbox: the time limit ends the run', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  const ways: [string, string][] = [
    ['an empty catch', `try { for (;;) {} } catch { /* swallowed */ }`],
    ['a catch that prints', `try { for (;;) {} } catch { print('caught'); }`],
    ['a finally', `try { for (;;) {} } finally { print('finally'); XFREE(a); }`],
    ['a promise catch', `await Promise.resolve().then(() => { for (;;) {} }).catch(() => print('swallowed'));`],
  ];
  for (const [how, body] of ways) {
    it(`swallowed by ${how}, the stop still ends the run: nothing after it runs, timed-out at the loop`, async () => {
      const run = await probe.run(
        'swallowed.lmm.ts',
        `${PRELUDE}export default async function main() {\n  MM_REG_STRUCT(node_t);\n  const a = XCALLOC(1, node_t);\n  ${body}\n  XFREE(a);\n  print('went on');\n}\n`,
        { timeLimitMs: TIME_LIMIT_MS },
      );
      assert.equal(run.outcome, 'timed-out', run.message);
      assert.match(run.message!, /swallowed\.lmm\.ts:6:\d+: time limit of 400 ms exceeded in this loop/);
      assert.equal(run.output, '', 'nothing the harness printed after the stop');
      const report = run.finished!.report;
      assert.equal(report.totals.frees, 0, 'no free after the stop');
      assert.equal(report.totals.liveBlocks, 1);
    });
  }

  it('a promise job that spins after main returned ends the run as timed-out, not complete', async () => {
    const run = await probe.run(
      'late-job.lmm.ts',
      `${PRELUDE}export default async function main() {\n  MM_REG_STRUCT(node_t);\n  const a = XCALLOC(1, node_t)!;\n  Promise.resolve().then(() => { XFREE(a); for (;;) {} });\n  print('main returns');\n}\n`,
      { timeLimitMs: TIME_LIMIT_MS },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(run.message!, /late-job\.lmm\.ts:6:\d+: time limit of 400 ms exceeded in this loop/);
    assert.equal(run.output, 'main returns\n');
  });

  it('a wait the limit stops after a heap operation is at that operation’s line, marked as such (a wait has no line)', async () => {
    const run = await probe.run(
      'waits.lmm.ts',
      `${PRELUDE}export default async function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n  print('waits');\n  await new Promise(() => undefined);\n}\n`,
      { timeLimitMs: TIME_LIMIT_MS },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(
      run.message!,
      /\/waits\.lmm\.ts:5:3: time limit of 400 ms exceeded while main's promise was pending, with no harness code left to run: nothing settles it \(the harness was stopped; last heap operation here\)$/,
    );
  });
});
