/**
 * Every way a run can end, through every extension view with a leak figure that is free of
 * vscode: the Leaks tree, the status bar, Export Report's text and HTML. Each names the check it
 * shows (the end-of-run check, the check when the run stopped at step N, a mid-run check at
 * step N) or says no leak check ran; none says "no leaks" (or memcheck's "All heap blocks were
 * freed") for a run whose end-of-run check did not run. Before, the text export of a run stopped
 * by its time limit with nothing lost said "no leaks", the HTML "No leaks.", and both said nothing
 * of how the run ended; a trace's exports said "no leaks" though a trace has no leak check.
 */
import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import type { IncompleteRunOutcome } from '../../../src/analysis/incompleteRunJson';
import { compareRunsHtml, compareRunsMarkdown } from '../../../src/extension/model/compareRuns';
import { leakNodes } from '../../../src/extension/model/leaksTree';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore, type RunState, type RunStatus } from '../../../src/extension/model/runState';
import { lastRunLeaksMessage } from '../../../src/extension/model/shownLeakCheck';
import { statusText } from '../../../src/extension/model/statusText';
import type { ReportLeak, ReportLeakCheck } from '../../../src/protocol/runReportSchema';
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

/** The harness's own `mm_leak_check()` after its 3rd heap operation (step 3), one block lost then. */
const MID_RUN_CHECK: ReportLeakCheck = { event: 2, site: site(9), leaks: [lost(1)] };

/** A register and five allocations (steps 1–6), as the worker would stream them. */
function sixOps() {
  const heap = new LmmHeap({ pageSize: 4096 });
  const recorder = new HeapOpRecorder();
  recorder.record(HeapOpKind.Register, 16, 0, heap.register('conn_t', 16), -1, 'conn_t');
  for (let i = 0; i < 5; i++) recorder.record(HeapOpKind.Alloc, 0, 1, heap.xcalloc(0, 1), -1);
  return recorder.flush()!;
}

interface Ending {
  name: string;
  status: Exclude<RunStatus, 'running'>;
  /** The report the run kept (a run that ended early with its heap keeps one, complete: false). */
  leaks?: ReportLeak[];
  leakChecks?: ReportLeakCheck[];
  interim?: ReportLeakCheck;
  ending?: IncompleteRunOutcome;
  message?: string;
  /** What the Leaks tree's first row and the status bar's end say: the check shown, or that none ran. */
  tree: string;
  status_: RegExp;
  /** The text export's leak summary heading and what follows it (runs with a report only). */
  text?: RegExp;
  html?: RegExp;
}

const LIMIT = 'server.lmm.ts:20:5: time limit of 1000 ms exceeded in this loop (the harness was stopped)';

