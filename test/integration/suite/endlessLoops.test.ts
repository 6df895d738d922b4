// Endless loops a newcomer would write, each run in VS Code with the Memory Map open: while it runs,
// the status bar and the Page Families header change at least every 1.5 s and this extension host
// (where the test itself runs) answers its timers; Stop Run takes effect within 2 s; afterwards the
// status bar and the Leaks view say what happened, and the next run works. The loops that keep the
// worker busy without streaming (no heap call, an awaiting main) are also ended by the time limit.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, runHarness, treeTexts, waitFor, within, type LmmTestApi } from './lmmExtension';

/** How long each loop is watched while it runs. */
const SAMPLE_MS = 3000;

interface Watched {
  /** The longest time the status bar / the Page Families header stayed the same, in ms. */
  statusGap: number;
  headerGap: number;
  /** The longest a 50 ms timer of this extension host was late, in ms. */
  hostLag: number;
  /** The longest an edit of a document took to go through the window and back, in ms. */
  editRoundTrip: number;
  lastStatus: string;
}

describe('LMM Studio in VS Code: endless loops of every kind', function () {
  this.timeout(60_000);
  let api: LmmTestApi;
  /** A document the window edits while each loop runs (never saved). */
  let scratch: vscode.TextDocument;

  const lmmConfiguration = () => vscode.workspace.getConfiguration('lmm', vscode.workspace.workspaceFolders?.[0]?.uri);

  before(async () => {
    api = await activateLmm();
    scratch = await vscode.workspace.openTextDocument({ content: '' });
    const idle = await watch(1000);
    console.log(`[lmm-test] figures no run: host timer lag ${idle.hostLag} ms, edit round trip ${idle.editRoundTrip} ms`);
    // Every loop here is ended by Stop Run, not by the default 10 s limit (unless a test sets one).
    await lmmConfiguration().update('timeLimit', 60, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await lmmConfiguration().update('timeLimit', undefined, vscode.ConfigurationTarget.Workspace);
  });

  const header = () => (api.treeProviders.pageFamilies as { view?: vscode.TreeView<unknown> }).view?.description ?? '';

  async function start(fixture: string, minSteps: number) {
    const document = await vscode.workspace.openTextDocument(fixtureUri(fixture));
    await vscode.window.showTextDocument(document);
    const finished = api.whenRunFinished();
    const running = vscode.commands.executeCommand('lmm.runHarness', document.uri);
    await waitFor(
      `${fixture} to run (${minSteps} heap operations)`,
      () => {
        const run = api.currentRun();
        return run?.status === 'running' && run.file === document.uri.fsPath && run.steps >= minSteps ? run : undefined;
      },
      30_000,
    );
    return { document, running, finished };
  }

  /**
   * Samples the status bar, the header and this host's timers every 50 ms for `ms`, while edits of
   * a document go through the window one after another (as key presses do) and are timed.
   */
  async function watch(ms: number): Promise<Watched> {
    const end = Date.now() + ms;
    let editRoundTrip = 0;
    const editing = (async () => {
      while (Date.now() < end) {
        const asked = Date.now();
        const edit = new vscode.WorkspaceEdit();
        edit.insert(scratch.uri, new vscode.Position(0, 0), 'x');
        await vscode.workspace.applyEdit(edit);
        editRoundTrip = Math.max(editRoundTrip, Date.now() - asked);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    let lastStatus = api.statusBarText();
    let lastHeader = header();
    let statusAt = Date.now();
    let headerAt = statusAt;
    let statusGap = 0;
    let headerGap = 0;
    let hostLag = 0;
    while (Date.now() < end) {
      const asked = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = Date.now();
      hostLag = Math.max(hostLag, now - asked - 50);
      if (api.statusBarText() !== lastStatus) {
        statusGap = Math.max(statusGap, now - statusAt);
        statusAt = now;
        lastStatus = api.statusBarText();
      }
      if (header() !== lastHeader) {
        headerGap = Math.max(headerGap, now - headerAt);
        headerAt = now;
        lastHeader = header();
      }
    }
    statusGap = Math.max(statusGap, Date.now() - statusAt);
    headerGap = Math.max(headerGap, Date.now() - headerAt);
    await editing;
    const clear = new vscode.WorkspaceEdit();
    clear.delete(scratch.uri, new vscode.Range(0, 0, scratch.lineCount, 0));
    await vscode.workspace.applyEdit(clear);
    return { statusGap, headerGap, hostLag, editRoundTrip, lastStatus };
  }

  /** Stop Run, timed from the command to the run's stopped state; then the views settle. */
  async function stop(run: Awaited<ReturnType<typeof start>>): Promise<number> {
    const asked = Date.now();
    await vscode.commands.executeCommand('lmm.stopRun');
    await waitFor('the run to be stopped', () => (api.currentRun()?.status === 'stopped' ? true : undefined), 10_000);
    const took = Date.now() - asked;
    await within('the run command to return', run.running);
    await within('the views to take in the stop', run.finished);
    return took;
  }

  function assertLive(fixture: string, watched: Watched): void {
    console.log(
      `[lmm-test] figures ${fixture}: status bar gap ${watched.statusGap} ms, header gap ${watched.headerGap} ms, host timer lag ${watched.hostLag} ms, edit round trip ${watched.editRoundTrip} ms`,
    );
    assert.equal(api.currentRun()?.status, 'running', 'the loop ran through the whole sampling');
    assert.ok(watched.statusGap <= 1500, `the status bar stayed the same for ${watched.statusGap} ms: "${watched.lastStatus}"`);
    assert.match(watched.lastStatus, /^\$\(pulse\) LMM step [\d,]+ · /);
    assert.ok(watched.headerGap <= 1500, `the Page Families header stayed "${header()}" for ${watched.headerGap} ms`);
    assert.ok(watched.hostLag <= 1000, `a 50 ms timer of the extension host was ${watched.hostLag} ms late`);
  }

  function assertStopped(fixture: string, took: number): void {
    console.log(`[lmm-test] figures ${fixture}: Stop Run took ${took} ms`);
    assert.ok(took <= 2000, `Stop Run took ${took} ms`);
    assert.match(api.statusBarText(), /^\$\(debug-stop\) LMM stopped · /);
  }

  /** The text of the harness's output channel once it shows the run's end (the window syncs it to the host). */
  async function outputChannelText(fixture: string): Promise<string> {
    return waitFor(`the end of the run in the output channel of ${fixture}`, () => {
      const channel = vscode.workspace.textDocuments.find(
        (document) => document.uri.scheme === 'output' && document.uri.path.endsWith(`LMM: ${fixture}`),
      );
      const text = channel?.getText();
      return text !== undefined && /── stopped(: [^\n]*)? ──\n$/.test(text) ? text : undefined;
    });
  }

  const noCheckRan = ['no leak check ran — leaks unknown'];

  it('a loop that only allocates: live, Check Leaks Now answers on the growing live set, Stop', async () => {
    const run = await start('alloc-only-loop.lmm.ts', 20_000);
    assertLive('alloc-only-loop', await watch(SAMPLE_MS));
    const asked = Date.now();
    await vscode.commands.executeCommand('lmm.checkLeaksNow');
    // An answer at once: the check on its way (the scan of the live set takes a while), or the check.
    const answer = await waitFor(
      'an answer in the Leaks view',
      async () =>
        (await treeTexts(api.treeProviders.leaks, 1)).find((text) =>
          /^(Check Leaks Now: on its way — asked at step [\d,]+|leak check at step [\d,]+ \(run in progress\))/.test(text),
        ),
      10_000,
    );
    const answered = Date.now() - asked;
    console.log(`[lmm-test] figures alloc-only-loop: Check Leaks Now answered in ${answered} ms: "${answer}"`);
    assert.ok(answered <= 500, `the Leaks view answered Check Leaks Now after ${answered} ms`);
    const heading = await waitFor(
      'the check in the Leaks view',
      async () =>
        (await treeTexts(api.treeProviders.leaks, 1)).find((text) => /^leak check at step [\d,]+ \(run in progress\)/.test(text)),
      10_000,
    );
    const took = Date.now() - asked;
    console.log(`[lmm-test] figures alloc-only-loop: Check Leaks Now took ${took} ms on ${api.currentRun()?.steps} operations`);
    // The scan of a live set of about a million blocks, on a shared machine: slower than the tight
    // loop's (liveRuns.test.ts), and answered at once meanwhile (above).
    assert.ok(took <= 3000, `Check Leaks Now took ${took} ms to show "${heading}"`);
    assertStopped('alloc-only-loop', await stop(run));
    const leaks = await treeTexts(api.treeProviders.leaks, 1);
    assert.match(leaks[0] ?? '', /^leak check at step [\d,]+ \(the run was stopped before its end\)/, leaks.join('\n'));
  });

  it('a loop that fills the simulated memory with page-sized blocks: live, Stop, the host’s memory bounded', async () => {
    const before = process.memoryUsage();
    const run = await start('page-hog-loop.lmm.ts', 10_000);
    assertLive('page-hog-loop', await watch(SAMPLE_MS));
    const full = await waitFor(
      'the simulated memory to fill',
      () => (Number(/([\d,]+) pages/.exec(api.statusBarText())?.[1]?.replace(/,/g, '')) >= 262_000 ? true : undefined),
      30_000,
    ).catch(() => undefined);
    // A few quarter-windows on, so that snapshots of the full heap were taken.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const during = process.memoryUsage();
    const mapped = /([\d,]+) pages/.exec(api.statusBarText())?.[1]?.replace(/,/g, '');
    const heapBytes = Number(mapped) * 4096;
    const grown = during.arrayBuffers - before.arrayBuffers;
    console.log(
      `[lmm-test] figures page-hog-loop: ${api.currentRun()?.steps} operations, status "${api.statusBarText()}"; host rss ${Math.round(before.rss / 2 ** 20)} → ${Math.round(during.rss / 2 ** 20)} MB, array buffers ${Math.round(before.arrayBuffers / 2 ** 20)} → ${Math.round(during.arrayBuffers / 2 ** 20)} MB (the heap: ${Math.round(heapBytes / 2 ** 20)} MB); map: ${JSON.stringify(api.memoryMap())}`,
    );
    assert.ok(full, `the simulated memory filled: "${api.statusBarText()}"`);
    assert.ok(heapBytes > 900 * 2 ** 20, `the heap reached ${heapBytes} bytes`);
    // The host holds the run's heap once (the trees read it) and its snapshots, sparse: not copies of it.
    assert.ok(
      grown <= 1.6 * heapBytes,
      `the host's array buffers grew by ${Math.round(grown / 2 ** 20)} MB for a heap of ${Math.round(heapBytes / 2 ** 20)} MB`,
    );
    assertStopped('page-hog-loop', await stop(run));
    assert.ok(api.memoryMap().posted > 0, 'the Memory Map was fed');
    assert.deepEqual(api.memoryMap().errors, [], 'the Memory Map reported no error');
  });

  it('a loop with no heap call at all: live and quiet, Check Leaks Now at a loop turn, Stop', async () => {
    const run = await start('busy-loop.lmm.ts', 3);
    const watched = await watch(SAMPLE_MS);
    assertLive('busy-loop', watched);
    assert.match(watched.lastStatus, /^\$\(pulse\) LMM step 3 · .* · no heap operation for \d s$/);
    assert.match(header(), /^step 3 · running · no heap operation for \d s$/);
    // No heap call comes: the check runs at a turn of the loop, attributed to its line.
    const asked = Date.now();
    await vscode.commands.executeCommand('lmm.checkLeaksNow');
    const heading = await waitFor(
      'the check in the Leaks view',
      async () =>
        (await treeTexts(api.treeProviders.leaks, 1)).find((text) =>
          /^leak check at step \d+ \(run in progress\) — Check Leaks Now at busy-loop\.lmm\.ts:\d+/.test(text),
        ),
      5000,
    );
    const took = Date.now() - asked;
    console.log(`[lmm-test] figures busy-loop: Check Leaks Now took ${took} ms: "${heading}"`);
    assert.ok(took <= 1500, `Check Leaks Now took ${took} ms`);
    assert.ok(heading.endsWith(` at busy-loop.lmm.ts:${lineOf(run.document, 'BUSY') + 1}`), `at the loop's line: ${heading}`);
    assertStopped('busy-loop', await stop(run));
    const leaks = await treeTexts(api.treeProviders.leaks, 1);
    assert.match(leaks[0] ?? '', /^leak check at step \d+ \(the run was stopped before its end\)/, leaks.join('\n'));
  });

  it('a loop that prints every iteration: live, Stop', async () => {
    const run = await start('print-flood.lmm.ts', 100);
    assertLive('print-flood', await watch(SAMPLE_MS));
    assertStopped('print-flood', await stop(run));
    const printed = await outputChannelText('print-flood.lmm.ts');
    console.log(`[lmm-test] figures print-flood: ${printed.length} characters in the output channel`);
    assert.match(
      printed,
      // A view prints as its struct, address and fields (the harness console's format).
      /^── run \d+ of .*print-flood\.lmm\.ts, started .* ──\niteration 0 item_t 0x[0-9a-f]+ \{"id":0\}\niteration 1 item_t 0x[0-9a-f]+ \{"id":1\}\n/,
    );
    assert.deepEqual(await treeTexts(api.treeProviders.leaks, 1), noCheckRan);
  });

  it('a loop that prints the usage reports every iteration: live, Stop', async () => {
    const run = await start('usage-report-loop.lmm.ts', 100);
    assertLive('usage-report-loop', await watch(SAMPLE_MS));
    assertStopped('usage-report-loop', await stop(run));
    const printed = await outputChannelText('usage-report-loop.lmm.ts');
    console.log(`[lmm-test] figures usage-report-loop: ${printed.length} characters in the output channel`);
    assert.match(printed, /\nPage Size = \d+ Bytes\n/);
    assert.match(
      printed,
      /\n\[LMM: [\d,]+ lines \([\d,]+ characters\) dropped here: the program printed faster than this channel shows; lmm run prints them\]\n/,
    );
    assert.deepEqual(await treeTexts(api.treeProviders.leaks, 1), noCheckRan);
  });

  it('a loop that makes memory errors every iteration: live, Stop, one diagnostic per kind and line', async () => {
    const run = await start('error-loop.lmm.ts', 1000);
    assertLive('error-loop', await watch(SAMPLE_MS));
    assertStopped('error-loop', await stop(run));
    const problems = vscode.languages.getDiagnostics(run.document.uri).filter((d) => d.source === 'LMM');
    console.log(`[lmm-test] figures error-loop: ${problems.length} diagnostics`);
    // One diagnostic per kind and line, however many times the loop went round.
    const codes = problems.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => String(d.code));
    assert.deepEqual(codes.sort(), ['double-free', 'invalid-free', 'too-large'], problems.map((d) => d.message).join('\n'));
    for (const problem of problems.filter((d) => d.severity === vscode.DiagnosticSeverity.Error))
      assert.match(problem.message, /\[memory error at step [\d,]+, run stopped before its end\]$/);
    assert.match(api.statusBarText(), / · [\d,]+ memory errors · /);
  });

  it('a loop that runs a leak check every iteration: live, Stop', async () => {
    const run = await start('leak-check-loop.lmm.ts', 100);
    assertLive('leak-check-loop', await watch(SAMPLE_MS));
    assertStopped('leak-check-loop', await stop(run));
    const leaks = await treeTexts(api.treeProviders.leaks, 1);
    assert.match(leaks[0] ?? '', /^leak check at step [\d,]+ \(the run was stopped before its end\)/, leaks.join('\n'));
  });

  it('a loop that links a growing list: live, Stop', async () => {
    const run = await start('growing-list-loop.lmm.ts', 20_000);
    assertLive('growing-list-loop', await watch(SAMPLE_MS));
    const pages = Number(/ · ([\d,]+) pages · /.exec(api.statusBarText())?.[1]?.replace(/,/g, '') ?? 0);
    console.log(`[lmm-test] figures growing-list-loop: ${pages} pages at step ${api.currentRun()?.steps}`);
    assert.ok(pages >= 10_000, `${pages} pages: the loop reached tens of thousands of pages`);
    assertStopped('growing-list-loop', await stop(run));
    assert.deepEqual(await treeTexts(api.treeProviders.leaks, 1), noCheckRan);
  });

  it('an async main that awaits in its loop: live, Stop', async () => {
    const run = await start('async-loop.lmm.ts', 1000);
    assertLive('async-loop', await watch(SAMPLE_MS));
    assertStopped('async-loop', await stop(run));
    assert.deepEqual(await treeTexts(api.treeProviders.leaks, 1), noCheckRan);
  });

  for (const fixture of ['busy-loop.lmm.ts', 'async-loop.lmm.ts']) {
    it(`the time limit ends ${fixture} with a clear message`, async () => {
      await lmmConfiguration().update('timeLimit', 2, vscode.ConfigurationTarget.Workspace);
      try {
        const started = Date.now();
        await runHarness(api, fixtureUri(fixture));
        const took = Date.now() - started;
        console.log(`[lmm-test] figures ${fixture}: a 2 s time limit ended the run after ${took} ms`);
        const run = api.currentRun();
        assert.equal(run?.status, 'failed', JSON.stringify(run));
        assert.match(run?.message ?? '', new RegExp(`${fixture.replace('.', '\\.')}:\\d+:\\d+: time limit of 2000 ms exceeded`));
        assert.ok(took <= 6000, `${took} ms`);
      } finally {
        await lmmConfiguration().update('timeLimit', 60, vscode.ConfigurationTarget.Workspace);
      }
    });
  }

  it('runs the next harness to its end after all these loops', async () => {
    await runHarness(api, fixtureUri('leaky-list.lmm.ts'));
    assert.equal(api.currentRun()?.status, 'finished', JSON.stringify(api.currentRun()));
  });
});
