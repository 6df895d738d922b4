/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The Block panel's field view shows every unit of a block (picked with previous / next or by
 * number) and a nested struct's fields expanded, each value as the program wrote it at the step.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { HeapOpKind } from '../../src/engine/heapOps';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { assertNoProblems, hookCall, recordHarness, settle, showRun } from '../support/webviewRun';

describe('Block panel: the field view shows every unit and nested fields (headless Chromium)', function () {
  this.timeout(90000);
  let browser: Browser | undefined;
  let host: FakeHost;

  before(async () => {
    host = await openFakeHost();
    browser = host.browser;
  });
  after(async () => {
    await browser?.close();
  });

  it('picks unit 1, 2 and 3 of a 3-unit block and reads their nested fields, at two steps', async () => {
    const run = await recordHarness('test/integration/fixtures/segment-array.lmm.ts');
    const allocs: Array<{ step: number; address: number }> = [];
    for (const batch of run.batches) {
      for (let i = 0; i < batch.count; i++) {
        if (batch.kind[i] === HeapOpKind.Alloc) allocs.push({ step: batch.firstStep + i, address: batch.c[i]! });
      }
    }
    const [segments, marker] = allocs;
    assert.ok(segments && marker, 'two allocations');
    await showRun(host, run.batches, { runId: 'segments', sites: run.sites, report: run.report });
    await host.send({ type: 'runEnded', runId: 'segments', state: 'finished' });
    await settle(host);
    const rect = await hookCall<{ x: number; y: number; width: number; height: number } | null>(
      host,
      'blockRect',
      segments.address,
    );
    assert.ok(rect, 'the segments block is on the map');
    await host.page.mouse.click(rect.x + rect.width / 2, rect.y + rect.height / 2);
    await host.page.mouse.move(1, 1);
    // The step of the segments' allocation: the writes after it (before the marker's XCALLOC) show.
    await hookCall(host, 'setStepNow', segments.step);
    await settle(host);

    const panel = host.page.locator('.side-panel[aria-label="Block"]');
    const values = async (): Promise<Record<string, string>> => {
      const rows = await panel
        .locator('.field-view tr[data-field]')
        .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-field')!, (tr.lastElementChild as HTMLElement).innerText]));
      return Object.fromEntries(rows);
    };
    const heading = () => panel.locator('h4', { hasText: 'Fields of' }).innerText();
    assert.equal(await heading(), 'Fields of segment_t (unit 1 of 3)');
    const first = await values();
    assert.deepEqual(Object.keys(first), ['color', 'from', 'from.x', 'from.y', 'to', 'to.x', 'to.y'], 'nested fields expanded');
    assert.equal(first['color'], '10');
    assert.equal(first['to.y'], '-1');

    await panel.locator('.field-units button', { hasText: 'next' }).click();
    await settle(host);
    assert.equal(await heading(), 'Fields of segment_t (unit 2 of 3)');
    const second = await values();
    assert.deepEqual([second['color'], second['from.x'], second['to.y']], ['11', '100', '-101']);

    // Typed unit number: unit 3, before and after its end moved (the marker's step and later).
    await panel.locator('.field-units input').fill('3');
    await panel.locator('.field-units input').press('Enter');
    await settle(host);
    assert.equal(await heading(), 'Fields of segment_t (unit 3 of 3)');
    assert.deepEqual([(await values())['color'], (await values())['to.y']], ['12', '-201']);
    assert.ok(await panel.locator('.field-units button', { hasText: 'next' }).isDisabled(), 'no unit after the last');
    await hookCall(host, 'setStepNow', marker.step);
    await settle(host);
    assert.equal(await heading(), 'Fields of segment_t (unit 3 of 3)', 'the unit stays picked across steps');
    assert.equal((await values())['to.y'], '7', 'the later write shows at the later step');

    // A number out of range is clamped, never an empty table.
    await panel.locator('.field-units input').fill('99');
    await panel.locator('.field-units input').press('Enter');
    await settle(host);
    assert.equal(await heading(), 'Fields of segment_t (unit 3 of 3)');
    assertNoProblems(host);
  });
});
