/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * Where the Memory Map's time goes (`npm run bench:webview:profile`): the benchmark's workload in
 * headless Chromium, with a Chromium trace (tasks, frames, GC and a sampled CPU profile) of the
 * scrub and of a live run. It prints, for the slowest scrubs, the time from the click to the frame
 * that drew the step split into the renderer's tasks (time travel, the frame's render, other work),
 * garbage collection and the idle gaps between tasks; and for every task over 40 ms, what ran in
 * it. The trace is kept in LMM_PROFILE_TRACE when set (open it in chrome://tracing or DevTools).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openFakeHost } from '../test/support/webviewFakeHost';

const STEPS = Number(process.env.LMM_BENCH_STEPS ?? 1_000_000);
const PAGES = Number(process.env.LMM_BENCH_PAGES ?? 10_000);
const BATCH = 4096;
const LONG_MS = 40;

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
  id?: string;
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

type W = Window & {
  lmmMemoryMap: {
    length: number;
    ingesting: boolean;
    stats: { shownStep: number; shownAt: number };
    requestStep(step: number): void;
  };
  lmmWebviewWorkload: { generate(o: object): { batches: unknown[]; steps: number; pagesAtEnd: number; sites: unknown[] } };
  __bench: { batches: unknown[]; sites: unknown[]; steps: number };
};

async function main(): Promise<void> {
  const host = await openFakeHost({ width: 1600, height: 1000 });
  const { page, browser } = host;
  await page.evaluate(readFileSync(resolve(__dirname, '../dist/bench/webview-workload.js'), 'utf8'));
  await page.evaluate(
    ({ steps, pages, batch }) => {
      const w = window as unknown as W;
      w.__bench = w.lmmWebviewWorkload.generate({ targetPages: pages, steps, batchSize: batch });
    },
    { steps: STEPS, pages: PAGES, batch: BATCH },
  );
  await page.evaluate(async () => {
    const w = window as unknown as W;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    window.postMessage({ type: 'runStarted', runId: 'p-1', pageSize: 4096, title: 'bench.lmm.ts', live: false }, '*');
    window.postMessage({ type: 'sites', runId: 'p-1', firstId: 0, sites: w.__bench.sites }, '*');
    for (const batch of w.__bench.batches) window.postMessage({ type: 'heapOps', runId: 'p-1', batch }, '*');
    window.postMessage({ type: 'runEnded', runId: 'p-1', state: 'finished' }, '*');
    while (w.lmmMemoryMap.length < w.__bench.steps || w.lmmMemoryMap.ingesting) await frame();
    for (let i = 0; i < 3; i++) await new Promise((r) => requestIdleCallback(() => r(null)));
  });

  const categories = [
    'toplevel',
    'devtools.timeline',
    'disabled-by-default-devtools.timeline',
    'disabled-by-default-devtools.timeline.frame',
    'blink.user_timing',
    'v8',
    'v8.execute',
    'disabled-by-default-v8.cpu_profiler',
  ];
  await browser.startTracing(page, { categories });
  // The scrub of the benchmark (same seed): 30 far jumps and 30 single steps, each marked.
  await page.evaluate(async () => {
    const w = window as unknown as W;
    const hook = w.lmmMemoryMap;
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const scrubTo = async (name: string, step: number) => {
      performance.mark(`${name}:start`);
      hook.requestStep(step);
      while (hook.stats.shownStep !== step) await frame();
      performance.mark(`${name}:end`);
    };
    for (let i = 0; i < 30; i++) {
      await scrubTo(`jump${i}`, Math.floor(random() * hook.length));
      await frame();
    }
    for (let i = 0; i < 30; i++) {
      await scrubTo(`step${i}`, hook.length / 2 + i);
      await frame();
    }
  });
  // A live run: batches at 20 a second for six seconds.
  await page.evaluate(async () => {
    const w = window as unknown as W;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    window.postMessage({ type: 'runStarted', runId: 'p-2', pageSize: 4096, title: 'live', live: true }, '*');
    window.postMessage({ type: 'sites', runId: 'p-2', firstId: 0, sites: w.__bench.sites }, '*');
    await sleep(100);
    performance.mark('live:start');
    const t0 = performance.now();
    for (const batch of w.__bench.batches) {
      window.postMessage({ type: 'heapOps', runId: 'p-2', batch }, '*');
      await sleep(50);
      if (performance.now() - t0 > 6000) break;
    }
    performance.mark('live:end');
  });
  const buffer = await browser.stopTracing();
  await host.close();
  if (process.env.LMM_PROFILE_TRACE) writeFileSync(process.env.LMM_PROFILE_TRACE, buffer);
  analyse(JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[]);
}

function analyse(trace: { traceEvents: TraceEvent[] } | TraceEvent[]): void {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const marks = new Map<string, TraceEvent>();
  for (const e of events) if (e.cat.includes('blink.user_timing') && /:(start|end)$/.test(e.name)) marks.set(e.name, e);
  const anyMark = marks.get('jump0:start');
  if (!anyMark) throw new Error('no marks in the trace');
  const { pid, tid } = anyMark;
  const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined);
  const allTasks = main
    .filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask')
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Tasks nest (a task runner's task around the task): only the outermost count.
  const tasks: TraceEvent[] = [];
  for (const t of allTasks) {
    const outer = tasks[tasks.length - 1];
    if (outer && t.ts + t.dur! <= outer.ts + outer.dur!) continue;
    tasks.push(t);
  }
  const samples = cpuSamples(events, pid, tid);

  /** What a task did: its first JS entry or frame callback, GC inside, and the app functions sampled. */
  const describe = (task: TraceEvent): string => {
    const end = task.ts + task.dur!;
    const inside = main.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= end);
    const gc = inside.filter((e) => e.name === 'MinorGC' || e.name === 'MajorGC');
    const gcMs = gc.reduce((s, e) => s + e.dur!, 0) / 1000;
    const kinds = new Set(
      inside
        .map((e) => e.name)
        .filter((n) =>
          [
            'FireAnimationFrame',
            'FunctionCall',
            'EventDispatch',
            'Paint',
            'Layout',
            'UpdateLayoutTree',
            'TimerFire',
            'HandlePostMessage',
          ].includes(n),
        ),
    );
    return `${(task.dur! / 1000).toFixed(1)} ms [${[...kinds].join(', ')}] gc ${gcMs.toFixed(1)} ms; ${topFunctions(samples, task.ts, end)}\n      ${topPaths(samples, task.ts, end)}`;
  };

  const scrubs: Array<{ name: string; ms: number; start: number; end: number }> = [];
  for (const [name, e] of marks) {
    if (!name.endsWith(':start') || name.startsWith('live')) continue;
    const base = name.slice(0, -':start'.length);
    const end = marks.get(`${base}:end`);
    if (end) scrubs.push({ name: base, ms: (end.ts - e.ts) / 1000, start: e.ts, end: end.ts });
  }
  scrubs.sort((a, b) => b.ms - a.ms);
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(
    `scrubs: ${scrubs.length}, median ${median(scrubs.map((s) => s.ms)).toFixed(1)} ms, worst ${scrubs[0]?.ms.toFixed(1)} ms`,
  );
  const splits = scrubs.map((s) => split(s, tasks, main, samples));
  const keys = ['travel', 'render', 'other', 'gc', 'idle'] as const;
  console.log(
    `median split of all scrubs: ${keys.map((k) => `${k} ${median(splits.map((x) => x[k])).toFixed(1)}`).join(', ')} ms`,
  );
  for (let i = 0; i < Math.min(6, scrubs.length); i++) {
    const s = scrubs[i]!;
    const x = splits[i]!;
    console.log(
      `${s.name}: ${s.ms.toFixed(1)} ms = travel ${x.travel.toFixed(1)} (${x.travelTasks} tasks) + render ${x.render.toFixed(1)} + other work (the browser's style, layout, paint; other callbacks) ${x.other.toFixed(1)} + idle ${x.idle.toFixed(1)}; gc inside ${x.gc.toFixed(1)}`,
    );
    console.log(`   ${topFunctions(samples, s.start, s.end)}`);
  }
  for (const [phase, from, to] of [
    ['scrub', marks.get('jump0:start')!.ts, marks.get('step29:end')!.ts],
    ['live', marks.get('live:start')!.ts, marks.get('live:end')!.ts + 2_000_000],
  ] as const) {
    const long = tasks.filter((t) => t.ts >= from && t.ts <= to && t.dur! > LONG_MS * 1000);
    console.log(`${phase}: ${long.length} tasks over ${LONG_MS} ms`);
    for (const t of long) console.log(`   ${describe(t)}`);
  }
}

