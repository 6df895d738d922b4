/**
 * Every resource a run holds is bounded, and every stop takes effect within a second whatever
 * the harness does; the parent (this process) carries on.
 */
import { strict as assert } from 'node:assert';
import { MAX_OUTPUT_CHARS } from '../../../../src/harness/worker/outputGate';
import { runHarness } from '../../../../src/harness/runHarness';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

/** Slack for a loaded machine on top of the one-second promise (the worker must also start). */
const START_MS = 3000;

describe('the harness sandbox: resource bounds and stops', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('an ArrayBuffer flood past --memory-limit stops with a clear message, and the host survives', async () => {
    const run = await probe.run(
      'buffers.lmm.ts',
      `export default function main() {\n  const kept: Uint8Array[] = [];\n  for (;;) { const b = new Uint8Array(64 << 20); b.fill(1); kept.push(b); }\n}\n`,
      { memoryLimitMb: 256, timeLimitMs: 30_000 },
    );
    assert.equal(run.outcome, 'out-of-memory', run.message);
    assert.match(run.message!, /memory limit of 256 MB exceeded/);
    assert.ok(run.ms < 15_000, `${run.ms} ms`);
    assert.ok(process.memoryUsage.rss() < 2 ** 31, 'the parent is not holding the flood');
  });

  it('a JS heap flood hits the same limit', async () => {
    const run = await probe.run(
      'arrays.lmm.ts',
      `export default function main() {\n  const kept: number[][] = [];\n  for (;;) kept.push(new Array(100_000).fill(Math.random()));\n}\n`,
      { memoryLimitMb: 128, timeLimitMs: 30_000 },
    );
    assert.equal(run.outcome, 'out-of-memory', run.message);
  });

  it('a print flood with a short time limit ends on time, its output bounded, and says how many lines were dropped', async () => {
    let taken = 0;
    const file = probe.write(
      'flood.lmm.ts',
      `${PRELUDE}export default function main() {\n  for (;;) print('x'.repeat(1000));\n}\n`,
    );
    const started = Date.now();
    // A slow consumer: every line costs the parent 1 ms, so the worker must wait or drop.
    const result = await runHarness(file, {
      timeLimitMs: 1000,
      onOutput: (text) => {
        taken += text.length;
        const until = Date.now() + 1;
        while (Date.now() < until) {
          /* a slow terminal */
        }
      },
    }).result;
    const ms = Date.now() - started;
    assert.equal(result.outcome, 'timed-out', result.message);
    assert.ok(ms < 1000 + START_MS, `${ms} ms`);
    assert.ok(taken <= MAX_OUTPUT_CHARS + 200, `${taken} characters taken in`);
    assert.ok(result.outputDropped === undefined || result.outputDropped.lines > 0);
  });

  it('output past the run bound is dropped and counted, and the count reaches the output', async () => {
    const lines = Math.ceil(MAX_OUTPUT_CHARS / 100_000) + 5;
    const run = await probe.run(
      'bound.lmm.ts',
      `${PRELUDE}export default function main() {\n  const line = 'y'.repeat(100_000);\n  for (let i = 0; i < ${lines}; i++) print(line);\n}\n`,
      { timeLimitMs: 30_000 },
    );
    assert.equal(run.outcome, 'completed', run.message);
    // What went out is within the bound; only the line saying what was dropped is past it.
    const marker = /\[lmm: \d+ lines of output dropped: [^\]]*\]\n$/.exec(run.output)?.[0] ?? '';
    assert.ok(run.output.length - marker.length <= MAX_OUTPUT_CHARS, `${run.output.length}`);
    assert.ok(run.outputDropped && run.outputDropped.lines >= 4, JSON.stringify(run.outputDropped));
    assert.match(run.output, /\[lmm: \d+ lines of output dropped: the run printed more than 64 MiB\]\n$/);
  });

  for (const [name, body] of [
    ['while (true) {}', `for (;;) {}`],
    ['catching the stop and looping again', `for (;;) { try { for (;;) {} } catch { /* again */ } }`],
    [
      'a deep recursion caught at every level',
      `const f = (n: number): number => { try { return f(n + 1) + f(n + 2); } catch { return f(n + 1); } };\n  f(0);`,
    ],
    ['an async loop of promise jobs', `for (;;) { await Promise.resolve(); }`],
    ['a promise that never settles', `await new Promise(() => undefined);`],
    // One native call that backtracks for ages: no loop turn to stop at, the process is ended.
    ['a regular expression backtracking', `print(/^(a+)+$/.test('a'.repeat(40) + 'b'));`],
  ] as const) {
    it(`the time limit stops ${name} within a second`, async () => {
      const run = await probe.run(
        `limit-${name.length}.lmm.ts`,
        `${PRELUDE}export default async function main() {\n  ${body}\n}\n`,
        {
          timeLimitMs: 500,
        },
      );
      assert.equal(run.outcome, 'timed-out', run.message);
      assert.ok(run.ms < 500 + 1000 + START_MS, `${run.ms} ms`);
    });

    it(`Stop ends ${name} within a second`, async () => {
      const file = probe.write(`stop-${name.length}.lmm.ts`, `${PRELUDE}export default async function main() {\n  ${body}\n}\n`);
      const handle = runHarness(file, { timeLimitMs: 60_000 });
      // Once it runs (compile and worker start take a while on a loaded machine).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const stoppedAt = Date.now();
      handle.cancel();
      const result = await handle.result;
      assert.equal(result.outcome, 'cancelled');
      assert.ok(Date.now() - stoppedAt < 1000, `${Date.now() - stoppedAt} ms after Stop`);
    });
  }

  it('a deep recursion ends as a crash at the harness line, with the heap reported', async () => {
    const run = await probe.run(
      'recursion.lmm.ts',
      `${PRELUDE}function down(n: number): number {\n  return down(n + 1) + 1;\n}\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n  down(0);\n}\n`,
    );
    assert.equal(run.outcome, 'crashed');
    assert.match(run.message!, /recursion\.lmm\.ts:\d+:\d+: RangeError: Maximum call stack size exceeded/);
    assert.equal(run.finished!.report.leaks.length, 1);
  });
});
