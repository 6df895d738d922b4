// Runs at speed, with the Memory Map open: on a harness that allocates in a tight endless loop, the status bar changes at
// least every 1.5 s, Check Leaks Now shows its check in the Leaks view within 1.5 s, Stop Run takes
// effect within 1 s, and the Leaks view then says no leak check ran (never "no leaks"); a run of another
// harness leaves the first harness's diagnostics in place, marked with the time of its run.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, runHarness, treeTexts, waitFor, within, type LmmTestApi } from './lmmExtension';

describe('LMM Studio in VS Code: live runs at speed', function () {
  this.timeout(120_000);
  let api: LmmTestApi;

  before(async () => {
    api = await activateLmm();
    // The endless loop must outlive the measurements on a slow machine (the default limit is 10 s).
    await lmmConfiguration().update('timeLimit', 60, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await lmmConfiguration().update('timeLimit', undefined, vscode.ConfigurationTarget.Workspace);
  });

  const lmmConfiguration = () => vscode.workspace.getConfiguration('lmm', vscode.workspace.workspaceFolders?.[0]?.uri);

  /**
   * Waits for the Memory Map's tab, which a run opens beside the harness: every figure here is
   * measured with it open (in VS Code for the browser it shares the window's thread with the editor).
   */
  async function memoryMapOpen(): Promise<void> {
    await waitFor('the Memory Map to be open', () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .some((tab) => tab.input instanceof vscode.TabInputWebview && tab.label.startsWith('LMM Memory Map'))
        ? true
        : undefined,
    );
  }

  /** Starts the tight loop and waits until the host has taken in `steps` of its operations. */
  async function startTightLoop(steps: number): Promise<{ running: Thenable<unknown>; finished: Promise<void> }> {
    const document = await vscode.workspace.openTextDocument(fixtureUri('tight-loop.lmm.ts'));
    await vscode.window.showTextDocument(document);
    const finished = api.whenRunFinished();
    const running = vscode.commands.executeCommand('lmm.runHarness', document.uri);
    await waitFor(
      `the tight loop to make ${steps.toLocaleString('en-US')} heap operations`,
      () => {
        const run = api.currentRun();
        return run?.status === 'running' && run.file === document.uri.fsPath && run.steps > steps ? run : undefined;
      },
      60_000,
    );
    await memoryMapOpen();
    return { running, finished };
  }

  async function stopRun(run: { running: Thenable<unknown>; finished: Promise<void> }): Promise<void> {
    await vscode.commands.executeCommand('lmm.stopRun');
    await within('the run command to return', run.running);
    await within('the views to take in the stop', run.finished);
  }

  it('changes the status bar at least every 1.5 s while a tight allocation loop runs', async () => {
    const run = await startTightLoop(20_000);
    try {
      // Sampled for 5 s (the run’s time limit is 10 s): the longest time the text stayed the same (the status bar's, and the
      // Page Families header's, which names the step its rows show).
      const header = () => (api.treeProviders.pageFamilies as { view?: vscode.TreeView<unknown> }).view?.description ?? '';
      let lastHeader = header();
      let headerChangedAt = Date.now();
      let longestHeader = 0;
      let last = api.statusBarText();
      let changedAt = Date.now();
      let longest = 0;
      const texts = new Set<string>([last]);
      // Each redraw of a tree's rows makes VS Code fetch them, with the view's animated progress bar
      // showing meanwhile: while the loop runs, rows are redrawn at most once per LIVE_ROWS_MS (600 ms).
      const redraws = new Map<string, number>();
      const listening = Object.entries(api.treeProviders).map(([name, provider]) =>
        provider.onDidChangeTreeData!(() => redraws.set(name, (redraws.get(name) ?? 0) + 1)),
      );
      const sampledFrom = Date.now();
      for (const end = Date.now() + 5000; Date.now() < end;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const text = api.statusBarText();
        const now = Date.now();
        if (header() !== lastHeader) {
          longestHeader = Math.max(longestHeader, now - headerChangedAt);
          headerChangedAt = now;
          lastHeader = header();
        }
        if (text !== last) {
          longest = Math.max(longest, now - changedAt);
          changedAt = now;
          last = text;
          texts.add(text);
        }
      }
      longest = Math.max(longest, Date.now() - changedAt);
      longestHeader = Math.max(longestHeader, Date.now() - headerChangedAt);
      assert.equal(api.currentRun()?.status, 'running', 'the loop ran through the whole sampling');
      assert.ok(longest <= 1500, `the status bar stayed "${last}" for ${longest} ms (texts seen: ${texts.size})`);
      assert.match(last, /^\$\(pulse\) LMM step [\d,]+ · /);
      assert.ok(longestHeader <= 1500, `the Page Families header stayed "${lastHeader}" for ${longestHeader} ms`);
      assert.match(lastHeader, /^step [\d,]+ · running$/);
      for (const listener of listening) listener.dispose();
      const seconds = (Date.now() - sampledFrom) / 1000;
      for (const [name, count] of redraws)
        assert.ok(
          count <= Math.ceil(seconds / 0.6) + 1,
          `the ${name} tree's rows were redrawn ${count} times in ${seconds.toFixed(1)} s`,
        );
    } finally {
      await stopRun(run);
    }
  });

  it('shows Check Leaks Now’s check in the Leaks view within 1.5 s while a tight allocation loop runs', async () => {
    const run = await startTightLoop(200_000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const asked = Date.now();
      await vscode.commands.executeCommand('lmm.checkLeaksNow');
      const heading = await waitFor(
        'the check in the Leaks view',
        async () =>
          (await treeTexts(api.treeProviders.leaks, 1)).find((text) =>
            /^leak check at step [\d,]+ \(run in progress\) — Check Leaks Now/.test(text),
          ),
        10_000,
      );
      const took = Date.now() - asked;
      assert.ok(took <= 1500, `Check Leaks Now took ${took} ms to show "${heading}"`);
      assert.equal(api.currentRun()?.status, 'running', 'the check came while the loop goes on');
      const step = /^leak check at step ([\d,]+)/.exec(heading)![1]!;
      await waitFor('the status bar to name the check’s step', () =>
        api.statusBarText().endsWith(` leaked at step ${step}`) ? true : undefined,
      );
    } finally {
      await stopRun(run);
    }
  });

  it('stops a tight allocation loop within 1 s of LMM: Stop Run, and says no leak check ran', async () => {
    const document = await vscode.workspace.openTextDocument(fixtureUri('tight-loop.lmm.ts'));
    await vscode.window.showTextDocument(document);
    const finished = api.whenRunFinished();
    const running = vscode.commands.executeCommand('lmm.runHarness', document.uri);
    // Well into the loop: the host has been taking in the harness's batches for a while.
    await waitFor(
      'the tight loop to make 200,000 heap operations',
      () => {
        const run = api.currentRun();
        return run?.status === 'running' && run.file === document.uri.fsPath && run.steps > 200_000 ? run : undefined;
      },
      60_000,
    );
    await memoryMapOpen();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const asked = Date.now();
    await vscode.commands.executeCommand('lmm.stopRun');
    await waitFor('the run to be stopped', () => (api.currentRun()?.status === 'stopped' ? true : undefined), 10_000);
    const took = Date.now() - asked;
    assert.ok(took <= 1000, `Stop Run took ${took} ms`);
    assert.equal(api.statusBarText().includes('stopped'), true, `the status bar says so: ${api.statusBarText()}`);
    await within('the run command to return', running);
    await within('the views to take in the stop', finished);
    const leaks = await treeTexts(api.treeProviders.leaks, 1);
    assert.deepEqual(leaks, ['no leak check ran — leaks unknown']);
  });

  it('keeps a harness’s diagnostics, marked with the time of its run, when another harness runs', async () => {
    const leaky = await vscode.workspace.openTextDocument(fixtureUri('leaky-list.lmm.ts'));
    await vscode.window.showTextDocument(leaky);
    await runHarness(api, leaky.uri);
    const leakLine = lineOf(leaky, 'LEAK: definitely lost');
    const onLeakLine = () =>
      vscode.languages.getDiagnostics(leaky.uri).filter((d) => d.source === 'LMM' && d.range.start.line === leakLine);
    await waitFor('the leak warning of the first harness', () => (onLeakLine().length > 0 ? true : undefined));
    assert.doesNotMatch(onLeakLine()[0]!.message, /from the run of/);

    const other = await vscode.workspace.openTextDocument(fixtureUri('double-free.lmm.ts'));
    await vscode.window.showTextDocument(other);
    await runHarness(api, other.uri);
    await waitFor('the double free of the second harness', () =>
      vscode.languages.getDiagnostics(other.uri).some((d) => d.source === 'LMM' && d.code === 'double-free') ? true : undefined,
    );
    const kept = await waitFor('the first harness’s leak warning, marked', () => {
      const found = onLeakLine();
      return found.length === 1 && /\[from the run of leaky-list\.lmm\.ts at \d\d:\d\d:\d\d\]$/.test(found[0]!.message)
        ? found[0]
        : undefined;
    });
    assert.match(kept.message, /definitely/i);
  });
});
