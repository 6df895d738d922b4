/**
 * `npm run bench`: the engine's and `lmm trace`'s figures, on three deterministic steady-state
 * traces (4 families): 1,000,000 operations at ~1,000 live blocks, 200,000 at ~20,000 and
 * 1,000,000 at ~100,000.
 * - engine only: the operations of a parsed trace run straight on the heap (CPU time, no output),
 *   through the calls `lmm trace`'s replayer makes (xcallocHandle / xfreeLiveHandle);
 * - parse share: CPU time of reading and parsing the file alone (operations dropped), as a share
 *   of `lmm trace`'s own work in this process (read, parse, replay, output);
 * - whole process: `node bin/lmm.js trace FILE > /dev/null`, wall time and peak RSS;
 * - start: the whole process on a 3-line trace, against `node -e 0`;
 * - bookkeeping outside the page memory per live block (~1,000 and ~100,000 live), and the page
 *   memory the kernel's arena holds beyond the mapped pages (unmapped pages of chunks in use).
 * Each figure is the median of LMM_BENCH_RUNS runs (default 5). The machine's load average is
 * printed before and after: on a shared machine, only figures taken at a low load compare.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { traceCommand } from '../src/cli/traceCommand';
import { streamTraceFile } from '../src/cli/traceFileStream';
import { LmmHeap } from '../src/engine/lmmHeap';
import { TraceOp, parseTrace, type TraceProgram } from '../src/trace/traceProgram';
import { TraceReader, type TraceSink } from '../src/trace/traceReader';
import { steadyStateTrace } from './steadyStateTrace';

const WORKLOADS = [
  { ops: 1_000_000, live: 1_000 },
  { ops: 200_000, live: 20_000 },
  { ops: 1_000_000, live: 100_000 },
] as const;
const RUNS = Math.max(1, Number(process.env['LMM_BENCH_RUNS'] ?? 5));
/** The C implementation's peak RSS on the 1,000,000-op ~1,000-live trace (its driver holds the whole trace). */
const C_RSS_MIB = 55;
const root = resolve(__dirname, '..', '..');
const cacheDir = join(tmpdir(), 'lmm-bench');

