/**
 * A stop asked for (the time limit, Stop Run) was looked at on loop turns and at the harness's own
 * call sites. A callback a built-in calls (forEach's, Array.from's map, a JSON.parse reviver, a
 * Proxy's trap, a getter) has neither, nor has any call under --no-attribution (no
 * call hooks): such a run went on past the grace and was killed, its heap unreported. Each
 * harness function's body now starts with the check.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const START = 'MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n';
/** Each goes on for minutes, and makes no harness loop turn nor any call the harness's code spells out. */
const CALLBACK_LOOPS: Record<string, string> = {
  'forEach over a Proxy whose traps say every index is there':
    "let s = 0;\n  const all = new Proxy({}, { has: () => true, get: (_t, k) => (k === 'length' ? 2 ** 31 : 1) });\n  Array.prototype.forEach.call(all, (x: number) => { s += x; });",
  "Array.from's map function": 'Array.from({ length: 2 ** 31 }, (_, i) => i * 2);',
  'JSON.parse revivers':
    "const t = '[' + '1,'.repeat(10_000) + '1]';\n  JSON.parse(t, () => JSON.parse(t, () => JSON.parse(t, (_k, v) => v)));",
  'a getter read by a map function': 'const o = { get x() { return 1; } };\n  Array.from({ length: 2 ** 31 }, () => o.x);',
};

describe('the harness sandbox: a stop ends callbacks a built-in calls, with the heap reported', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  for (const [what, body] of Object.entries(CALLBACK_LOOPS)) {
    it(what, async () => {
      const run = await probe.run('callbacks.lmm.ts', `${PRELUDE}export default function main() {\n  ${START}  ${body}\n}\n`, {
        timeLimitMs: 300,
      });
      assert.equal(run.outcome, 'timed-out', run.message);
      assert.match(run.message!, /time limit of 300 ms exceeded/);
      assert.equal(run.finished?.report.totals.liveBlocks, 1, `the heap at the stop is reported: ${run.message}`);
    });
  }

  it('a recursion without loops under --no-attribution (no call hooks)', async () => {
    const run = await probe.run(
      'recursion.lmm.ts',
      `${PRELUDE}const f = (n: number): number => (n <= 0 ? 0 : 1 + f(n - 1) + f(n - 1));\nexport default function main() {\n  ${START}  print(f(60));\n}\n`,
      { timeLimitMs: 300, attribution: false },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.equal(run.finished?.report.totals.liveBlocks, 1, `the heap at the stop is reported: ${run.message}`);
    assert.equal(run.output, '', 'nothing after the stop ran');
  });
});
