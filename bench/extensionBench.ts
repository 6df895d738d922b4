/**
 * `npm run bench:extension`: what the extension host does per run, at scale, so the views stay
 * responsive:
 * - trace → operation log (what Open Trace's worker does) and the host's replay of that log;
 * - tree rows for a heap of 10,000 pages (Page Families, Free Lists, Struct Usage, Leaks);
 * - the Memory Map backlog (messages for a panel opened after a 1,000,000-operation run);
 * - a harness run through the host's pipeline: Stop on a tight endless loop, the longest slice,
 *   and a 210,000-allocation harness against the same run with no consumer (`lmm run`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { runHarness, runHarnessFile } from '../src/harness/runHarness';
import { RunPipeline, splitBatchLazily } from '../src/extension/model/runPipeline';
import { RUN_PACE } from '../src/extension/model/livePacing';
import { HeapReplay } from '../src/extension/model/heapReplay';
import { RunStore } from '../src/extension/model/runState';
import { traceRun } from '../src/extension/model/traceRun';
import { pageFamilyNodes } from '../src/extension/model/pageFamiliesTree';
import { freeListNodes } from '../src/extension/model/freeListsTree';
import { structUsageNodes } from '../src/extension/model/structUsageTree';
import { leakNodes } from '../src/extension/model/leaksTree';
import { MemoryMapFeed } from '../src/extension/model/memoryMapFeed';
import { siteFigures } from '../src/extension/model/siteFigures';
import { steadyStateTrace } from './steadyStateTrace';

function time<T>(what: string, fn: () => T): T {
  const start = performance.now();
  const value = fn();
  console.log(`${what.padEnd(58)} ${(performance.now() - start).toFixed(1).padStart(9)} ms`);
  return value;
}

const OPS = 1_000_000;
const text = time(`generate a ${OPS.toLocaleString('en-US')}-operation steady-state trace`, () => steadyStateTrace(OPS, 100_000));
const result = time('trace → operation log (Open Trace worker, 1,024-op batches)', () =>
  traceRun('/bench/steady.trace', text, 1024),
);
const replay = new HeapReplay({ pageSize: result.pageSize, eventsKept: 2_000_000 });
time('host replay of the operation log (HeapReplay.apply)', () => {
  for (const batch of result.batches) replay.apply(batch);
});
const run = new RunStore().begin({ kind: 'trace', file: '/bench/steady.trace', label: 'steady', replay, sites: result.sites });
run.report = result.report;
let pages = 0;
for (const family of replay.heap.families) pages += family.counters.pages;
console.log(
  `  ${result.steps.toLocaleString('en-US')} operations, ${replay.blockSite.size.toLocaleString('en-US')} live blocks, ${pages.toLocaleString('en-US')} pages`,
);
time('Struct Usage rows (all families, with children)', () => structUsageNodes(run).map((n) => n.children?.()));
const families = time('Page Families: family rows', () => pageFamilyNodes(run));
time('Page Families: the largest family’s page rows (capped at 500)', () => families.map((f) => f.children?.()));
time('Free Lists: every family’s queue rows (capped at 500)', () => freeListNodes(run).map((n) => n.children?.()));
time('per-site figures from the log (code lenses)', () => siteFigures(replay, run.sites, run.report));
// A harness-like report: one loss record per struct (its first allocating line as the site).
run.report = {
  ...result.report,
  leaks: replay.heap.families.map((f) => ({
    kind: 'definitely-lost' as const,
    struct: f.name,
    blocks: 1,
    bytes: f.structSize,
    site: run.sites[0]!,
    stack: [run.sites[0]!],
    suppressed: false,
  })),
};
time('Leaks rows with block reveal (100,000 live blocks indexed by site)', () => leakNodes(run).map((n) => n.children?.()));
const feed = new MemoryMapFeed();
const messages = time('Memory Map backlog for a late panel (messages built)', () => feed.update(run));
console.log(`  ${messages.length} messages`);

// ---------------------------------------------------------------- a harness run's pipeline
// The extension host's side of a harness run as RunController wires it (RunPipeline slices,
// pieces of splitBatch, HeapReplay), without VS Code: how long Stop takes on a tight endless
// loop, the longest stretch the host spends on the run's messages, and a 210,000-allocation
// harness against the same harness run with no consumer (what `lmm run` does).
async function harnessPipelineBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-extension-bench-'));
  const tight = join(dir, 'tight-loop.lmm.ts');
  writeFileSync(
    tight,
    `import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';
@struct class item_t { @u32 id!: number; @ptr(() => item_t) next!: item_t | null; }
export default function main() {
  MM_REG_STRUCT(item_t);
  for (let i = 0; ; i++) { const item = XCALLOC(1, item_t)!; item.id = i; XFREE(item); }
}
`,
  );
  const allocations = join(dir, 'allocations-210k.lmm.ts');
  writeFileSync(
    allocations,
    `import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC, mm_register_root } from 'lmm-studio';
@struct class node_t { @u32 key!: number; @ptr(() => node_t) next!: node_t | null; }
export default function main() {
  MM_REG_STRUCT(node_t);
  const head = XCALLOC(1, node_t)!;
  mm_register_root(head);
  for (let i = 1; i < 210_000; i++) { const n = XCALLOC(1, node_t)!; n.key = i; n.next = head.next; head.next = n; }
}
`,
  );
  const hostRun = async (file: string, stopAfterMs?: number) => {
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1_000_000 });
    let lastProgress = performance.now();
    let longestProgressGap = 0;
    // As RunController wires it while nobody types: 20 ms slices, a 20 ms rest after each full one.
    const pipeline = new RunPipeline({
      ...RUN_PACE,
      progressMs: 250,
      onProgress: () => {
        const now = performance.now();
        longestProgressGap = Math.max(longestProgressGap, now - lastProgress);
        lastProgress = now;
      },
    });
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const handle = runHarness(file, {
      timeLimitMs: 60_000,
      onBatch: (batch) => {
        let taken: Promise<void> = Promise.resolve();
        for (const piece of splitBatchLazily(batch.ops)) taken = pipeline.push(() => replay.apply(piece.take()), piece.count);
        return taken;
      },
    });
    let stopLatency = NaN;
    if (stopAfterMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, stopAfterMs));
      const asked = performance.now();
      handle.cancel();
      pipeline.cut();
      await handle.result;
      stopLatency = performance.now() - asked;
    }
    const result = await handle.result;
    await pipeline.drained();
    pipeline.dispose();
    delay.disable();
    return {
      outcome: result.outcome,
      ms: performance.now() - started,
      steps: replay.steps,
      stopLatency,
      longestSlice: pipeline.longestSliceMs,
      loopDelayMax: delay.max / 1e6,
      loopDelayP99: delay.percentile(99) / 1e6,
      longestProgressGap,
    };
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const runs = Number(process.env.LMM_BENCH_RUNS ?? 3);
  try {
    console.log(`\nHarness runs through the host pipeline (${runs} runs each, medians; the machine may be shared)`);
    const stops = [];
    for (let i = 0; i < runs; i++) stops.push(await hostRun(tight, 3000));
    console.log(
      `  tight endless loop, Stop after 3 s: stop ${median(stops.map((s) => s.stopLatency)).toFixed(0)} ms (worst ${Math.max(...stops.map((s) => s.stopLatency)).toFixed(0)}), ` +
        `${median(stops.map((s) => s.steps)).toLocaleString('en-US')} operations taken in, longest slice ${median(stops.map((s) => s.longestSlice)).toFixed(0)} ms, ` +
        `event-loop delay p99 ${median(stops.map((s) => s.loopDelayP99)).toFixed(0)} ms / max ${median(stops.map((s) => s.loopDelayMax)).toFixed(0)} ms, ` +
        `longest gap between progress updates ${median(stops.map((s) => s.longestProgressGap)).toFixed(0)} ms`,
    );
    const hosted = [];
    const plain = [];
    for (let i = 0; i < runs; i++) {
      hosted.push(await hostRun(allocations));
      const started = performance.now();
      const result = await runHarnessFile(allocations, { timeLimitMs: 60_000 });
      if (result.outcome !== 'completed') throw new Error(`the 210,000-allocation harness: ${result.message}`);
      plain.push(performance.now() - started);
    }
    const hostedMs = median(hosted.map((h) => h.ms));
    const plainMs = median(plain);
    console.log(
      `  210,000 allocations: through the host pipeline ${hostedMs.toFixed(0)} ms, with no consumer (lmm run) ${plainMs.toFixed(0)} ms: ${(hostedMs / plainMs).toFixed(2)}×; ` +
        `longest slice ${median(hosted.map((h) => h.longestSlice)).toFixed(0)} ms, event-loop delay p99 ${median(hosted.map((h) => h.loopDelayP99)).toFixed(0)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void harnessPipelineBench().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
