/**
 * `npm run bench:extension:vscode`: a live run as a person meets it, in a real VS Code (code-server
 * with the packaged extension, driven in headless Chromium like the UI tests). While a harness
 * allocates and frees in a tight endless loop it measures
 *   (a) typing in an editor: key press to the character in the editor's DOM, per key;
 *   (b) how often the status bar and the Page Families header (the step its rows show) change;
 *   (c) LMM: Check Leaks Now: Enter in the palette to the check's row in the Leaks view;
 *   (d) LMM: Stop Run: Enter to the status bar saying "stopped";
 * and (e) a 210,000-allocation harness, Enter on LMM: Run Harness to the status bar saying it
 * finished, against `lmm run` of the same file (wall time, compile included in both).
 *
 *   npm run bench:extension:vscode          LMM_E2E_CACHE=folder shares code-server's install
 *   LMM_E2E_VSIX=file.vsix                   skips packaging; LMM_BENCH_RUNS=n (default 3)
 *   LMM_BENCH_PROBE=1                        places the status bar's longest stalls: the extension
 *                                            host's event loop and collector (LMM_HOST_PROBE) and
 *                                            the browser's long tasks, over each stall
 *   LMM_HOST_PROFILE=folder                  the extension host writes a CPU profile of each run there
 *                                            (host-<n>.cpuprofile, from Run Harness to the run's views settled)
 *   LMM_BENCH_MAP=closed                     closes the Memory Map before the loop's measurements
 *   LMM_BENCH_MAP=blank | markdown           keeps the map open with its document hidden, or shows
 *                                            a static webview (a Markdown preview) in its place
 *   LMM_BENCH_MAP_HIDE=selector              hides only those elements of the map (e.g. canvas)
 *   LMM_BENCH_GPU_TRACE=1                    traces the whole browser while typing during the loop
 *                                            (viz, cc, gpu): frames drawn a second by each process
 *   LMM_BENCH_PROFILE=1                      the browser's main-thread JavaScript (workbench and
 *                                            webview frames) profiled while typing during the loop
 *                                            and over the first 210,000-allocation run: the top
 *                                            functions by self time
 *   LMM_BENCH_TRACE=1                        the same stretches traced (Chromium's timeline events):
 *                                            each renderer main thread's time split by frame
 *                                            (workbench, Memory Map) and by kind (script, style,
 *                                            layout, paint, ...), which the profile leaves as "(program)"
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../test/vscode-host/codeServer';
import { packageExtension } from '../test/vscode-host/vsix';
import { Workbench } from '../test/e2e/ui/workbench';
import { cpuShare, formatCpuShare, readCpu } from './processCpu';

const runs = Number(process.env.LMM_BENCH_RUNS ?? 3);
const probeFile = process.env.LMM_BENCH_PROBE ? path.join(projectRoot, 'test/artifacts/bench-host-probe.jsonl') : undefined;
/**
 * What stands beside the notes during the loop: the Memory Map (default), nothing (`closed`), the
 * map with its document hidden (`blank`: it still takes its messages in and draws, nothing of it
 * is on screen), or a static webview of the same size instead of the map (`markdown`: VS Code's
 * Markdown preview of a small file), to tell the map's own drawing from a webview's mere presence.
 */
const mapMode = process.env.LMM_BENCH_MAP ?? 'open';
const mapClosed = mapMode === 'closed' || mapMode === 'markdown';
const gpuTracing = Boolean(process.env.LMM_BENCH_GPU_TRACE);
const profiling = Boolean(process.env.LMM_BENCH_PROFILE);
const tracing = Boolean(process.env.LMM_BENCH_TRACE);
const keysTyped = 60;
const tightLoop = 'tight-loop.lmm.ts';
const allocations = 'allocations-210k.lmm.ts';
const allocationsSource = `import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC, mm_register_root } from 'lmm-studio';
@struct class node_t { @u32 key!: number; @ptr(() => node_t) next!: node_t | null; }
export default function main() {
  MM_REG_STRUCT(node_t);
  const head = XCALLOC(1, node_t)!;
  mm_register_root(head);
  for (let i = 1; i < 210_000; i++) { const n = XCALLOC(1, node_t)!; n.key = i; n.next = head.next; head.next = n; }
}
`;

