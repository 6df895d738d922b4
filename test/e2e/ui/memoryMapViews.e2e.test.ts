/// <reference lib="dom" />
// (frame.evaluate callbacks run in the webview: they use DOM types.)
// UI end-to-end: the Memory Map's views in a real VS Code (code-server with the packaged `.vsix`),
// driven in headless Chromium as a person would (tabs, buttons, keys, the pointer), each answer
// checked against `lmm run --json` on the same example: zoom levels drawn (pixels), links that open
// a line and move the timeline, a chart's value under the crosshair, call trees, a two-step
// comparison, a retainer chain, a memory error naming its access, Suppress from the map, and the
// map and the Page Families tree selecting each other's blocks.
// Screenshots go to test/artifacts/ (LMM_README_SCREENSHOTS=1 copies them to media/screenshots/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame } from 'playwright-core';
import type { LmmReport } from '../../../src/protocol/runReportSchema';
import { projectRoot } from '../../vscode-host/codeServer';
import { packageExtension } from '../../vscode-host/vsix';
import { changedShare, coloursAt, summarizePixels } from './pixels';
import { Workbench, assertEventually } from './workbench';

const artifacts = path.join(projectRoot, 'test/artifacts');
const fixtures = path.join(projectRoot, 'test/e2e/fixtures');
const WAREHOUSE = 'warehouse.lmm.ts';
type PeakSite = { stack: Array<{ line: number }>; struct: string; blocks: number; appMemory: number };
type PeakStruct = { struct: string; blocks: number; appMemory: number };

