/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The charts in headless Chromium: the value and step under the pointer, one crosshair across
 * the charts, the stacked charts and the timeline, and application memory stacked by struct and
 * by allocation site (top five, then "other") checked against the engine's own counters.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { RunRecorder, assertNoProblems, cssColor, hookValue, postedOfType, settle, showRun, sites } from '../support/webviewRun';

type Readout = { chart: string; step: number; text: string };
type StackedReadout = { chart: string; step: number; values: Array<[string, number]> };

/** As the charts write bytes. */
function bytes(value: number): string {
  if (value >= 1 << 20) return `${(value / (1 << 20)).toFixed(2)} MiB`;
  if (value >= 1 << 10) return `${(value / (1 << 10)).toFixed(1)} KiB`;
  return `${value} B`;
}

/** Eight structs of different sizes, allocated from eight sites, some freed again. */
function eightStructs() {
  const run = new RunRecorder();
  const families = Array.from({ length: 8 }, (_, i) => run.register(`s${i}_t`, 16 * (i + 1), 0));
  const blocks: number[] = [];
  for (let round = 0; round < 6; round++) {
    for (const f of families) blocks.push(run.alloc(f, 1 + (round % 3), 1 + f));
  }
  for (let i = 0; i < blocks.length; i += 4) run.free(blocks[i]!, 9);
  return { run, families };
}

describe('Charts (headless Chromium)', function () {
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

  /** The viewport point over step `step` in the first chart (application memory). */
  async function pointOverStep(step: number, length: number): Promise<{ x: number; y: number }> {
    const box = (await host.page.locator('.charts canvas').boundingBox())!;
    const columns = box.width >= 900 ? 3 : box.width >= 520 ? 2 : 1;
    const chartWidth = Math.floor((box.width - 8 * (columns - 1)) / columns);
    const plotWidth = chartWidth - 60;
    return { x: box.x + 60 + ((step + 0.5) / length) * plotWidth, y: box.y + 40 };
  }

  it('the value and the step under the pointer, in every chart at once, and on the timeline', async () => {
    const { run } = eightStructs();
    await showRun(host, run.batches(), { sites: sites(10) });
    const length = run.steps;
    for (const step of [9, 20, length - 1]) {
      const p = await pointOverStep(step, length);
      await host.page.mouse.move(p.x, p.y);
      await settle(host);
      const readouts = await hookValue<Readout[]>(host, 'chartReadouts');
      assert.equal(readouts.length, 6, 'one reading per chart');
      for (const r of readouts) assert.equal(r.step, step, `${r.chart} reads step ${step + 1}`);
      const app = readouts.find((r) => r.chart === 'Application memory')!;
      assert.equal(app.text, `step ${step + 1}: ${bytes(run.appMemory[step]!)}`, 'the value the engine had after that step');
      const stacked = await hookValue<StackedReadout[]>(host, 'stackedReadouts');
      for (const r of stacked) {
        const total = r.values.reduce((sum, [, v]) => sum + v, 0);
        assert.equal(
          total,
          run.appMemory[r.step],
          `${r.chart}: the stack adds up to the application memory at step ${r.step + 1}`,
        );
      }
      // The legends say the same figures (they are updated in place from step to step).
      const legends = await host.page.evaluate(() =>
        Array.from(document.querySelectorAll('.stacked-legend')).map((list) =>
          Array.from(list.querySelectorAll('li'))
            .map((li) => li.textContent!)
            .filter((text) => !text.startsWith('(sampled')),
        ),
      );
      assert.deepEqual(
        legends,
        stacked.map((r) => r.values.map(([name, value]) => `${name} ${bytes(value)}`)),
        `the legends at step ${step + 1}`,
      );
    }
    // The timeline's pointer moves the charts' crosshair.
    const track = (await host.page.locator('.timeline-track').boundingBox())!;
    await host.page.mouse.move(track.x + ((30 + 0.5) / length) * track.width, track.y + track.height / 2);
    await settle(host);
    const fromTimeline = await hookValue<Readout[]>(host, 'chartReadouts');
    assert.deepEqual(
      fromTimeline.map((r) => r.step),
      [30, 30, 30, 30, 30, 30],
      'hovering the timeline at step 31 puts the crosshair there',
    );
    await host.page.mouse.move(2, 2);
    await settle(host);
    assert.deepEqual(await hookValue<Readout[]>(host, 'chartReadouts'), [], 'the crosshair goes when the pointer leaves');
    assertNoProblems(host);
  });

  it('application memory stacked by struct and by site: the five largest, then "other", adding up to the total', async () => {
    const { run } = eightStructs();
    await showRun(host, run.batches(), { runId: 'run-2', sites: sites(10) });
    await host.page.waitForFunction(() => {
      const hook = (window as unknown as { lmmMemoryMap: { stackedReadouts: Array<{ step: number }>; length: number } })
        .lmmMemoryMap;
      return hook.stackedReadouts.length === 2 && hook.stackedReadouts[0]!.step === hook.length - 1;
    });
    const [byStruct, bySite] = await hookValue<StackedReadout[]>(host, 'stackedReadouts');
    const expected = new Map(run.heap.families.map((f) => [f.name, f.counters.appMemory]));
    // The five structs with the largest peak are named; the other three add up in one series.
    assert.equal(byStruct!.values.length, 6);
    assert.equal(byStruct!.values[5]![0], 'other (3 structs)');
    const named = byStruct!.values.slice(0, 5);
    for (const [name, value] of named) assert.equal(value, expected.get(name), `${name} at the last step`);
    assert.deepEqual(
      named.map(([n]) => n),
      ['s7_t', 's6_t', 's5_t', 's4_t', 's3_t'],
      'largest first (the bigger structs)',
    );
    // Structs keep their map colour in the stack (family 7: the six-colour palette's colour 1).
    const swatch = await host.page.evaluate(() => {
      const item = Array.from(document.querySelectorAll('.stacked-legend li')).find((li) => li.textContent!.startsWith('s7_t'))!;
      return getComputedStyle(item.querySelector('.swatch')!).backgroundColor;
    });
    const mapColour = await cssColor(host, '--lmm-struct-1');
    assert.equal(swatch, `rgb(${mapColour.join(', ')})`);
    const rest = ['s0_t', 's1_t', 's2_t'].reduce((sum, n) => sum + expected.get(n)!, 0);
    assert.equal(byStruct!.values[5]![1], rest);
    // By site: each of the eight sites allocated one struct; line 10 + site id.
    assert.equal(bySite!.values.length, 6);
    for (const [label, value] of bySite!.values.slice(0, 5)) {
      const line = Number(label.replace(/^students\.lmm\.ts:/, ''));
      const family = run.heap.families[line - 10 - 1]!;
      assert.equal(value, family.counters.appMemory, `${label} allocated ${family.name}`);
    }
    assert.equal(bySite!.values[5]![0], 'other sites');
  });

  it('a site in the legend opens its source line (a typed message to the host)', async () => {
    const link = host.page.locator('.stacked-legend button.link').first();
    const label = await link.textContent();
    await link.click();
    const opened = await postedOfType(host, 'openSource');
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.runId, 'run-2');
    assert.equal(`students.lmm.ts:${opened[0]!.site.line}`, label);
    assert.equal(opened[0]!.site.file, '/ws/students.lmm.ts');
  });
});