const progress = (what: string) => process.stderr.write(`[bench] ${what}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
/** The value under which a fraction `p` of `values` lie (nearest rank). */
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)] ?? NaN;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** In the page: records every change of the LMM status bar item and of the Page Families header. */
function installRecorder(): void {
  type Change = { t: number; text: string };
  const w = window as unknown as {
    __lmmChanges: { status: Change[]; header: Change[] };
    __longTasks: { t: number; ms: number; where: string }[];
  };
  w.__lmmChanges = { status: [], header: [] };
  w.__longTasks = [];
  // The browser's main thread runs the workbench and, same origin, the Memory Map's frame.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const attribution = (entry as unknown as { attribution?: { containerType?: string; containerSrc?: string }[] })
        .attribution?.[0];
      const where = attribution?.containerType === 'window' || !attribution ? 'workbench' : `${attribution.containerType}`;
      w.__longTasks.push({ t: entry.startTime, ms: entry.duration, where });
    }
  }).observe({ type: 'longtask', buffered: true });
  const statusText = () =>
    Array.from(document.querySelectorAll('.statusbar-item')).find((item) => /\bLMM\b/.test(item.textContent ?? ''))
      ?.textContent ?? '';
  const headerText = () => {
    const header = Array.from(document.querySelectorAll('.pane-header')).find((h) => h.textContent?.includes('Page Families'));
    return header?.querySelector('.description')?.textContent ?? '';
  };
  const observe = (list: Change[], read: () => string) => {
    let last = read();
    return () => {
      const text = read();
      if (text !== last) list.push({ t: performance.now(), text: (last = text) });
    };
  };
  const onStatus = observe(w.__lmmChanges.status, statusText);
  const onHeader = observe(w.__lmmChanges.header, headerText);
  new MutationObserver(() => {
    onStatus();
    onHeader();
  }).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['aria-label'],
  });
}

/** In the page: resolves with the wall-clock time at which the active editor's text next changes. */
function armKeyTimer(): void {
  const w = window as unknown as { __keyLatency: Promise<number> };
  const text = () =>
    document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ??
    document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent ??
    '';
  const before = text();
  w.__keyLatency = new Promise((resolve) => {
    // The whole document is watched: the editor may re-create its line elements. Date.now() is
    // the wall clock the bench reads when it sends the key (VS Code's own key handlers may stop
    // a listener of ours from seeing the key down).
    // In a trace (LMM_BENCH_TRACE=1) these marks bound each key, to say what a slow one waited for.
    performance.mark('lmm-key-sent');
    const observer = new MutationObserver(() => {
      if (text() === before) return;
      observer.disconnect();
      performance.mark('lmm-key-shown');
      resolve(Date.now());
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function statusBarText(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      Array.from(document.querySelectorAll('.statusbar-item')).find((item) => /\bLMM\b/.test(item.textContent ?? ''))
        ?.textContent ?? '',
  );
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Opens the palette on `title`, then returns the time from Enter to `done()` holding. */
async function timedCommand(workbench: Workbench, title: string, done: () => Promise<boolean>, timeoutMs = 60_000) {
  const page = workbench.page;
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  const asked = performance.now();
  enteredAt = await page.evaluate(() => performance.now());
  await page.keyboard.press('Enter');
  await waitUntil(title, async () => ((await done()) ? true : undefined), timeoutMs);
  return performance.now() - asked;
}

/** The page's clock when the last timed command's Enter was pressed. */
let enteredAt = 0;

/** Types `count` characters into the active editor; each key's latency in ms. */
async function typeKeys(page: Page, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    await page.evaluate(armKeyTimer);
    const sent = Date.now();
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)));
    const shown = await page.evaluate(() =>
      Promise.race([
        (window as unknown as { __keyLatency: Promise<number> }).__keyLatency,
        new Promise<number>((resolve) => setTimeout(() => resolve(NaN), 5000)),
      ]),
    );
    if (Number.isNaN(shown)) throw new Error(`key ${i + 1}: the character did not show in the editor within 5 s`);
    latencies.push(shown - sent);
    await page.waitForTimeout(20);
  }
  return latencies;
}

/** The longest time between changes of one recorded text from `from` to `to` (page clock). */
function longestGap(changes: { t: number }[], from: number, to: number): number {
  let last = from;
  let longest = 0;
  for (const { t } of changes) {
    if (t < from || t > to) continue;
    longest = Math.max(longest, t - last);
    last = t;
  }
  return Math.max(longest, to - last);
}

/**
 * For each of the status bar's five longest stalls (page clock): what the extension host did
 * meanwhile (its step, event loop delay, collections, JS heap: LMM_HOST_PROBE's lines) and the
 * browser's long tasks, so a stall is placed on one side or the other.
 */
async function placeStalls(page: Page, changes: { t: number }[], from: number, to: number): Promise<void> {
  const origin = await page.evaluate(() => performance.timeOrigin);
  const longTasks = await page.evaluate(
    () => (window as unknown as { __longTasks: { t: number; ms: number; where: string }[] }).__longTasks,
  );
  const lines = existsSync(probeFile!)
    ? readFileSync(probeFile!, 'utf8')
        .trim()
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as {
              t: number;
              lagMaxMs: number;
              heapUsedMb: number;
              gc: { t: number; ms: number }[];
              steps?: number;
              queued?: number;
              mapPosts?: number;
              mapWaiting?: number;
            },
        )
    : [];
  const gaps: { start: number; end: number }[] = [];
  let last = from;
  for (const { t } of changes) {
    if (t < from || t > to) continue;
    gaps.push({ start: last, end: t });
    last = t;
  }
  gaps.push({ start: last, end: to });
  gaps.sort((a, b) => b.end - b.start - (a.end - a.start));
  const marks = lines as { t: number; mark?: string }[];
  const live = lines.filter((l) => l.steps !== undefined && (l as { mark?: string }).mark === undefined);
  console.log(
    `  probe: host JS heap ${Math.min(...live.map((l) => l.heapUsedMb))}–${Math.max(...live.map((l) => l.heapUsedMb))} MB during the run; ` +
      `host event loop delay, worst ${Math.max(...live.map((l) => l.lagMaxMs))} ms; ` +
      `collections ${live.reduce((n, l) => n + l.gc.length, 0)}, longest ${Math.max(0, ...live.flatMap((l) => l.gc.map((g) => g.ms)))} ms; ` +
      `browser long tasks ${longTasks.length}, longest ${Math.max(0, ...longTasks.map((l) => l.ms)).toFixed(0)} ms`,
  );
  const longest = longTasks.filter((l) => l.ms >= 100 && l.t + l.ms >= from && l.t <= to);
  console.log(
    `  browser long tasks of 100 ms or more in the live stretch: ${longest.map((l) => `${ms(l.ms)} at +${ms(l.t - from)} (${l.where})`).join(', ') || 'none'}`,
  );
  for (const gap of gaps.slice(0, 5)) {
    const start = origin + gap.start;
    const end = origin + gap.end;
    const hostLines = live.filter((l) => l.t >= start && l.t <= end + 250);
    const steps = hostLines.map((l) => l.steps ?? 0);
    const statusSets = marks.filter((l) => l.mark === 'status' && l.t > start && l.t < end).length;
    const tasks = longTasks.filter((l) => l.t + l.ms >= gap.start && l.t <= gap.end);
    const byWhere = new Map<string, number>();
    for (const task of tasks) byWhere.set(task.where, (byWhere.get(task.where) ?? 0) + task.ms);
    console.log(
      `  stall ${ms(gap.end - gap.start)} at ${new Date(start).toISOString().slice(11, 23)}: host steps ${steps[0] ?? '?'} → ${steps[steps.length - 1] ?? '?'}, ` +
        `event loop delay worst ${Math.max(0, ...hostLines.map((l) => l.lagMaxMs))} ms, ` +
        `collections ${hostLines.reduce((n, l) => n + l.gc.reduce((m, g) => m + g.ms, 0), 0).toFixed(0)} ms, ` +
        `status set ${statusSets} times, queued ${Math.max(0, ...hostLines.map((l) => l.queued ?? 0))}, map posts ${hostLines[0]?.mapPosts ?? '?'} → ${hostLines[hostLines.length - 1]?.mapPosts ?? '?'} (waiting ${Math.max(0, ...hostLines.map((l) => l.mapWaiting ?? 0))}); ` +
        `browser long tasks ${tasks.length} (${[...byWhere].map(([w, t]) => `${w} ${t.toFixed(0)} ms`).join(', ') || 'none'})`,
    );
  }
}

/** Starts V8's sampling profiler on the page's renderer; the function it returns prints the top functions by self time. */
async function startProfile(page: Page): Promise<(what: string) => Promise<void>> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 500 });
  await session.send('Profiler.start');
  return async (what) => {
    const { profile } = await session.send('Profiler.stop');
    await session.detach();
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const selfMs = new Map<number, number>();
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000));
    const byFunction = new Map<string, number>();
    let total = 0;
    for (const [id, time] of selfMs) {
      const frame = nodes.get(id)!.callFrame;
      total += time;
      if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
      const where = frame.url ? `${frame.url.split('/').slice(-2).join('/').split('?')[0]}:${frame.lineNumber + 1}` : '';
      const key = `${frame.functionName || '(anonymous)'} ${where}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    }
    // Each sample counted for the script whose JavaScript is on its stack (a native call such as
    // postMessage or drawImage counts for its caller): the workbench, the webview's own host frame
    // (which forwards messages into the map), or the Memory Map's script.
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const ownerOf = (id: number): string => {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const url = nodes.get(at)!.callFrame.url;
        if (!url) continue;
        if (url.includes('memoryMap.js')) return 'Memory Map script';
        if (url.includes('/webview/browser/pre/')) return 'webview host frame (forwards messages)';
        if (url.includes('workbench')) return 'workbench';
        return `other script (${url.split('/').slice(-1)[0]!.split('?')[0]})`;
      }
      const name = nodes.get(id)!.callFrame.functionName;
      return name.startsWith('(') ? name : 'native, no script on the stack';
    };
    const byOwner = new Map<string, number>();
    for (const [id, time] of selfMs) byOwner.set(ownerOf(id), (byOwner.get(ownerOf(id)) ?? 0) + time);
    console.log(`  profile, ${what}: the main thread's time by owner (ms, of ${ms(total)}):`);
    for (const [owner, time] of [...byOwner].sort((a, b) => b[1] - a[1])) console.log(`    ${ms(time).padStart(9)}  ${owner}`);
    const busy = [...byFunction.values()].reduce((a, b) => a + b, 0);
    const byFile = new Map<string, number>();
    for (const [key, time] of byFunction) {
      const file = key.split(' ').slice(1).join(' ').replace(/:\d+$/, '') || key;
      byFile.set(file, (byFile.get(file) ?? 0) + time);
    }
    console.log(`  profile, ${what}: ${ms(busy)} of JavaScript and GC in ${ms(total)}; by file:`);
    for (const [file, time] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 8))
      console.log(`    ${ms(time).padStart(9)}  ${file}`);
    console.log('  top functions by self time:');
    for (const [key, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15))
      console.log(`    ${ms(time).padStart(9)}  ${key}`);
  };
}

