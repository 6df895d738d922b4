/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * The Leaks & errors tab during a run: the memory errors the worker reports while the harness goes
 * on reach the tab through the host's own feed (as they reach the Problems panel), before any
 * report; the report's list replaces them; a stop that left no report keeps them; a malformed
 * update is refused and changes nothing.
 */
import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import { runHarness } from '../../src/harness/runHarness';
import type { HeapOpBatch } from '../../src/engine/heapOps';
import { HeapReplay } from '../../src/extension/model/heapReplay';
import { MemoryMapFeed } from '../../src/extension/model/memoryMapFeed';
import { RunStore, type RunState } from '../../src/extension/model/runState';
import { asInterimErrors, asReport, type InterimErrors, type LmmReport } from '../../src/protocol/runReportSchema';
import { openFakeHost, type FakeHost } from '../support/webviewFakeHost';
import { lmm } from '../support/lmmCli';
import { assertNoProblems, hookCall, settle } from '../support/webviewRun';

const FINDINGS = 6;
const HARNESS = 'examples/error-out-of-bounds.lmm.ts';

interface RecordedRun {
  batches: HeapOpBatch[];
  sites: RunState['sites'];
  /** Each update the worker sent while the harness ran, validated as the extension validates it. */
  updates: InterimErrors[];
  report: LmmReport;
}

async function recordWithErrors(file: string): Promise<RecordedRun> {
  const batches: HeapOpBatch[] = [];
  const updates: InterimErrors[] = [];
  let sites: RunState['sites'] = [];
  const handle = runHarness(file, {
    onBatch: (batch) => {
      batches.push(batch.ops);
      sites = [...batch.sites];
    },
    onMemoryErrors: (errors) => updates.push(asInterimErrors(errors)),
  });
  const result = await handle.result;
  assert.equal(result.outcome, 'completed', `${file} runs to the end`);
  const cli = await lmm('run', file, '--json');
  return { batches, sites, updates, report: asReport(JSON.parse(cli.stdout)) };
}

