// A live run that takes in no heap operation (a harness busy in plain JavaScript, or waiting) says
// so in the status bar and the trees' headers, with the seconds ticking; a run that advances, or
// has ended, never does.
import { strict as assert } from 'node:assert';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { QUIET_AFTER_MS, quietNote } from '../../../src/extension/model/quietRun';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { runStepLabel } from '../../../src/extension/model/runStepLabel';
import { statusText } from '../../../src/extension/model/statusText';
import { traceRun } from '../../../src/extension/model/traceRun';

function liveRun(): { store: RunStore; run: RunState } {
  const store = new RunStore();
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10 });
  const run = store.begin({ kind: 'harness', file: '/w/busy.lmm.ts', label: 'busy.lmm.ts', replay, sites: [] });
  return { store, run };
}

describe('a live run that has gone quiet', () => {
  it('says nothing for its first second, then how many whole seconds it has been quiet', () => {
    const { run } = liveRun();
    const t0 = run.startedAt;
    assert.equal(quietNote(run, t0), '');
    assert.equal(quietNote(run, t0 + QUIET_AFTER_MS - 1), '', 'not before a whole second');
    assert.equal(quietNote(run, t0 + QUIET_AFTER_MS), ' · no heap operation for 1 s');
    assert.equal(quietNote(run, t0 + 2999), ' · no heap operation for 2 s');
    assert.equal(quietNote(run, t0 + 3000), ' · no heap operation for 3 s', 'the seconds tick');
    assert.equal(quietNote(run, t0 + 3_600_000), ' · no heap operation for 3,600 s');
  });

  it('shows in the status bar and the trees’ header, which therefore change while nothing else does', () => {
    const { run } = liveRun();
    const t0 = run.startedAt;
    const status = [1000, 2000, 3000].map((ms) => statusText(run, t0 + ms).text);
    assert.equal(new Set(status).size, 3, status.join('\n'));
    assert.match(status[2]!, /^\$\(pulse\) LMM step 0 · 0 pages · 0 B · no heap operation for 3 s$/);
    assert.match(
      statusText(run, t0 + 3000).tooltip,
      /It has made no heap operation for 3 s \(busy in JavaScript, or waiting\)\. /,
    );
    assert.equal(runStepLabel(run, t0 + 2000), 'step 0 · running · no heap operation for 2 s');
    assert.doesNotMatch(statusText(run, t0 + 10).tooltip, /no heap operation/);
  });

  it('counts from the last heap operation taken in, not from the start: a run that advances is never quiet', () => {
    const { run } = liveRun();
    const trace = traceRun(
      '/w/t.trace',
      ['reg node_t 24', ...Array.from({ length: 1500 }, (_, i) => `alloc n${i} node_t 1`)].join('\n'),
      700,
    );
    run.replay.apply(trace.batches[0]!);
    const t0 = run.startedAt;
    run.lastOperationAt = t0 + 5000;
    assert.equal(quietNote(run, t0 + 5500), '', 'half a second after its last operation, though 5.5 s after its start');
    assert.equal(runStepLabel(run, t0 + 5500), 'step 700 · running');
    assert.equal(quietNote(run, t0 + 7200), ' · no heap operation for 2 s');
  });

  it('never shows once the run has ended, however long it was quiet', async () => {
    for (const status of ['finished', 'failed', 'stopped'] as const) {
      const { store, run } = liveRun();
      await store.end(run, status, {});
      const later = run.startedAt + 60_000;
      assert.equal(quietNote(run, later), '', status);
      assert.doesNotMatch(statusText(run, later).text, /no heap operation/, status);
      assert.doesNotMatch(runStepLabel(run, later), /no heap operation/, status);
    }
    assert.equal(quietNote(undefined, Date.now()), '');
  });
});