/** The Memory Map's own account of its main-thread time (its test hook's stats), or undefined when it is not open. */
async function mapShare(page: Page): Promise<MapShare | undefined> {
  for (const frame of page.frames()) {
    // A string, not a function: the map's frame lacks the helper tsx's compiled functions call.
    const stats = (await frame
      .evaluate(
        `(() => { const s = window.lmmMemoryMap?.stats; return s && { messageMs: s.messageMs, messages: s.messages, ingestMs: s.ingestMs, renderMs: s.renderMs, renders: s.renders, shownStep: s.shownStep, at: performance.now(), last: { render: s.lastRenderMs, map: s.lastMapDrawMs, charts: s.lastChartsDrawMs, stacked: s.lastStackedDrawMs, side: s.lastSideMs, heapAt: s.lastHeapAtMs }, held: window.lmmMemoryMap.length - window.lmmMemoryMap.firstStep }; })()`,
      )
      .catch(() => undefined)) as MapShare | undefined;
    if (stats) return stats;
  }
  return undefined;
}

/** Evaluates `expression` in the Memory Map's frame (the one with its test hook); undefined when none is open. */
async function inMapFrame(page: Page, expression: string): Promise<unknown> {
  for (const frame of page.frames()) {
    const isMap = await frame.evaluate(`Boolean(window.lmmMemoryMap)`).catch(() => false);
    if (isMap) return frame.evaluate(expression);
  }
  return undefined;
}

interface MapShare {
  messageMs: number;
  messages: number;
  ingestMs: number;
  renderMs: number;
  renders: number;
  shownStep: number;
  at: number;
  /** The last render's parts (ms), and the steps the map's timeline holds. */
  last: Record<string, number>;
  held: number;
}

