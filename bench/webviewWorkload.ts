/**
 * The Memory Map benchmark's workload, generated inside the page (no megabytes through the
 * DevTools protocol): four structs, growth until `targetPages` data pages are mapped, then
 * free/alloc churn up to `steps` operations, with a double free every 50,000 steps (error
 * markers) and a mark every 100,000 (leak-check markers). Deterministic (seeded).
 */
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../src/engine/heapOps';
import { LmmHeap } from '../src/engine/lmmHeap';

export interface WorkloadOptions {
  targetPages: number;
  steps: number;
  batchSize: number;
  seed?: number;
}

export interface Workload {
  batches: HeapOpBatch[];
  steps: number;
  pagesAtEnd: number;
  sites: Array<{ file: string; line: number; column: number }>;
}

const STRUCTS: Array<[string, number]> = [
  ['node_t', 24],
  ['emp_t', 36],
  ['student_t', 56],
  ['record_t', 200],
];
const SITES = 20;

export function generate(options: WorkloadOptions): Workload {
  let seed = options.seed ?? 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const heap = new LmmHeap({ pageSize: 4096, memoryCap: 1 << 30 });
  const recorder = new HeapOpRecorder(options.batchSize);
  const batches: HeapOpBatch[] = [];
  const flushIfFull = () => {
    if (recorder.steps % options.batchSize === 0) {
      const batch = recorder.flush();
      if (batch) batches.push(batch);
    }
  };
  for (const [name, size] of STRUCTS) {
    recorder.record(HeapOpKind.Register, size, 0, heap.register(name, size), 0, name);
    flushIfFull();
  }
  const live: number[] = [];
  let freed = 0;
  const alloc = () => {
    const family = Math.floor(random() * STRUCTS.length);
    const units = 1 + Math.floor(random() * 3);
    const address = heap.xcalloc(family, units);
    recorder.record(HeapOpKind.Alloc, family, units, address, 1 + Math.floor(random() * (SITES - 1)), undefined);
    if (address !== 0) live.push(address);
  };
  const free = () => {
    const i = Math.floor(random() * live.length);
    const address = live[i]!;
    live[i] = live[live.length - 1]!;
    live.pop();
    recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, 1 + Math.floor(random() * (SITES - 1)), undefined);
    freed = address;
  };
  const pages = () => heap.families.reduce((sum, f) => sum + f.counters.pages, 0);
  while (recorder.steps < options.steps) {
    const step = recorder.steps;
    if (step % 100000 === 99999) recorder.record(HeapOpKind.Mark, step, 0, 0, 0, undefined);
    else if (step % 50000 === 49999 && freed !== 0)
      recorder.record(HeapOpKind.Free, freed, 0, heap.xfree(freed) ? 1 : 0, 0, undefined);
    else if (live.length === 0 || (pages() < options.targetPages && random() < 0.9)) alloc();
    else if (random() < 0.5) free();
    else alloc();
    flushIfFull();
  }
  const last = recorder.flush();
  if (last) batches.push(last);
  const sites = [];
  for (let i = 0; i < SITES; i++) sites.push({ file: '/work/examples/bench.lmm.ts', line: 10 + i, column: 5 });
  return { batches, steps: recorder.steps, pagesAtEnd: pages(), sites };
}

(globalThis as unknown as { lmmWebviewWorkload: unknown }).lmmWebviewWorkload = { generate };
