/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The Memory Map's zoom in headless Chromium: from an overview of thousands of one-pixel pages
 * to a page wrapped over 16 strips with every block labelled, Ctrl+wheel / keys / buttons / fit,
 * the page under the pointer staying put, and the sticky family heading.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import {
  RunRecorder,
  assertNoProblems,
  cssColor,
  hookCall,
  hookSet,
  hookValue,
  pixelAt,
  postedOfType,
  settle,
  showRun,
} from '../support/webviewRun';

type Rect = { x: number; y: number; width: number; height: number };
type Label = { text: string; width: number; room: number };
type Target = { page: number; meta: number; struct: string } | null;

/** Two structs on two pages; student_t's page fills with 1-unit blocks after a 2-unit one. */
function studentsRun() {
  const run = new RunRecorder();
  const student = run.register('student_t', 56);
  const emp = run.register('emp_t', 36);
  const s1 = run.alloc(student, 1, 1);
  const s2 = run.alloc(student, 2, 2);
  const e1 = run.alloc(emp, 1, 3);
  const more: number[] = [];
  for (let i = 0; i < 20; i++) more.push(run.alloc(student, 1, 4));
  return { run, s1, s2, e1, last: more[more.length - 1]! };
}

/** One 4000-byte struct: one block per page, `pages` pages. */
function bigRun(pages: number) {
  const run = new RunRecorder();
  const big = run.register('big_t', 4000);
  const blocks: number[] = [];
  for (let i = 0; i < pages; i++) blocks.push(run.alloc(big, 1, 1));
  return { run, blocks };
}

