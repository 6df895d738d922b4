/**
 * "The run stops at its next loop turn" for a loop whose turns are slow too. The stop the parent
 * asks for (the time limit, Stop Run) was looked at every 1,024 turns only: a loop of 1 ms turns
 * went on for a second past it, met the 0.5 s backstop and was killed with its process, so the
 * run had no report and its message pointed at the last heap operation, not at the loop.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const TIME_LIMIT_MS = 600;

/** One turn: a backtracking test of a couple of milliseconds, a built-in call with no loop of the harness's own. */
const SLOW_TURN = `/^(a+)+$/.test(slow)`;

describe('the harness sandbox: a loop of slow turns stops at its next turn', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('the time limit stops a loop of slow turns that allocates: timed-out in this loop, the heap reported', async () => {
    const run = await probe.run(
      'slow-turns.lmm.ts',
      `${PRELUDE}const slow = 'a'.repeat(18) + 'b';\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  const kept = XCALLOC(1, node_t);\n  for (let i = 0; ; i++) {\n    const n = XCALLOC(1, node_t);\n    ${SLOW_TURN};\n    XFREE(n);\n  }\n}\n`,
      { timeLimitMs: TIME_LIMIT_MS },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(
      run.message!,
      /slow-turns\.lmm\.ts:7:3: time limit of 600 ms exceeded in this loop \(the harness was stopped\)$/,
    );
    const report = run.finished?.report;
    assert.ok(report, 'the heap as it was at the stop is reported');
    assert.ok(report.totals.liveBlocks >= 1, `${report.totals.liveBlocks} live blocks`);
    assert.ok(run.ms < TIME_LIMIT_MS + 4000, `${run.ms} ms`);
  });

  it('the time limit stops a loop of slow turns with no heap call at its loop, the heap reported', async () => {
    const run = await probe.run(
      'slow-no-heap.lmm.ts',
      `${PRELUDE}const slow = 'a'.repeat(18) + 'b';\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n  for (;;) ${SLOW_TURN};\n}\n`,
      { timeLimitMs: TIME_LIMIT_MS },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(
      run.message!,
      /slow-no-heap\.lmm\.ts:7:3: time limit of 600 ms exceeded in this loop \(the harness was stopped\)$/,
    );
    assert.equal(run.finished?.report.totals.liveBlocks, 1, 'the heap as it was at the stop is reported');
  });
});
