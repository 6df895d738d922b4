/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The Block panel's links in headless Chromium: an allocated block links to the step that
 * allocated it, a free block to the step that freed it, each with that step's line.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { RunRecorder, assertNoProblems, hookCall, hookValue, postedOfType, settle, showRun, sites } from '../support/webviewRun';

describe('Block panel links: allocated at, freed at (headless Chromium)', function () {
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

  async function select(address: number): Promise<void> {
    await host.send({ type: 'revealBlock', runId: 'run-1', address });
    await settle(host);
  }
  const links = () => host.page.locator('.block-links button').allInnerTexts();

  it('a free block names and links the step that freed it and its line; an allocated one its allocation', async () => {
    const run = new RunRecorder();
    const student = run.register('student_t', 56, 0);
    const a = run.alloc(student, 1, 1); // step 2
    const b = run.alloc(student, 1, 2); // step 3
    const c = run.alloc(student, 1, 3); // step 4
    run.free(b, 4); // step 5: b is a free block between a and c
    run.alloc(student, 4, 5); // step 6: does not fit in b's place
    await showRun(host, run.batches(), { sites: sites(8) });
    await hookCall(host, 'selectTab', 0);

    await select(b);
    const facts = await host.page.locator('dl.facts').innerText();
    assert.match(facts, /Freed at\s+step 5 — students\.lmm\.ts:14/);
    assert.deepEqual(await links(), ['Go to where it was freed (step 5)', 'Open students.lmm.ts:14']);
    await host.page.locator('.block-links button').first().click();
    await settle(host);
    assert.equal(await hookValue<number>(host, 'step'), 4, 'the timeline at the free (step 5)');
    await hookCall(host, 'setStepNow', 5);
    await select(b);
    await host.page.locator('.block-links button').nth(1).click();
    const opened = (await postedOfType(host, 'openSource')).pop();
    assert.deepEqual(opened?.site, { file: '/ws/students.lmm.ts', line: 14, column: 3 });

    // Before the free, the same address is an allocated block: its allocation, not a free.
    await hookCall(host, 'setStepNow', 3);
    await select(b);
    assert.deepEqual(await links(), ['Go to its allocation (step 3)', 'Open students.lmm.ts:12']);
    await select(c);
    assert.deepEqual(await links(), ['Go to its allocation (step 4)', 'Open students.lmm.ts:13']);
    assert.ok(a > 0);
    assertNoProblems(host);
  });
});
