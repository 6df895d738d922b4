/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The question panels in headless Chromium, on real example harnesses: call trees of the peak
 * and the leaks against `lmm run --json`, Compare (allocated after A, live at B) against the
 * report's peak breakdown, and retainer chains (from a root, or "unreachable: lost").
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import type { RunReportJson, SourceSite } from '../../src/protocol/webviewMessages';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { assertNoProblems, hookCall, postedOfType, recordHarness, settle, showRun } from '../support/webviewRun';

type TreeRow = { label: string; level: number; inclusiveBytes: number; selfBytes: number; inclusiveBlocks: number };

const CALL_TREES = 4;
const COMPARE = 5;

describe('Question panels: call trees, Compare, retainers (headless Chromium)', function () {
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

  async function show(
    file: string,
    runId: string,
    state: 'finished' | 'failed' = 'finished',
    edit?: (report: RunReportJson) => void,
  ) {
    const run = await recordHarness(file);
    edit?.(run.report);
    // A failed run's report comes after its end, from a harness run (suppressible), as the host sends it.
    const late = state !== 'finished';
    await showRun(host, run.batches, { runId, sites: run.sites, ...(late ? {} : { report: run.report }) });
    await host.send({ type: 'runEnded', runId, state });
    if (late) await host.send({ type: 'report', runId, report: run.report, suppressible: true });
    await settle(host);
    return run;
  }

  async function treeRows(): Promise<TreeRow[]> {
    return host.page.evaluate(() =>
      Array.from(document.querySelectorAll('.call-tree [role=treeitem]')).map((e) => ({
        label: e.getAttribute('data-label')!,
        level: Number(e.getAttribute('aria-level')),
        inclusiveBytes: Number(e.getAttribute('data-inclusive-bytes')),
        selfBytes: Number(e.getAttribute('data-self-bytes')),
        inclusiveBlocks: Number(e.getAttribute('data-inclusive-blocks')),
      })),
    );
  }

  const label = (site: SourceSite) => `${site.file.split('/').pop()}:${site.line}`;

  it('the peak as a call tree, top-down and bottom-up, with the figures of lmm run --json', async () => {
    const run = await show('examples/hash-table.lmm.ts', 'hash');
    type PeakSite = { stack: SourceSite[]; struct: string; blocks: number; appMemory: number };
    const bySite = (run.report.peak as unknown as { bySite: PeakSite[]; appMemory: number }).bySite;
    await hookCall(host, 'selectTab', CALL_TREES);
    await hookCall(host, 'chooseCallTree', 'peak', 'top-down');
    const topDown = await treeRows();
    // The roots are the outermost callers; their inclusive bytes add up to the peak's.
    const roots = topDown.filter((r) => r.level === 1);
    assert.equal(
      roots.reduce((n, r) => n + r.inclusiveBytes, 0),
      (run.report.peak as { appMemory: number }).appMemory,
    );
    for (const root of roots) {
      const under = bySite.filter((s) => label(s.stack[s.stack.length - 1]!) === root.label);
      assert.equal(
        root.inclusiveBytes,
        under.reduce((n, s) => n + s.appMemory, 0),
        `${root.label} inclusive`,
      );
      assert.equal(
        root.inclusiveBlocks,
        under.reduce((n, s) => n + s.blocks, 0),
        `${root.label} blocks`,
      );
    }
    // Self bytes sit on the allocating lines (the innermost frames) and add up to the peak.
    assert.equal(
      topDown.reduce((n, r) => n + r.selfBytes, 0),
      bySite.reduce((n, s) => n + s.appMemory, 0),
    );
    // Depth: table_insert's path (3 frames) goes 3 levels deep.
    const deepest = Math.max(...bySite.map((s) => s.stack.length));
    assert.equal(Math.max(...topDown.map((r) => r.level)), deepest);

    await hookCall(host, 'chooseCallTree', 'peak', 'bottom-up');
    const bottomUp = await treeRows();
    for (const site of bySite) {
      const row = bottomUp.find((r) => r.level === 1 && r.label === label(site.stack[0]!))!;
      assert.ok(row, `${label(site.stack[0]!)} is a root of the bottom-up tree`);
      const same = bySite.filter((s) => label(s.stack[0]!) === label(site.stack[0]!));
      assert.equal(
        row.inclusiveBytes,
        same.reduce((n, s) => n + s.appMemory, 0),
      );
      assert.equal(row.selfBytes, row.inclusiveBytes, 'in bottom-up the roots are the allocating lines: all is their own');
    }
    // Below the roots are callers: nothing of their own.
    assert.equal(
      bottomUp.filter((r) => r.level > 1).reduce((n, r) => n + r.selfBytes, 0),
      0,
    );
    // A frame is a link: it opens its line.
    await host.page.locator('.call-tree button.link').first().click();
    const opened = await postedOfType(host, 'openSource');
    assert.equal(opened.at(-1)?.runId, 'hash');
    assertNoProblems(host);
  });

  it('the leaks as a call tree: the lost entry_t under table_insert, payload bytes as the report counts them', async () => {
    await hookCall(host, 'chooseCallTree', 'leaks', 'top-down');
    const rows = await treeRows();
    const report = (await recordHarness('examples/hash-table.lmm.ts')).report;
    const leaks = (report.leaks ?? []).filter((l) => !l.suppressed && l.kind !== 'still-reachable');
    assert.ok(leaks.length > 0, 'the example leaks');
    const total = leaks.reduce((n, l) => n + l.bytes, 0);
    assert.equal(
      rows.filter((r) => r.level === 1).reduce((n, r) => n + r.inclusiveBytes, 0),
      total,
    );
    const text = await host.page.locator('.side-panel').nth(CALL_TREES).innerText();
    assert.match(text, new RegExp(`Leaked: ${total} B of payload`));
  });

  it('Counters and the legend explain their terms in tooltips', async () => {
    await hookCall(host, 'selectTab', 1);
    const title = (header: string) =>
      host.page.evaluate(
        (h) =>
          Array.from(document.querySelectorAll('.side-panel th'))
            .find((th) => th.textContent === h)
            ?.getAttribute('title'),
        header,
      );
    assert.match((await title('TBC')) ?? '', /total block count/);
    assert.match((await title('FBC')) ?? '', /free block count/);
    assert.match((await title('OBC')) ?? '', /occupied block count/);
    assert.match((await title('App memory')) ?? '', /payload \+ meta data/);
    const legendTitle = await host.page.evaluate(() =>
      Array.from(document.querySelectorAll('.legend-item'))
        .find((e) => e.textContent === 'meta data')
        ?.getAttribute('title'),
    );
    assert.match(legendTitle ?? '', /48 bytes/);
  });

  it('Compare: allocated after A and live at B, by site and struct; from the start to the peak it is the peak breakdown', async () => {
    const run = await recordHarness('examples/hash-table.lmm.ts');
    const peak = run.report.peak as unknown as {
      event: number;
      appMemory: number;
      bySite: Array<{ site: SourceSite; struct: string; blocks: number; appMemory: number }>;
    };
    await hookCall(host, 'selectTab', COMPARE);
    await hookCall(host, 'compare', -1, peak.event);
    const rows = await host.page.evaluate(() =>
      Array.from(document.querySelectorAll('.side-panel')[5]!.querySelectorAll('table')[0]!.querySelectorAll('tbody tr')).map(
        (tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!),
      ),
    );
    // The report groups by call stack; the webview by allocating line: add the report up by line.
    const expected = new Map<string, { blocks: number; bytes: number }>();
    for (const s of peak.bySite) {
      const key = `${label(s.site)} ${s.struct}`;
      const e = expected.get(key) ?? { blocks: 0, bytes: 0 };
      e.blocks += s.blocks;
      e.bytes += s.appMemory;
      expected.set(key, e);
    }
    assert.equal(rows.length, expected.size);
    for (const [site, struct, blocks, bytes] of rows) {
      const e = expected.get(`${site} ${struct}`);
      assert.ok(e, `${site} ${struct} is in the report's peak breakdown`);
      assert.equal(Number(blocks!.replace(/,/g, '')), e.blocks);
      assert.equal(Number(bytes!.replace(/,/g, '')), e.bytes);
    }
    const total = await host.page.locator('.compare-total').textContent();
    assert.match(total ?? '', new RegExp(`${peak.appMemory.toLocaleString('en-US')} B of application memory`));

    // From the peak to the end: only what was allocated after the peak and survived; nothing
    // allocated before A counts, even if it is still live.
    const last = run.batches.reduce((n, b) => n + b.count, 0) - 1;
    await hookCall(host, 'compare', peak.event, last);
    const after = await host.page.locator('.compare-total').textContent();
    const fromStart = await (async () => {
      await hookCall(host, 'compare', -1, last);
      return host.page.locator('.compare-total').textContent();
    })();
    const bytesOf = (t: string | null) => Number(/, ([\d,]+) B of application memory/.exec(t ?? '')![1]!.replace(/,/g, ''));
    assert.ok(bytesOf(after) <= bytesOf(fromStart), `after the peak (${after}) ⊆ from the start (${fromStart})`);
    // B before A: said, not computed.
    await hookCall(host, 'compare', last, 0);
    assert.match(await host.page.locator('.side-panel').nth(COMPARE).innerText(), /B is before A/);
  });

  it('retainers: a still-reachable block shows its chain from the root; a definitely lost one is unreachable and drags its chain', async () => {
    const reachable = await show('examples/leak-still-reachable.lmm.ts', 'reach');
    const option = (reachable.report.leaks ?? []).find((l) => l.struct === 'option_t') as unknown as {
      addresses: number[];
      rootPath: Array<{ struct: string; field: string }>;
    };
    await hookCall(host, 'selectTab', 0);
    await host.send({ type: 'revealBlock', runId: 'reach', address: option.addresses[0]! });
    await host.page.waitForSelector('.retainers');
    // The chain is the end-of-run check's (the report's leaks), and the panel says so.
    const lastStep = reachable.batches.reduce((n, b) => n + b.count, 0);
    assert.equal(await host.page.locator('.retainers h4').textContent(), `Retainers at the end of the run (step ${lastStep})`);
    const chain = await host.page.locator('.retainer-chain li').allInnerTexts();
    assert.equal(chain.length, option.rootPath.length);
    assert.match(chain[0]!, /config_t root/);
    for (let i = 1; i < chain.length; i++) {
      assert.ok(
        chain[i]!.includes(`.${option.rootPath[i]!.field}`),
        `link ${i}: ${chain[i]} follows .${option.rootPath[i]!.field}`,
      );
      assert.ok(chain[i]!.endsWith(option.rootPath[i]!.struct));
    }
    // The check traces one chain per record, to its first block: another block of the record is
    // never shown that chain as its own.
    assert.ok(option.addresses.length > 1);
    await host.send({ type: 'revealBlock', runId: 'reach', address: option.addresses[1]! });
    await host.page.waitForFunction(() =>
      /traced the chain of this record's first block/.test(document.querySelector('.retainers')?.textContent ?? ''),
    );
    assert.equal(await host.page.locator('.retainer-chain').count(), 0);
    await host.send({ type: 'revealBlock', runId: 'reach', address: option.addresses[0]! });
    await host.page.waitForSelector('.retainer-chain');

    // The Block panel's links: to the step that allocated the block, and to its line.
    const allocation = host.page.locator('.block-links button').first();
    const allocText = (await allocation.textContent()) ?? '';
    const allocStep = Number(/step ([\d,]+)/.exec(allocText)![1]!.replace(/,/g, '')) - 1;
    await allocation.click();
    await host.page.waitForFunction(
      (s) => (window as unknown as { lmmMemoryMap: { step: number } }).lmmMemoryMap.step === s,
      allocStep,
    );
    await host.page.locator('.block-links button').nth(1).click();
    const opened = await postedOfType(host, 'openSource');
    assert.equal(opened.at(-1)?.runId, 'reach');
    assert.match(opened.at(-1)!.site.file, /leak-still-reachable\.lmm\.ts$/);

    const lost = await show('examples/leak-indirectly-lost.lmm.ts', 'lost');
    const head = (lost.report.leaks ?? []).find((l) => l.kind === 'definitely-lost') as unknown as {
      addresses: number[];
      drags: { blocks: number; bytes: number };
    };
    await host.send({ type: 'revealBlock', runId: 'lost', address: head.addresses[0]! });
    await host.page.waitForFunction(() => /Unreachable/.test(document.querySelector('.retainers')?.textContent ?? ''));
    const text = await host.page.locator('.retainers').innerText();
    assert.match(text, /Unreachable: lost \(definitely lost/);
    assert.match(text, new RegExp(`drags ${head.drags.blocks} blocks \\(${head.drags.bytes} B\\)`));
    const indirect = (lost.report.leaks ?? []).find((l) => l.kind === 'indirectly-lost') as unknown as { addresses: number[] };
    await host.send({ type: 'revealBlock', runId: 'lost', address: indirect.addresses[1]! });
    await host.page.waitForFunction(() => /indirectly lost/.test(document.querySelector('.retainers')?.textContent ?? ''));
    assertNoProblems(host);
  });

  it('the leaks of a run that failed: named as the check when it stopped; none lost then is no "No leak"', async () => {
    const failed = await show('examples/leak-definitely-lost.lmm.ts', 'failed-leaks', 'failed');
    await hookCall(host, 'selectTab', CALL_TREES);
    await hookCall(host, 'chooseCallTree', 'leaks', 'top-down');
    let text = await host.page.locator('.side-panel').nth(CALL_TREES).innerText();
    assert.match(text, /Leaked when the run stopped \(no end-of-run leak check ran\): /);
    // A lost block's retainers are those the check when it stopped saw.
    const listed = (failed.report.leaks ?? []).find((l) => (l as { addresses?: number[] }).addresses?.length) as unknown as {
      addresses: number[];
    };
    await hookCall(host, 'selectTab', 0);
    await host.send({ type: 'revealBlock', runId: 'failed-leaks', address: listed.addresses[0]! });
    await host.page.waitForFunction(() =>
      /^Retainers when the run stopped \(step \d+\)/.test(document.querySelector('.retainers h4')?.textContent ?? ''),
    );
    await show('examples/leak-definitely-lost.lmm.ts', 'failed-none', 'failed', (report) => (report.leaks = []));
    await hookCall(host, 'selectTab', CALL_TREES);
    await hookCall(host, 'chooseCallTree', 'leaks', 'top-down');
    text = await host.page.locator('.side-panel').nth(CALL_TREES).innerText();
    assert.match(text, /No block lost when the run stopped \(no end-of-run leak check ran\): nothing to show\./);
    assert.doesNotMatch(text, /No leak/);
  });
});
