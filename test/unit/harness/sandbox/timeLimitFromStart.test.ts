/**
 * `--time-limit MS` is the harness's time: it counted from the start of the harness process, so
 * the half second a worker takes to start on a busy machine was taken from it, and a run with
 * `--time-limit 200` (`lmm replay`'s test of a harness stopped by its limit) ran none of its main.
 * It now counts from the worker's start, where the harness is about to run.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const TIME_LIMIT_MS = 1000;
/** What the harness must get of its limit: all of it, less the few milliseconds its script takes to load. */
const RAN_MS = 900;

describe('the harness sandbox: the time limit counts from the harness’s start', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it(`a loop under a ${TIME_LIMIT_MS} ms limit runs ${RAN_MS} ms of it, then is stopped in this loop`, async () => {
    const run = await probe.run(
      'clock.lmm.ts',
      `${PRELUDE}export default function main() {\n  const started = Date.now();\n  let said = false;\n  for (;;) {\n    if (!said && Date.now() - started >= ${RAN_MS}) {\n      print('ran ${RAN_MS} ms');\n      said = true;\n    }\n  }\n}\n`,
      { timeLimitMs: TIME_LIMIT_MS },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(run.message!, /clock\.lmm\.ts:6:3: time limit of 1000 ms exceeded in this loop/);
    assert.equal(run.output, `ran ${RAN_MS} ms\n`);
  });
});
