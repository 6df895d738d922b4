/**
 * `npm run bench:extension:vscode`: a live run as a person meets it, in a real VS Code (code-server
 * with the packaged extension, driven in headless Chromium like the UI tests). While a harness
 * allocates and frees in a tight endless loop it measures
 *   (a) typing in an editor: key press to the character in the editor's DOM, per key;
 *   (b) how often the status bar and the Page Families header (the step its rows show) change;
 *   (c) LMM: Check Leaks Now: Enter in the palette to the check's row in the Leaks view;
 *   (d) LMM: Stop Run: Enter to the status bar saying "stopped";
 * and (e) a 210,000-allocation harness, Enter on LMM: Run Harness to the status bar saying it
 * finished, against `lmm run` of the same file (wall time, compile included in both).
 *
 *   npm run bench:extension:vscode          LMM_E2E_CACHE=folder shares code-server's install
 *   LMM_E2E_VSIX=file.vsix                   skips packaging; LMM_BENCH_RUNS=n (default 3)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../test/vscode-host/codeServer';
import { packageExtension } from '../test/vscode-host/vsix';
import { Workbench } from '../test/e2e/ui/workbench';

const runs = Number(process.env.LMM_BENCH_RUNS ?? 3);
const keysTyped = 60;
const tightLoop = 'tight-loop.lmm.ts';
const allocations = 'allocations-210k.lmm.ts';
const allocationsSource = `import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC, mm_register_root } from 'lmm-studio';
@struct class node_t { @u32 key!: number; @ptr(() => node_t) next!: node_t | null; }
export default function main() {
  MM_REG_STRUCT(node_t);
  const head = XCALLOC(1, node_t)!;
  mm_register_root(head);
  for (let i = 1; i < 210_000; i++) { const n = XCALLOC(1, node_t)!; n.key = i; n.next = head.next; head.next = n; }
}
`;

const progress = (what: string) => process.stderr.write(`[bench] ${what}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** In the page: records every change of the LMM status bar item and of the Page Families header. */
function installRecorder(): void {
  type Change = { t: number; text: string };
  const w = window as unknown as { __lmmChanges: { status: Change[]; header: Change[] } };
  w.__lmmChanges = { status: [], header: [] };
  const statusText = () =>
    Array.from(document.querySelectorAll('.statusbar-item')).find((item) => /\bLMM\b/.test(item.textContent ?? ''))
      ?.textContent ?? '';
  const headerText = () => {
    const header = Array.from(document.querySelectorAll('.pane-header')).find((h) => h.textContent?.includes('Page Families'));
    return header?.querySelector('.description')?.textContent ?? '';
  };
  const observe = (list: Change[], read: () => string) => {
    let last = read();
    return () => {
      const text = read();
      if (text !== last) list.push({ t: performance.now(), text: (last = text) });
    };
  };
  const onStatus = observe(w.__lmmChanges.status, statusText);
  const onHeader = observe(w.__lmmChanges.header, headerText);
  new MutationObserver(() => {
    onStatus();
    onHeader();
  }).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['aria-label'],
  });
}

