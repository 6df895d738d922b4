/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * Helpers for the webview tier's tests of single views: record a run with the engine, send it to
 * the Memory Map in a fake host (webviewFakeHost), wait for it to be drawn, read pixels and CSS
 * colours, and reach the test hook (`window.lmmMemoryMap`).
 */
import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../src/engine/heapOps';
import { LmmHeap } from '../../src/engine/lmmHeap';
import type { LmmReport } from '../../src/protocol/runReportSchema';
import type { RunReportJson, SourceSite, WebviewToHostMessage } from '../../src/protocol/webviewMessages';
import { runHarness } from '../../src/harness/runHarness';
import { lmm } from './lmmCli';
import type { FakeHost } from './webviewFakeHost';

/** Records engine operations as the harness runtime would (one site id per step). */
export class RunRecorder {
  readonly heap = new LmmHeap();
  readonly recorder = new HeapOpRecorder();
  steps = 0;
  /** Application memory (payload + meta data of live blocks) after each step. */
  readonly appMemory: number[] = [];

  private stepped(): void {
    this.steps++;
    let total = 0;
    for (const family of this.heap.families) total += family.counters.appMemory;
    this.appMemory.push(total);
  }

  register(name: string, size: number, site = 0): number {
    const id = this.heap.register(name, size);
    this.recorder.record(HeapOpKind.Register, size, 0, id, site, name);
    this.stepped();
    return id;
  }

  alloc(family: number, units: number, site: number): number {
    const address = this.heap.xcalloc(family, units);
    this.recorder.record(HeapOpKind.Alloc, family, units, address, site);
    this.stepped();
    return address;
  }

  free(address: number, site: number): void {
    this.recorder.record(HeapOpKind.Free, address, 0, this.heap.xfree(address) ? 1 : 0, site);
    this.stepped();
  }

  batches(): HeapOpBatch[] {
    const batch = this.recorder.flush();
    return batch ? [batch] : [];
  }
}

export function sites(count: number, file = '/ws/students.lmm.ts'): SourceSite[] {
  return Array.from({ length: count }, (_, i) => ({ file, line: 10 + i, column: 3 }));
}

/** Sends a finished run and waits until the webview has replayed and drawn all of it. */
export async function showRun(
  host: FakeHost,
  batches: HeapOpBatch[],
  options: { runId?: string; sites?: SourceSite[]; report?: RunReportJson } = {},
): Promise<void> {
  const runId = options.runId ?? 'run-1';
  await host.send({ type: 'settings', structColors: {} });
  await host.send({ type: 'runStarted', runId, pageSize: 4096, title: 'students.lmm.ts', live: false });
  await host.send({ type: 'sites', runId, firstId: 0, sites: options.sites ?? sites(8) });
  for (const batch of batches) await host.send({ type: 'heapOps', runId, batch });
  if (options.report) await host.send({ type: 'report', runId, report: options.report });
  const steps = batches.reduce((n, b) => n + b.count, 0);
  await host.page.waitForFunction((n) => {
    const hook = (window as unknown as { lmmMemoryMap: { length: number; ingesting: boolean; step: number } }).lmmMemoryMap;
    return hook.length === n && !hook.ingesting && hook.step === n - 1;
  }, steps);
  await settle(host);
}

/** Waits two frames (a queued render has run). */
export async function settle(host: FakeHost): Promise<void> {
  await host.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
}

/**
 * Waits until the webview has replayed what it was sent and finished its idle work (the stacked
 * charts catching up with the run, which can change the panel's layout and so the map's size),
 * then for two frames: a picture taken after this is one no later work will redraw.
 */
export async function settleIdle(host: FakeHost): Promise<void> {
  await host.page.waitForFunction(
    () => {
      const hook = (window as unknown as { lmmMemoryMap: { ingesting: boolean; idleWorkLeft: boolean } }).lmmMemoryMap;
      return !hook.ingesting && !hook.idleWorkLeft;
    },
    undefined,
    { timeout: 20000 },
  );
  await settle(host);
}