/** The independent oracle: the same example through the command line (same engine, no VS Code). */
type CliReport = LmmReport & { totals: LmmReport['totals'] & { steps: number } };
function cliReport(file: string): CliReport {
  const json = execFileSync(process.execPath, [path.join(projectRoot, 'bin/lmm.js'), 'run', file, '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(json) as CliReport;
}

describe('LMM Studio UI: the Memory Map’s views (code-server + Chromium, packaged extension)', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  const screenshots: string[] = [];
  let failures = 0;
  let mapOpen = false;

  afterEach(function () {
    if (this.currentTest?.state !== 'passed') failures++;
  });

  before(async function () {
    this.timeout(20 * 60_000); // a first run installs code-server and packages the extension
    mkdirSync(artifacts, { recursive: true });
    const vsix = await packageExtension();
    workbench = await Workbench.open(vsix, (workspace) => {
      cpSync(path.join(projectRoot, 'examples'), workspace, { recursive: true });
      copyFileSync(path.join(fixtures, WAREHOUSE), path.join(workspace, WAREHOUSE));
    });
    // A wider window than the other UI tests: the map beside the editor has room for its side tabs.
    await workbench.page.setViewportSize({ width: 1920, height: 1080 });
  });

  after(async () => {
    if (!workbench) return;
    if (failures > 0) await screenshot('views-failure.png', true).catch(() => {});
    else if (process.env.LMM_README_SCREENSHOTS === '1') {
      const readmeFolder = path.join(projectRoot, 'media/screenshots');
      mkdirSync(readmeFolder, { recursive: true });
      for (const file of screenshots) copyFileSync(file, path.join(readmeFolder, path.basename(file)));
    }
    await workbench.close();
  });

  /** A screenshot of the Memory Map panel as VS Code shows it (the whole window after a failure). */
  async function screenshot(name: string, whole = false): Promise<void> {
    const file = path.join(artifacts, name);
    if (whole) await workbench.page.screenshot({ path: file });
    else await workbench.page.locator('iframe.webview.ready').first().screenshot({ path: file });
    screenshots.push(file);
  }

  /** The Memory Map webview's frame (its document: the app and the test hook). */
  async function mapFrame(): Promise<Frame> {
    const handle = await workbench.webview().locator('#app').elementHandle({ timeout: 30_000 });
    const frame = await handle?.ownerFrame();
    assert.ok(frame, 'the Memory Map webview frame');
    return frame;
  }

  /** A value of the webview's test hook, or the result of calling it with `args`. */
  async function hook<T>(name: string, ...args: unknown[]): Promise<T> {
    const frame = await mapFrame();
    return frame.evaluate(
      ([n, a]) => {
        const h = (window as unknown as { lmmMemoryMap: Record<string, unknown> }).lmmMemoryMap;
        const value = h[n as string];
        return typeof value === 'function' ? (value as (...x: unknown[]) => unknown)(...(a as unknown[])) : value;
      },
      [name, args] as [string, unknown[]],
    ) as Promise<T>;
  }

  /** Runs an example of the workspace with LMM: Run Harness and waits until the map holds all of it and its report. */
  async function runExample(name: string, steps: number): Promise<void> {
    const before = mapOpen ? await hook<string>('runId') : '';
    // The file opens beside the map, not over it.
    await workbench.runCommand('View: Focus First Editor Group');
    await workbench.openFile(name);
    await workbench.runCommand('LMM: Run Harness');
    await workbench.runCommand('LMM: Show Memory Map');
    await workbench.page.locator('.tab.active', { hasText: 'LMM Memory Map' }).first().waitFor();
    mapOpen = true;
    await assertEventually(
      async () =>
        (await hook<string>('runId')) !== before &&
        (await hook<string>('title')) === name &&
        (await hook<boolean>('reportReady')) &&
        (await hook<number>('length')) === steps &&
        !(await hook<boolean>('ingesting')),
      `the Memory Map showing all ${steps} steps of ${name} and its report`,
      120_000,
    );
  }

  async function selectTab(name: string): Promise<void> {
    await workbench.webview().locator('vscode-tab-header', { hasText: name }).first().click();
    await workbench.webview().locator(`.side-panel[aria-label="${name}"]`).waitFor();
  }

  const slider = () => workbench.webview().locator('[role="slider"][aria-label="Timeline step"]');
  const sliderStep = async () => Number(await slider().getAttribute('aria-valuenow'));

  async function cssColour(property: string): Promise<[number, number, number]> {
    const frame = await mapFrame();
    return frame.evaluate((name) => {
      const probe = document.createElement('div');
      probe.style.color = getComputedStyle(document.body).getPropertyValue(name).trim();
      document.body.append(probe);
      const rgb = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
      probe.remove();
      return [rgb[0]!, rgb[1]!, rgb[2]!] as [number, number, number];
    }, property);
  }

  it('3,000 pages: the overview draws a pixel row per page with the peak’s page marked; 16× labels every block', async () => {
    const report = cliReport(path.join(fixtures, WAREHOUSE));
    await runExample(WAREHOUSE, report.totals.steps);
    // The flame button moves the timeline to the peak (a link the timeline offers).
    await workbench.webview().locator('vscode-toolbar-button[label="Go to the peak of application memory"]').click();
    await assertEventually(
      async () => (await sliderStep()) === report.peak!.event,
      `the timeline at the peak (step ${report.peak!.event + 1})`,
    );
    const map = workbench.webview().locator('canvas.map-canvas');
    await workbench.webview().locator('.map-scroll').focus();
    for (let i = 0; i < 6; i++) await workbench.page.keyboard.press('-');
    await assertEventually(async () => (await hook<number>('zoom')) === 0, 'the overview zoom level');
    const peakBlock = await hook<number>('peakBlock');
    assert.ok(peakBlock > 0, 'the map knows the peak’s block');
    const rect = await hook<{ x: number; y: number; width: number; height: number } | null>('blockRect', peakBlock);
    assert.ok(rect, 'the peak’s block is on the map');
    await workbench.page.waitForTimeout(300);
    const box = await (
      await mapFrame()
    ).evaluate(() => {
      const r = document.querySelector('canvas.map-canvas')!.getBoundingClientRect();
      return { x: r.left, y: r.top, width: r.width, height: r.height };
    });
    const overview = await map.screenshot();
    const summary = await summarizePixels(workbench.browser, overview);
    // One pixel row per page: 3,001 pages fill the canvas with the struct's colour, all rows.
    assert.ok(summary.backgroundShare < 0.6, `the overview is full of pages: ${JSON.stringify(summary)}`);
    const scale = summary.width / box.width;
    const peakY = (rect.y - box.y + 0.5) * scale;
    const barX = ((await hook<number>('labelWidth')) - 9) * scale;
    const [bar, away] = await coloursAt(workbench.browser, overview, [
      [barX, peakY],
      [barX, peakY + 30 * scale],
    ]);
    const peakColour = await cssColour('--lmm-peak');
    const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 12);
    assert.ok(close(bar!, peakColour), `the peak’s page is marked in the peak’s colour ${peakColour} (found ${bar})`);
    assert.ok(!close(away!, peakColour), 'a page 30 rows away is not marked');
    await screenshot('memory-map-overview.png');

    // Zoomed to 16×: a page wraps over 16 strips and every block is labelled.
    for (let i = 0; i < 5; i++) await workbench.page.keyboard.press('+');
    await assertEventually(async () => (await hook<number>('zoom')) === 5, 'the 16× zoom level');
    await workbench.page.waitForTimeout(300);
    const labels = await hook<Array<{ text: string }>>('blockLabels');
    assert.ok(
      labels.some((l) => /^pallet_t · 3,000 B$/.test(l.text)),
      `a pallet_t block is labelled: ${labels.map((l) => l.text).join(' | ')}`,
    );
    assert.ok(
      labels.some((l) => ['meta data 48 B', 'meta', 'm'].includes(l.text)),
      'the meta data is labelled in the words that fit',
    );
    const zoomed = await map.screenshot();
    assert.ok((await changedShare(workbench.browser, overview, zoomed)) > 0.05, 'the zoomed map differs from the overview');
    await screenshot('memory-map-zoomed.png');
  });

  it('links: a Peak site opens its line in the editor; a block’s allocation moves the timeline', async () => {
    const example = 'hash-table.lmm.ts';
    const report = cliReport(path.join(projectRoot, 'examples', example));
    await runExample(example, report.totals.steps);
    await selectTab('Peak');
    const site = workbench.webview().locator('.side-panel[aria-label="Peak"] button.link').first();
    const label = (await site.textContent())!;
    const line = Number(/:(\d+)$/.exec(label)![1]);
    await site.click();
    await assertEventually(
      async () =>
        (await workbench.page.locator(`.tabs-container .tab.active[data-resource-name="${example}"]`).count()) > 0 &&
        new RegExp(`Ln ${line}, Col`).test(await workbench.page.locator('.statusbar').innerText()),
      `${example} open at line ${line}`,
    );
    // The Block panel's allocation link: select the block the peak allocated, step on, follow the link back.
    await workbench.webview().locator('vscode-toolbar-button[label="Go to the peak of application memory"]').click();
    await assertEventually(async () => (await sliderStep()) === report.peak!.event, 'the timeline at the peak');
    await selectTab('Block');
    const peakBlock = await hook<number>('peakBlock');
    const rect = await hook<{ x: number; y: number; width: number; height: number } | null>('blockRect', peakBlock);
    assert.ok(rect, 'the peak’s block is on the map');
    const box = await (
      await mapFrame()
    ).evaluate(() => {
      const r = document.querySelector('canvas.map-canvas')!.getBoundingClientRect();
      return { x: r.left, y: r.top };
    });
    await workbench
      .webview()
      .locator('canvas.map-canvas')
      .click({ position: { x: rect.x - box.x + rect.width / 2, y: rect.y - box.y + Math.min(4, rect.height / 2) } });
    const allocation = workbench.webview().locator('.block-links button', {
      hasText: `Go to its allocation (step ${(report.peak!.event + 1).toLocaleString('en-US')})`,
    });
    await allocation.waitFor();
    await workbench.webview().locator('vscode-toolbar-button[label="Next step (→)"]').click();
    await assertEventually(async () => (await sliderStep()) === report.peak!.event + 1, 'one step past the peak');
    await allocation.click();
    await assertEventually(
      async () => (await sliderStep()) === report.peak!.event,
      'the timeline back at the block’s allocation',
    );
  });

  it('a chart’s value under the crosshair (the pointer on the timeline) is the application memory lmm run --json reports', async () => {
    const report = cliReport(path.join(projectRoot, 'examples', 'hash-table.lmm.ts'));
    const steps = report.totals.steps;
    const track = (await slider().boundingBox())!;
    for (const [step, value] of [
      [steps - 1, report.totals.appMemory],
      [report.peak!.event, report.peak!.appMemory],
    ] as const) {
      await workbench.page.mouse.move(track.x + ((step + 0.5) / steps) * track.width, track.y + track.height / 2);
      const readout = await assertEventually(
        async () => {
          const all = await hook<Array<{ chart: string; step: number; text: string }>>('chartReadouts');
          return all.find((r) => r.chart === 'Application memory' && r.step === step);
        },
        `a reading at step ${step + 1}`,
      );
      const shown = bytesText(value);
      assert.equal(readout.text, `step ${(step + 1).toLocaleString('en-US')}: ${shown}`);
    }
    await screenshot('charts.png');
    await workbench.page.mouse.move(5, 5);
  });

  it('the peak as call trees, top-down and bottom-up, with the figures of lmm run --json', async () => {
    const report = cliReport(path.join(projectRoot, 'examples', 'hash-table.lmm.ts'));
    const bySite = (report.peak as unknown as { bySite: PeakSite[] }).bySite;
    await selectTab('Call trees');
    const rows = async () =>
      (await mapFrame()).evaluate(() =>
        Array.from(document.querySelectorAll('.call-tree [role=treeitem]')).map((e) => ({
          label: e.getAttribute('data-label')!,
          level: Number(e.getAttribute('aria-level')),
          inclusive: Number(e.getAttribute('data-inclusive-bytes')),
          self: Number(e.getAttribute('data-self-bytes')),
        })),
      );
    const topDown = await assertEventually(async () => {
      const all = await rows();
      return all.length > 0 ? all : undefined;
    }, 'the top-down tree');
    const rootsTotal = topDown.filter((r) => r.level === 1).reduce((sum, r) => sum + r.inclusive, 0);
    assert.equal(rootsTotal, report.peak!.appMemory, 'the outermost callers add up to the peak');
    await workbench.webview().locator('select[aria-label="Tree"]').selectOption('bottom-up');
    const bottomUp = await assertEventually(async () => {
      const all = await rows();
      return all.length > 0 && all[0]!.label !== topDown[0]!.label ? all : undefined;
    }, 'the bottom-up tree');
    // Bottom-up starts at the allocating lines: each one's bytes are the report's for that line.
    const expected = new Map<number, number>();
    for (const s of bySite) expected.set(s.stack[0]!.line, (expected.get(s.stack[0]!.line) ?? 0) + s.appMemory);
    const leaves = bottomUp.filter((r) => r.level === 1);
    assert.equal(leaves.length, expected.size);
    for (const leaf of leaves) {
      const line = Number(/:(\d+)$/.exec(leaf.label)![1]);
      assert.equal(leaf.inclusive, expected.get(line), `line ${line}`);
      assert.equal(leaf.self, expected.get(line), `line ${line} allocated it itself`);
    }
    await workbench.webview().locator('select[aria-label="Tree"]').selectOption('top-down');
    await screenshot('call-tree.png');
  });

  it('compare two steps: from the start to the peak, what is still live is the peak’s breakdown by struct', async () => {
    const report = cliReport(path.join(projectRoot, 'examples', 'hash-table.lmm.ts'));
    await selectTab('Compare');
    await workbench.webview().locator('vscode-toolbar-button[label="Go to the peak of application memory"]').click();
    const peakStep = report.peak!.event + 1;
    await workbench
      .webview()
      .locator('vscode-button', { hasText: `B = this step (${peakStep})` })
      .click();
    const total = workbench.webview().locator('.compare-total');
    const byStruct = (report.peak as unknown as { byStruct: PeakStruct[] }).byStruct;
    const blocks = byStruct.reduce((n, s) => n + s.blocks, 0);
    await assertEventually(
      async () =>
        (await total.textContent()) ===
        `Allocated after the start and still live at step ${peakStep}: ${blocks} blocks, ${report.peak!.appMemory.toLocaleString('en-US')} B of application memory.`,
      'the comparison’s total',
    );
    const table = await (
      await mapFrame()
    ).evaluate(() => {
      const t = Array.from(document.querySelectorAll('.side-panel[aria-label="Compare"] table')).find((e) =>
        e.querySelector('caption')!.textContent!.startsWith('By struct'),
      )!;
      return Array.from(t.querySelectorAll('tbody tr')).map((tr) =>
        Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!),
      );
    });
    assert.deepEqual(
      table,
      byStruct.map((s) => [s.struct, s.blocks.toLocaleString('en-US'), s.appMemory.toLocaleString('en-US')]),
    );
    await screenshot('compare-steps.png');
    // A as the peak too: nothing was allocated after it and is live at it.
    await workbench
      .webview()
      .locator('vscode-button', { hasText: `A = this step (${peakStep})` })
      .click();
    await assertEventually(
      async () => /: 0 blocks, 0 B of application memory\.$/.test((await total.textContent()) ?? ''),
      'A = B',
    );
  });

  it('a retainer chain: a still-reachable option_t’s pointers from its root, as lmm run --json lists them', async () => {
    const example = 'leak-still-reachable.lmm.ts';
    const report = cliReport(path.join(projectRoot, 'examples', example));
    await runExample(example, report.totals.steps);
    await selectTab('Leaks & errors');
    const index = report.leaks.findIndex((l) => l.struct === 'option_t');
    const leak = report.leaks[index]!;
    await workbench
      .webview()
      .locator('ul.findings[aria-label="Leaks"] > li')
      .nth(index)
      .locator('button', { hasText: 'show a block' })
      .click();
    const chain = workbench.webview().locator('.retainer-chain li');
    await chain.first().waitFor();
    const texts = await chain.allInnerTexts();
    assert.equal(texts.length, leak.rootPath!.length);
    assert.match(texts[0]!, /config_t root/);
    for (let i = 1; i < texts.length; i++) {
      assert.ok(texts[i]!.includes(`.${leak.rootPath![i]!.field}`) && texts[i]!.endsWith(leak.rootPath![i]!.struct), texts[i]);
    }
    await chain.last().scrollIntoViewIfNeeded();
    await screenshot('retainers.png');
  });

  it('selecting a block in the map reveals it in the Page Families tree, and a tree row selects its block in the map', async () => {
    const report = cliReport(path.join(projectRoot, 'examples', 'leak-still-reachable.lmm.ts'));
    const option = report.leaks.find((l) => l.struct === 'option_t')!;
    const sideBar = await workbench.openLmmSidePanel();
    const address = option.addresses![0]!;
    const rect = await hook<{ x: number; y: number; width: number; height: number } | null>('blockRect', address);
    assert.ok(rect);
    const box = await (
      await mapFrame()
    ).evaluate(() => {
      const r = document.querySelector('canvas.map-canvas')!.getBoundingClientRect();
      return { x: r.left, y: r.top };
    });
    await workbench
      .webview()
      .locator('canvas.map-canvas')
      .click({ position: { x: rect.x - box.x + rect.width / 2, y: rect.y - box.y + Math.min(4, rect.height / 2) } });
    const offset = await assertEventually(async () => {
      const facts = await workbench.webview().locator('.side-panel[aria-label="Block"] dl.facts').innerText();
      return /offset (\d+) in the page/.exec(facts)?.[1];
    }, 'the Block panel on the clicked block');
    const selectedRow = workbench.viewRows(sideBar, 'Page Families').and(workbench.page.locator('[aria-selected="true"]'));
    await assertEventually(
      async () => ((await selectedRow.allInnerTexts()).join(' | ').includes(`+${offset} option_t`) ? true : undefined),
      `the Page Families row +${offset} option_t selected`,
    );
    // The other way: a config_t row of the tree selects its block in the map (its family and page opened first).
    const rows = workbench.viewRows(sideBar, 'Page Families');
    const familyRow = rows.filter({ hasText: /^config_t/ }).first();
    if ((await familyRow.getAttribute('aria-expanded')) === 'false') await familyRow.click();
    const pageRow = rows.and(workbench.page.locator(`[data-index="${Number(await familyRow.getAttribute('data-index')) + 1}"]`));
    await pageRow.waitFor();
    if ((await pageRow.getAttribute('aria-expanded')) === 'false') await pageRow.click();
    const configRow = rows.filter({ hasText: /^\+\d+ config_t/ }).first();
    await configRow.click();
    const config = report.leaks.find((l) => l.struct === 'config_t')!;
    await assertEventually(
      async () => (await hook<number>('selection')) === config.addresses![0]! - 48,
      'the config_t block selected in the map',
    );
  });

  it('a memory error names its access (write, size, field, offset from the block) as lmm run --json does', async () => {
    const example = 'error-out-of-bounds.lmm.ts';
    const report = cliReport(path.join(projectRoot, 'examples', example));
    await runExample(example, report.totals.steps);
    await selectTab('Leaks & errors');
    const messages = await workbench
      .webview()
      .locator('ul.findings[aria-label="Memory errors"] .finding-message')
      .allInnerTexts();
    assert.deepEqual(
      messages,
      report.errors.map((e) => e.message),
    );
    assert.ok(
      messages.some((m) =>
        /^Invalid write of size 8: field `course`, 0 bytes after the end of a 48-byte block of 2 × grade_t/.test(m),
      ),
      messages.join(' | '),
    );
    // Its step is a link: the timeline moves there, where the block is still on the map.
    const write = messages.findIndex((m) => m.startsWith('Invalid write of size 8'));
    await workbench
      .webview()
      .locator('ul.findings[aria-label="Memory errors"] > li')
      .nth(write)
      .locator('.finding-links button', { hasText: /^step / })
      .click();
    await assertEventually(
      async () => (await sliderStep()) === report.errors[write]!.event,
      'the timeline at the error’s step (its index, as aria-valuenow)',
    );
    await screenshot('memory-error.png');
    // Its line is a link too (an access line, not an allocation site: the host accepts the lines its report names).
    const line = report.errors[write]!.site.line;
    await workbench
      .webview()
      .locator('ul.findings[aria-label="Memory errors"] > li')
      .nth(write)
      .locator('.finding-links button', { hasText: `at ${example}:${line}` })
      .click();
    await assertEventually(
      async () =>
        (await workbench.page.locator(`.tabs-container .tab.active[data-resource-name="${example}"]`).count()) > 0 &&
        new RegExp(`Ln ${line}, Col`).test(await workbench.page.locator('.statusbar').innerText()),
      `${example} open at line ${line}`,
    );
  });

  it('Suppress on an error row writes the entry to the harness’s .lmmsupp, and the next run counts it suppressed', async () => {
    const example = 'error-out-of-bounds.lmm.ts';
    const report = cliReport(path.join(projectRoot, 'examples', example));
    const index = report.errors.findIndex((e) => e.message.startsWith('Invalid write of size 8'));
    const row = () => workbench.webview().locator('ul.findings[aria-label="Memory errors"] > li').nth(index);
    await row().locator('button.suppress').click();
    const file = path.join(workbench.workspace, 'error-out-of-bounds.lmmsupp');
    const written = await assertEventually(
      async () => (existsSync(file) ? readFileSync(file, 'utf8') : undefined),
      'the suppressions file beside the harness',
    );
    assert.match(written, /out-of-bounds/);
    assert.match(written, new RegExp(`src:error-out-of-bounds\\.lmm\\.ts:${report.errors[index]!.site.line}:`));
    await runExample(example, report.totals.steps);
    await selectTab('Leaks & errors');
    await assertEventually(
      async () => ((await row().innerText()).includes('suppressed') ? true : undefined),
      'the error row marked suppressed after the rerun',
    );
    assert.equal(await row().locator('button.suppress').count(), 0);
    // Only that error: the others are still reported.
    const others = await workbench.webview().locator('ul.findings[aria-label="Memory errors"] button.suppress').count();
    assert.equal(others, report.errors.length - 1);
  });
});

/** The charts' byte figures ("9.2 KiB"), as the webview writes them. */
function bytesText(value: number): string {
  if (value >= 1 << 20) return `${(value / (1 << 20)).toFixed(2)} MiB`;
  if (value >= 1 << 10) return `${(value / (1 << 10)).toFixed(1)} KiB`;
  return `${value} B`;
}
