/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The Block panel shows the program's bytes: a real example harness (string-buffers) is recorded
 * as the extension records it, shown in the Memory Map, and a field value is read back from the
 * selected block's hex dump at two steps (time travel shows each step's bytes).
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { HeapOpKind } from '../../src/engine/heapOps';
import { HeapTimeline } from '../../src/engine/heapTimeline';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { assertNoProblems, hookCall, recordHarness, settle, showRun } from '../support/webviewRun';

describe('Block panel: the block bytes are the program’s bytes (headless Chromium)', function () {
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

  it('reads book.count and a name buffer back from the hex dump, at two steps', async () => {
    const run = await recordHarness('examples/string-buffers.lmm.ts');
    // Where the book is, and the steps at which its count is 1 and (at the end) 4, from the engine.
    const timeline = new HeapTimeline(4096);
    for (const batch of run.batches) timeline.append(batch);
    const allocs: Array<{ step: number; address: number }> = [];
    for (const batch of run.batches) {
      for (let i = 0; i < batch.count; i++) {
        if (batch.kind[i] === HeapOpKind.Alloc) allocs.push({ step: batch.firstStep + i, address: batch.c[i]! });
      }
    }
    const book = allocs[0]!.address; // main's first XCALLOC
    const countAt = (step: number) =>
      timeline
        .heapAt(step)
        .kernel.peekView(book)
        .getUint32(book % 4096, true);
    const last = timeline.length - 1;
    let early = -1;
    for (let s = allocs[0]!.step; s <= last && early < 0; s++) if (countAt(s) === 1) early = s;
    assert.ok(early > 0, 'the book counts one contact at some step');
    assert.equal(countAt(last), 4, 'five added, one removed');

    await showRun(host, run.batches, { runId: 'buffers', sites: run.sites, report: run.report });
    await host.send({ type: 'runEnded', runId: 'buffers', state: 'finished' });
    await settle(host);
    const rect = await hookCall<{ x: number; y: number; width: number; height: number } | null>(host, 'blockRect', book);
    assert.ok(rect, 'the book is on the map');
    await host.page.mouse.click(rect.x + rect.width / 2, rect.y + rect.height / 2);
    await host.page.mouse.move(1, 1);
    const dumpLine = async (step: number): Promise<string> => {
      await hookCall(host, 'setStepNow', step);
      await settle(host);
      const dump = await host.page.locator('.side-panel[aria-label="Block"] .hex-dump').innerText();
      const line = dump.split('\n').find((l) => l.startsWith(`${book.toString(16)}  `));
      assert.ok(line, `the dump has the line of the book's first bytes:\n${dump}`);
      return line;
    };
    assert.match(await dumpLine(early), new RegExp(`^${book.toString(16)}  01 00 00 00 `), 'count = 1 early on');
    assert.match(await dumpLine(last), new RegExp(`^${book.toString(16)}  04 00 00 00 `), 'count = 4 at the end');
    assert.match(await dumpLine(early), / {2}01 00 00 00 /, 'and 1 again, back in time');

    // The field view decodes the same bytes: book_t.count, u32 at offset 0, at both steps.
    const fieldRow = async (name: string): Promise<string[]> =>
      host.page.locator(`.side-panel[aria-label="Block"] .field-view tr[data-field="${name}"] td`).allInnerTexts();
    assert.deepEqual(await fieldRow('count'), ['count', 'u32', '0', '1'], 'count = 1 in the field view');
    await hookCall(host, 'setStepNow', last);
    await settle(host);
    assert.deepEqual(await fieldRow('count'), ['count', 'u32', '0', '4'], 'count = 4 at the end');
    // book.first is a pointer: its value is a link that selects the contact it points at.
    const [, firstType, , firstValue] = await fieldRow('first');
    assert.equal(firstType, 'contact_t *');
    const firstAddress = parseInt(firstValue!, 16);
    assert.ok(
      allocs.some((a) => a.address === firstAddress),
      `book.first (${firstValue}) is a block of the run`,
    );
    await host.page.locator('.side-panel[aria-label="Block"] .field-view tr[data-field="first"] button').click();
    await host.page.mouse.move(1, 1);
    await settle(host);
    const title = await host.page.locator('.side-panel[aria-label="Block"] h3').innerText();
    assert.match(title, /^contact_t/, 'the link selected the contact');
    assert.match(
      await host.page.locator('.side-panel[aria-label="Block"] .facts').innerText(),
      new RegExp(`0x${firstAddress.toString(16)}`),
    );
    // Its id is what add_contact wrote: contacts 1 … 5 were pushed on the front and 5 removed.
    assert.deepEqual(await fieldRow('id'), ['id', 'u32', '0', '4']);

    // The first name buffer ("Ada Lovelace", then freed with nothing: lost) shows its text.
    const ada = allocs.find((a) => {
      const view = timeline.heapAt(last).kernel.peekView(a.address);
      return view.getUint8(a.address % 4096) === 'A'.charCodeAt(0) && view.getUint8((a.address % 4096) + 1) === 'd'.charCodeAt(0);
    });
    assert.ok(ada, 'a buffer starts with "Ad"');
    const adaRect = await hookCall<{ x: number; y: number; width: number; height: number } | null>(
      host,
      'blockRect',
      ada.address,
    );
    assert.ok(adaRect);
    await host.page.mouse.click(adaRect.x + adaRect.width / 2, adaRect.y + adaRect.height / 2);
    await host.page.mouse.move(1, 1);
    await hookCall(host, 'setStepNow', last);
    await settle(host);
    const dump = await host.page.locator('.side-panel[aria-label="Block"] .hex-dump').innerText();
    assert.match(dump.replace(/\n[0-9a-f]+ {2}[0-9a-f ]+ /g, ''), /Ada Lovel/, `the ASCII column spells the name:\n${dump}`);
    assertNoProblems(host);
  });
});