/** A property of the test hook (`window.lmmMemoryMap[name]`), copied out of the page. */
export async function hookValue<T>(host: FakeHost, name: string): Promise<T> {
  return host.page.evaluate(
    (n) => (window as unknown as { lmmMemoryMap: Record<string, unknown> }).lmmMemoryMap[n],
    name,
  ) as Promise<T>;
}

/** Calls method `name` of the test hook with `args` (JSON values) and returns its result. */
export async function hookCall<T>(host: FakeHost, name: string, ...args: unknown[]): Promise<T> {
  return host.page.evaluate(
    ([n, a]) => {
      const hook = (window as unknown as { lmmMemoryMap: Record<string, (...args: unknown[]) => unknown> }).lmmMemoryMap;
      return hook[n as string]!(...(a as unknown[]));
    },
    [name, args] as [string, unknown[]],
  ) as Promise<T>;
}

/** Sets property `name` of the test hook. */
export async function hookSet(host: FakeHost, name: string, value: unknown): Promise<void> {
  await host.page.evaluate(
    ([n, v]) => {
      (window as unknown as { lmmMemoryMap: Record<string, unknown> }).lmmMemoryMap[n as string] = v;
    },
    [name, value] as [string, unknown],
  );
}

/** The RGB of canvas `selector` at viewport (x, y). */
export async function pixelAt(host: FakeHost, selector: string, x: number, y: number): Promise<[number, number, number]> {
  return host.page.evaluate(
    ([sel, px, py]) => {
      const canvas = document.querySelector(sel as string) as HTMLCanvasElement;
      const box = canvas.getBoundingClientRect();
      const ratio = canvas.width / box.width;
      const data = canvas
        .getContext('2d')!
        .getImageData(Math.floor(((px as number) - box.left) * ratio), Math.floor(((py as number) - box.top) * ratio), 1, 1).data;
      return [data[0]!, data[1]!, data[2]!] as [number, number, number];
    },
    [selector, x, y] as [string, number, number],
  );
}

/** A `--lmm-*` custom property as the RGB the canvas draws. */
export async function cssColor(host: FakeHost, property: string): Promise<[number, number, number]> {
  return host.page.evaluate((name) => {
    const probe = document.createElement('div');
    probe.style.color = getComputedStyle(document.body).getPropertyValue(name).trim();
    document.body.append(probe);
    const rgb = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
    probe.remove();
    return [rgb[0]!, rgb[1]!, rgb[2]!] as [number, number, number];
  }, property);
}

export async function postedOfType<T extends WebviewToHostMessage['type']>(
  host: FakeHost,
  type: T,
): Promise<Array<Extract<WebviewToHostMessage, { type: T }>>> {
  return (await host.posted()).filter((m) => m.type === type) as Array<Extract<WebviewToHostMessage, { type: T }>>;
}

export function assertNoProblems(host: FakeHost): void {
  assert.deepEqual(host.problems, [], 'no page errors or CSP violations');
}

/** A harness run as the extension records it (operation batches and sites) plus its `lmm run --json` report. */
export async function recordHarness(
  file: string,
): Promise<{ batches: HeapOpBatch[]; sites: SourceSite[]; report: LmmReport & RunReportJson }> {
  const batches: HeapOpBatch[] = [];
  let siteTable: readonly SourceSite[] = [];
  const handle = runHarness(file, {
    onBatch: (batch) => {
      batches.push(batch.ops);
      siteTable = batch.sites;
    },
  });
  const result = await handle.result;
  assert.equal(result.outcome, 'completed', `${file} runs to the end`);
  const cli = await lmm('run', file, '--json');
  return { batches, sites: [...siteTable], report: JSON.parse(cli.stdout) as LmmReport & RunReportJson };
}