interface Samples {
  times: number[];
  stacks: string[][];
}

/** The sampled CPU profile of one thread: each sample's time and stack (leaf first). */
function cpuSamples(events: TraceEvent[], pid: number, tid: number): Samples {
  const nodes = new Map<number, ProfileNode>();
  const times: number[] = [];
  const leaves: number[] = [];
  const profiles = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== pid) continue;
    if (e.name === 'Profile') profiles.set(e.id!, (e.args!.data!.startTime as number) ?? e.ts);
  }
  const last = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== pid || e.name !== 'ProfileChunk') continue;
    const data = e.args!.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] };
    for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    let t = last.get(e.id!) ?? profiles.get(e.id!) ?? e.ts;
    const samples = data.cpuProfile?.samples ?? [];
    const deltas = data.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] ?? 0;
      times.push(t);
      leaves.push(samples[i]!);
    }
    last.set(e.id!, t);
  }
  void tid;
  const stackOf = new Map<number, string[]>();
  const stack = (id: number): string[] => {
    let s = stackOf.get(id);
    if (s) return s;
    s = [];
    for (let n = nodes.get(id); n; n = n.parent !== undefined ? nodes.get(n.parent) : undefined) {
      s.push(n.callFrame.functionName || '(anonymous)');
    }
    stackOf.set(id, s);
    return s;
  };
  // Parents are given by children lists in the trace format.
  for (const n of nodes.values()) {
    for (const child of (n as unknown as { children?: number[] }).children ?? []) {
      const c = nodes.get(child);
      if (c) c.parent = n.id;
    }
  }
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  return { times: order.map((i) => times[i]!), stacks: order.map((i) => stack(leaves[i]!)) };
}

