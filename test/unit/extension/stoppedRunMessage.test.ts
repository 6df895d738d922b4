/**
 * README, "In VS Code": "LMM: Stop Run ends the run in every view at once (the worker winds down
 * behind it): what was still on its way is left out, and the run's message says after which step
 * the views stop." The message the RunController ends a stopped run with, and where it is read.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { RunStore } from '../../../src/extension/model/runState';
import { statusText } from '../../../src/extension/model/statusText';
import { stoppedRunMessage } from '../../../src/extension/model/stoppedRunMessage';
import { traceRun } from '../../../src/extension/model/traceRun';

describe('the message of a run stopped with operations still on their way', () => {
  it('names the step the views stop at and how many operations were left out', () => {
    assert.equal(
      stoppedRunMessage(undefined, 1_234_567, 8_192),
      'stopped by request; the views show the heap after step 1,234,567 (8,192 later operations were still on their way when the run stopped)',
    );
    assert.match(
      stoppedRunMessage('the worker said so', 3, 1),
      /^the worker said so; the views show the heap after step 3 \(1 later/,
    );
  });

  it('says only why when nothing was left out (the views show the run’s last step)', () => {
    assert.equal(stoppedRunMessage(undefined, 10, 0), 'stopped by request');
    assert.equal(stoppedRunMessage('time limit', 10, 0), 'time limit');
  });

  it('is what the status bar’s tooltip says of the stopped run, with the step its figures are of', async () => {
    const trace = traceRun(
      '/w/t.trace',
      ['reg node_t 24', ...Array.from({ length: 40 }, (_, i) => `alloc n${i} node_t 1`)].join('\n'),
      16,
    );
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1000 });
    const run = store.begin({ kind: 'harness', file: '/w/loop.lmm.ts', label: 'loop.lmm.ts', replay, sites: [] });
    // Two batches taken in, the third still on its way when the stop came.
    replay.apply(trace.batches[0]!);
    replay.apply(trace.batches[1]!);
    const leftOut = trace.batches[2]!.count;
    await store.end(run, 'stopped', { message: stoppedRunMessage(undefined, replay.steps, leftOut) });
    const tooltip = statusText(run).tooltip;
    assert.match(tooltip, new RegExp(`the views show the heap after step ${replay.steps} \\(${leftOut} later operations`));
    assert.match(tooltip, new RegExp(`\\(${replay.steps} operations`));
  });

  it('is the message the RunController ends a stopped run with when operations were left out', () => {
    const controller = readFileSync(path.resolve(__dirname, '../../../src/extension/runController.ts'), 'utf8');
    assert.match(
      controller,
      /if \(active\.cancelled && active\.leftOut > 0\) message = stoppedRunMessage\(message, replay\.steps, active\.leftOut\);/,
    );
  });
});
