/**
 * A long run's end-of-run report reads the allocation log one record at a time: two million
 * allocations and frees (a program whose live set is one block) finish, report and stay well
 * within a 400 MB memory limit. When the report made one object per allocation, this run
 * needed about 560 MB more than it started with, and ended `out-of-memory` at the line of its
 * last XFREE although the harness had already returned.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../support/harnessProbe';
import { nodeHarness } from '../../support/nodeHarness';

const PAIRS = 2_000_000;
const LIMIT_MB = 400;

describe('a long run’s report within the memory limit', function () {
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
});
