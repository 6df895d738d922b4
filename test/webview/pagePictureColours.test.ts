/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The HTML export and Compare Runs in headless Chromium: their page pictures take the colours of
 * the theme they are shown in, as the Memory Map does. The export (opened anywhere) follows the
 * reader's colour scheme and contrast preference; Compare Runs follows the VS Code theme kind on
 * its body. Colours are read as the browser computes them, against the background it computes.
 */
import { strict as assert } from 'node:assert';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HeapReplay } from '../../src/extension/model/heapReplay';
import { compareRunsHtml } from '../../src/extension/model/compareRuns';
import { exportReport } from '../../src/extension/model/reportExport';
import { RunStore, type RunState } from '../../src/extension/model/runState';
import { traceRun } from '../../src/extension/model/traceRun';
import { contrastRatio, EDITOR_BACKGROUND, GRAPHICS_CONTRAST, type ThemeKind } from '../../src/protocol/chartPalette';
import { STRUCT_THEME_PALETTE } from '../../src/protocol/structPalette';
import { DEFAULT_COMPARED_POLICIES, policyCompareHtml } from '../../src/extension/model/policyCompare';
import { runPoliciesWithPictures } from '../../src/extension/model/policyRun';
import { parseWorkload } from '../../src/policies/workloadFormats';
import { CHROMIUM } from '../support/webviewFakeHost';

/** Three structs, freed blocks (free), and 39 of 40 records on a page: 76 bytes left, a soft fragment. */
const TRACE = [
  'page 4096',
  'reg node_t 24',
  'reg emp_t 36',
  'reg record_t 100',
  'alloc r record_t 39',
  ...Array.from({ length: 30 }, (_, i) => `alloc n${i} node_t 1`),
  'alloc e1 emp_t 3',
  'alloc e2 emp_t 1',
  'free n3',
  'free n4',
  'free e1',
  'alloc e3 emp_t 2',
].join('\n');

async function finishedRun(store: RunStore): Promise<RunState> {
  const result = traceRun('/w/t.trace', TRACE, 16);
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1_000_000 });
  const run = store.begin({ kind: 'trace', file: '/w/t.trace', label: 't.trace', replay, sites: result.sites });
  for (const batch of result.batches) replay.apply(batch);
  await store.end(run, 'finished', { report: result.report });
  return run;
}

/** `rgb(r, g, b)` as `#rrggbb`. */
function hex(css: string): string {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  assert.ok(m, `a computed colour: ${css}`);
  return `#${m
    .slice(1, 4)
    .map((v) => Number(v).toString(16).padStart(2, '0'))
    .join('')}`;
}

interface Shape {
  fill: string;
  stroke: string;
}
interface PictureColours {
  colours: Record<string, Shape | null>;
  background: string;
  legend: Shape | null;
}

/**
 * The computed fill and stroke of the first shape of each class in the memory map picture, its
 * legend's second struct, and the page's background. (A string: tsx would wrap the callback's
 * inner functions in a helper the page does not have.)
 */
async function pictureColours(page: Page, picture = 'svg[aria-label^="Memory map"]'): Promise<PictureColours> {
  return page.evaluate(`(() => {
    const read = (selector) => {
      const shape = document.querySelector(selector);
      if (!shape) return null;
      const style = getComputedStyle(shape);
      return { fill: style.fill, stroke: style.stroke };
    };
    const colours = {};
    for (const c of ['s0', 's1', 'ph', 'md', 'fr', 'sf']) colours[c] = read(${JSON.stringify(picture)} + ' .' + c);
    return { colours, background: getComputedStyle(document.body).backgroundColor, legend: read('svg[aria-label="Legend"] rect.s1') };
  })()`);
}

