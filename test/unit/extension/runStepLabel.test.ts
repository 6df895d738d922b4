// The trees' header names the step their rows show, in the one step numbering (the state after the
// Nth operation), and the run's state: never a bare number a reader could take for a count.
import { strict as assert } from 'node:assert';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { RunStore } from '../../../src/extension/model/runState';
import { runStepLabel } from '../../../src/extension/model/runStepLabel';
import { traceRun } from '../../../src/extension/model/traceRun';

describe('the step a tree shows (its header)', () => {
  it('names the last step taken in and the run’s state, and moves as the run goes on', async () => {
    assert.equal(runStepLabel(undefined), '', 'no run: no header');
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 10 });
    const run = store.begin({ kind: 'harness', file: '/w/h.lmm.ts', label: 'h.lmm.ts', replay, sites: [] });
    assert.equal(runStepLabel(run), 'step 0 · running', 'before the first operation');
    const trace = traceRun(
      '/w/t.trace',
      ['reg node_t 24', ...Array.from({ length: 1500 }, (_, i) => `alloc n${i} node_t 1`)].join('\n'),
      700,
    );
    replay.apply(trace.batches[0]!);
    const first = runStepLabel(run);
    replay.apply(trace.batches[1]!);
    assert.equal(first, 'step 700 · running');
    assert.equal(runStepLabel(run), 'step 1,400 · running', 'the next refresh names the next step');
    await store.end(run, 'stopped', { message: 'stopped by request' });
    assert.equal(runStepLabel(run), 'step 1,400 · stopped');
  });

  it('says how each run ended', async () => {
    for (const [status, words] of [
      ['finished', 'end of run'],
      ['failed', 'failed'],
      ['stopped', 'stopped'],
    ] as const) {
      const store = new RunStore();
      const run = store.begin({
        kind: 'harness',
        file: '/w/h.lmm.ts',
        label: 'h.lmm.ts',
        replay: new HeapReplay({ pageSize: 4096, eventsKept: 10 }),
        sites: [],
      });
      await store.end(run, status, {});
      assert.equal(runStepLabel(run), `step 0 · ${words}`);
    }
  });
});