const ENDINGS: Ending[] = [
  {
    name: 'finished with leaks',
    status: 'finished',
    leaks: [lost(2)],
    tree: 'definitely-lost — 2 blocks, 32 B',
    status_: / · 2 leaked at the end$/,
    text: /LEAK SUMMARY \(the end-of-run leak check\)\n {2}32 bytes in 2 conn_t blocks are definitely-lost/,
    html: /<h2>Leaks: the end-of-run leak check<\/h2>\n<table>/,
  },
  {
    name: 'finished clean',
    status: 'finished',
    leaks: [],
    tree: '(empty: the view’s welcome says the end-of-run check found none)',
    status_: / · 0 leaked at the end$/,
    text: /LEAK SUMMARY \(the end-of-run leak check\)\n {2}no leaks\n/,
    html: /<h2>Leaks: the end-of-run leak check<\/h2>\n<p>No leaks\.<\/p>/,
  },
  {
    name: 'time limit, nothing lost when it stopped',
    status: 'failed',
    leaks: [],
    ending: { kind: 'timed-out', message: LIMIT, site: site(20) },
    message: LIMIT,
    tree: 'leak check when the run stopped, at step 6 — no end-of-run check (timed-out) · no block lost then',
    status_: /^\$\(error\) LMM failed · 0 leaked when it stopped at step 6$/,
    text: /LEAK SUMMARY \(the leak check when the run stopped, at step 6\)\n {2}no block lost at that step\n {2}\(the heap of a program stopped mid-way: not a verdict/,
    html: /<h2>Leaks: the leak check when the run stopped, at step 6<\/h2>\n<p>No block lost at that step\.<\/p>/,
  },
  {
    name: 'memory limit',
    status: 'failed',
    leaks: [lost(4)],
    ending: { kind: 'out-of-memory', message: 'server.lmm.ts:14:3: the memory limit of 64 MB was reached' },
    tree: 'leak check when the run stopped, at step 6 — no end-of-run check (out-of-memory)',
    status_: / · 4 leaked when it stopped at step 6$/,
    text: /LEAK SUMMARY \(the leak check when the run stopped, at step 6\)\n {2}64 bytes in 4 conn_t blocks/,
    html: /<h2>Leaks: the leak check when the run stopped, at step 6<\/h2>\n<table>/,
  },
  {
    name: 'a harness throw',
    status: 'failed',
    leaks: [],
    ending: { kind: 'crashed', message: 'server.lmm.ts:14:3: Error: boom', site: site(14) },
    tree: 'leak check when the run stopped, at step 6 — no end-of-run check (crashed) · no block lost then',
    status_: / · 0 leaked when it stopped at step 6$/,
    text: /The run did not complete \(crashed\): server\.lmm\.ts:14:3: Error: boom\. No end-of-run leak check ran\./,
    html: /<p class="incomplete">The run did not complete \(crashed\): server\.lmm\.ts:14:3: Error: boom\. No end-of-run leak check ran\.<\/p>/,
  },
  {
    name: 'its own mid-run check, then the time limit',
    status: 'failed',
    leaks: [lost(2)],
    leakChecks: [MID_RUN_CHECK],
    ending: { kind: 'timed-out', message: LIMIT },
    tree: 'leak check when the run stopped, at step 6 — no end-of-run check (timed-out)',
    status_: / · 2 leaked when it stopped at step 6$/,
    text: /\n {2}mm_leak_check\(\) at step 3 \(\/w\/server\.lmm\.ts:9:5\): 1 blocks lost\n/,
    html: /<h3>Leak checks during the run<\/h3>\n<ul><li>mm_leak_check\(\) at step 3 \(\/w\/server\.lmm\.ts:9:5\): 1 blocks lost<\/li><\/ul>/,
  },
  {
    name: 'Stop Run',
    status: 'stopped',
    ending: { kind: 'cancelled', message: 'stopped by request' },
    message: 'stopped by request',
    tree: 'no leak check ran — leaks unknown',
    status_: / · no leak check ran$/,
  },
  {
    name: 'a compile error',
    status: 'failed',
    ending: { kind: 'compile-error', message: "server.lmm.ts:3:9: ';' expected" },
    message: "server.lmm.ts:3:9: ';' expected",
    tree: 'no leak check ran — leaks unknown',
    status_: /^\$\(error\) LMM failed · no leak check ran$/,
  },
  {
    name: 'a killed worker',
    status: 'failed',
    ending: { kind: 'out-of-memory', message: 'server.lmm.ts:30:1: the harness process ran out of its JS heap' },
    tree: 'no leak check ran — leaks unknown',
    status_: / · no leak check ran$/,
  },
  {
    name: 'a killed worker after its own mid-run check',
    status: 'failed',
    interim: MID_RUN_CHECK,
    ending: { kind: 'crashed', message: 'the harness process ended (signal SIGKILL)' },
    tree: 'leak check at step 3 (the run failed before its end) — mm_leak_check() at server.lmm.ts:9',
    status_: / · 1 leaked at step 3$/,
  },
];

async function endedRun(e: Ending): Promise<RunState> {
  const store = new RunStore();
  const run = beginServerRun(store);
  run.replay.apply(sixOps());
  if (e.interim) store.leakCheckDuringRun(run, e.interim);
  const report = e.leaks ? serverReport({ leaks: e.leaks, leakChecks: e.leakChecks ?? [] }) : undefined;
  if (report && e.status !== 'finished') report.complete = false;
  await store.end(run, e.status, {
    ...(report ? { report } : {}),
    ...(e.message !== undefined ? { message: e.message } : {}),
    ...(e.ending ? { ending: e.ending } : {}),
  });
  return run;
}

const NO_LEAKS = /no leaks|All heap blocks were freed/i;

describe('each ending, each view: the leak check shown is named, or none ran', () => {
  for (const e of ENDINGS) {
    it(e.name, async () => {
      const run = await endedRun(e);
      const rows = leakNodes(run).map((n) => `${n.label}${n.description ? ` — ${n.description}` : ''}`);
      if (e.tree.startsWith('(empty')) assert.deepEqual(rows, []);
      else assert.equal(rows[0], e.tree);
      const status = statusText(run);
      assert.match(status.text, e.status_);
      if (e.text) assert.match(exportReport(run, 'text'), e.text);
      if (e.html) assert.match(exportReport(run, 'html'), e.html);
      if (e.status === 'finished') return;
      const [text, html] = [exportReport(run, 'text'), exportReport(run, 'html')];
      const shown = [...rows, ...leakNodes(run).map((n) => n.tooltip ?? ''), status.text, status.tooltip, text, html];
      for (const said of shown) assert.doesNotMatch(said, NO_LEAKS, said);
      // How it ended, as lmm run says it, in both exports.
      const ended = `The run did not complete (${e.ending!.kind})`;
      assert.ok(text.includes(ended), text);
      assert.ok(html.includes(ended));
      assert.doesNotMatch(html, /at the end</, 'the heap is the one when it stopped');
      if (e.leaks) return;
      // No report came back: the exports say so, show the heap the views replayed, and the check that ran, if any.
      assert.match(text, /\nNo report came back \(the harness did not compile, or its worker was ended\)/);
      assert.match(html, / · 6 heap operations · 1 pages · 320 bytes of application memory when the run stopped</);
      assert.equal(
        /LEAK SUMMARY[^\n]*\n[^\n]*/.exec(text)![0],
        e.interim
          ? 'LEAK SUMMARY (the leak check at step 3)\n  16 bytes in 1 conn_t blocks are definitely-lost'
          : 'LEAK SUMMARY\n  no leak check ran: its leaks are unknown, not absent',
      );
    });
  }

  it('the streamed leak checks are kept for a run that ends with no report only (its report lists them)', async () => {
    const killed = await endedRun(ENDINGS.find((e) => e.name === 'a killed worker after its own mid-run check')!);
    assert.deepEqual(killed.leakChecksDuringRun, [MID_RUN_CHECK]);
    const store = new RunStore();
    const run = beginServerRun(store);
    store.leakCheckDuringRun(run, MID_RUN_CHECK);
    await store.end(run, 'finished', { report: serverReport({ leakChecks: [MID_RUN_CHECK] }) });
    assert.equal(run.leakChecksDuringRun, undefined);
  });

  it('Check Leaks Now after a run: the last run’s leaks with their check, "no leaks" only from an end-of-run check', async () => {
    const message = async (name: string) => lastRunLeaksMessage(await endedRun(ENDINGS.find((e) => e.name === name)!));
    assert.equal(await message('finished clean'), 'LMM: no leaks in server.lmm.ts (its end-of-run leak check).');
    assert.equal(
      await message('finished with leaks'),
      'LMM: 2 leaked blocks in server.lmm.ts, found by the end-of-run leak check. See the Leaks view and the Problems panel.',
    );
    assert.equal(
      await message('time limit, nothing lost when it stopped'),
      'LMM: 0 leaked blocks in server.lmm.ts, found by the leak check when the run stopped, at step 6. No end-of-run leak check ran. See the Leaks view and the Problems panel.',
    );
    assert.equal(
      await message('a killed worker after its own mid-run check'),
      'LMM: 1 leaked blocks in server.lmm.ts, found by the leak check at step 3. No end-of-run leak check ran. See the Leaks view and the Problems panel.',
    );
    assert.equal(await message('Stop Run'), 'LMM: server.lmm.ts: no leak check ran: its leaks are unknown, not absent.');
  });

  it('Compare Runs: leaked blocks differ only between two end-of-run checks; otherwise each cell names its check', async () => {
    const byName = (name: string) => endedRun(ENDINGS.find((e) => e.name === name)!);
    const leakedRow = (markdown: string) => /\n\| leaked blocks \|[^\n]*/.exec(markdown)![0].slice(1);
    const [withLeaks, clean, timedOut, stopped] = await Promise.all(
      ['finished with leaks', 'finished clean', 'memory limit', 'Stop Run'].map(byName),
    );
    assert.equal(leakedRow(compareRunsMarkdown(withLeaks, clean)), '| leaked blocks | 2 | 0 | -2 (-100.0%) |');
    assert.equal(
      leakedRow(compareRunsMarkdown(withLeaks, timedOut)),
      '| leaked blocks | 2 | 4 (the leak check when the run stopped, at step 6) | – |',
    );
    assert.equal(
      leakedRow(compareRunsMarkdown(clean, stopped)),
      '| leaked blocks | 0 | no leak check ran: its leaks are unknown, not absent | – |',
    );
    assert.match(
      compareRunsHtml(clean, stopped, 'n'.repeat(22), 'vscode-resource:'),
      /<th scope="row">leaked blocks<\/th><td>0<\/td><td>no leak check ran: its leaks are unknown, not absent<\/td><td>–<\/td>/,
    );
  });

  it('a trace: its exports and Leaks view say a trace has no leak check, not "no leaks"', async () => {
    const store = new RunStore();
    const run = beginServerRun(store);
    run.kind = 'trace';
    run.replay.apply(sixOps());
    await store.end(run, 'finished', { report: serverReport({}) });
    assert.deepEqual(
      leakNodes(run).map((n) => n.label),
      ['a trace has no pointers to follow: no leak check'],
    );
    const text = exportReport(run, 'text');
    assert.match(text, /LEAK SUMMARY\n {2}a trace has no pointers to follow: no leak check\n/);
    const html = exportReport(run, 'html');
    assert.match(html, /<h2>Leaks<\/h2>\n<p>A trace has no pointers to follow: no leak check\.<\/p>/);
    for (const out of [text, html]) assert.doesNotMatch(out, NO_LEAKS);
  });
});
