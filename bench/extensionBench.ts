/**
 * `npm run bench:extension`: what the extension host does per run, at scale, so the views stay
 * responsive:
 * - trace → operation log (what Open Trace's worker does) and the host's replay of that log;
 * - tree rows for a heap of 10,000 pages (Page Families, Free Lists, Struct Usage, Leaks);
 * - the Memory Map backlog (messages for a panel opened after a 1,000,000-operation run).
 */
import { performance } from 'node:perf_hooks';
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
