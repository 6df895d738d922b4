/**
 * A recursion without loops had no loop turn to stop at: the time limit (or Stop Run) waited the
 * 0.5 s grace and killed the harness process, so the run had no report of its heap. The stop the
 * parent asks for is now looked at on every harness call too, and ends the run there.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

describe('the harness sandbox: a recursion without loops stops at its next call', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('the time limit stops it at a call, with the heap reported', async () => {
    const run = await probe.run(
      'recursion.lmm.ts',
      `${PRELUDE}const f = (n: number): number => (n <= 0 ? 0 : 1 + f(n - 1) + f(n - 1));\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n  print(f(60));\n}\n`,
      { timeLimitMs: 500 },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(run.message!, /\/recursion\.lmm\.ts:3:\d+: time limit of 500 ms exceeded \(the harness was stopped\)$/);
    assert.equal(run.finished?.report.totals.liveBlocks, 1, 'the heap as it was at the stop is reported');
    assert.equal(run.output, '', 'nothing after the stop ran');
  });

  it('a recursion that allocates at each call stops at one of them, its heap reported', async () => {
    const run = await probe.run(
      'build.lmm.ts',
      `${PRELUDE}const build = (n: number): node_t | null => {\n  const x = XCALLOC(1, node_t);\n  XFREE(x);\n  return n <= 0 ? null : (build(n - 1), build(n - 1));\n};\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  build(40);\n}\n`,
      { timeLimitMs: 500 },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(run.message!, /\/build\.lmm\.ts:[456]:\d+: time limit of 500 ms exceeded \(the harness was stopped\)$/);
    const totals = run.finished?.report.totals;
    // Stopped at one of its calls: XCALLOC's, XFREE's (its block then still live) or its own.
    assert.ok(totals && totals.allocations > 1000 && totals.allocations - totals.frees <= 1, JSON.stringify(totals));
  });

  it('a recursion that catches its stack overflows and recurses on is stopped all the same, at its line', async () => {
    // The stop cannot be caught; an overflow can, and may fall inside the runtime's bookkeeping
    // of a new call path (callPaths.ts; callPathsAfterOverflow.test.ts makes it fall there).
    const run = await probe.run(
      'catches.lmm.ts',
      `${PRELUDE}function f(n: number): number {\n  try { return f(n + 1) + f(n + 2); } catch { return f(n + 3); }\n}\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n  print(f(0));\n}\n`,
      { timeLimitMs: 500 },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(run.message!, /\/catches\.lmm\.ts:4:\d+: time limit of 500 ms exceeded \(the harness was stopped\)$/);
    assert.equal(run.finished?.report.totals.liveBlocks, 1, 'the heap as it was at the stop is reported');
    assert.equal(run.output, '', 'the stop is not caught: nothing after it ran');
  });
});