/** What the map spent between two readings of `mapShare`. */
function printMapShare(what: string, before: MapShare | undefined, after: MapShare | undefined): void {
  if (!before || !after) return console.log(`  Memory Map, ${what}: not open`);
  const span = after.at - before.at;
  const part = (value: number) => `${ms(value)} (${((100 * value) / span).toFixed(1)}%)`;
  console.log(
    `  Memory Map, ${what}, over ${ms(span)}: messages ${after.messages - before.messages} taken in ${part(after.messageMs - before.messageMs)}, ` +
      `replay ${part(after.ingestMs - before.ingestMs)}, ${after.renders - before.renders} renders ${part(after.renderMs - before.renderMs)}; ` +
      `shows step ${after.shownStep.toLocaleString('en-US')}`,
  );
  console.log(
    `    its last render: ${Object.entries(after.last)
      .map(([part, value]) => `${part} ${value.toFixed(1)} ms`)
      .join(', ')}; its timeline holds ${after.held.toLocaleString('en-US')} steps`,
  );
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: {
    name?: string;
    data?: { frame?: string; url?: string; frames?: { frame: string; url: string }[] };
    beginData?: { frame?: string };
  };
}

/**
 * Starts Chromium's tracing (the DevTools timeline's events); the function it returns splits the
 * time of each renderer main thread that ran the Memory Map's script by who it was for (the
 * workbench's frame or the map's) and what it was (script, style, layout, paint, collection, ...).
 * The JavaScript profile alone leaves the browser's own work (rendering, message passing) as
 * "(program)".
 */
async function startTrace(page: Page): Promise<(what: string) => Promise<void>> {
  const session = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  session.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])));
  await session.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,toplevel,v8,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  return async (what) => {
    const complete = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
    await session.send('Tracing.end');
    await complete;
    await session.detach();
    const frameUrl = new Map<string, string>();
    for (const e of events) for (const f of e.args?.data?.frames ?? []) frameUrl.set(f.frame, f.url);
    for (const e of events) if (e.args?.data?.frame && e.args.data.url) frameUrl.set(e.args.data.frame, e.args.data.url);
    const owner = (frame: string | undefined, url: string | undefined): string | undefined => {
      const u = url || (frame ? frameUrl.get(frame) : undefined);
      if (!u && !frame) return undefined;
      if (u?.includes('memoryMap.js') || u?.includes('fake.html')) return 'map';
      if (u?.includes('/webview/browser/pre/')) return 'webview host frame';
      return 'workbench';
    };
    const mainThreads = new Set<string>();
    for (const e of events)
      if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mainThreads.add(`${e.pid}:${e.tid}`);
    const mapThreads = new Set(events.filter((e) => e.args?.data?.url?.includes('memoryMap.js')).map((e) => `${e.pid}:${e.tid}`));
    console.log(
      `  trace, ${what}: ${mainThreads.size} renderer main threads; the Memory Map's script ran on ${[...mapThreads].join(', ') || 'none'}`,
    );
    for (const thread of mainThreads) {
      const spans = events
        .filter((e) => `${e.pid}:${e.tid}` === thread && e.ph === 'X' && e.dur !== undefined)
        .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
      if (spans.length === 0) continue;
      const first = spans[0]!.ts;
      const last = Math.max(...spans.map((e) => e.ts + e.dur!));
      // Self time of each event (its duration less its children's), for its owner and name.
      const self = new Map<string, number>();
      const stack: { end: number; key: string; who: string | undefined }[] = [];
      let busy = 0;
      const charge = (key: string, us: number) => self.set(key, (self.get(key) ?? 0) + us);
      for (const e of spans) {
        while (stack.length > 0 && stack[stack.length - 1]!.end <= e.ts) stack.pop();
        const parent = stack[stack.length - 1];
        const who = owner(e.args?.data?.frame ?? e.args?.beginData?.frame, e.args?.data?.url) ?? parent?.who;
        const key = `${who ?? 'unattributed'} · ${e.name}`;
        if (parent) charge(parent.key, -e.dur!);
        else busy += e.dur!;
        charge(key, e.dur!);
        stack.push({ end: e.ts + e.dur!, key, who });
      }
      const byOwner = new Map<string, number>();
      for (const [key, us] of self) byOwner.set(key.split(' · ')[0]!, (byOwner.get(key.split(' · ')[0]!) ?? 0) + us);
      const wall = (last - first) / 1000;
      console.log(
        `    thread ${thread}${mapThreads.has(thread) ? ' (runs the map)' : ''}: busy ${ms(busy / 1000)} of ${ms(wall)}; by owner: ` +
          [...byOwner]
            .sort((a, b) => b[1] - a[1])
            .map(([who, us]) => `${who} ${ms(us / 1000)}`)
            .join(', '),
      );
      for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 18))
        console.log(`      ${ms(us / 1000).padStart(9)}  ${key}`);
    }
    printSlowKeys(events, owner);
  };
}

/**
 * For each key that took over 40 ms (between the page's `lmm-key-sent` and `lmm-key-shown` marks),
 * the tasks its thread ran meanwhile, longest first, each with its own longest events: what the
 * key waited for.
 */