/** In the page: resolves with the wall-clock time at which the active editor's text next changes. */
function armKeyTimer(): void {
  const w = window as unknown as { __keyLatency: Promise<number> };
  const text = () =>
    document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ??
    document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent ??
    '';
  const before = text();
  w.__keyLatency = new Promise((resolve) => {
    // The whole document is watched: the editor may re-create its line elements. Date.now() is
    // the wall clock the bench reads when it sends the key (VS Code's own key handlers may stop
    // a listener of ours from seeing the key down).
    const observer = new MutationObserver(() => {
      if (text() === before) return;
      observer.disconnect();
      resolve(Date.now());
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function statusBarText(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      Array.from(document.querySelectorAll('.statusbar-item')).find((item) => /\bLMM\b/.test(item.textContent ?? ''))
        ?.textContent ?? '',
  );
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Opens the palette on `title`, then returns the time from Enter to `done()` holding. */
async function timedCommand(workbench: Workbench, title: string, done: () => Promise<boolean>, timeoutMs = 60_000) {
  const page = workbench.page;
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  const asked = performance.now();
  enteredAt = await page.evaluate(() => performance.now());
  await page.keyboard.press('Enter');
  await waitUntil(title, async () => ((await done()) ? true : undefined), timeoutMs);
  return performance.now() - asked;
}

/** The page's clock when the last timed command's Enter was pressed. */
let enteredAt = 0;

/** Types `count` characters into the active editor; each key's latency in ms. */
async function typeKeys(page: Page, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    await page.evaluate(armKeyTimer);
    const sent = Date.now();
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
    const shown = await page.evaluate(() =>
      Promise.race([
        (window as unknown as { __keyLatency: Promise<number> }).__keyLatency,
        new Promise<number>((resolve) => setTimeout(() => resolve(NaN), 5000)),
      ]),
    );
    if (Number.isNaN(shown)) throw new Error(`key ${i + 1}: the character did not show in the editor within 5 s`);
    latencies.push(shown - sent);
    await page.waitForTimeout(20);
  }
  return latencies;
}

/** The longest time between changes of one recorded text from `from` to `to` (page clock). */
function longestGap(changes: { t: number }[], from: number, to: number): number {
  let last = from;
  let longest = 0;
  for (const { t } of changes) {
    if (t < from || t > to) continue;
    longest = Math.max(longest, t - last);
    last = t;
  }
  return Math.max(longest, to - last);
}

async function main(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ');
  console.log(`LMM Studio in a real VS Code (code-server 4.139.1, headless Chromium); load average at start ${load()}`);
  progress('packaging the extension (LMM_E2E_VSIX=file skips this)');
  const vsix = await packageExtension();
  progress('starting code-server');
  const workbench = await Workbench.open(vsix, (workspace) => {
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    // Long enough for every measurement on the endless loop (the default limit is 10 s).
    writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'lmm.timeLimit': 300 }));
    copyFileSync(path.join(projectRoot, 'test/integration/fixtures', tightLoop), path.join(workspace, tightLoop));
    writeFileSync(path.join(workspace, allocations), allocationsSource);
    writeFileSync(path.join(workspace, 'notes.txt'), 'Typed while a harness runs:\n');
  });
  const page = workbench.page;
  // tsx compiles the functions passed to page.evaluate with esbuild's keepNames helper: give the
  // page that helper (it only names functions).
  await page.evaluate('globalThis.__name = (fn) => fn');
  try {
    await workbench.openFile('notes.txt');
    await workbench.goTo(2, 1);
    progress('typing with no run');
    const idleKeys = await typeKeys(page, keysTyped);
    progress('starting the tight loop');

    await workbench.openFile(tightLoop);
    await workbench.openLmmSidePanel();
    await page.evaluate(installRecorder);
    const runStarted = await page.evaluate(() => performance.now());
    await workbench.runCommand('LMM: Run Harness');
    const stepNow = async () => Number(/LMM step ([\d,]+)/.exec(await statusBarText(page))?.[1]?.replace(/,/g, '') ?? NaN);
    await waitUntil('the tight loop to pass 100,000 operations', async () => ((await stepNow()) > 100_000 ? true : undefined));
    // The Memory Map opens beside the harness as the run starts and takes the focus: type in the first group.
    await workbench.runCommand('View: Focus First Editor Group');
    await workbench.openFile('notes.txt').catch(async () => {
      await workbench.runCommand('View: Focus First Editor Group');
      await workbench.openFile('notes.txt');
    });
    await workbench.goTo(2, 1);
    progress('typing during the run');
    const runningKeys = await typeKeys(page, keysTyped);
    progress('Check Leaks Now, then Stop Run');

    await workbench.openLmmSidePanel();
    const leaksRows = workbench.viewRows(page.locator('.sidebar'), 'Leaks');
    const checks: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = (await leaksRows.allInnerTexts()).join('\n');
      checks.push(
        await timedCommand(workbench, 'LMM: Check Leaks Now', async () => {
          const rows = (await leaksRows.allInnerTexts()).join('\n');
          return rows !== before && /leak check at step [\d,]+ \(run in progress\)/.test(rows);
        }),
      );
      await page.waitForTimeout(1000);
    }
    const stepBeforeStop = await stepNow();
    const stop = await timedCommand(workbench, 'LMM: Stop Run', async () => /LMM stopped/.test(await statusBarText(page)));
    const stopped = await page.evaluate(() => performance.now());
    const changes = await page.evaluate(
      () =>
        (window as unknown as { __lmmChanges: { status: { t: number; text: string }[]; header: { t: number }[] } }).__lmmChanges,
    );
    // From the first operation shown (the harness compiles first) to the stop: the run's live stretch.
    const firstStep = changes.status.find((c) => c.t > runStarted && /LMM step [1-9]/.test(c.text))?.t ?? runStarted;
    const statusGap = longestGap(changes.status, firstStep, stopped - stop);
    const headerGap = longestGap(changes.header, firstStep, stopped - stop);
    const liveSeconds = (stopped - stop - firstStep) / 1000;

    console.log(`\nTight endless loop (${tightLoop}), ${stepBeforeStop.toLocaleString('en-US')} operations before Stop:`);
    const keys = (label: string, values: number[]) =>
      console.log(
        `  (a) typing, ${label}: median ${ms(median(values))}, worst ${ms(Math.max(...values))}, over ${values.length} keys (key sent to the character in the editor's DOM)`,
      );
    keys('no run', idleKeys);
    keys('during the run', runningKeys);
    console.log(
      `  (b) status bar: ${changes.status.length} changes in ${liveSeconds.toFixed(1)} s, longest unchanged ${ms(statusGap)}; ` +
        `Page Families header: ${changes.header.length} changes, longest unchanged ${ms(headerGap)}`,
    );
    console.log(
      `  (c) Check Leaks Now to its row in the Leaks view: median ${ms(median(checks))}, worst ${ms(Math.max(...checks))} (${checks.length} checks)`,
    );
    console.log(`  (d) Stop Run to "stopped" in the status bar: ${ms(stop)}`);

    progress('the 210,000-allocation harness');
    const inVsCode: number[] = [];
    await workbench.openFile(allocations);
    for (let i = 0; i < runs; i++) {
      // From Enter to the status bar's first text after the run's own running texts ("LMM step …"):
      // the item shows a running text as soon as a run starts, so an earlier run's end cannot count.
      const seen = await page.evaluate(
        () => (window as unknown as { __lmmChanges: { status: unknown[] } }).__lmmChanges.status.length,
      );
      await timedCommand(
        workbench,
        'LMM: Run Harness',
        async () => {
          const changes = await page.evaluate(
            () => (window as unknown as { __lmmChanges: { status: { t: number; text: string }[] } }).__lmmChanges.status,
          );
          const since = changes.slice(seen);
          const running = since.findIndex((c) => /LMM step/.test(c.text));
          return running >= 0 && since.slice(running).some((c) => !/LMM step/.test(c.text));
        },
        180_000,
      );
      const changes = await page.evaluate(
        () => (window as unknown as { __lmmChanges: { status: { t: number; text: string }[] } }).__lmmChanges.status,
      );
      const since = changes.slice(seen);
      const running = since.findIndex((c) => /LMM step/.test(c.text));
      const ended = since.slice(running).find((c) => !/LMM step/.test(c.text))!;
      inVsCode.push(ended.t - enteredAt);
      await page.waitForTimeout(1000);
    }
    const file = path.join(workbench.workspace, allocations);
    const cli: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      execFileSync(process.execPath, [path.join(projectRoot, 'bin/lmm.js'), 'run', file], { stdio: 'ignore', timeout: 120_000 });
      cli.push(performance.now() - started);
    }
    console.log(
      `\n(e) 210,000 allocations: in VS Code ${ms(median(inVsCode))} (Enter in the palette to the status bar's end-of-run text; runs ${inVsCode.map(ms).join(', ')}), ` +
        `lmm run ${ms(median(cli))} (runs ${cli.map(ms).join(', ')}): ${(median(inVsCode) / median(cli)).toFixed(2)}×`,
    );
    console.log(`load average at the end ${load()} (2 cores, shared with other work)`);
  } catch (error) {
    const shot = path.join(projectRoot, 'test/artifacts/bench-vscode-failure.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot }).catch(() => {});
    progress(`failed: the workbench as it was is in ${shot}`);
    throw error;
  } finally {
    await workbench.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:extension:vscode failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