function traceFile(ops: number, live: number): string {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `steady-v1-${ops}-${live}.trace`);
  if (!existsSync(file)) writeFileSync(file, steadyStateTrace(ops, live));
  return file;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU seconds of this process spent in `work` (other processes on the machine don't count). */
function cpuSeconds(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Engine only: the operations of a parsed trace, run straight on the heap as `lmm trace` runs them. */
function engineOpsPerSecond(program: TraceProgram): { opsPerSecond: number; live: number } {
  const rates: number[] = [];
  let live = 0;
  for (let run = 0; run < RUNS; run++) {
    const heap = new LmmHeap({ pageSize: program.pageSize });
    const familyOf = program.names.map(() => -1);
    const blocks = new Int32Array(program.ids.length);
    const { ops, argA, argB, argC, length } = program;
    const seconds = cpuSeconds(() => {
      for (let i = 0; i < length; i++) {
        const op = ops[i];
        if (op === TraceOp.Alloc) blocks[argA[i]!] = heap.xcallocHandle(familyOf[argB[i]!]!, argC[i]!);
        else if (op === TraceOp.Free) heap.xfreeLiveHandle(blocks[argA[i]!]!);
        else if (op === TraceOp.Register) familyOf[argA[i]!] = heap.register(program.names[argA[i]!]!, argB[i]!);
      }
    });
    rates.push(length / seconds);
    live = heap.allocatedBlocks().count;
  }
  return { opsPerSecond: median(rates), live };
}

const DROP: TraceSink = { begin() {}, register() {}, alloc() {}, free() {}, dump() {} };

/** Parse share: reading and parsing alone, against `lmm trace`'s whole work in this process. */
function parseShare(file: string): { parseSeconds: number; traceSeconds: number } {
  const parse: number[] = [];
  const trace: number[] = [];
  const quiet = { stdout() {}, stderr() {} };
  for (let run = 0; run < RUNS; run++) {
    parse.push(cpuSeconds(() => streamTraceFile(file, new TraceReader(DROP))));
    trace.push(cpuSeconds(() => traceCommand([file], quiet)));
  }
  return { parseSeconds: median(parse), traceSeconds: median(trace) };
}

/**
 * Whole process: wall time and peak RSS of `node bin/lmm.js ARGS`, medians, and the largest peak
 * (on a loaded machine V8's concurrent GC threads get less CPU and some runs peak higher).
 */
/** Wall time of one `node bin/lmm.js ARGS` run, in seconds. */
function timedOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
  return seconds;
}

function wholeProcess(args: string[]): { seconds: number; rssMiB: number; maxRssMiB: number } {
  const times: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['-r', join(root, 'bench', 'rssProbe.cjs'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 1 << 26,
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr}`);
    const m = /max-rss-kib=(\d+)/.exec(child.stderr.toString());
    if (m) rss.push(Number(m[1]) / 1024);
  }
  return { seconds: median(times), rssMiB: median(rss), maxRssMiB: Math.max(...rss) };
}

interface Bookkeeping {
  /** JS heap and array-buffer bytes beyond the page memory the kernel holds, per live block. */
  perBlock: number;
  /** Page memory held (the arena's chunks) and mapped, in bytes. */
  held: number;
  mapped: number;
}

/** Bookkeeping of a heap of `liveTarget` live blocks, measured in a fresh process. */
function bookkeepingPerBlock(liveTarget: number): Bookkeeping {
  const child = spawnSync(process.execPath, ['--expose-gc', __filename, '--bookkeeping', String(liveTarget)], {
    encoding: 'utf8',
  });
  const m = /bookkeeping=(-?[\d.]+) held=(\d+) mapped=(\d+)/.exec(child.stdout);
  return m ? { perBlock: Number(m[1]), held: Number(m[2]), mapped: Number(m[3]) } : { perBlock: NaN, held: NaN, mapped: NaN };
}

/** Builds a heap with `liveTarget` live blocks (and as many freed ones in between). */
function buildHeap(liveTarget: number): LmmHeap {
  const heap = new LmmHeap();
  const families = [24, 56, 120, 300].map((size, i) => heap.register(`f${i}_t`, size));
  const addresses: number[] = [];
  for (let i = 0; i < liveTarget * 2; i++) addresses.push(heap.xcalloc(families[i % 4]!, 1));
  // Free every other block so the heap holds free blocks and a real free list too.
  for (let i = 0; i < addresses.length; i += 2) heap.xfree(addresses[i]!);
  return heap;
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  // Array-buffer backing stores are released after a GC, by a sweeper: give it time.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
}

async function measureBookkeeping(liveTarget: number): Promise<string> {
  buildHeap(liveTarget); // warm up: code, inline caches and shapes are not bookkeeping
  const before = await settledMemory();
  const heap = buildHeap(liveTarget);
  const after = await settledMemory();
  const used = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  const live = heap.allocatedBlocks().count;
  const held = heap.kernel.heldBytes();
  return `bookkeeping=${(used - held) / live} held=${held} mapped=${heap.kernel.mappedBytes()}`;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

interface Row {
  label: string;
  engine: number;
  live: number;
  parseShare: number;
  parseSeconds: number;
  seconds: number;
  rss: number;
  maxRss: number;
}

function main(): void {
  console.log(`LMM engine benchmark — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, node ${process.version}`);
  console.log(`medians of ${RUNS} runs (LMM_BENCH_RUNS); load average (1 / 5 / 15 min) at the start: ${load()}`);
  const bin = join(root, 'bin', 'lmm.js');
  const tiny = join(cacheDir, 'start.trace');
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(tiny, 'reg s_t 8\nalloc a1 s_t 1\nfree a1\n');
  const node = wholeProcess(['-e', '0']);
  const start = wholeProcess([bin, 'trace', tiny]);
  const rows: Row[] = [];
  for (const { ops, live } of WORKLOADS) {
    const file = traceFile(ops, live);
    const program = parseTrace(readFileSync(file));
    const engine = engineOpsPerSecond(program);
    const share = parseShare(file);
    const whole = wholeProcess([bin, 'trace', file]);
    rows.push({
      label: `${ops.toLocaleString('en')} ops, ~${live.toLocaleString('en')} live (${engine.live.toLocaleString('en')} at end)`,
      engine: engine.opsPerSecond,
      live,
      parseShare: share.parseSeconds / share.traceSeconds,
      parseSeconds: share.parseSeconds,
      seconds: whole.seconds,
      rss: whole.rssMiB,
      maxRss: whole.maxRssMiB,
    });
  }
  // The ratio target compares two traces' whole-process times. This VM's speed moves by up to 2x
  // within a minute, and the two rows' medians above are taken some 10 s apart, so their ratio
  // mixes two machine speeds. Pairs run back to back (in both orders, so neither trace always
  // runs first) share one speed: the target is read from the median of the pairs' ratios.
  const pairRatios: number[] = [];
  const smallFile = traceFile(WORKLOADS[0]!.ops, WORKLOADS[0]!.live);
  const largeFile = traceFile(WORKLOADS[2]!.ops, WORKLOADS[2]!.live);
  for (let run = 0; run < RUNS; run++) {
    const timed = (file: string): number => timedOnce([bin, 'trace', file]);
    if (run % 2 === 0) {
      const s = timed(smallFile);
      pairRatios.push(timed(largeFile) / s);
    } else {
      const l = timed(largeFile);
      pairRatios.push(l / timed(smallFile));
    }
  }
  const bookkeepingSmall = bookkeepingPerBlock(1_000);
  const bookkeepingLarge = bookkeepingPerBlock(100_000);

  console.log('\n| steady trace | engine only | parse share (parse alone) | `lmm trace` whole process | peak RSS (largest) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${(r.engine / 1e6).toFixed(2)} M ops/s | ${(r.parseShare * 100).toFixed(0)} % (${r.parseSeconds.toFixed(2)} s) | ${r.seconds.toFixed(2)} s | ${r.rss.toFixed(0)} MiB (${r.maxRss.toFixed(0)}) |`,
    );
  }
  console.log(
    `\nstart: lmm trace on a 3-line trace ${start.seconds.toFixed(3)} s, node -e 0 ${node.seconds.toFixed(3)} s ` +
      `(lmm's own start-up ${Math.max(0, start.seconds - node.seconds).toFixed(3)} s)`,
  );
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
  console.log(
    `bookkeeping outside the page memory per live block: ${bookkeepingSmall.perBlock.toFixed(1)} B at ~1,000 live, ` +
      `${bookkeepingLarge.perBlock.toFixed(1)} B at ~100,000 (fixed per family: 16 KiB of free-list run tails)`,
  );
  console.log(
    `page memory held for the same heaps (every other block freed): ${mib(bookkeepingSmall.held)} MiB for ` +
      `${mib(bookkeepingSmall.mapped)} MiB mapped at ~1,000 live, ${mib(bookkeepingLarge.held)} MiB for ` +
      `${mib(bookkeepingLarge.mapped)} MiB at ~100,000 (a chunk of the arena is held while one of its pages is mapped)`,
  );
  const [small, , large] = rows as [Row, Row, Row];
  console.log('\ntargets:');
  console.log(`  lmm trace, ~1,000 live ≤ 0.60 s: ${small.seconds.toFixed(2)} s — ${mark(small.seconds <= 0.6)}`);
  console.log(`  engine, ~1,000 live ≥ 5 M ops/s: ${(small.engine / 1e6).toFixed(2)} — ${mark(small.engine >= 5e6)}`);
  console.log(`  engine, ~100,000 live ≥ 2.5 M ops/s: ${(large.engine / 1e6).toFixed(2)} — ${mark(large.engine >= 2.5e6)}`);
  const ratio = median(pairRatios);
  console.log(
    `  lmm trace, ~100,000 live ≤ 1.6 × ~1,000 live: ${ratio.toFixed(2)} × — ${mark(ratio <= 1.6)} ` +
      `(median of ${RUNS} alternated pairs: ${pairRatios.map((r) => r.toFixed(2)).join(', ')}; ` +
      `the rows' medians give ${(large.seconds / small.seconds).toFixed(2)} ×)`,
  );
  const rssLimit = 1.5 * C_RSS_MIB;
  console.log(
    `  peak RSS, ~1,000 live ≤ 1.5 × C's ${C_RSS_MIB} MiB = ${rssLimit.toFixed(0)} MiB: ${small.rss.toFixed(0)} MiB — ${mark(small.rss <= rssLimit)}`,
  );
  console.log(`\nload average at the end: ${load()}`);
}

if (process.argv[2] === '--bookkeeping') void measureBookkeeping(Number(process.argv[3])).then((line) => console.log(line));
else main();
