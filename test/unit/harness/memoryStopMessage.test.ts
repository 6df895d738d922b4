/**
 * A run the memory limit stopped while the harness ran, whose end-of-run report then did not come
 * within the stop's grace, was described as "memory limit exceeded while the end-of-run report was
 * written, after the harness was done": the report blamed, the harness's line dropped (seen with
 * `lmm run --memory-limit 128` on a harness registering structs in a loop). The report is blamed
 * only when the limit was met while it was written.
 */
import { strict as assert } from 'node:assert';
import type { CompiledHarness } from '../../../src/harness/compile/compileHarness';
import { describeEnd, STOP_GRACE_MS } from '../../../src/harness/runHarness';

const site = { file: 'structs.lmm.ts', line: 9, column: 5 };
const killed = { type: 'killed', reason: 'out-of-memory', detail: 'the run grew the process by 200 MB' } as const;
const describe128 = (state: { whileReporting?: true; stoppedBeforeReport?: true }) =>
  describeEnd({ ...killed, lastSite: site, ...state }, {} as CompiledHarness, '/h/structs.lmm.ts', { memoryLimitMb: 128 });

describe('the end of a run the memory limit stopped', () => {
  it('stopped while the harness ran, its report not written in the grace: the harness’s line, the limit, and that the report is missing', () => {
    const end = describe128({ whileReporting: true, stoppedBeforeReport: true });
    assert.equal(end.outcome, 'out-of-memory');
    assert.equal(
      end.message,
      `structs.lmm.ts:9:5: memory limit of 128 MB exceeded (JS heap, buffers and pages together; the harness was stopped; last heap operation here); its end-of-run report was not written within ${STOP_GRACE_MS} ms after the stop`,
    );
    assert.deepEqual(end.site, site);
  });

  it('met while the report was written, after the harness was done: the report is what passed it', () => {
    const end = describe128({ whileReporting: true });
    assert.match(
      end.message!,
      /memory limit of 128 MB exceeded while the end-of-run report was written, after the harness was done/,
    );
    assert.equal(end.site, undefined);
  });

  it('stopped while the harness ran and killed before any report began: the harness’s line', () => {
    const end = describe128({});
    assert.equal(
      end.message,
      'structs.lmm.ts:9:5: memory limit of 128 MB exceeded (JS heap, buffers and pages together; the harness was stopped; last heap operation here)',
    );
  });
});