describe('Leaks & errors tab while a run goes on (headless Chromium)', function () {
  this.timeout(90000);
  let browser: Browser | undefined;
  let host: FakeHost;
  let recorded: RecordedRun;

  before(async () => {
    host = await openFakeHost();
    browser = host.browser;
    recorded = await recordWithErrors(HARNESS);
    assert.ok(recorded.updates.length > 0, 'the worker reported memory errors while the harness ran');
  });
  after(async () => {
    await browser?.close();
  });

  /** A live run in the host's model, fed to the webview through the host's feed, as the panel does. */
  function liveRun(): { run: RunState; store: RunStore; feed: MemoryMapFeed; send: () => Promise<void> } {
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1_000_000 });
    const run = store.begin({ kind: 'harness', file: HARNESS, label: 'error-out-of-bounds.lmm.ts', replay, sites: [] });
    run.sites.push(...recorded.sites);
    for (const batch of recorded.batches) replay.apply(batch);
    const feed = new MemoryMapFeed();
    const send = async () => {
      for (const message of feed.update(run)) await host.send(message);
      await host.page.waitForFunction(
        () => !(window as unknown as { lmmMemoryMap: { ingesting: boolean } }).lmmMemoryMap.ingesting,
      );
      await settle(host);
      await hookCall(host, 'selectTab', FINDINGS);
    };
    return { run, store, feed, send };
  }

  const tab = () => host.page.locator('.side-panel').nth(FINDINGS);
  const errorRows = () =>
    host.page.evaluate(() =>
      Array.from(document.querySelectorAll('ul.findings[aria-label="Memory errors"] > li')).map((li) => ({
        message: li.querySelector('.finding-message')!.textContent!,
        links: Array.from(li.querySelectorAll('.finding-links button')).map((b) => b.textContent!),
        suppress: li.querySelector('button.suppress') !== null,
      })),
    );

  it('lists the errors found so far, with their steps and lines, before the run has a report', async () => {
    const { run, send } = liveRun();
    await send();
    assert.match(await tab().innerText(), /come with the run report/, 'no error reported yet: nothing listed');

    const latest = recorded.updates[recorded.updates.length - 1]!;
    run.interimErrors = latest;
    await send();
    const text = await tab().innerText();
    assert.match(text, new RegExp(`Memory errors so far, run in progress \\(${latest.distinct}\\)`));
    const rows = await errorRows();
    assert.deepEqual(
      rows.map((r) => r.message),
      latest.errors.map((e) => e.message),
    );
    const first = latest.errors[0]!;
    assert.equal(first.step, first.event! + 1, 'the run names the step; `event` is its index');
    assert.ok(rows[0]!.links.includes(`step ${first.step}`), rows[0]!.links.join(' | '));
    assert.ok(
      rows[0]!.links.some((l) => l.startsWith(`at error-out-of-bounds.lmm.ts:${first.site.line}`)),
      rows[0]!.links.join(' | '),
    );
    assert.ok(
      rows.every((r) => !r.suppress),
      'no Suppress before the report: an entry is built from the report',
    );
    assert.match(text, new RegExp(`${latest.occurrences} occurrences? in all`));
    assertNoProblems(host);
  });

  it('redraws when more errors come, and the report’s list replaces them at the end', async () => {
    const { run, store, send } = liveRun();
    const fewer: InterimErrors = { ...recorded.updates[0]!, errors: recorded.updates[0]!.errors.slice(0, 1), distinct: 1 };
    run.interimErrors = fewer;
    await send();
    assert.equal((await errorRows()).length, 1);
    run.interimErrors = recorded.updates[recorded.updates.length - 1]!;
    await send();
    assert.equal((await errorRows()).length, run.interimErrors.errors.length);

    await store.end(run, 'finished', { report: recorded.report });
    await send();
    const text = await tab().innerText();
    assert.match(text, new RegExp(`Memory errors \\(${recorded.report.errors.length}\\)`));
    assert.doesNotMatch(text, /so far/);
    const rows = await errorRows();
    assert.deepEqual(
      rows.map((r) => r.message),
      recorded.report.errors.map((e) => e.message),
    );
    assert.ok(
      rows.some((r) => r.suppress),
      'the report’s rows can be suppressed',
    );
  });

  it('keeps the errors of a run stopped before its report, and says they are from before the end', async () => {
    const { run, store, send } = liveRun();
    run.interimErrors = recorded.updates[recorded.updates.length - 1]!;
    await send();
    await store.end(run, 'stopped', { message: 'stopped by request' });
    await send();
    assert.match(await tab().innerText(), /Memory errors before the run ended/);
    assert.equal((await errorRows()).length, run.interimErrors.errors.length);
  });

  it('says how many of how many it lists when the worker posted only the first records', async () => {
    const { run, send } = liveRun();
    const latest = recorded.updates[recorded.updates.length - 1]!;
    run.interimErrors = { ...latest, distinct: latest.errors.length + 1500, occurrences: latest.occurrences + 9000 };
    await send();
    const text = await tab().innerText();
    assert.match(text, new RegExp(`\\(${latest.errors.length} of ${(latest.errors.length + 1500).toLocaleString('en-US')}\\)`));
    assert.match(text, /… 1,500 more/);
  });

  it('refuses a malformed update and keeps the list it had', async () => {
    const { run, send } = liveRun();
    run.interimErrors = recorded.updates[recorded.updates.length - 1]!;
    await send();
    const before = await errorRows();
    const runId = `run-${run.id}`;
    const posted = async () => (await host.posted()).filter((m) => m.type === 'webviewError').length;
    const errorsBefore = await posted();
    await host.send({
      type: 'memoryErrors',
      runId,
      errors: [{ kind: 'double-free', message: 'x', count: 0 }],
      occurrences: 1,
      distinct: 1,
    });
    await host.send({ type: 'memoryErrors', runId, errors: 'none', occurrences: 1, distinct: 1 });
    await host.send({
      type: 'memoryErrors',
      runId,
      errors: [{ kind: 'double-free', message: 'x', count: 1, site: { file: 3 } }],
      occurrences: 1,
      distinct: 1,
    });
    await settle(host);
    assert.equal((await posted()) - errorsBefore, 3, 'each malformed update is reported to the host');
    assert.deepEqual(await errorRows(), before);
  });
});