function printSlowKeys(
  events: TraceEvent[],
  owner: (frame: string | undefined, url: string | undefined) => string | undefined,
): void {
  const marks = events.filter((e) => e.name === 'lmm-key-sent' || e.name === 'lmm-key-shown').sort((a, b) => a.ts - b.ts);
  const keys: { from: number; to: number; thread: string }[] = [];
  for (let k = 0; k + 1 < marks.length; k++) {
    if (marks[k]!.name === 'lmm-key-sent' && marks[k + 1]!.name === 'lmm-key-shown')
      keys.push({ from: marks[k]!.ts, to: marks[k + 1]!.ts, thread: `${marks[k]!.pid}:${marks[k]!.tid}` });
  }
  const slow = keys.filter((k) => k.to - k.from > 40_000);
  console.log(`  keys in the trace: ${keys.length}, over 40 ms: ${slow.length}`);
  for (const key of slow) {
    const spans = events.filter(
      (e) =>
        `${e.pid}:${e.tid}` === key.thread && e.ph === 'X' && e.dur !== undefined && e.ts < key.to && e.ts + e.dur > key.from,
    );
    // Top-level tasks: those no other span in the list contains.
    spans.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const tops: TraceEvent[] = [];
    for (const e of spans) {
      const last = tops[tops.length - 1];
      if (!last || e.ts >= last.ts + last.dur!) tops.push(e);
    }
    const parts = tops
      .filter((t) => t.dur! > 3000)
      .sort((a, b) => b.dur! - a.dur!)
      .slice(0, 4)
      .map((t) => {
        const inner = spans
          .filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur! && e.dur! > 2000)
          .sort((a, b) => b.dur! - a.dur!)
          .slice(0, 4)
          .map((e) => `${e.name}${owner(e.args?.data?.frame, e.args?.data?.url) === 'map' ? ' (map)' : ''} ${ms(e.dur! / 1000)}`);
        return `${t.name} ${ms(t.dur! / 1000)} at +${ms((t.ts - key.from) / 1000)} [${inner.join(', ')}]`;
      });
    console.log(
      `    key of ${ms((key.to - key.from) / 1000)}: ${parts.join('; ') || 'no task over 3 ms on its thread (waited elsewhere)'}`,
    );
  }
}

/**
 * Traces the whole browser (every process: the display compositor in the GPU process, each
 * renderer's compositor) with the categories that say when a frame is drawn and what for; the
 * function it returns prints, for each thread, its most frequent events and the frames drawn a
 * second (the display compositor's draws, each renderer's compositor draws).
 */
async function startGpuTrace(page: Page): Promise<(what: string) => Promise<void>> {
  const session = await page.context().browser()!.newBrowserCDPSession();
  const events: TraceEvent[] = [];
  session.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])));
  await session.send('Tracing.start', {
    categories: 'viz,cc,gpu,benchmark',
    transferMode: 'ReportEvents',
  });
  const started = Date.now();
  return async (what) => {
    const complete = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
    await session.send('Tracing.end');
    await complete;
    await session.detach();
    const seconds = (Date.now() - started) / 1000;
    const processName = new Map<number, string>();
    const threadName = new Map<string, string>();
    for (const e of events) {
      if (e.ph !== 'M') continue;
      if (e.name === 'process_name') processName.set(e.pid, String(e.args?.name));
      if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, String(e.args?.name));
    }
    const byThread = new Map<string, Map<string, { count: number; us: number }>>();
    for (const e of events) {
      if (e.ph === 'M') continue;
      const thread = `${e.pid}:${e.tid}`;
      const names = byThread.get(thread) ?? new Map<string, { count: number; us: number }>();
      const entry = names.get(e.name) ?? { count: 0, us: 0 };
      entry.count++;
      entry.us += e.dur ?? 0;
      names.set(e.name, entry);
      byThread.set(thread, names);
    }
    console.log(`  browser trace, ${what}, over ${seconds.toFixed(1)} s (${events.length} events):`);
    const rate = (names: Map<string, { count: number }>, name: string) => ((names.get(name)?.count ?? 0) / seconds).toFixed(1);
    for (const [thread, names] of [...byThread].sort((a, b) => sum(b[1]) - sum(a[1]))) {
      if (sum(names) < 20) continue;
      const pid = Number(thread.split(':')[0]);
      console.log(
        `    ${processName.get(pid) ?? pid} / ${threadName.get(thread) ?? thread}: ${sum(names)} events; ` +
          `display draws ${rate(names, 'Display::DrawAndSwap')}/s, begin frames ${rate(names, 'Scheduler::BeginFrame')}/s, ` +
          `compositor draws ${rate(names, 'ProxyImpl::ScheduledActionDraw')}/s, commits ${rate(names, 'ProxyImpl::ScheduledActionCommit')}/s`,
      );
      for (const [name, { count, us }] of [...names].sort((a, b) => b[1].us - a[1].us || b[1].count - a[1].count).slice(0, 10))
        console.log(`      ${String(count).padStart(6)} × ${name} (${ms(us / 1000)})`);
    }
  };
}

