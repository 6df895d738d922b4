/**
 * `exit(status)` is C's exit: the run ends there, whatever the harness wraps around the call.
 * Before, `try { exit(0); } catch {}` went on: the harness freed its blocks after the exit and
 * the report said the heap was clean at exit.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const EXIT_PRELUDE = PRELUDE.replace(" } from 'lmm-studio'", ", exit } from 'lmm-studio'");

describe('the harness sandbox: exit ends the run', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  const ways: [string, string][] = [
    ['a catch', `try { exit(0); } catch { print('caught'); }`],
    ['a finally', `try { exit(0); } finally { print('finally'); XFREE(a); }`],
    ['a nested catch that rethrows nothing', `try { try { exit(3); } finally { print('inner'); } } catch { print('outer'); }`],
    ['a promise catch', `await Promise.resolve().then(() => exit(0)).catch(() => print('swallowed'));`],
    ['a catch, then a loop', `try { exit(0); } catch { /* empty */ } for (let i = 0; i < 10; i++) print('turn');`],
  ];
  for (const [how, body] of ways) {
    it(`swallowed by ${how}, the exit still ends the run: nothing after it runs, the leak stays`, async () => {
      const run = await probe.run(
        'exit.lmm.ts',
        `${EXIT_PRELUDE}export default async function main() {\n  MM_REG_STRUCT(node_t);\n  const a = XCALLOC(1, node_t);\n  ${body}\n  XFREE(a);\n  print('went on');\n}\n`,
      );
      assert.equal(run.outcome, 'completed', run.message);
      assert.equal(run.output, '', 'nothing the harness printed after exit');
      const report = run.finished!.report;
      assert.equal(report.totals.frees, 0, 'no free after the exit');
      assert.deepEqual(
        report.leaks.map((l) => l.kind),
        ['definitely-lost'],
      );
    });
  }

  it('a harness that never calls exit still catches its own errors', async () => {
    const run = await probe.run(
      'catches.lmm.ts',
      `${EXIT_PRELUDE}export default function main() {\n  try { throw new Error('x'); } catch { print('caught'); } finally { print('finally'); }\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, 'caught\nfinally\n');
  });
});