/** Functions that name a share of the work, innermost first. */
const WATCHED = [
  'restorePagesInto',
  'restoreStateInto',
  'beginRestore',
  'completeRestore',
  'restoreSlice',
  'heapAt',
  'buildMapLayout',
  'draw',
  'renderSide',
  'show',
  'render',
  'replay',
  'append',
  'work',
  '(garbage collector)',
];

/**
 * The eight commonest labels of the busy samples between `from` and `to` (idle and program
 * samples left out), each with its share of them, joined by `separator`.
 */
function topLabels(samples: Samples, from: number, to: number, labelOf: (stack: string[]) => string, separator: string): string {
  const by = new Map<string, number>();
  let n = 0;
  for (let i = lowerBound(samples.times, from); i < samples.times.length && samples.times[i]! <= to; i++) {
    const stack = samples.stacks[i]!;
    if (stack[0] === '(idle)' || stack[0] === '(program)') continue;
    n++;
    const label = labelOf(stack);
    by.set(label, (by.get(label) ?? 0) + 1);
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, k]) => `${name} ${((100 * k) / Math.max(1, n)).toFixed(0)}%`)
    .join(separator);
}

/** The innermost watched frame of each sample, with its caller when that is watched too. */
function topFunctions(samples: Samples, from: number, to: number): string {
  return topLabels(
    samples,
    from,
    to,
    (stack) => {
      for (const w of WATCHED) {
        const at = stack.indexOf(w);
        if (at >= 0) {
          const caller = stack.slice(at + 1).find((f) => WATCHED.includes(f));
          return caller ? `${w}<${caller}` : w;
        }
      }
      return stack[0]!;
    },
    ', ',
  );
}

/** The commonest call paths below the frame's render (3 frames deep, then the leaf). */
function topPaths(samples: Samples, from: number, to: number): string {
  const root = process.env.LMM_PROFILE_ROOT ?? 'render';
  return topLabels(
    samples,
    from,
    to,
    (stack) => {
      const at = stack.indexOf(root);
      return at < 0
        ? stack.slice(0, 3).reverse().join('>')
        : [...stack.slice(Math.max(1, at - 3), at + 1).reverse(), '..', stack[0]].join('>');
    },
    '\n      ',
  );
}

function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The scrub's time split: tasks that travelled, rendered a frame, did something else; GC; idle. */
function split(
  scrub: { start: number; end: number },
  tasks: TraceEvent[],
  main: TraceEvent[],
  samples: Samples,
): { travel: number; travelTasks: number; render: number; other: number; gc: number; idle: number } {
  let travel = 0;
  let travelTasks = 0;
  let render = 0;
  let other = 0;
  let gc = 0;
  let busy = 0;
  for (const t of tasks) {
    const a = Math.max(t.ts, scrub.start);
    const b = Math.min(t.ts + t.dur!, scrub.end);
    if (b <= a) continue;
    const ms = (b - a) / 1000;
    busy += ms;
    const inside = main.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur!);
    gc += inside.filter((e) => e.name === 'MinorGC' || e.name === 'MajorGC').reduce((s, e) => s + e.dur!, 0) / 1000;
    const frame = inside.some((e) => e.name === 'FireAnimationFrame');
    // Samples say which share of the task was time travel (StepTravel.work: restoreSlice or
    // heapAt) and which the app's render (in a frame, or where the heap arrived).
    let travelSamples = 0;
    let renderSamples = 0;
    let all = 0;
    for (let i = lowerBound(samples.times, a); i < samples.times.length && samples.times[i]! <= b; i++) {
      const stack = samples.stacks[i]!;
      if (stack[0] === '(idle)') continue;
      all++;
      if (stack.includes('render')) renderSamples++;
      else if (stack.includes('work') && stack.some((f) => f === 'restoreSlice' || f === 'heapAt')) travelSamples++;
    }
    if (all === 0) {
      if (frame) render += ms;
      else other += ms;
      continue;
    }
    if (travelSamples > 0) travelTasks++;
    travel += (ms * travelSamples) / all;
    render += (ms * renderSamples) / all;
    other += (ms * (all - travelSamples - renderSamples)) / all;
  }
  const idle = (scrub.end - scrub.start) / 1000 - busy;
  return { travel, travelTasks, render, other, gc, idle };
}

const readBack = process.env.LMM_PROFILE_READ;
(readBack ? Promise.resolve(analyse(JSON.parse(readFileSync(readBack, 'utf8')))) : main()).catch((error) => {
  console.error(error);
  process.exit(2);
});
