/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The Memory Map webview in headless Chromium against a fake host (test/support/webviewFakeHost):
 * what it draws (canvas pixels), hover and click, time travel, validation and the CSP.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../src/engine/heapOps';
import { LmmHeap } from '../../src/engine/lmmHeap';
import type { WebviewToHostMessage } from '../../src/protocol/webviewMessages';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';

/** A small run: two structs, three allocations, a free, a double free (error). */
function smallRun() {
  const heap = new LmmHeap();
  const recorder = new HeapOpRecorder();
  const reg = (name: string, size: number, site: number) =>
    recorder.record(HeapOpKind.Register, size, 0, heap.register(name, size), site, name);
  const alloc = (family: number, units: number, site: number) => {
    const address = heap.xcalloc(family, units);
    recorder.record(HeapOpKind.Alloc, family, units, address, site);
    return address;
  };
  const free = (address: number, site: number) => recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, site);
  reg('student_t', 56, 0); // step 0
  reg('emp_t', 36, 0); // 1
  const s1 = alloc(0, 1, 1); // 2
  const s2 = alloc(0, 2, 2); // 3
  const e1 = alloc(1, 1, 3); // 4
  free(s1, 4); // 5
  free(s1, 5); // 6: double free
  const s3 = alloc(0, 3, 6); // 7 (reuses nothing: s1's 56-byte hole is too small)
  return { batch: recorder.flush()!, s1, s2, e1, s3, heap };
}

const SITES = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ file: '/ws/students.lmm.ts', line: 10 + i, column: 3 }));

