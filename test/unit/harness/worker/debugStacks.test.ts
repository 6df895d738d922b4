/**
 * Stacks are for maintainers: with LMM_DEBUG set, a crash or an internal error of the harness
 * worker ends with every frame (the runtime's, the worker's, Node's); without it, a user sees the
 * harness's own lines and nothing else. Either way, what the harness itself reads in `error.stack`
 * has its own frames only.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const RUNTIME_ERROR = `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  try { XCALLOC(-1, node_t); } catch (e) { print('SEEN', String((e as Error).stack)); }\n  XCALLOC(-2, node_t);\n}\n`;
/** Frames that are not the harness's: the runtime's functions, the worker's script, Node's modules. */
const HOST_FRAMES = /HarnessRuntime|worker eval|harness-worker|node:internal|\[LMM_DEBUG\]/;

describe('harness worker: stacks with and without LMM_DEBUG', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  const saved = process.env['LMM_DEBUG'];
  afterEach(() => {
    if (saved === undefined) delete process.env['LMM_DEBUG'];
    else process.env['LMM_DEBUG'] = saved;
  });
  after(() => probe.dispose());

  it('without LMM_DEBUG, a crash in the runtime shows the harness line only, no host frame', async () => {
    delete process.env['LMM_DEBUG'];
    const run = await probe.run('plain.lmm.ts', RUNTIME_ERROR);
    assert.equal(run.outcome, 'crashed');
    assert.match(run.message!, /^\S*plain\.lmm\.ts:6:3: RangeError: XCALLOC\(-2, node_t\): units must be a whole number/);
    assert.doesNotMatch(run.message!, HOST_FRAMES);
    assert.doesNotMatch(run.message!, /\n\s+at (?!\S*plain\.lmm\.ts)/, 'every frame shown is a harness line');
  });

  it('with LMM_DEBUG, the same crash ends with every frame: the runtime’s, the worker’s and the harness’s', async () => {
    process.env['LMM_DEBUG'] = '1';
    const run = await probe.run('debug.lmm.ts', RUNTIME_ERROR);
    assert.equal(run.outcome, 'crashed');
    assert.match(run.message!, /^\S*debug\.lmm\.ts:6:3: RangeError: XCALLOC\(-2, node_t\)/, 'the user’s line comes first');
    assert.match(run.message!, /\[LMM_DEBUG\] every frame:\nRangeError: XCALLOC\(-2/);
    assert.match(run.message!, /at HarnessRuntime\.xcalloc /);
    assert.match(run.message!, /at main \(lmm-harness\.js:\d+:\d+\)/);
    assert.match(run.message!, /at runHarness /, 'the worker’s own frame');
  });

  it('with LMM_DEBUG, what the harness reads in error.stack is still its own frames only', async () => {
    process.env['LMM_DEBUG'] = '1';
    const run = await probe.run('seen.lmm.ts', RUNTIME_ERROR);
    const seen = run.output.split('\n').filter((l) => l.startsWith('SEEN') || l.startsWith('    at '));
    assert.ok(seen.length >= 2, run.output);
    for (const line of seen.slice(1)) assert.match(line, /^ {4}at lmm-harness\.js:\d+:\d+$/);
    assert.doesNotMatch(run.output, HOST_FRAMES);
  });

  // A wrong memoryCap from a caller of runHarness (no user setting reaches it) is checked by the
  // engine inside the worker, before the harness runs: an internal error of the worker's own code.
  it('an internal error of the worker: one line without LMM_DEBUG, its host frames with it', async () => {
    delete process.env['LMM_DEBUG'];
    const plain = await probe.run('internal.lmm.ts', `${PRELUDE}export default function main() {}\n`, { memoryCap: -1 });
    assert.equal(plain.outcome, 'crashed');
    assert.match(plain.message!, /InternalError: the harness runner failed: memory cap must be more than 0/);
    assert.equal(plain.message!.split('\n').length, 1, plain.message);
    process.env['LMM_DEBUG'] = '1';
    const debug = await probe.run('internal2.lmm.ts', `${PRELUDE}export default function main() {}\n`, { memoryCap: -1 });
    assert.match(
      debug.message!,
      /InternalError: the harness runner failed: memory cap must be more than 0.*\n\[LMM_DEBUG\] every frame:\n/,
    );
    assert.match(debug.message!, /at new HarnessRuntime /);
    assert.match(debug.message!, /at startRun /);
  });
});
