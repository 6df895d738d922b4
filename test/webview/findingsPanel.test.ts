/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The "Leaks & errors" tab on real example harnesses against their `lmm run --json` reports:
 * memory errors name their access (read or write, size, field, offset from the block), every step
 * and line is a link, and Suppress posts one validated message naming the finding, once.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { parseWebviewToHost, type RunReportJson } from '../../src/protocol/webviewMessages';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { assertNoProblems, hookCall, hookValue, postedOfType, recordHarness, settle, showRun } from '../support/webviewRun';

const FINDINGS = 6;

describe('Leaks & errors tab: findings that link and Suppress (headless Chromium)', function () {
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
    edit?: (report: RunReportJson) => void,
    suppressible = true,
    state: 'finished' | 'failed' | 'stopped' = 'finished',
  ) {
    const run = await recordHarness(file);
    edit?.(run.report);
    await showRun(host, run.batches, { runId, sites: run.sites });
    await host.send({ type: 'runEnded', runId, state });
    await host.send({ type: 'report', runId, report: run.report, suppressible });
    await settle(host);
    await hookCall(host, 'selectTab', FINDINGS);
    return run;
  }

  type Row = { kind: string; message: string; links: string[]; suppress: { finding: string; index: string } | null };
  async function rows(list: 'Memory errors' | 'Leaks'): Promise<Row[]> {
    return host.page.evaluate(
      (label) =>
        Array.from(document.querySelectorAll(`ul.findings[aria-label="${label}"] > li`)).map((li) => {
          const button = li.querySelector<HTMLButtonElement>('button.suppress');
          return {
            kind: li.getAttribute('data-kind')!,
            message: li.querySelector('.finding-message')!.textContent!,
            links: Array.from(li.querySelectorAll('.finding-links button:not(.suppress)')).map((b) => b.textContent!),
            suppress: button ? { finding: button.dataset.finding!, index: button.dataset.index! } : null,
          };
        }),
      list,
    );
  }

  async function click(list: string, row: number, text: string | RegExp): Promise<void> {
    await host.page
      .locator(`ul.findings[aria-label="${list}"] > li`)
      .nth(row)
      .locator('.finding-links button', { hasText: text })
      .first()
      .click();
    await settle(host);
  }

  it('each memory error names its access as the report does, with its step and lines as links', async () => {
    const run = await show('examples/error-out-of-bounds.lmm.ts', 'oob');
    const errors = run.report.errors;
    const shown = await rows('Memory errors');
    assert.equal(shown.length, errors.length);
    shown.forEach((row, i) => assert.equal(row.message, errors[i]!.message));
    // The write past the end: memcheck's words, the size, the field and the offset from the block.
    const write = shown.findIndex((row) => row.message.startsWith('Invalid write of size 8'));
    assert.ok(write >= 0, `an invalid write among ${shown.map((r) => r.message).join(' | ')}`);
    assert.match(shown[write]!.message, /field `course`, 0 bytes after the end of a 48-byte block of 2 × grade_t/);
    const error = errors[write]!;
    assert.deepEqual(shown[write]!.links, [
      `step ${error.step!}`,
      `at error-out-of-bounds.lmm.ts:${error.site.line}`,
      `allocated at error-out-of-bounds.lmm.ts:${error.allocSite!.line}`,
    ]);

    // The step link moves the timeline to the step of the error; the line link opens it.
    await hookCall(host, 'setStepNow', 0);
    await click('Memory errors', write, /^step /);
    assert.equal(error.step, error.event! + 1, 'the report names the step; `event` is its index');
    assert.equal(await hookValue<number>(host, 'step'), error.event, 'the timeline index of that step');
    await click('Memory errors', write, /^at /);
    const opened = (await postedOfType(host, 'openSource')).pop();
    assert.deepEqual(opened, { type: 'openSource', runId: 'oob', site: error.site });
    assertNoProblems(host);
  });

  it("an error's block allocated four calls deep links each frame of its allocation stack", async () => {
    const run = await show('test/fixtures/ported/errs1.lmm.ts', 'errs1');
    const error = run.report.errors[0]!;
    assert.equal(error.allocStack!.length, 5, 'XCALLOC in zzzzzzz, called from yyy, xxx, www and main');
    const shown = await rows('Memory errors');
    const frames = error.allocStack!.map((s, i) => `${i === 0 ? 'allocated at' : 'by'} errs1.lmm.ts:${s.line}`);
    assert.deepEqual(shown[0]!.links.slice(-frames.length), frames);
    assertNoProblems(host);
  });

  it('a use after free names the line that freed the block', async () => {
    const run = await show('examples/error-use-after-free.lmm.ts', 'uaf');
    const error = run.report.errors.findIndex((e) => e.freeSite !== undefined);
    assert.ok(error >= 0, 'the report names a free site');
    const shown = await rows('Memory errors');
    assert.ok(
      shown[error]!.links.includes(`freed at error-use-after-free.lmm.ts:${run.report.errors[error]!.freeSite!.line}`),
      shown[error]!.links.join(' | '),
    );
    assert.match(shown[error]!.message, /write|read/i);
  });

  it('Suppress on an error row posts one message naming it; a second click and a redraw add nothing', async () => {
    await show('examples/error-out-of-bounds.lmm.ts', 'oob-2');
    const before = (await postedOfType(host, 'suppressFinding')).length;
    await click('Memory errors', 1, 'Suppress');
    const button = host.page.locator('ul.findings[aria-label="Memory errors"] > li').nth(1).locator('button.suppress');
    assert.equal(await button.isDisabled(), true);
    assert.equal(await button.textContent(), 'Suppression requested');
    await button.click({ force: true });
    // A step change redraws the panels: the row still says what was asked.
    await hookCall(host, 'setStepNow', 0);
    await hookCall(host, 'selectTab', FINDINGS);
    assert.equal(
      await host.page.locator('ul.findings[aria-label="Memory errors"] > li').nth(1).locator('button.suppress').isDisabled(),
      true,
    );
    const posted = (await postedOfType(host, 'suppressFinding')).slice(before);
    assert.deepEqual(posted, [{ type: 'suppressFinding', runId: 'oob-2', finding: 'error', index: 1 }]);
    // What the webview posted is what the host's validator accepts, as it is.
    assert.deepEqual(parseWebviewToHost(posted[0]), { ok: true, message: posted[0] });
  });

  it('leak rows: kind, struct, payload and the allocating line; Suppress names the leak record, a suppressed one has none', async () => {
    const run = await show('examples/leak-indirectly-lost.lmm.ts', 'leaks', (report) => {
      report.leaks![report.leaks!.length - 1]!.suppressed = true;
    });
    const leaks = run.report.leaks;
    assert.ok(leaks.length >= 2, 'the example reports two leak records or more');
    const shown = await rows('Leaks');
    assert.equal(shown.length, leaks.length);
    shown.forEach((row, i) => {
      const leak = leaks[i]!;
      assert.equal(row.kind, leak.kind);
      assert.match(
        row.message,
        new RegExp(`^${leak.struct}: ${leak.blocks} blocks?, ${leak.bytes.toLocaleString('en-US')} B of payload$`),
      );
      assert.ok(row.links.includes(`allocated at leak-indirectly-lost.lmm.ts:${leak.site.line}`), row.links.join(' | '));
      if (i === leaks.length - 1) assert.equal(row.suppress, null, 'a suppressed record offers no Suppress');
      else assert.deepEqual(row.suppress, { finding: 'leak', index: String(i) });
    });
    const before = (await postedOfType(host, 'suppressFinding')).length;
    await click('Leaks', 0, 'Suppress');
    assert.deepEqual((await postedOfType(host, 'suppressFinding')).slice(before), [
      { type: 'suppressFinding', runId: 'leaks', finding: 'leak', index: 0 },
    ]);
  });

  it('“show a block” on a leak row selects its first block at the end of the run, in the Block panel with its retainers', async () => {
    const run = await show('examples/leak-still-reachable.lmm.ts', 'reach');
    const index = run.report.leaks.findIndex((l) => l.struct === 'option_t');
    const address = run.report.leaks[index]!.addresses![0]!;
    await hookCall(host, 'setStepNow', 0);
    await click('Leaks', index, 'show a block');
    assert.equal(await hookValue<number>(host, 'step'), (await hookValue<number>(host, 'length')) - 1);
    assert.equal(await hookValue<number>(host, 'selection'), address - 48);
    await host.page.waitForSelector('.retainer-chain li');
    assert.match(await host.page.locator('.retainers').innerText(), /Reachable from a root/);
  });

  it('a trace’s findings (not suppressible) list no Suppress, and say why', async () => {
    await show('examples/leak-definitely-lost.lmm.ts', 'trace-like', undefined, false);
    const shown = await rows('Leaks');
    assert.ok(shown.length > 0);
    assert.ok(shown.every((row) => row.suppress === null));
    assert.match(await host.page.locator('.side-panel[aria-label="Leaks & errors"]').innerText(), /cannot be suppressed/);
  });

  it('a run that failed with its heap: its leaks are the check when it stopped, at its last step, never "No leak record"', async () => {
    const run = await show('examples/leak-definitely-lost.lmm.ts', 'timed-out', (report) => (report.leaks = []), true, 'failed');
    const panel = await host.page.locator('.side-panel[aria-label="Leaks & errors"]').innerText();
    const steps = run.batches.reduce((n, b) => n + b.count, 0).toLocaleString('en-US');
    assert.match(panel, new RegExp(`Leaks when the run stopped, at step ${steps} \\(0 records\\)`));
    assert.match(panel, /No end-of-run leak check ran: the run failed before its end\. No block was lost when it stopped\./);
    assert.doesNotMatch(panel, /No leak record|at the end of the run/);
    // The host sent no check (the run made none it could report): the Leaked chart says none ran, not "yet".
    await host.page.waitForFunction(
      () => (window as unknown as { lmmMemoryMap: { chartTitles: unknown[] } }).lmmMemoryMap.chartTitles.length === 6,
    );
    const titles = await hookValue<Array<{ full: string }>>(host, 'chartTitles');
    assert.equal(titles[5]!.full, 'Leaked bytes at leak checks: no leak check ran');
    // The host then puts the check made when the run stopped at its last step: the header names it so.
    const last = run.batches.reduce((n, b) => n + b.count, 0) - 1;
    await host.send({
      type: 'leakCheck',
      runId: 'timed-out',
      step: last,
      leaks: [{ kind: 'definitely-lost', blocks: 2, bytes: 64 }],
    });
    await settle(host);
    assert.match(
      await host.page.locator('.run-totals').innerText(),
      new RegExp(` · 2 blocks leaked when the run stopped \\(step ${steps}; no end-of-run check ran\\)`),
    );
  });

  it('a trace with no leak records says a trace has no leak check, not "No leak record"', async () => {
    await show('examples/leak-definitely-lost.lmm.ts', 'trace-none', (report) => (report.leaks = []), false);
    const panel = await host.page.locator('.side-panel[aria-label="Leaks & errors"]').innerText();
    assert.match(panel, /A trace has no pointers to follow: no leak check\./);
    assert.doesNotMatch(panel, /No leak record/);
  });

  it('in a narrow panel the side tabs wrap: every tab, Leaks & errors the last, can be seen and clicked', async () => {
    const narrow = await openFakeHost({ width: 640, height: 700, browser: browser! });
    try {
      const run = await recordHarness('examples/error-out-of-bounds.lmm.ts');
      await showRun(narrow, run.batches, { runId: 'narrow', sites: run.sites, report: run.report });
      const boxes = await narrow.page.evaluate(() => {
        const tabs = document.querySelector('vscode-tabs')!.getBoundingClientRect();
        return {
          right: tabs.right,
          headers: Array.from(document.querySelectorAll('vscode-tab-header')).map((h) => {
            const r = h.getBoundingClientRect();
            return { text: h.textContent!, left: r.left, right: r.right, width: r.width };
          }),
        };
      });
      for (const header of boxes.headers) {
        assert.ok(
          header.width > 0 && header.right <= boxes.right + 1,
          `${header.text} ends at ${header.right}, the tabs at ${boxes.right}`,
        );
      }
      await narrow.page.locator('vscode-tab-header', { hasText: 'Leaks & errors' }).click();
      await narrow.page.locator('ul.findings[aria-label="Memory errors"] > li').first().waitFor();
      assertNoProblems(narrow);
    } finally {
      await narrow.page.close();
    }
  });

  it('the host refuses a Suppress message that is not exactly a finding’s list and place', () => {
    for (const bad of [
      { type: 'suppressFinding', runId: 'r', finding: 'hint', index: 0 },
      { type: 'suppressFinding', runId: 'r', finding: 'leak', index: -1 },
      { type: 'suppressFinding', runId: 'r', finding: 'leak', index: 1.5 },
      { type: 'suppressFinding', runId: 'r', finding: 'leak' },
      { type: 'suppressFinding', finding: 'leak', index: 0 },
    ]) {
      assert.equal(parseWebviewToHost(bad).ok, false, JSON.stringify(bad));
    }
  });
});
