/**
 * A long run's end-of-run report. It reads the allocation log one record at a time: two million
 * allocations and frees (a program whose live set is one block) finish, report and stay well
 * within a 400 MB memory limit. When the report made one object per allocation, this run
 * needed about 560 MB more than it started with, and ended `out-of-memory` at the line of its
 * last XFREE although the harness had already returned. And a time limit that stops a tight loop
 * of millions of allocations still gets the report of the heap as it was: the report is the
 * runtime's work, and it was cut by the half-second grace a stopped harness gets.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../support/harnessProbe';
import { nodeHarness, TIGHT_LOOP_HARNESS } from '../../support/nodeHarness';

const PAIRS = 2_000_000;
const LIMIT_MB = 400;

describe('a long run’s end-of-run report', function () {
  this.timeout(180_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it(`${PAIRS.toLocaleString('en')} allocations and frees report in full under a ${LIMIT_MB} MB memory limit`, async () => {
    const source = nodeHarness(
      `for (let i = 0; i < ${PAIRS}; i++) {`,
      '  const n = XCALLOC(1, node_t)!;',
      '  n.value = i;',
      '  XFREE(n);',
      '}',
      'XCALLOC(1, node_t); // one block left: the report must still find it lost',
    );
    const run = await probe.run('long-run.lmm.ts', source, { memoryLimitMb: LIMIT_MB, timeLimitMs: 170_000 });
    assert.equal(run.outcome, 'completed', run.message);
    const report = run.finished!.report;
    assert.equal(report.totals.allocations, PAIRS + 1);
    assert.equal(report.totals.frees, PAIRS);
    assert.equal(report.totals.liveBlocks, 1);
    assert.equal(report.leakSummary['definitely-lost'].blocks, 1);
    const loop = report.sites.find((site) => site.site.line === 9)!;
    assert.equal(loop.allocated, PAIRS);
    assert.equal(loop.freed, PAIRS);
    assert.equal(loop.peakLive, 1);
    assert.equal(report.peak.matchesHeap, true, 'the replayed peak is the engine’s');
    assert.ok(run.memoryPeakBytes !== undefined && run.memoryPeakBytes < LIMIT_MB * 2 ** 20, `peak ${run.memoryPeakBytes} bytes`);
  });

  it('a tight loop stopped by a 10 s time limit is reported as it was when it stopped', async () => {
    const run = await probe.run('tight-loop.lmm.ts', TIGHT_LOOP_HARNESS, { timeLimitMs: 10_000 });
    assert.equal(run.outcome, 'timed-out');
    assert.match(run.message ?? '', /time limit of 10000 ms exceeded in this loop \(the harness was stopped\)/);
    const report = run.finished?.report;
    assert.ok(report, 'the report of the heap at the stop');
    // Millions of allocations on a loaded machine too (a slower loop makes a smaller log).
    assert.ok(report.totals.allocations > 500_000, `${report.totals.allocations} allocations`);
    assert.ok(report.totals.liveBlocks <= 1);
    // The run ends soon after its limit: the report of millions of allocations takes about a second.
    assert.ok(run.ms < 10_000 + 8_000, `${run.ms} ms`);
  });
});
