// A run that ended without a leak check must never read as "no leaks": the Leaks view and the
// status bar say that no check ran, or name the check they show (end of run, or at step N).
import { strict as assert } from 'node:assert';
import { HeapOpRecorder, HeapOpKind } from '../../../src/engine/heapOps';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { leakNodes } from '../../../src/extension/model/leaksTree';
import { MemoryMapFeed } from '../../../src/extension/model/memoryMapFeed';
import type { ReportLeak } from '../../../src/protocol/runReportSchema';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { statusText } from '../../../src/extension/model/statusText';
import { beginServerRun, serverReport, site } from '../../support/serverRunFixture';

const lost = (blocks: number): ReportLeak => ({
  kind: 'definitely-lost',
  struct: 'conn_t',
  blocks,
  bytes: blocks * 16,
  site: site(12),
  stack: [site(12)],
  suppressed: false,
});

async function ended(
  status: 'stopped' | 'failed' | 'finished',
  fill: (run: RunState) => void = () => undefined,
  outcome: Parameters<RunStore['end']>[2] = {},
): Promise<RunState> {
  const store = new RunStore();
  const run = beginServerRun(store);
  fill(run);
  await store.end(run, status, outcome);
  return run;
}

const labels = (run: RunState) => leakNodes(run).map((n) => `${n.label}${n.description ? ` — ${n.description}` : ''}`);

describe('no verdict without a leak check', () => {
  for (const [status, message] of [
    ['stopped', 'stopped by request'],
    ['failed', 'server.lmm.ts:20:5: time limit of 10000 ms exceeded (the harness was stopped)'],
    ['failed', 'server.lmm.ts:14:3: TypeError: boom'],
  ] as const) {
    it(`a harness run ${status} without any check (${message.slice(0, 40)}…) says "no leak check ran" in the Leaks view and the status bar`, async () => {
      const run = await ended(status, undefined, { message });
      const rows = labels(run);
      assert.equal(rows.length, 1, rows.join('\n'));
      assert.match(rows[0]!, /^no leak check ran — leaks unknown$/);
      assert.match(leakNodes(run)[0]!.tooltip ?? '', /unknown, not absent/);
      const { text, tooltip } = statusText(run);
      assert.match(text, / · no leak check ran$/);
      assert.doesNotMatch(text, /\b0 leaked|no leaks/);
      assert.match(tooltip, /No leak check ran/);
    });
  }

  it('while a harness runs without a check, the Leaks view says none ran yet (not empty, which reads as no leaks)', () => {
    const run = beginServerRun(new RunStore());
    assert.deepEqual(labels(run), ['no leak check yet (run in progress) — Check Leaks Now to check']);
  });

  it('a stopped run keeps its last mid-run check, named by step, in the status bar', async () => {
    const run = await ended('stopped', (r) => {
      r.interimLeakCheck = { event: 4321, site: site(9), leaks: [lost(3)] };
    });
    assert.match(statusText(run).text, / · 3 leaked at step 4,322$/);
    assert.doesNotMatch(labels(run).join('\n'), /no leak check/);
  });

  it('a stopped mid-run check that found nothing says 0 leaked at its step (a check did run)', async () => {
    const run = await ended('stopped', (r) => {
      r.interimLeakCheck = { event: 77, site: site(9), leaks: [] };
    });
    assert.match(statusText(run).text, / · 0 leaked at step 78$/);
  });

  it('a finished run names the end-of-run check; a run that failed with a report names the check made when it stopped', async () => {
    const finished = await ended('finished', undefined, { report: serverReport({ leaks: [lost(2)] }) });
    assert.match(statusText(finished).text, /^\$\(warning\) LMM .* · 2 leaked at the end$/);
    const timedOut = await ended('failed', (r) => r.replay.apply(sixOps()), {
      report: serverReport({ leaks: [lost(5)] }),
      message: 'time limit',
      ending: { kind: 'timed-out', message: 'time limit' },
    });
    assert.equal(statusText(timedOut).text, '$(error) LMM failed · 5 leaked when it stopped at step 6');
    assert.deepEqual(
      labels(timedOut).map((l) => l.split(' — ')[0]),
      ['leak check when the run stopped, at step 6', 'definitely-lost'],
    );
    assert.equal(leakNodes(timedOut)[0]!.description, 'no end-of-run check (timed-out)');
  });

  it('a finished harness run whose report could not be read says no leak check ran, not 0 leaked', async () => {
    const run = await ended('finished', undefined, { message: "the run's report is malformed: …" });
    assert.match(statusText(run).text, / · no leak check ran$/);
    assert.equal(labels(run)[0], 'no leak check ran — leaks unknown');
  });

  it('a trace has no leak checks and no leak figure; its Leaks view says so (empty, it would read as no leaks)', async () => {
    const run = await ended('stopped', (r) => (r.kind = 'trace'));
    assert.deepEqual(labels(run), ['a trace has no pointers to follow: no leak check']);
    assert.doesNotMatch(statusText(run).text, /leak/);
  });

  it('the end-of-run check goes to the Memory Map (Leaked chart, timeline) at the run’s last step; none for a run without a report', async () => {
    const store = new RunStore();
    const feedOf = async (status: 'finished' | 'stopped', outcome: Parameters<RunStore['end']>[2]) => {
      const run = beginServerRun(store);
      run.replay.apply(sixOps());
      const feed = new MemoryMapFeed();
      feed.update(run);
      await store.end(run, status, outcome);
      return feed.update(run);
    };
    const end = await feedOf('finished', { report: serverReport({ leaks: [lost(2)] }) });
    const checks = end.filter((m) => m.type === 'leakCheck');
    assert.equal(checks.length, 1);
    assert.equal(checks[0]!.step, 5, 'the step after which the end-of-run state is shown: the last one');
    assert.deepEqual(
      checks[0]!.leaks.find((l) => l.kind === 'definitely-lost'),
      { kind: 'definitely-lost', blocks: 2, bytes: 32 },
    );
    assert.ok(end.findIndex((m) => m.type === 'leakCheck') < end.findIndex((m) => m.type === 'runEnded'));
    const stopped = await feedOf('stopped', { message: 'stopped by request' });
    assert.equal(stopped.filter((m) => m.type === 'leakCheck').length, 0, 'no check ran: no marker');
  });
});

/** A register and five allocations, as the worker would stream them. */
function sixOps() {
  const heap = new LmmHeap({ pageSize: 4096 });
  const recorder = new HeapOpRecorder();
  recorder.record(HeapOpKind.Register, 16, 0, heap.register('conn_t', 16), -1, 'conn_t');
  for (let i = 0; i < 5; i++) recorder.record(HeapOpKind.Alloc, 0, 1, heap.xcalloc(0, 1), -1);
  return recorder.flush()!;
}
