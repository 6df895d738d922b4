/// <reference lib="dom" />
// (frame.evaluate callbacks run in the webview: they use DOM types.)
// UI end-to-end: a run far longer than a small `lmm.eventsKept`, in a real VS Code (code-server
// with the packaged `.vsix`, headless Chromium). The Memory Map keeps the LAST operations: its
// header says "showing the last N of M operations", its tab title says so too, its timeline ends at
// the run's last step (the number of operations the status bar's tooltip counts), and the
// end-of-run leak check is on it. And while a tight loop runs and the person types in another
// editor, the map beside does not redraw (the keys would wait for it), then catches up: the host
// sends it operations every 5 s at most meanwhile, and tells it to hold its live redraws (this
// test fails with neither, as it was before them).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import { projectRoot } from '../../vscode-host/codeServer';
import { packageExtension } from '../../vscode-host/vsix';
import { Workbench, assertEventually } from './workbench';

const artifacts = path.join(projectRoot, 'test/artifacts');
const HARNESS = 'long-loop.lmm.ts';
/** The smallest window the setting allows. */
const KEPT = 1000;
/** MM_REG_STRUCT, two allocations, then 10,000 allocations and frees. */
const STEPS = 3 + 2 * 10_000;
/** Allocates and frees for ever; and a text file to type in meanwhile. */
const TIGHT_LOOP = 'tight-loop.lmm.ts';
const NOTES = 'notes.txt';