type Hook = {
  lmmMemoryMap: {
    step: number;
    length: number;
    ingesting: boolean;
    livePending: boolean;
    stats: { rejectedMessages: number; lastRejection: string; pagesShown: number; renders: number };
    setStepNow(step: number): number;
    selectTab(index: number): void;
    blockRect(address: number): { x: number; y: number; width: number; height: number } | null;
  };
};

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = css.match(/\d+/g)!.map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('Memory Map webview (headless Chromium)', function () {
  this.timeout(60000);
  let browser: Browser | undefined;
  let host: FakeHost;
  let run: ReturnType<typeof smallRun>;

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

  async function startRun(batches: HeapOpBatch[], runId = 'run-1'): Promise<void> {
    await host.send({ type: 'settings', structColors: {} });
    await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'students.lmm.ts', live: false });
    await host.send({ type: 'sites', runId, firstId: 0, sites: SITES });
    for (const batch of batches) await host.send({ type: 'heapOps', runId, batch });
    const steps = batches.reduce((n, b) => n + b.count, 0);
    await host.page.waitForFunction((n) => {
      const hook = (window as unknown as Hook).lmmMemoryMap;
      return hook.length === n && !hook.ingesting && hook.step === n - 1;
    }, steps);
    await settle();
  }

  /** Waits until the timeline shows step `n` (a render has run). */
  async function waitForStep(n: number): Promise<void> {
    try {
      await host.page.waitForFunction(
        (v) => document.querySelector('.timeline-track')?.getAttribute('aria-valuenow') === v,
        String(n),
        { timeout: 5000 },
      );
    } catch {
      const now = await host.page.evaluate(() => [
        document.querySelector('.timeline-track')?.getAttribute('aria-valuenow'),
        document.activeElement?.className,
        (window as unknown as Hook).lmmMemoryMap.step,
      ]);
      assert.fail(`the timeline should show step ${n}; it shows ${JSON.stringify(now)}`);
    }
  }

  /** Waits two frames (a queued render has run). */
  async function settle(): Promise<void> {
    await host.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  }

  async function pixelAt(viewportX: number, viewportY: number): Promise<[number, number, number]> {
    return host.page.evaluate(
      ([x, y]) => {
        const canvas = document.querySelector('.map-canvas') as HTMLCanvasElement;
        const box = canvas.getBoundingClientRect();
        const ratio = canvas.width / box.width;
        const data = canvas
          .getContext('2d')!
          .getImageData(Math.floor((x! - box.left) * ratio), Math.floor((y! - box.top) * ratio), 1, 1).data;
        return [data[0]!, data[1]!, data[2]!] as [number, number, number];
      },
      [viewportX, viewportY],
    );
  }

  async function cssColor(property: string): Promise<[number, number, number]> {
    return host.page.evaluate((name) => {
      const probe = document.createElement('div');
      probe.style.color = getComputedStyle(document.body).getPropertyValue(name).trim();
      document.body.append(probe);
      const rgb = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
      probe.remove();
      return [rgb[0]!, rgb[1]!, rgb[2]!] as [number, number, number];
    }, property);
  }

  async function mapSignature(): Promise<string> {
    return host.page.evaluate(() => {
      const canvas = document.querySelector('.map-canvas') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, Math.min(canvas.height, 200)).data;
      let hash = 0;
      for (let i = 0; i < data.length; i += 4) hash = (Math.imul(hash, 31) + data[i]! + data[i + 1]! * 7 + data[i + 2]! * 13) | 0;
      return String(hash);
    });
  }

  async function blockCenter(address: number): Promise<{ x: number; y: number }> {
    const rect = await host.page.evaluate((a) => (window as unknown as Hook).lmmMemoryMap.blockRect(a), address);
    assert.ok(rect, `block 0x${address.toString(16)} is on the map`);
    return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
  }

  async function posted<T extends WebviewToHostMessage['type']>(
    type: T,
  ): Promise<Array<Extract<WebviewToHostMessage, { type: T }>>> {
    return (await host.posted()).filter((m) => m.type === type) as Array<Extract<WebviewToHostMessage, { type: T }>>;
  }

  it('loads under a strict CSP, posts ready, and blocks scripts without the nonce', async () => {
    await freshPage();
    const csp = await host.page.evaluate(() =>
      document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
    );
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9_-]{16,}'/);
    assert.deepEqual((await host.posted())[0], { type: 'ready' });
    const ran = await host.page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 50));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assert.equal(ran, false, 'an inline script without the nonce must not run');
    const violations = await host.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    assert.ok(
      violations.some((v) => v.startsWith('script-src')),
      `the blocked script is reported: ${violations.join(', ')}`,
    );
    assert.deepEqual(
      violations.filter((v) => !v.startsWith('script-src')),
      [],
      'nothing of the page itself is blocked',
    );
    // Chromium logs the blocked script as a console error: that one was on purpose.
    const unexpected = host.problems.filter((p) => !/Executing inline script violates/.test(p));
    assert.deepEqual(unexpected, []);
    host.problems.length = 0;
  });

  it('draws every page to scale: blocks in their struct colour, free bytes, the page header', async () => {
    run = smallRun();
    await startRun([run.batch]);
    assert.equal(await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.stats.pagesShown), 2);
    const s2 = await blockCenter(run.s2);
    assert.deepEqual(await pixelAt(s2.x, s2.y), await cssColor('--lmm-struct-0'), 'student_t block in palette colour 0');
    const e1 = await blockCenter(run.e1);
    assert.deepEqual(await pixelAt(e1.x, e1.y), await cssColor('--lmm-struct-1'), 'emp_t block in palette colour 1');
    const s1 = await blockCenter(run.s1); // freed: a free block of exactly one student_t
    assert.deepEqual(await pixelAt(s1.x, s1.y), await cssColor('--lmm-free'));
    // The page header sits left of the first block's meta data.
    const rect = (await host.page.evaluate((a) => (window as unknown as Hook).lmmMemoryMap.blockRect(a), run.s1))!;
    const headerX = rect.x - (rect.width / 56) * 60; // 48 B meta + 12 B into the 24-byte header
    assert.deepEqual(await pixelAt(headerX, s1.y), await cssColor('--lmm-page-header'));
    assert.deepEqual(host.problems, []);
  });

  it('hover shows the block, its allocation site and a hex dump of its bytes', async () => {
    const s2 = await blockCenter(run.s2);
    await host.page.mouse.move(s2.x, s2.y);
    const tooltip = host.page.locator('.tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const text = await tooltip.innerText();
    assert.match(text, /student_t/);
    assert.match(text, /allocated/);
    assert.match(text, new RegExp(`0x${run.s2.toString(16)}`));
    assert.match(text, /students\.lmm\.ts:12/, 'allocated at site 2 (line 12)');
    assert.match(text, /Units: 2/);
    const dump = await host.page.locator('.hex-dump').innerText();
    // The block's meta data: is_free = 0, block size 112 = 0x70 (little endian) at meta + 4.
    const first = dump.split('\n')[0]!;
    assert.match(first, new RegExp(`^${(run.s2 - 48).toString(16)}  00 00 00 00 70 00 00 00`));
    await host.page.mouse.move(5, 5);
    await tooltip.waitFor({ state: 'hidden' });
  });

  it('a click selects the block and tells the host where it was allocated', async () => {
    const e1 = await blockCenter(run.e1);
    await host.page.mouse.click(e1.x, e1.y);
    const selections = await posted('blockSelected');
    assert.equal(selections.length, 1);
    assert.deepEqual(selections[0], {
      type: 'blockSelected',
      runId: 'run-1',
      address: run.e1,
      step: 7,
      struct: 'emp_t',
      free: false,
      allocStep: 4,
      siteId: 3,
      site: SITES[3],
    });
  });

  it('scrubbing back in time changes the map; the host hears each step and its site', async () => {
    await settle(); // the click's selection outline is drawn on the next frame
    const atEnd = await mapSignature();
    await host.page.locator('.timeline-track').focus();
    await host.page.keyboard.press('Home');
    await waitForStep(0);
    await settle();
    assert.notEqual(await mapSignature(), atEnd, 'at step 0 no page is mapped yet');
    await host.page.keyboard.press('End');
    await waitForStep(7);
    await settle();
    assert.equal(await mapSignature(), atEnd, 'back at the end, the same picture');
    // Step 4 (e1 just allocated, s1 not yet freed): s1 is drawn allocated again.
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.setStepNow(4));
    await settle();
    const s1 = await blockCenter(run.s1);
    assert.deepEqual(await pixelAt(s1.x, s1.y), await cssColor('--lmm-struct-0'), 's1 is allocated at step 4');
    const steps = (await posted('stepChanged')).map((m) => [m.step, m.siteId]);
    assert.deepEqual(steps.slice(-3), [
      [0, 0],
      [7, 6],
      [4, 3],
    ]);
    const last = (await posted('stepChanged')).at(-1)!;
    assert.deepEqual(last.site, SITES[3]);
  });

  it('steps one at a time with the arrow keys and says what each step did', async () => {
    const track = host.page.locator('.timeline-track');
    await track.focus();
    await host.page.keyboard.press('ArrowRight');
    await waitForStep(5);
    assert.match(await host.page.locator('.timeline-label').innerText(), /Step 6 of 8: xfree\(0x[0-9a-f]+\)/);
    await host.page.keyboard.press('ArrowRight');
    await waitForStep(6);
    assert.match(await host.page.locator('.timeline-label').innerText(), /refused \(error\)/);
    await host.page.keyboard.press('ArrowLeft');
    await host.page.keyboard.press('ArrowLeft');
    await waitForStep(4);
  });

  it('shows the counters and free lists as they were at the current step', async () => {
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.selectTab(1));
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.setStepNow(2));
    const early = await host.page.locator('.side-panel').nth(1).innerText();
    assert.match(early, /student_t\s+56\s+1\s+1\s+0\s+2\s+1\s+1\s+104/, 'step 2: one page, TBC 2, FBC 1, OBC 1, 104 B');
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.setStepNow(7));
    const late = await host.page.locator('.side-panel').nth(1).innerText();
    assert.match(late, /student_t\s+56\s+1\s+1\s+0\s+4\s+2\s+2\s+/, 'step 7: TBC 4, FBC 2, OBC 2');
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.selectTab(2));
    const lists = await host.page.locator('.side-panel').nth(2).innerText();
    assert.match(lists, /student_t: 2 free blocks/);
    // Largest first: the rest of the page, then s1's 56-byte hole.
    const entries = [...lists.matchAll(/([\d,]+) B at 0x([0-9a-f]+)/g)].map((m) => [
      Number(m[1]!.replace(/,/g, '')),
      parseInt(m[2]!, 16),
    ]);
    assert.equal(entries[0]![0]! > 56, true);
    assert.deepEqual(entries[1], [56, run.s1]);
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.setStepNow(4));
    assert.match(await host.page.locator('.side-panel').nth(2).innerText(), /student_t: 1 free blocks/);
  });

  it('rejects malformed messages, tells the host, and keeps the run intact', async () => {
    const before = await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.length);
    await host.send({
      type: 'heapOps',
      runId: 'run-1',
      batch: { firstStep: before, count: 1, kind: [9], a: [0], b: [0], c: [0], site: [0], names: [] },
    });
    await host.send({
      type: 'heapOps',
      runId: 'run-1',
      batch: { firstStep: before, count: 2, kind: [2], a: [0], b: [1], c: [0], site: [0], names: [] },
    });
    await host.send({ type: 'settings', structColors: { student_t: 'url(https://evil.example/x.png)' } });
    await host.send({ type: 'launchMissiles' });
    await host.send('not an object' as unknown as Record<string, unknown>);
    await settle();
    const rejected = await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.stats.rejectedMessages);
    assert.equal(rejected, 5);
    const errors = (await posted('webviewError')).map((m) => m.message);
    assert.equal(errors.length, 5);
    assert.match(errors[0]!, /batch\.kind\[0\]: expected an operation kind 1 … 4/);
    assert.match(errors[1]!, /batch\.kind: expected at least 2 entries/);
    assert.match(errors[2]!, /structColors\.student_t: expected a CSS colour/);
    assert.match(errors[3]!, /unknown message type "launchMissiles"/);
    assert.equal(await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.length), before);
    assert.deepEqual(host.problems, []);
  });

  it('asks the host to resend when batches arrive with a gap', async () => {
    const length = await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.length);
    await host.send({
      type: 'heapOps',
      runId: 'run-1',
      batch: { firstStep: length + 10, count: 1, kind: [4], a: [0], b: [0], c: [0], site: [0], names: [] },
    });
    await host.page.waitForFunction(() =>
      (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'resyncRequest'),
    );
    assert.deepEqual((await posted('resyncRequest'))[0], { type: 'resyncRequest', runId: 'run-1', fromStep: length });
    // A message for another run is ignored.
    await host.send({
      type: 'heapOps',
      runId: 'old-run',
      batch: { firstStep: length, count: 1, kind: [4], a: [0], b: [0], c: [0], site: [0], names: [] },
    });
    await settle();
    assert.equal(await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.length), length);
  });

  it('uses the host’s struct colours (lmm.structColors)', async () => {
    await host.send({ type: 'settings', structColors: { student_t: '#ff0000' } });
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.setStepNow(7));
    await settle();
    const s2 = await blockCenter(run.s2);
    assert.deepEqual(await pixelAt(s2.x, s2.y), [255, 0, 0]);
    await host.send({ type: 'settings', structColors: {} });
  });

  it('draws with the theme’s colours and redraws when VS Code switches theme', async () => {
    const s2 = await blockCenter(run.s2);
    // What VS Code does on a theme change: new --vscode-* variables and a new body class.
    await host.page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-charts-blue', 'rgb(0, 90, 200)');
      document.documentElement.style.setProperty('--vscode-editor-background', 'rgb(255, 255, 255)');
      document.body.className = 'vscode-light';
    });
    await settle();
    assert.deepEqual(await pixelAt(s2.x, s2.y), [0, 90, 200]);
    assert.deepEqual(await pixelAt(s2.x, s2.y + 10), [255, 255, 255], 'the row gap shows the editor background');
    await host.page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-charts-blue', 'rgb(255, 255, 0)');
      document.body.className = 'vscode-high-contrast';
    });
    await settle();
    assert.deepEqual(await pixelAt(s2.x, s2.y), [255, 255, 0]);
  });

  it('marks leak checks and the peak; the peak panel lists the top structs and sites then', async () => {
    await host.send({ type: 'leakCheck', runId: 'run-1', step: 7, leaks: [{ kind: 'definitely-lost', blocks: 2, bytes: 148 }] });
    await host.send({ type: 'runEnded', runId: 'run-1', state: 'finished' });
    await host.send({
      type: 'report',
      runId: 'run-1',
      report: {
        schemaVersion: 2,
        leaks: [],
        errors: [],
        leakChecks: [{ event: 7, leaks: [{ kind: 'definitely-lost', blocks: 2, bytes: 148 }] }],
        peak: { event: 7, appMemory: 460 },
      },
    });
    await settle();
    assert.match(
      await host.page.locator('.run-totals').innerText(),
      /2 blocks leaked at (the check at step 8|the end of the run \(step 8\))/,
    );
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.selectTab(3));
    const peak = await host.page.locator('.side-panel').nth(3).innerText();
    assert.match(peak, /Peak of application memory: 460 B at step 8/);
    assert.match(peak, /student_t\s+2\s+376/, 's2 (2 units) and s3 (3 units): 2 × 48 + 5 × 56');
    assert.match(peak, /students\.lmm\.ts:16\s+student_t\s+1\s+216/, 'site 6 allocated s3: 48 + 3 × 56');
    assert.match(peak, /emp_t\s+1\s+84/);
  });

  it('the timeline names who asked for a leak check: Check Leaks Now or mm_leak_check()', async () => {
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.selectTab(0));
    const leaks = [{ kind: 'definitely-lost', blocks: 2, bytes: 148 }];
    await host.send({ type: 'leakCheck', runId: 'run-1', step: 7, leaks, requested: true });
    await host.send({ type: 'goToStep', runId: 'run-1', step: 7 });
    await host.page.waitForFunction(() => (window as unknown as Hook).lmmMemoryMap.step === 7);
    await settle();
    assert.match(
      await host.page.locator('.timeline-label').innerText(),
      /Step 8 of 8: .* · leak check \(Check Leaks Now\): 2 blocks lost/,
    );
    await host.send({ type: 'leakCheck', runId: 'run-1', step: 7, leaks });
    await host.send({ type: 'goToStep', runId: 'run-1', step: 7 });
    await settle();
    assert.match(await host.page.locator('.timeline-label').innerText(), /leak check \(mm_leak_check\(\)\): 2 blocks lost/);
    await host.send({ type: 'goToStep', runId: 'run-1', step: 6 });
    await host.page.waitForFunction(() => (window as unknown as Hook).lmmMemoryMap.step === 6);
    await settle();
    assert.doesNotMatch(await host.page.locator('.timeline-label').innerText(), /leak check/);
  });

  it('explains the marker under the pointer as the timeline’s tooltip', async () => {
    const track = host.page.locator('.timeline-track');
    const box = (await track.boundingBox())!;
    const length = await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.length);
    // Step 7 holds the peak and a leak check (the tests above); step 2 nothing.
    await host.page.mouse.move(box.x + ((7 + 0.5) / length) * box.width, box.y + box.height / 2);
    const title = (await track.getAttribute('title')) ?? '';
    assert.match(title, /Peak: 460 B of application memory at step 8/);
    assert.match(title, /Leak check \(mm_leak_check\(\)\) at step 8: 2 blocks, 148 B lost/);
    await host.page.mouse.move(box.x + ((2 + 0.5) / length) * box.width, box.y + box.height / 2);
    assert.equal(await track.getAttribute('title'), '');
  });

  it('reveals a block the host asks for, at the step it names', async () => {
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.selectTab(0));
    await host.send({ type: 'revealBlock', runId: 'run-1', address: run.s1, step: 3 });
    await host.page.waitForFunction(() => (window as unknown as Hook).lmmMemoryMap.step === 3);
    await settle();
    const details = await host.page.locator('.side-panel').first().innerText();
    assert.match(details, new RegExp(`Data address\\s+0x${run.s1.toString(16)}`));
    assert.match(details, /State\s+allocated/);
  });

  it('a click on a chart moves the timeline to that moment', async () => {
    const box = (await host.page.locator('.charts canvas').boundingBox())!;
    const columns = box.width >= 900 ? 3 : box.width >= 520 ? 2 : 1;
    const chartWidth = (box.width - 8 * (columns - 1)) / columns;
    // Steps 0…7 across the first chart's plot (right of its 60-pixel value axis): its middle is
    // step 4, near its right end step 7.
    const plotX = box.x + 60;
    const plotWidth = chartWidth - 60;
    await host.page.mouse.click(plotX + plotWidth * 0.55, box.y + 40);
    await waitForStep(4);
    await host.page.mouse.click(plotX + plotWidth * 0.97, box.y + 40);
    await waitForStep(7);
    assert.deepEqual((await posted('stepChanged')).at(-1), {
      type: 'stepChanged',
      runId: 'run-1',
      step: 7,
      siteId: 6,
      site: SITES[6],
    });
  });

  it('at a narrow width, chart titles and family headings keep to their own room; full text in tooltips', async () => {
    await host.page.setViewportSize({ width: 560, height: 640 });
    await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.setStepNow(7));
    // The charts redraw when their resize is observed.
    await host.page.waitForFunction(() => {
      const titles = (window as unknown as { lmmMemoryMap: { chartTitles: Array<{ maxWidth: number }> } }).lmmMemoryMap
        .chartTitles;
      return titles.length === 6 && titles[0]!.maxWidth < 300;
    });
    type Box = { text: string; full: string; x: number; y: number; width: number; maxWidth: number };
    const titles = await host.page.evaluate(
      () => (window as unknown as { lmmMemoryMap: { chartTitles: Box[] } }).lmmMemoryMap.chartTitles,
    );
    assert.equal(titles.length, 6);
    for (const t of titles) assert.ok(t.width <= t.maxWidth, `"${t.text}" (${t.width} px) fits in ${t.maxWidth} px`);
    for (const a of titles)
      for (const b of titles) {
        if (a === b || a.y !== b.y || a.x >= b.x) continue;
        assert.ok(a.x + a.width < b.x, `"${a.text}" ends before "${b.text}" begins`);
      }
    const leak = titles[5]!;
    assert.equal(leak.full, 'Leaked bytes at leak checks: 148 B in 2 blocks');
    // Whether the title needs shortening depends on the machine's fonts; when it is shortened,
    // the figures stay (and the hover below shows it in full).
    if (leak.text !== leak.full) assert.match(leak.text, /148 B in 2 blocks/, 'the figures stay');
    const label = (await host.page.locator('.charts canvas').getAttribute('aria-label')) ?? '';
    for (const t of titles) assert.ok(label.includes(t.full), `the accessible label has "${t.full}"`);
    // Hovering the chart shows its full title.
    const box = (await host.page.locator('.charts canvas').boundingBox())!;
    await host.page.mouse.move(box.x + box.width - 20, box.y + box.height - 20);
    assert.equal(await host.page.locator('.charts canvas').getAttribute('title'), leak.full);
    await host.page.mouse.move(5, 5);

    const headings = await host.page.evaluate(
      () => (window as unknown as { lmmMemoryMap: { familyHeadings: Box[] } }).lmmMemoryMap.familyHeadings,
    );
    assert.equal(headings.length, 2);
    for (const h of headings) assert.ok(h.width <= h.maxWidth, `"${h.text}" (${h.width} px) fits in ${h.maxWidth} px`);
    assert.match(headings[0]!.full, /^student_t \(56 B\) · 1 page · 2 allocated \/ 2 free blocks · 376 B app memory$/);
    assert.match(headings[0]!.text, /^student_t .*1 (page|pg) · 2\D.*2\D.*376 B/, 'pages, blocks and bytes still show');
    // Hovering a heading shows it in full.
    await host.page.locator('.map-scroll').evaluate((e) => (e.scrollTop = 0));
    const mapBox = (await host.page.locator('.map-canvas').boundingBox())!;
    await host.page.mouse.move(mapBox.x + 40, mapBox.y + 8);
    assert.equal(await host.page.locator('.map-canvas').getAttribute('title'), headings[0]!.full);
    // The map is narrow: page labels keep their last six hex digits, the full address on hover.
    const page = Math.floor(run.s2 / 4096) * 4096;
    const s2 = await blockCenter(run.s2);
    await host.page.mouse.move(mapBox.x + 20, s2.y);
    assert.equal(await host.page.locator('.map-canvas').getAttribute('title'), `page 0x${page.toString(16)}`);
    assert.ok(s2.x - mapBox.x < 112, 'the strips start before the wide labels’ 112 pixels');
    await host.page.mouse.move(5, 5);

    // A shorter panel: the map gives up height, it never runs under the charts.
    await host.page.setViewportSize({ width: 560, height: 420 });
    await settle();
    await settle();
    const mapBottom = await host.page.locator('.map-scroll').evaluate((e) => e.getBoundingClientRect().bottom);
    const chartsTop = await host.page.locator('.charts-area').evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(mapBottom <= chartsTop, `the map ends (${mapBottom}) above the charts (${chartsTop})`);
    const mapHeight = await host.page.locator('.map-scroll').evaluate((e) => e.clientHeight);
    assert.ok(mapHeight >= 100, `the charts scroll rather than squeeze the map to ${mapHeight} px`);
    // Nothing is cut off at the bottom: the charts end inside the panel, and they scroll when
    // their rows do not fit in what the map leaves them.
    // (.charts-area holds the charts over time and the stacked ones below them, and scrolls.)
    const charts = await host.page
      .locator('.charts-area')
      .evaluate((e) => ({ bottom: e.getBoundingClientRect().bottom, client: e.clientHeight, scroll: e.scrollHeight }));
    assert.ok(charts.bottom <= 420 + 1, `the charts end (${charts.bottom}) inside the 420-pixel panel`);
    assert.ok(charts.client >= 40, `the charts keep some room (${charts.client} px)`);
    if (charts.scroll > charts.client + 1) {
      const overflowY = await host.page.locator('.charts-area').evaluate((e) => getComputedStyle(e).overflowY);
      assert.equal(overflowY, 'auto', 'charts taller than their room scroll');
    }
    // Another machine's fonts: larger text wraps the header onto more lines; the map keeps its
    // room and still ends above the charts.
    await host.page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-font-size', '19px');
      document.documentElement.style.setProperty('--vscode-editor-font-size', '17px');
    });
    await settle();
    await settle();
    const large = await host.page.evaluate(() => ({
      map: document.querySelector('.map-scroll')!.getBoundingClientRect(),
      charts: document.querySelector('.charts-area')!.getBoundingClientRect(),
    }));
    assert.ok(large.map.height >= 100, `with large fonts the map keeps ${large.map.height} px`);
    assert.ok(large.map.bottom <= large.charts.top, 'with large fonts the map still ends above the charts');
    assert.ok(large.charts.bottom <= 420 + 1, `with large fonts the charts end (${large.charts.bottom}) inside the panel`);
    await host.page.evaluate(() => {
      document.documentElement.style.removeProperty('--vscode-font-size');
      document.documentElement.style.removeProperty('--vscode-editor-font-size');
    });
    await host.page.setViewportSize({ width: 1400, height: 900 });
    await settle();
  });

  it('legend and map stay readable in light and high contrast themes', async () => {
    const swatch = async (name: string) =>
      host.page.evaluate((n) => {
        const item = Array.from(document.querySelectorAll('.legend-item')).find((e) => e.textContent === n)!;
        const style = getComputedStyle(item.querySelector('.swatch')!);
        return { fill: style.backgroundColor, border: style.borderTopColor, borderWidth: style.borderTopWidth };
      }, name);
    const background = (): Promise<string> => host.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // Dark Modern: free blocks are #202020 on #1f1f1f; the outline must carry them.
    await host.page.evaluate(() => {
      const set = (k: string, v: string) => document.documentElement.style.setProperty(`--vscode-${k}`, v);
      set('editor-background', '#1f1f1f');
      set('editorWidget-background', '#202020');
      set('editorLineNumber-foreground', '#6e7681');
      document.body.className = 'vscode-dark';
    });
    await settle();
    assert.ok(contrast((await swatch('free')).border, await background()) >= 3, 'free outline readable on dark');
    // Light+: the free colour is nearly the editor's white: its swatch needs an outline to show.
    await host.page.evaluate(() => {
      const set = (k: string, v: string) => document.documentElement.style.setProperty(`--vscode-${k}`, v);
      set('editor-background', '#ffffff');
      set('foreground', '#3b3b3b');
      set('editorWidget-background', '#f8f8f8');
      set('editorWidget-border', '#c8c8c8');
      set('editorLineNumber-foreground', '#6e7681');
      set('editorIndentGuide-activeBackground1', '#939393');
      document.body.className = 'vscode-light';
    });
    await settle();
    const free = await swatch('free');
    assert.equal(free.fill, 'rgb(248, 248, 248)');
    assert.equal(free.borderWidth, '1px');
    assert.equal(free.border, 'rgb(110, 118, 129)', 'outlined like free blocks on the map (line number grey)');
    assert.ok(contrast(free.border, await background()) >= 3, 'the outline has 3:1 contrast on white (WCAG non-text)');
    assert.notDeepEqual(await cssColor('--lmm-page-header'), await cssColor('--lmm-meta'), 'header and meta data differ');
    // High contrast: the text and indent guides are both white; meta data takes the contrast border.
    await host.page.evaluate(() => {
      const set = (k: string, v: string) => document.documentElement.style.setProperty(`--vscode-${k}`, v);
      set('editor-background', '#000000');
      set('foreground', '#ffffff');
      set('editorIndentGuide-activeBackground1', '#ffffff');
      set('contrastBorder', '#6fc3df');
      document.body.className = 'vscode-high-contrast';
    });
    await settle();
    assert.deepEqual(await cssColor('--lmm-page-header'), [255, 255, 255]);
    assert.deepEqual(await cssColor('--lmm-meta'), [111, 195, 223]);
    assert.equal((await swatch('free')).border, 'rgb(111, 195, 223)');
    // The map draws meta data in that colour: just left of a block's data.
    const rect = (await host.page.evaluate((a) => (window as unknown as Hook).lmmMemoryMap.blockRect(a), run.s2))!;
    assert.deepEqual(await pixelAt(rect.x - (rect.width / 112) * 24, rect.y + rect.height / 2), [111, 195, 223]);
  });

  it('follows a live run: batches append and the map shows the newest step', async () => {
    await freshPage();
    const heap = new LmmHeap();
    const recorder = new HeapOpRecorder(256);
    recorder.record(HeapOpKind.Register, 100, 0, heap.register('blob_t', 100), 0, 'blob_t');
    const batches: HeapOpBatch[] = [];
    for (let i = 0; i < 2000; i++) {
      recorder.record(HeapOpKind.Alloc, 0, 10, heap.xcalloc(0, 10), 1);
      if (i % 250 === 249) batches.push(recorder.flush()!);
    }
    await host.send({ type: 'runStarted', runId: 'live', pageSize: 4096, title: 'live', live: true });
    for (const batch of batches) {
      await host.send({ type: 'heapOps', runId: 'live', batch });
      await new Promise((r) => setTimeout(r, 30));
    }
    await host.page.waitForFunction(() => {
      const hook = (window as unknown as Hook).lmmMemoryMap;
      // A live run's progress is drawn a few times a second: the last of it too.
      return hook.length === 2001 && hook.step === 2000 && !hook.ingesting && !hook.livePending;
    });
    await settle();
    const shown = await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.stats);
    assert.equal(shown.pagesShown, heap.families[0]!.counters.pages, 'every page of the run (three 1,048-byte blocks per page)');
    assert.equal(shown.pagesShown, 667);
    // The run's start, its first progress and its newest step (a live run redraws about once a second).
    assert.ok(shown.renders >= 3, `redrawn while the run went on (${shown.renders} renders)`);
    assert.deepEqual(await posted('stepChanged'), [], 'following the run does not move the editor');
    assert.match(await host.page.locator('.run-state').innerText(), /running/);
    // 667 pages, yet only the rows in view are drawn; scrolled to the bottom, the last pages are.
    const rowsDrawn = () =>
      host.page.evaluate(() => (window as unknown as { lmmMemoryMap: { rowsDrawn: number } }).lmmMemoryMap.rowsDrawn);
    const visibleRows = await host.page.locator('.map-scroll').evaluate((e) => Math.ceil(e.clientHeight / 16) + 1);
    assert.ok((await rowsDrawn()) <= visibleRows, `drew ${await rowsDrawn()} rows, ${visibleRows} fit`);
    await host.page.locator('.map-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await settle();
    const drawn = await rowsDrawn();
    assert.ok(drawn > 10 && drawn <= visibleRows, `drew ${drawn} rows at the bottom`);
    assert.deepEqual(host.problems, []);
  });

  it('walks blocks with the keyboard on the map and selects with Enter', async () => {
    const map = host.page.locator('.map-scroll');
    await map.evaluate((e) => (e.scrollTop = 0));
    await map.focus();
    await host.page.keyboard.press('ArrowRight'); // a block of the first page
    await host.page.keyboard.press('ArrowRight'); // the next block
    await host.page.keyboard.press('ArrowDown'); // the block in the same place on the next page
    await host.page.keyboard.press('Enter');
    await host.page.waitForFunction(() =>
      (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'blockSelected'),
    );
    const selected = (await posted('blockSelected'))[0]!;
    assert.equal(selected.struct, 'blob_t');
    assert.equal(selected.free, false);
    assert.equal(selected.siteId, 1);
    assert.ok(selected.allocStep > 0);
    const details = await host.page.locator('.side-panel').first().innerText();
    assert.match(details, new RegExp(`Data address\\s+0x${selected.address.toString(16)}`));
  });

  it('replays with the run’s memory cap, and says so when its replay cannot match the run', async () => {
    await freshPage();
    const cap = 3 * 4096; // the registry page and two data pages
    const heap = new LmmHeap({ memoryCap: cap });
    const recorder = new HeapOpRecorder(64);
    recorder.record(HeapOpKind.Register, 4000, 0, heap.register('page_t', 4000), 0, 'page_t');
    for (let i = 0; i < 3; i++) recorder.record(HeapOpKind.Alloc, 0, 1, heap.xcalloc(0, 1), 1);
    const batch = recorder.flush()!;
    assert.equal(batch.c[3], 0, 'the third page is refused by the cap');
    await host.send({ type: 'runStarted', runId: 'capped', pageSize: 4096, title: 'capped', live: false, memoryCap: cap });
    await host.send({ type: 'heapOps', runId: 'capped', batch });
    await host.page.waitForFunction(() => (window as unknown as Hook).lmmMemoryMap.length === 4);
    await settle();
    assert.deepEqual(await posted('webviewError'), []);
    assert.equal(await host.page.evaluate(() => (window as unknown as Hook).lmmMemoryMap.stats.pagesShown), 2);
    // The same log without the cap: the third allocation succeeds in the replay, not in the run.
    await host.send({ type: 'runStarted', runId: 'uncapped', pageSize: 4096, title: 'uncapped', live: false });
    await host.send({ type: 'heapOps', runId: 'uncapped', batch });
    await host.page.waitForFunction(() => (window as unknown as Hook).lmmMemoryMap.length === 4);
    await settle();
    const errors = (await posted('webviewError')).map((m) => m.message);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /replay diverged from the run at step 3/);
    assert.match(await host.page.locator('.run-totals').innerText(), /replay diverged from the run at step 4/);
  });
});