/** Checks one picture against theme kind `kind`: the map's struct colours, and 3:1 on the background. */
function checkKind(kind: ThemeKind, found: PictureColours, parts = ['s0', 's1', 'ph', 'md', 'sf']): void {
  const background = hex(found.background);
  assert.equal(background, EDITOR_BACKGROUND[kind], `${kind}: the page's background`);
  for (let i = 0; i < 2; i++) {
    if (!parts.includes(`s${i}`)) continue;
    const shape = found.colours[`s${i}`];
    assert.ok(shape, `${kind}: a block of struct ${i} is drawn`);
    assert.equal(hex(shape.fill), STRUCT_THEME_PALETTE[i]!.fallback[kind], `${kind}: struct ${i} in the map's colour`);
  }
  for (const part of parts) {
    const shape = found.colours[part];
    assert.ok(shape, `${kind}: a ${part} shape is drawn`);
    const ratio = contrastRatio(hex(shape.fill), background);
    assert.ok(ratio >= GRAPHICS_CONTRAST, `${kind}: ${part} ${hex(shape.fill)} on ${background} is ${ratio.toFixed(2)}:1`);
  }
  // A free block is nearly the background, as in the map: its outline must carry it.
  const free = found.colours['fr']!;
  assert.ok(free, `${kind}: a free block is drawn`);
  const outline = contrastRatio(hex(free.stroke), background);
  assert.ok(outline >= GRAPHICS_CONTRAST, `${kind}: a free block's outline ${hex(free.stroke)} is ${outline.toFixed(2)}:1`);
}

describe('HTML export and Compare Runs colours (headless Chromium)', function () {
  this.timeout(60000);
  let browser: Browser;
  let exportHtml: string;
  let compareHtml: string;
  let policyHtml: string;

  before(async () => {
    const store = new RunStore();
    const a = await finishedRun(store);
    const b = await finishedRun(store);
    exportHtml = exportReport(a, 'html');
    compareHtml = compareRunsHtml(a, b, 'abcdefghijklmnopqrstuv', 'https://lmm.test');
    const workload = ['20000', '5', '6', '1', 'a 0 100', 'a 1 200', 'a 2 300', 'f 1', 'a 3 40', 'a 4 5000'].join('\n');
    const runs = runPoliciesWithPictures(parseWorkload('leaky.rep', workload), [...DEFAULT_COMPARED_POLICIES], {
      timingMs: 5,
    });
    policyHtml = policyCompareHtml(runs, 'abcdefghijklmnopqrstuv', 'https://lmm.test');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
  });
  const newPage = () => browser.newPage();

  const preferences: Array<[ThemeKind, 'light' | 'dark', 'more' | 'no-preference']> = [
    ['light', 'light', 'no-preference'],
    ['dark', 'dark', 'no-preference'],
    ['highContrastLight', 'light', 'more'],
    ['highContrast', 'dark', 'more'],
  ];
  for (const [kind, colorScheme, contrast] of preferences) {
    it(`the export opened with ${colorScheme} colours${contrast === 'more' ? ' and more contrast' : ''} draws the ${kind} kind's colours, 3:1 on its background, legend included`, async () => {
      const page = await newPage();
      await page.emulateMedia({ colorScheme, contrast });
      await page.setContent(exportHtml);
      const found = await pictureColours(page);
      checkKind(kind, found);
      assert.ok(found.legend, 'the legend has the struct');
      assert.equal(found.legend.fill, found.colours['s1']!.fill, 'the legend shows the colour the map uses');
      await page.close();
    });
  }

  const bodyClasses: Array<[ThemeKind, string]> = [
    ['dark', 'vscode-dark'],
    ['light', 'vscode-light'],
    ['highContrast', 'vscode-high-contrast'],
    // VS Code puts both classes on a high-contrast light theme's body.
    ['highContrastLight', 'vscode-high-contrast vscode-high-contrast-light'],
  ];
  for (const [kind, classes] of bodyClasses) {
    it(`Compare Runs in a ${kind} theme (body class ${classes}) draws both maps in that kind's colours`, async () => {
      const page = await newPage();
      // The reader's own preference must not matter inside VS Code: the theme kind decides.
      await page.emulateMedia({ colorScheme: kind === 'light' || kind === 'highContrastLight' ? 'dark' : 'light' });
      await page.setContent(compareHtml.replace('<body>', `<body class="${classes}">`));
      checkKind(kind, await pictureColours(page));
      await page.close();
    });

    it(`Compare Runs of allocator policies in a ${kind} theme draws their pages in that kind's colours`, async () => {
      const page = await newPage();
      await page.setContent(policyHtml.replace('<body>', `<body class="${classes}">`));
      checkKind(kind, await pictureColours(page, 'svg[aria-label*="one row per page"]'), ['s0', 'ph']);
      await page.close();
    });
  }
});