describe('Memory Map zoom (headless Chromium)', function () {
  this.timeout(60000);
  let browser: Browser | undefined;
  let host: FakeHost;

  before(async () => {
    host = await openFakeHost();
    browser = host.browser;
  });
  after(async () => {
    await browser?.close();
  });

  async function freshPage(): Promise<void> {
    if (host.page && !host.page.isClosed()) await host.page.close();
    host = await openFakeHost({ browser: browser! });
  }

  const blockRect = (address: number) => hookCall<Rect | null>(host, 'blockRect', address);
  const zoom = () => hookValue<number>(host, 'zoom');
  async function canvasBox(): Promise<Rect> {
    return (await host.page.locator('.map-canvas').boundingBox())!;
  }
  async function targetAtViewport(x: number, y: number): Promise<Target> {
    const box = await canvasBox();
    return hookCall<Target>(host, 'targetAt', x - box.x, y - box.y);
  }

  it('opens at 1×; at 16× a page wraps over 16 strips and every block says its struct, size and state', async () => {
    await freshPage();
    const { run, s1, s2, e1, last } = studentsRun();
    await showRun(host, run.batches());
    assert.equal(await zoom(), 1, 'a run opens at 1×, one strip per page');
    assert.deepEqual(await hookValue<Label[]>(host, 'blockLabels'), [], 'no labels at 1×: blocks are a few pixels wide');
    const narrow = (await blockRect(s1))!;

    await hookSet(host, 'zoom', 5);
    await settle(host);
    assert.equal(await zoom(), 5);
    assert.equal(await host.page.locator('.map-zoom-level').textContent(), 'Zoom: 16×');
    const wide = (await blockRect(s1))!;
    // 4096 bytes over 16 strips: every byte is 16 times as wide.
    assert.ok(Math.abs(wide.width - narrow.width * 16) <= 2, `16× as wide: ${narrow.width} → ${wide.width}`);
    const labels = await hookValue<Label[]>(host, 'blockLabels');
    const texts = labels.map((l) => l.text);
    for (const expected of ['student_t · 56 B', 'student_t · 112 B', 'emp_t · 36 B']) {
      assert.ok(texts.includes(expected), `"${expected}" is drawn; drawn: ${texts.join(' | ')}`);
    }
    assert.ok(
      texts.some((t) => /^(page )?header$/.test(t)),
      'the page header is labelled',
    );
    assert.ok(
      texts.some((t) => /^meta data 48 B$|^meta$/.test(t)),
      'meta data is labelled',
    );
    assert.ok(
      texts.some((t) => /^free · [\d,]+ B$|^free$/.test(t)),
      'the free rest of a page is labelled',
    );
    for (const label of labels)
      assert.ok(label.width <= label.room, `"${label.text}" (${label.width} px) fits in ${label.room} px`);

    // Pixels: the block in its struct colour, at the wrapped position.
    const centre = (r: Rect) => ({ x: r.x + r.width - 4, y: r.y + r.height / 2 });
    const s2Rect = (await blockRect(s2))!;
    const p = centre(s2Rect);
    assert.deepEqual(await pixelAt(host, '.map-canvas', p.x, p.y), await cssColor(host, '--lmm-struct-0'));
    const e1Rect = (await blockRect(e1))!;
    const pe = centre(e1Rect);
    assert.deepEqual(await pixelAt(host, '.map-canvas', pe.x, pe.y), await cssColor(host, '--lmm-struct-1'));
    // A block far into the page sits on a later strip, and a click there selects that block.
    const lastRect = (await blockRect(last))!;
    assert.ok(lastRect.y >= wide.y + 20 * 4, `the 23rd block is some strips lower (${wide.y} → ${lastRect.y})`);
    await host.page.mouse.click(lastRect.x + 2, lastRect.y + lastRect.height / 2);
    const selected = await postedOfType(host, 'blockSelected');
    assert.equal(selected.at(-1)?.address, last, 'the click on a wrapped strip selects the block drawn there');
    assertNoProblems(host);
  });

  it('the step label shows struct names whole: its box holds the underscores', async () => {
    await hookCall(host, 'setStepNow', 0);
    const label = host.page.locator('.timeline-label');
    assert.match((await label.textContent()) ?? '', /student_t/);
    const boxes = await label.evaluate((e) => {
      const range = document.createRange();
      range.selectNodeContents(e);
      const text = range.getBoundingClientRect();
      const box = e.getBoundingClientRect();
      return { textBottom: text.bottom, boxBottom: box.bottom, textTop: text.top, boxTop: box.top };
    });
    assert.ok(
      boxes.textBottom <= boxes.boxBottom + 0.5,
      `the text (to ${boxes.textBottom}) ends inside its box (${boxes.boxBottom})`,
    );
    assert.ok(boxes.textTop >= boxes.boxTop - 0.5);
    await hookCall(host, 'setStepNow', (await hookValue<number>(host, 'length')) - 1);
  });

  it('Ctrl+wheel, + / − keys and the buttons zoom, within the levels there are; 0 fits every page', async () => {
    await hookSet(host, 'zoom', 1);
    await settle(host);
    const box = await canvasBox();
    await host.page.mouse.move(box.x + 200, box.y + 40);
    await host.page.keyboard.down('Control');
    await host.page.mouse.wheel(0, -100);
    await host.page.keyboard.up('Control');
    await settle(host);
    assert.equal(await zoom(), 2, 'Ctrl+wheel up zooms in');
    // A wheel without Ctrl scrolls: the zoom stays.
    await host.page.mouse.wheel(0, 100);
    await settle(host);
    assert.equal(await zoom(), 2);

    // Screen readers hear the keys with the map's name.
    assert.match(
      (await host.page.locator('.map-scroll').getAttribute('aria-label')) ?? '',
      /plus and minus zoom, 0 fits every page/,
    );
    assert.equal(await host.page.locator('.map-zoom-level').getAttribute('aria-live'), 'polite', 'the zoom level is announced');
    await host.page.locator('.map-scroll').focus();
    for (const key of ['-', '-', '-', '-']) await host.page.keyboard.press(key);
    assert.equal(await zoom(), 0, 'clamped at the overview');
    assert.equal(await host.page.locator('[data-zoom="zoom-out"]').getAttribute('disabled'), '', 'zoom out is disabled there');
    await host.page.locator('[data-zoom="zoom-in"]').click();
    assert.equal(await zoom(), 1);
    await host.page.locator('.map-scroll').focus();
    for (let i = 0; i < 8; i++) await host.page.keyboard.press('+');
    assert.equal(await zoom(), 5, 'clamped at 16×');

    // Fit: every page shows without scrolling, and one level more would not fit.
    await host.page.locator('.map-scroll').focus();
    await host.page.keyboard.press('0');
    await settle(host);
    const fitted = await zoom();
    const fits = () =>
      host.page.locator('.map-scroll').evaluate((e) => {
        const spacer = e.querySelector('.map-spacer') as HTMLElement;
        // The canvas is the view's height; the spacer adds what lies below it (32 px of it is room for the zoom buttons).
        return parseFloat(spacer.style.height) <= 32;
      });
    assert.ok(await fits(), `at the fitted zoom (${fitted}) every page is in view`);
    assert.ok(fitted < 5, 'two pages at 16× are taller than this map');
    await hookSet(host, 'zoom', fitted + 1);
    await settle(host);
    assert.equal(await fits(), false, 'one level more would not fit');
  });

  it('zooming keeps the page under the pointer where it was', async () => {
    await freshPage();
    const { run, blocks } = bigRun(1000);
    await showRun(host, run.batches());
    const box = await canvasBox();
    await host.page.locator('.map-scroll').evaluate((e) => (e.scrollTop = 8000));
    await settle(host);
    const x = box.x + box.width / 2;
    const y = box.y + 150;
    const before = await targetAtViewport(x, y);
    assert.ok(before, 'a page is under the pointer');
    await host.page.mouse.move(x, y);
    await host.page.keyboard.down('Control');
    await host.page.mouse.wheel(0, -100);
    await host.page.keyboard.up('Control');
    await settle(host);
    assert.equal(await zoom(), 2);
    const after = await targetAtViewport(x, y);
    assert.equal(after?.page, before.page, 'the same page is under the pointer after zooming in');
    await host.page.keyboard.down('Control');
    await host.page.mouse.wheel(0, 100);
    await settle(host);
    const middle = await targetAtViewport(x, y);
    assert.equal(middle?.page, before.page, 'back at 1×, the same page');
    await host.page.mouse.wheel(0, 100);
    await host.page.keyboard.up('Control');
    await settle(host);
    assert.equal(await zoom(), 0);
    const overview = await targetAtViewport(x, y);
    assert.ok(
      overview && Math.abs(overview.page - before.page) <= 2 * 4096,
      `and after zooming out to the overview (±2 rows): 0x${before.page.toString(16)} → ${overview ? `0x${overview.page.toString(16)}` : 'nothing'}`,
    );
    assert.equal(blocks.length, 1000);
  });

  it('the overview draws thousands of pages a pixel row each, with the selected page marked', async () => {
    await freshPage();
    const { run, blocks } = bigRun(3000);
    await showRun(host, run.batches());
    await host.page.locator('.map-scroll').focus();
    await host.page.keyboard.press('0');
    await settle(host);
    assert.equal(await zoom(), 0, '3,000 pages fit at no zoomed level: fit is the overview');
    const scrollHeight = await host.page.locator('.map-scroll').evaluate((e) => e.scrollHeight);
    assert.ok(scrollHeight <= 3000 + 22 + 32 + 2, `one pixel row per page (${scrollHeight} px for 3,000 pages)`);
    const rows = await hookValue<number>(host, 'rowsDrawn');
    const box = await canvasBox();
    assert.ok(rows >= box.height - 24, `every pixel row of the view shows a page (${rows} rows in ${box.height} px)`);
    // Row k of the overview is page k: its data is in the struct colour.
    const struct = await cssColor(host, '--lmm-struct-0');
    for (const k of [0, 100, 400]) {
      assert.deepEqual(await pixelAt(host, '.map-canvas', box.x + box.width / 2, box.y + 22 + k + 0.5), struct, `row ${k}`);
    }
    // Reveal a block (as the Page Families tree does): its page gets a bar in the label column.
    await host.send({ type: 'revealBlock', runId: 'run-1', address: blocks[1500]! });
    await settle(host);
    const rect = (await blockRect(blocks[1500]!))!;
    assert.deepEqual(
      await pixelAt(host, '.map-canvas', box.x + 20, rect.y + 0.5),
      await cssColor(host, '--lmm-selection'),
      'the selected page is marked in the overview',
    );
    assertNoProblems(host);
  });

  it('the family heading stays at the top while its pages scroll by; it is not a block', async () => {
    await hookSet(host, 'zoom', 1);
    await host.page.locator('.map-scroll').evaluate((e) => (e.scrollTop = 5000));
    await settle(host);
    const box = await canvasBox();
    await host.page.mouse.move(box.x + 200, box.y + 8);
    const title = await host.page.locator('.map-canvas').getAttribute('title');
    assert.match(title ?? '', /^big_t \(4000 B\) · 3,000 pages/, 'the heading is drawn over the top of the scrolled map');
    assert.equal(await targetAtViewport(box.x + 200, box.y + 8), null, 'the heading hides the strip under it');
    assert.ok(await targetAtViewport(box.x + 200, box.y + 40), 'below it, pages');
    // Its pixels: the map background behind the heading's text, not a page strip.
    const background = await host.page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.color = getComputedStyle(document.body).getPropertyValue('--lmm-background').trim();
      document.body.append(probe);
      const rgb = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
      probe.remove();
      return rgb;
    });
    assert.deepEqual(await pixelAt(host, '.map-canvas', box.x + box.width - 12, box.y + 3), background);
  });

  it('the overview marks the page of the block that made the peak, from the peak on, beside the selection', async () => {
    await freshPage();
    const { run, blocks } = bigRun(3000);
    // The 3,000th allocation is the peak; freeing the first 1,000 blocks then gives their pages back.
    for (const address of blocks.slice(0, 1000)) run.free(address, 2);
    await showRun(host, run.batches());
    await host.page.locator('.map-scroll').focus();
    await host.page.keyboard.press('0');
    await settle(host);
    assert.equal(await zoom(), 0, 'the overview');
    const peakBlock = blocks[2999]!;
    const peakPage = peakBlock - 48 - ((peakBlock - 48) % 4096);
    assert.equal(await hookValue<number>(host, 'peakPage'), peakPage);
    // Select a block nine pages before it (as the Page Families tree does): both show, apart.
    await host.send({ type: 'revealBlock', runId: 'run-1', address: blocks[2990]! });
    await settle(host);
    const box = await canvasBox();
    const selectedY = (await blockRect(blocks[2990]!))!.y + 0.5;
    const peakY = (await blockRect(peakBlock))!.y + 0.5;
    assert.ok(Math.abs(peakY - selectedY) >= 8, `the two rows are apart (${selectedY}, ${peakY})`);
    const peakColour = await cssColor(host, '--lmm-peak');
    const background = await cssColor(host, '--lmm-background');
    const barX = box.x + 112 - 9;
    assert.deepEqual(await pixelAt(host, '.map-canvas', barX, peakY), peakColour, 'the peak’s page has the peak bar');
    assert.deepEqual(await pixelAt(host, '.map-canvas', box.x + 20, selectedY), await cssColor(host, '--lmm-selection'));
    // Rows away from both have neither mark in the label column.
    for (const y of [peakY + 20, selectedY - 20]) {
      assert.deepEqual(await pixelAt(host, '.map-canvas', barX, y), background, `no peak bar at ${y}`);
    }
    // Zoomed in, the bar runs down the label column's left edge, clear of the page's address.
    await hookSet(host, 'zoom', 1);
    await settle(host);
    const zoomedY = (await blockRect(peakBlock))!.y + 2;
    assert.deepEqual(await pixelAt(host, '.map-canvas', box.x + 1, zoomedY), peakColour, 'zoomed in: the edge bar');
    const otherY = (await blockRect(blocks[2990]!))!.y + 2;
    assert.deepEqual(await pixelAt(host, '.map-canvas', box.x + 1, otherY), background, 'another page has none');
    // Before the peak that block does not exist yet: no page is marked.
    await hookCall(host, 'setStepNow', 2000);
    await settle(host);
    assert.equal(await hookValue<number>(host, 'peakPage'), -1);
    assertNoProblems(host);
  });
});
