/**
 * "A time limit waits for [the end-of-run report] (60 s at most)": it did only when the limit had
 * stopped the harness before the report began. A harness that was done in time, whose report
 * then ran past the limit (a thousand leak records, each matched against every entry of a large
 * suppressions file), was waited for without bound: ten minutes for a 16 MiB suppressions file
 * under the default 10 s limit. The report's bound is tried here at a short value.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../support/harnessProbe';

const TIME_LIMIT_MS = 2000;
const REPORT_LIMIT_MS = 500;

/** A thousand leaks at a thousand lines: a thousand loss records. */
const LEAKS = Array.from({ length: 1000 }, () => '  XCALLOC(1, node_t);\n').join('');
/**
 * Entries no record matches, each tried against every record: their innermost frame is a wildcard,
 * which the suppressions' index by file name cannot narrow (an entry naming a file would be looked
 * up by that name and never tried, and the report would be quick). A thousand records against
 * 30,000 such entries take seconds on a fast machine, well past the 2 s limit.
 */
const SUPPRESSIONS = Array.from(
  { length: 30_000 },
  (_, i) => `{\n   entry${i}\n   lmm:Leak\n   src:*\n   src:nowhere${i}.lmm.ts:${i + 1}\n}\n`,
).join('');

describe('the end-of-run report under the time limit', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('a report still running when the limit falls is waited for up to its bound, then the run ends timed-out saying so', async () => {
    const run = await probe.run(
      'slow-report.lmm.ts',
      `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n${LEAKS}}\n`,
      {
        timeLimitMs: TIME_LIMIT_MS,
        reportTimeLimitMs: REPORT_LIMIT_MS,
        suppressions: { text: SUPPRESSIONS, file: 'many.lmmsupp' },
      },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(
      run.message!,
      /slow-report\.lmm\.ts:1004:3: time limit of 2000 ms exceeded, and the end-of-run report was not written within 0\.5 s after it \(the run was stopped; last heap operation here\)$/,
    );
    assert.equal(run.finished, undefined, 'no report: it was not written');
    assert.ok(run.ms < TIME_LIMIT_MS + REPORT_LIMIT_MS + 4000, `${run.ms} ms`);
  });
});