describe('LMM Studio UI: the Memory Map keeps the last lmm.eventsKept operations (code-server + Chromium)', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let failed = false;

  afterEach(function () {
    if (this.currentTest?.state !== 'passed') failed = true;
  });

  before(async function () {
    this.timeout(20 * 60_000); // a first run installs code-server and packages the extension
    mkdirSync(artifacts, { recursive: true });
    const vsix = await packageExtension();
    workbench = await Workbench.open(vsix, (workspace) => {
      mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
      writeFileSync(
        path.join(workspace, '.vscode/settings.json'),
        JSON.stringify({ 'lmm.eventsKept': KEPT, 'lmm.timeLimit': 120 }),
      );
      copyFileSync(path.join(projectRoot, 'test/e2e/fixtures', HARNESS), path.join(workspace, HARNESS));
      // The integration tier's tight loop: the same harness, no second copy.
      copyFileSync(path.join(projectRoot, 'test/integration/fixtures', TIGHT_LOOP), path.join(workspace, TIGHT_LOOP));
      writeFileSync(path.join(workspace, NOTES), 'Typed while a harness runs:\n');
    });
    await workbench.page.setViewportSize({ width: 1920, height: 1080 });
  });

  after(async () => {
    if (!workbench) return;
    if (failed) await workbench.page.screenshot({ path: path.join(artifacts, 'heap-window-failure.png') }).catch(() => {});
    await workbench.close();
  });

  async function mapFrame(): Promise<Frame> {
    const handle = await workbench.webview().locator('#app').elementHandle({ timeout: 30_000 });
    const frame = await handle?.ownerFrame();
    assert.ok(frame, 'the Memory Map webview frame');
    return frame;
  }

  async function hook<T>(name: string): Promise<T> {
    const frame = await mapFrame();
    return frame.evaluate(
      (n) => (window as unknown as { lmmMemoryMap: Record<string, unknown> }).lmmMemoryMap[n],
      name,
    ) as Promise<T>;
  }

  it('after a run of 20,003 operations with lmm.eventsKept 1000, the map says "showing the last N of 20,003" and ends at the status bar’s step', async () => {
    await workbench.openFile(HARNESS);
    await workbench.runCommand('LMM: Run Harness');
    await workbench.runCommand('LMM: Show Memory Map');
    await assertEventually(
      async () =>
        (await hook<boolean>('reportReady')) && (await hook<number>('length')) === STEPS && !(await hook<boolean>('ingesting')),
      `the Memory Map holding the run's ${STEPS} steps and its report`,
      120_000,
    );
    const first = await hook<number>('firstStep');
    assert.ok(first > STEPS - 2 * KEPT && first <= STEPS - KEPT, `the window begins near the end (step ${first + 1})`);
    const n = (value: number) => value.toLocaleString('en-US');
    const header = workbench.webview().locator('.window-note');
    await header.waitFor();
    assert.equal(await header.innerText(), `showing the last ${n(STEPS - first)} of ${n(STEPS)} operations (lmm.eventsKept)`);
    // The tab's title says the same, from the host's side.
    const tab = workbench.page.locator('.tabs-container .tab', { hasText: 'LMM Memory Map' }).first();
    assert.match(
      (await tab.innerText()).trim(),
      new RegExp(`LMM Memory Map \\(last ${n(STEPS - first)} of ${n(STEPS)} operations\\)`),
    );
    // The timeline ends at the run's last step, the one the status bar counts.
    const label = await workbench.webview().locator('.timeline-label').innerText();
    assert.match(label, new RegExp(`^Step ${n(STEPS)} of ${n(STEPS)}:`));
    const status = workbench.page.locator('.statusbar-item', { hasText: 'LMM' }).first();
    await status.hover();
    const tooltip = await assertEventually(async () => {
      const text = await workbench.page.locator('.monaco-hover, .workbench-hover').first().innerText({ timeout: 2_000 });
      return text.includes('operations') ? text : undefined;
    }, 'the status bar item’s tooltip');
    assert.match(tooltip, new RegExp(`finished on lmm-classic: ${n(STEPS)} operations`));
    // Both count the same pages at that step.
    const statusText = await status.innerText();
    const pages = /([\d,]+) pages?/.exec(statusText)?.[1];
    assert.ok(pages, `the status bar names its pages: ${statusText}`);
    assert.match(await workbench.webview().locator('.run-totals').innerText(), new RegExp(`^${pages} pages? ·`));
    // The end-of-run leak check is on the window, at the run's last step.
    assert.match(
      await workbench.webview().locator('.run-totals').innerText(),
      new RegExp(`2 blocks leaked at the end of the run \\(step ${n(STEPS)}\\)`),
    );
    await workbench.page.screenshot({ path: path.join(artifacts, 'heap-window.png') });
  });
  it('while a tight loop runs and the person types in another editor, the map beside does not redraw, then shows a later step', async () => {
    await workbench.openFile(TIGHT_LOOP);
    await workbench.runCommand('LMM: Run Harness');
    await workbench.runCommand('LMM: Show Memory Map');
    const stats = () => hook<{ renders: number; shownStep: number }>('stats');
    // The map follows the run (a redraw about once a second) before anyone types.
    const following = await assertEventually(async () => {
      const s = await stats();
      return s.shownStep > 1000 ? s : undefined;
    }, 'the Memory Map drawing the loop');
    await assertEventually(async () => (await stats()).renders > following.renders, 'a live redraw of the loop');
    // The notes open in the first group, the harness's: the map stays in view beside them.
    await workbench.runCommand('View: Focus First Editor Group');
    await workbench.openFile(NOTES);
    await workbench.page.keyboard.press('End');
    assert.ok(await workbench.page.locator('iframe.webview.ready').first().isVisible(), 'the map in view beside the notes');
    const before = await stats();
    // About three seconds of steady typing (a key every 100 ms).
    for (let i = 0; i < 30; i++) {
      await workbench.page.keyboard.press(String.fromCharCode(97 + (i % 26)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const during = await stats();
    assert.equal(during.renders, before.renders, 'no redraw while the person typed');
    // The typing stopped: the map shows a later step within about a second.
    await assertEventually(
      async () => {
        const s = await stats();
        return s.renders > during.renders && s.shownStep > during.shownStep;
      },
      'the map catching up once the typing stopped',
      3000,
    );
    await workbench.runCommand('LMM: Stop Run');
    await workbench.page.locator('.statusbar-item', { hasText: 'LMM stopped' }).first().waitFor({ timeout: 10_000 });
  });
});
