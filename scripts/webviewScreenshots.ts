/**
 * README screenshots of the Memory Map's views (`npx tsx scripts/webviewScreenshots.ts`, after
 * `npm run build`): runs an example harness as `LMM: Run Harness` does, sends the run and its
 * report (`lmm run --json`) to the webview in headless Chromium (the tests' fake host) and writes
 * PNGs to media/screenshots/. Check them by eye: they are what the README promises.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HeapOpBatch } from '../src/engine/heapOps';
import { runHarness } from '../src/harness/runHarness';
import type { RunReportJson, SourceSite } from '../src/protocol/webviewMessages';
import { openFakeHost, type FakeHost } from '../test/support/webviewFakeHost';

const OUT = resolve(__dirname, '../media/screenshots');
const HARNESS = process.argv[2] ?? 'examples/hash-table.lmm.ts';

async function record(file: string): Promise<{ batches: HeapOpBatch[]; sites: SourceSite[]; report: RunReportJson }> {
  const batches: HeapOpBatch[] = [];
  let sites: readonly SourceSite[] = [];
  const handle = runHarness(file, {
    onBatch: (batch) => {
      batches.push(batch.ops);
      sites = batch.sites;
    },
  });
  await handle.result;
  const json = execFileSync(process.execPath, ['bin/lmm.js', 'run', file, '--json'], { encoding: 'utf8' });
  return { batches, sites: [...sites], report: JSON.parse(json) as RunReportJson };
}

async function show(host: FakeHost, run: Awaited<ReturnType<typeof record>>, title: string): Promise<void> {
  const runId = 'screenshots';
  await host.send({ type: 'settings', structColors: {} });
  await host.send({ type: 'runStarted', runId, pageSize: 4096, title, live: false });
  await host.send({ type: 'sites', runId, firstId: 0, sites: run.sites });
  for (const batch of run.batches) await host.send({ type: 'heapOps', runId, batch });
  await host.send({ type: 'runEnded', runId, state: 'finished' });
  await host.send({ type: 'report', runId, report: run.report });
  const steps = run.batches.reduce((n, b) => n + b.count, 0);
  await host.page.waitForFunction((n) => {
    const hook = (window as unknown as { lmmMemoryMap: { length: number; ingesting: boolean } }).lmmMemoryMap;
    return hook.length === n && !hook.ingesting;
  }, steps);
  await host.page.waitForTimeout(300);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const run = await record(HARNESS);
  const host = await openFakeHost({ width: 1400, height: 900 });
  const hook = <T>(body: string): Promise<T> =>
    host.page.evaluate((b) => {
      const h = (window as unknown as { lmmMemoryMap: Record<string, (...a: unknown[]) => unknown> }).lmmMemoryMap;
      const [name, ...args] = JSON.parse(b) as [string, ...unknown[]];
      return h[name]!(...args);
    }, body) as Promise<T>;
  await show(host, run, HARNESS.split('/').pop()!);
  // At the peak: the most to see.
  await hook(JSON.stringify(['setStepNow', run.report.peak?.event ?? 0]));
  const shots = process.env.LMM_SCREENSHOTS?.split(',') ?? ['zoom', 'charts', 'questions'];
  if (shots.includes('zoom')) {
    await host.page.evaluate(() => {
      (window as unknown as { lmmMemoryMap: { zoom: number } }).lmmMemoryMap.zoom = 5;
    });
    await host.page.waitForTimeout(200);
    await host.page.screenshot({ path: `${OUT}/memory-map-zoomed.png` });
    await host.page.evaluate(() => {
      (window as unknown as { lmmMemoryMap: { zoom: number } }).lmmMemoryMap.zoom = 1;
    });
  }
  if (shots.includes('charts')) {
    const box = (await host.page.locator('.charts canvas').boundingBox())!;
    await host.page.mouse.move(box.x + 60 + (box.width / 3 - 60) * 0.6, box.y + 40);
    await host.page.waitForTimeout(200);
    await host.page.locator('.charts-area').screenshot({ path: `${OUT}/charts.png` });
  }
  const peak = run.report.peak?.event ?? 0;
  if (shots.includes('questions')) {
    await hook(JSON.stringify(['selectTab', 4]));
    await host.page.waitForTimeout(200);
    await host.page.locator('.side-tabs').screenshot({ path: `${OUT}/call-tree.png` });
    await hook(JSON.stringify(['selectTab', 5]));
    await hook(JSON.stringify(['compare', Math.floor(peak / 2), peak]));
    await host.page.waitForTimeout(200);
    await host.page.screenshot({ path: `${OUT}/compare-steps.png`, clip: { x: 0, y: 0, width: 1400, height: 560 } });
    const leaked = (run.report.leaks ?? []).find((l) => l.kind === 'definitely-lost') as { addresses?: number[] } | undefined;
    if (leaked?.addresses?.[0] !== undefined) {
      await hook(JSON.stringify(['selectTab', 0]));
      await host.send({ type: 'revealBlock', runId: 'screenshots', address: leaked.addresses[0] });
      await host.page.waitForSelector('.retainers');
      await host.page.waitForTimeout(200);
      await host.page.locator('.side-tabs').screenshot({ path: `${OUT}/retainers.png` });
    }
  }
  await host.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