/** The page's composited layers (CDP LayerTree): each one's size, paint count and why it is a layer. */
async function printLayers(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page);
  const tree = new Promise<
    {
      layerId: string;
      width: number;
      height: number;
      paintCount: number;
      drawsContent: boolean;
      offsetX: number;
      offsetY: number;
      parentLayerId?: string;
      backendNodeId?: number;
    }[]
  >((resolve) =>
    session.on('LayerTree.layerTreeDidChange', (event) => {
      if (event.layers && event.layers.length > 0) resolve(event.layers);
    }),
  );
  await session.send('DOM.enable');
  await session.send('DOM.getDocument', { depth: -1, pierce: true });
  await session.send('LayerTree.enable');
  const first = await tree;
  await page.waitForTimeout(2000);
  const again = await new Promise<typeof first>((resolve) => {
    session.on('LayerTree.layerTreeDidChange', (event) => event.layers && resolve(event.layers as typeof first));
    setTimeout(() => resolve(first), 3000);
  });
  const before = new Map(first.map((l) => [l.layerId, l.paintCount]));
  console.log(`  composited layers: ${again.length} (paints over about 2 s in brackets)`);
  for (const layer of again) {
    if (!layer.drawsContent) continue;
    const reasons = await session
      .send('LayerTree.compositingReasons', { layerId: layer.layerId })
      .then((r) => (r.compositingReasonIds ?? r.compositingReasons ?? []).join(','))
      .catch(() => '?');
    const node = layer.backendNodeId
      ? await session
          .send('DOM.describeNode', { backendNodeId: layer.backendNodeId })
          .then((r) => `${r.node.localName}${r.node.attributes ? ` ${r.node.attributes.join(' ').slice(0, 80)}` : ''}`)
          .catch(() => '')
      : '';
    console.log(
      `    ${layer.layerId}: ${layer.width}×${layer.height} at ${layer.offsetX},${layer.offsetY} paints ${layer.paintCount} (+${layer.paintCount - (before.get(layer.layerId) ?? 0)}) ${reasons} ${node}`,
    );
  }
  await session.detach();
  // How much of the time some animation runs in the workbench (each running one makes the
  // compositor draw every frame): sampled every 50 ms over 3 s.
  const animated = await page.evaluate(async () => {
    let busy = 0;
    const where = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const running = document.getAnimations().filter((a) => a.playState === 'running');
      if (running.length > 0) busy++;
      for (const animation of running) {
        const target = (animation.effect as KeyframeEffect | null)?.target as HTMLElement | null | undefined;
        const pane = target?.closest('.pane')?.querySelector('.pane-header .title')?.textContent;
        const name = `${(animation as CSSAnimation).animationName ?? '?'} in ${pane ?? target?.closest('.part')?.id ?? target?.className ?? '?'}`;
        where.set(name, (where.get(name) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { share: busy / 60, where: [...where].map(([name, n]) => `${name} ×${n}`).join(', ') };
  });
  console.log(
    `  the workbench had a running animation in ${(100 * animated.share).toFixed(0)}% of 60 samples over 3 s${animated.where ? ` (${animated.where})` : ''}`,
  );
  for (const frame of page.frames()) {
    const running = await frame
      .evaluate(
        `document.getAnimations().filter((a) => a.playState === 'running').map((a) => { const t = a.effect && a.effect.target; return (a.animationName || a.transitionProperty || a.constructor.name) + ' on ' + (t ? t.tagName.toLowerCase() + '.' + String(t.className).split(' ').join('.') + ' in ' + (t.parentElement ? t.parentElement.tagName.toLowerCase() + '.' + String(t.parentElement.className).split(' ').join('.') : '') + ' under ' + ((t.closest('.pane') && t.closest('.pane').querySelector('.pane-header') || {}).textContent || (t.closest('.part') || {}).id || (t.closest('.editor-group-container') ? 'an editor group' : '?')) : '?'); })`,
      )
      .catch(() => [] as string[]);
    if ((running as string[]).length > 0)
      console.log(`  running animations in ${frame.url().split('?')[0]!.slice(-60)}: ${(running as string[]).join('; ')}`);
  }
}

const sum = (names: Map<string, { count: number }>) => [...names.values()].reduce((n, e) => n + e.count, 0);

/** The extension host's marks (LMM_HOST_PROBE) between Enter and the end-of-run text, in ms from Enter. */
async function printPhases(page: Page, from: number, to: number): Promise<void> {
  const origin = await page.evaluate(() => performance.timeOrigin);
  const marks = readFileSync(probeFile!, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { t: number; mark?: string; lagMaxMs?: number; gc?: { ms: number }[] })
    .filter((line) => line.t >= origin + from && line.t <= origin + to + 500);
  const lag = Math.max(0, ...marks.map((m) => m.lagMaxMs ?? 0));
  const gcMs = marks.reduce((n, m) => n + (m.gc ?? []).reduce((k, g) => k + g.ms, 0), 0);
  console.log(
    `    host: ${marks
      .filter((m) => m.mark && m.mark !== 'status')
      .map((m) => `${m.mark} ${ms(m.t - origin - from)}`)
      .join(', ')}; event loop delay worst ${lag} ms, collections ${gcMs.toFixed(0)} ms; shown after ${ms(to - from)}`,
  );
}

async function main(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ');
  console.log(`LMM Studio in a real VS Code (code-server 4.139.1, headless Chromium); load average at start ${load()}`);
  if (probeFile) {
    // code-server's extension host inherits this process's environment.
    rmSync(probeFile, { force: true });
    mkdirSync(path.dirname(probeFile), { recursive: true });
    process.env.LMM_HOST_PROBE = probeFile;
  }
  progress('packaging the extension (LMM_E2E_VSIX=file skips this)');
  const vsix = await packageExtension();
  progress('starting code-server');
  const workbench = await Workbench.open(vsix, (workspace) => {
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    // Long enough for every measurement on the endless loop (the default limit is 10 s).
    writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'lmm.timeLimit': 300 }));
    copyFileSync(path.join(projectRoot, 'test/integration/fixtures', tightLoop), path.join(workspace, tightLoop));
    writeFileSync(path.join(workspace, allocations), allocationsSource);
    writeFileSync(path.join(workspace, 'notes.txt'), 'Typed while a harness runs:\n');
    writeFileSync(path.join(workspace, 'notes.md'), '# Notes\n\nA static page where the Memory Map was.\n');
  });
  const page = workbench.page;
  // tsx compiles the functions passed to page.evaluate with esbuild's keepNames helper: give the
  // page that helper (it only names functions).
  await page.evaluate('globalThis.__name = (fn) => fn');
  try {
    await workbench.openFile('notes.txt');
    await workbench.goTo(2, 1);
    progress('typing with no run');
    // Profiled or traced as the typing during the loop is, so that the two can be told apart.
    const stopIdleProfile = profiling ? await startProfile(page) : tracing ? await startTrace(page) : undefined;
    const idleKeys = await typeKeys(page, keysTyped);
    if (stopIdleProfile) await stopIdleProfile('typing with no run');
    progress('starting the tight loop');

    await workbench.openFile(tightLoop);
    await workbench.openLmmSidePanel();
    await page.evaluate(installRecorder);
    const runStarted = await page.evaluate(() => performance.now());
    await workbench.runCommand('LMM: Run Harness');
    const stepNow = async () => Number(/LMM step ([\d,]+)/.exec(await statusBarText(page))?.[1]?.replace(/,/g, '') ?? NaN);
    await waitUntil('the tight loop to pass 100,000 operations', async () => ((await stepNow()) > 100_000 ? true : undefined));
    // The Memory Map opens beside the harness as the run starts: back to the notes' tab (opened
    // above, in the first group) with the mouse, as a person would.
    await page.keyboard.press('Escape');
    await page.locator('.tabs-container .tab[data-resource-name="notes.txt"]').first().click();
    if (mapClosed) {
      // The map opened beside, in the second group; the notes are in the first.
      await workbench.runCommand('View: Close Editors in Other Groups');
      await page.locator('.tabs-container .tab', { hasText: 'Memory Map' }).first().waitFor({ state: 'detached' });
      progress('the Memory Map is closed');
      await page.locator('.tabs-container .tab[data-resource-name="notes.txt"]').first().click();
    }
    if (mapMode === 'markdown') {
      // A static webview where the map was: the preview of a small Markdown file, beside.
      await workbench.openFile('notes.md');
      await workbench.runCommand('Markdown: Open Preview to the Side');
      await page.locator('.tabs-container .tab', { hasText: 'Preview notes.md' }).first().waitFor();
      progress('a Markdown preview stands where the map was');
      await page.locator('.tabs-container .tab[data-resource-name="notes.txt"]').first().click();
    }
    if (mapMode === 'blank' || process.env.LMM_BENCH_MAP_HIDE) {
      // LMM_BENCH_MAP_HIDE=selector hides only those of the map's elements (e.g. its canvases).
      const selector = process.env.LMM_BENCH_MAP_HIDE ?? 'html';
      const hidden = await inMapFrame(
        page,
        `(document.head.appendChild(Object.assign(document.createElement('style'), { textContent: ${JSON.stringify(`${selector} { display: none !important; }`)} })), true)`,
      );
      if (!hidden) throw new Error('LMM_BENCH_MAP=blank: the Memory Map frame was not found');
      progress(`the Memory Map's ${selector} is hidden`);
    }
    await page.locator('.tabs-container .tab.active[data-resource-name="notes.txt"]').first().waitFor();
    await workbench.goTo(2, 1);
    progress('typing during the run');
    const stopProfile = profiling
      ? await startProfile(page)
      : tracing
        ? await startTrace(page)
        : gpuTracing
          ? await startGpuTrace(page)
          : undefined;
    if (process.env.LMM_BENCH_LAYERS) await printLayers(page);
    const mapBefore = await mapShare(page);
    const cpuBefore = readCpu();
    const runningKeys = await typeKeys(page, keysTyped);
    const cpuAfter = readCpu();
    const mapAfter = await mapShare(page);
    if (stopProfile) await stopProfile('typing during the tight loop');
    printMapShare('while typing during the loop', mapBefore, mapAfter);
    console.log(
      `  cores used while typing during the loop (${mapMode === 'open' ? 'Memory Map open' : `LMM_BENCH_MAP=${mapMode}`}), over ${ms(cpuAfter.at - cpuBefore.at)}:`,
    );
    for (const line of formatCpuShare(cpuShare(cpuBefore, cpuAfter))) console.log(`    ${line}`);
    progress('Check Leaks Now, then Stop Run');

    await workbench.openLmmSidePanel();
    const leaksRows = workbench.viewRows(page.locator('.sidebar'), 'Leaks');
    const checks: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = (await leaksRows.allInnerTexts()).join('\n');
      const took = await timedCommand(workbench, 'LMM: Check Leaks Now', async () => {
        const rows = (await leaksRows.allInnerTexts()).join('\n');
        return rows !== before && /leak check at step [\d,]+ \(run in progress\)/.test(rows);
      });
      checks.push(took);
      if (probeFile) await printPhases(page, enteredAt, enteredAt + took);
      await page.waitForTimeout(1000);
    }
    const stepBeforeStop = await stepNow();
    const stop = await timedCommand(workbench, 'LMM: Stop Run', async () => /LMM stopped/.test(await statusBarText(page)));
    const stopped = await page.evaluate(() => performance.now());
    const changes = await page.evaluate(
      () =>
        (window as unknown as { __lmmChanges: { status: { t: number; text: string }[]; header: { t: number }[] } }).__lmmChanges,
    );
    // From the first operation shown (the harness compiles first) to the stop: the run's live stretch.
    const firstStep = changes.status.find((c) => c.t > runStarted && /LMM step [1-9]/.test(c.text))?.t ?? runStarted;
    const statusGap = longestGap(changes.status, firstStep, stopped - stop);
    const headerGap = longestGap(changes.header, firstStep, stopped - stop);
    const liveSeconds = (stopped - stop - firstStep) / 1000;

    console.log(`\nTight endless loop (${tightLoop}), ${stepBeforeStop.toLocaleString('en-US')} operations before Stop:`);
    const keys = (label: string, values: number[]) =>
      console.log(
        `  (a) typing, ${label}: median ${ms(median(values))}, 95th percentile ${ms(percentile(values, 0.95))}, worst ${ms(Math.max(...values))}, ` +
          `${values.filter((v) => v >= 50).length} of ${values.length} keys at 50 ms or more (key sent to the character in the editor's DOM)`,
      );
    keys('no run', idleKeys);
    keys('during the run', runningKeys);
    console.log(
      `  (b) status bar: ${changes.status.length} changes in ${liveSeconds.toFixed(1)} s, longest unchanged ${ms(statusGap)}; ` +
        `Page Families header: ${changes.header.length} changes, longest unchanged ${ms(headerGap)}`,
    );
    console.log(
      `  (c) Check Leaks Now to its row in the Leaks view: median ${ms(median(checks))}, worst ${ms(Math.max(...checks))} (${checks.length} checks: ${checks.map(ms).join(', ')})`,
    );
    console.log(`  (d) Stop Run to "stopped" in the status bar: ${ms(stop)}`);
    if (probeFile) {
      await printPhases(page, enteredAt, enteredAt + stop);
      const during = await page.evaluate(
        ([from, to]) =>
          (window as unknown as { __longTasks: { t: number; ms: number; where: string }[] }).__longTasks.filter(
            (l) => l.t + l.ms >= from! && l.t <= to!,
          ),
        [enteredAt, enteredAt + stop],
      );
      console.log(
        `    browser long tasks meanwhile: ${during.map((l) => `${ms(l.ms)} at ${ms(l.t - enteredAt)} (${l.where})`).join(', ') || 'none'}`,
      );
    }
    if (probeFile) await placeStalls(page, changes.status, firstStep, stopped - stop);

    // The same keys once the run has stopped, the LMM views (and the map, unless closed) still
    // open: what the window's layout costs a key without any run.
    await page.keyboard.press('Escape');
    await page.locator('.tabs-container .tab[data-resource-name="notes.txt"]').first().click();
    await workbench.goTo(2, 1);
    // Right after the stop, the map takes in the run's kept window (every operation the live
    // pacing held back): a person who stops a run and goes on typing types over that catch-up.
    const catchUpStarted = performance.now();
    const stopCatchUpProfile = profiling ? await startProfile(page) : tracing ? await startTrace(page) : undefined;
    keys(`right after the stop, while the map catches up`, await typeKeys(page, keysTyped));
    if (stopCatchUpProfile) await stopCatchUpProfile('typing right after the stop');
    console.log(`  (typing them took ${ms(performance.now() - catchUpStarted)})`);
    // The map takes in the run's kept window once the run ends: wait until it is done (its
    // replay and renders stand still for a second), at most a minute.
    const settledAt = performance.now();
    for (let last = await mapShare(page); performance.now() - settledAt < 60_000;) {
      await page.waitForTimeout(1000);
      const now = await mapShare(page);
      if (!now || (now.ingestMs === last?.ingestMs && now.renders === last.renders)) break;
      last = now;
    }
    console.log(`  (the map took ${ms(performance.now() - settledAt)} more to take the run's end in)`);
    const stopAfterProfile = profiling ? await startProfile(page) : tracing ? await startTrace(page) : undefined;
    keys(`after the stop, the Memory Map ${mapClosed ? 'closed' : 'open'}`, await typeKeys(page, keysTyped));
    if (stopAfterProfile) await stopAfterProfile('typing after the stop');

    progress('the 210,000-allocation harness');
    const inVsCode: number[] = [];
    await workbench.openFile(allocations);
    for (let i = 0; i < runs; i++) {
      // From Enter to the status bar's first text after the run's own running texts ("LMM step …"):
      // the item shows a running text as soon as a run starts, so an earlier run's end cannot count.
      const seen = await page.evaluate(
        () => (window as unknown as { __lmmChanges: { status: unknown[] } }).__lmmChanges.status.length,
      );
      const stopProfile = i > 0 ? undefined : profiling ? await startProfile(page) : tracing ? await startTrace(page) : undefined;
      await timedCommand(
        workbench,
        'LMM: Run Harness',
        async () => {
          const changes = await page.evaluate(
            () => (window as unknown as { __lmmChanges: { status: { t: number; text: string }[] } }).__lmmChanges.status,
          );
          const since = changes.slice(seen);
          const running = since.findIndex((c) => /LMM step/.test(c.text));
          return running >= 0 && since.slice(running).some((c) => !/LMM step/.test(c.text));
        },
        180_000,
      );
      const changes = await page.evaluate(
        () => (window as unknown as { __lmmChanges: { status: { t: number; text: string }[] } }).__lmmChanges.status,
      );
      const since = changes.slice(seen);
      const running = since.findIndex((c) => /LMM step/.test(c.text));
      const ended = since.slice(running).find((c) => !/LMM step/.test(c.text))!;
      if (stopProfile) await stopProfile('the 210,000-allocation run');
      inVsCode.push(ended.t - enteredAt);
      if (probeFile) await printPhases(page, enteredAt, ended.t);
      await page.waitForTimeout(1000);
    }
    const file = path.join(workbench.workspace, allocations);
    const cli: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      // The same time limit as the VS Code runs (lmm.timeLimit above): a loaded machine may pass the default 10 s.
      execFileSync(process.execPath, [path.join(projectRoot, 'bin/lmm.js'), 'run', file, '--time-limit', '300000'], {
        stdio: 'ignore',
        timeout: 300_000,
      });
      cli.push(performance.now() - started);
    }
    console.log(
      `\n(e) 210,000 allocations: in VS Code ${ms(median(inVsCode))} (Enter in the palette to the status bar's end-of-run text; runs ${inVsCode.map(ms).join(', ')}), ` +
        `lmm run ${ms(median(cli))} (runs ${cli.map(ms).join(', ')}): ${(median(inVsCode) / median(cli)).toFixed(2)}×`,
    );
    console.log(`load average at the end ${load()} (2 cores, shared with other work)`);
  } catch (error) {
    const shot = path.join(projectRoot, 'test/artifacts/bench-vscode-failure.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot }).catch(() => {});
    progress(`failed: the workbench as it was is in ${shot}`);
    throw error;
  } finally {
    await workbench.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:extension:vscode failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
