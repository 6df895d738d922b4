/**
 * `npm run bench:leaks`: a leak check over 1,000,000 live blocks (budget: ≤ 1 s).
 *
 * The heap mixes what real programs leave behind: a rooted singly linked list, rooted trees,
 * lost lists, lost doubly linked lists (one big component each), lost cycles hanging off
 * cycles, multi-unit array blocks and interior pointers. Stacks are shared per site as the
 * harness runtime does; a second run gives every allocation its own stack array (the worst case
 * for grouping). Besides wall time it prints CPU time (user + system of the process, GC threads
 * included), which a loaded machine distorts less.
 */
import type { AllocationRecord, RunData, Site } from '../src/analysis/analysisInput';
import { checkLeaks } from '../src/analysis/leakCheck';
import { buildRunReport } from '../src/analysis/runReport';
import { layOutStruct } from '../src/analysis/cLayout';
import { LmmHeap } from '../src/engine/lmmHeap';
import { writePointer } from '../src/engine/pointers';

const BLOCKS = Number(process.env.LMM_BENCH_BLOCKS ?? 1_000_000);
const RUNS = 5;

const node = layOutStruct('node_t', [
  { name: 'value', type: 'u32', size: 4, align: 4 },
  { name: 'next', type: 'node_t *', size: 8, align: 8, pointerOffsets: [0] },
  { name: 'prev', type: 'node_t *', size: 8, align: 8, pointerOffsets: [0] },
]);
const tree = layOutStruct('tree_t', [
  { name: 'left', type: 'tree_t *', size: 8, align: 8, pointerOffsets: [0] },
  { name: 'right', type: 'tree_t *', size: 8, align: 8, pointerOffsets: [0] },
  { name: 'key', type: 'u64', size: 8, align: 8 },
]);

function build(sharedStacks: boolean): RunData {
  const heap = new LmmHeap({ memoryCap: 2 * 2 ** 30 });
  heap.register('node_t', node.size);
  heap.register('tree_t', tree.size);
  const allocations: AllocationRecord[] = [];
  const stacks = new Map<number, Site[]>();
  const stackFor = (line: number): Site[] => {
    if (!sharedStacks)
      return [
        { file: 'bench.lmm.ts', line, column: 5 },
        { file: 'bench.lmm.ts', line: 900, column: 3 },
      ];
    let s = stacks.get(line);
    if (s === undefined) {
      s = [
        { file: 'bench.lmm.ts', line, column: 5 },
        { file: 'bench.lmm.ts', line: 900, column: 3 },
      ];
      stacks.set(line, s);
    }
    return s;
  };
  let step = 2;
  const alloc = (struct: 'node_t' | 'tree_t', units: number, line: number): number => {
    const address = heap.xcallocStruct(struct, units);
    if (address === 0) throw new Error(heap.lastError!.message);
    const size = struct === 'node_t' ? node.size : tree.size;
    allocations.push({
      id: allocations.length,
      address,
      units,
      struct,
      bytes: units * size,
      stack: stackFor(line),
      allocStep: step++,
      freeStep: -1,
    });
    return address;
  };
  const link = (from: number, offset: number, to: number) =>
    writePointer(heap.kernel.view(from), from - heap.kernel.pageOf(from) + offset, to);
  const roots: RunData['roots'] = [];

  const quarter = Math.floor(BLOCKS / 4);
  // 1. A rooted singly linked list (still reachable).
  let previous = 0;
  for (let i = 0; i < quarter; i++) {
    const a = alloc('node_t', 1, 10);
    if (previous === 0) roots.push({ address: a, label: 'g_list' });
    else link(previous, 8, a);
    previous = a;
  }
  // 2. Trees of 1023 nodes: every other one rooted, the rest lost (one definitely-lost root each).
  let made = 0;
  for (let t = 0; made < quarter; t++) {
    const nodes: number[] = [];
    for (let i = 0; i < 1023 && made < quarter; i++, made++) nodes.push(alloc('tree_t', 1, 20 + (t % 3)));
    for (let i = 1; i < nodes.length; i++) link(nodes[(i - 1) >> 1]!, (i - 1) % 2 === 0 ? 0 : 8, nodes[i]!);
    if (t % 2 === 0) roots.push({ address: nodes[0]!, label: `g_tree${t}` });
  }
  // 3. Lost doubly linked lists of 10,000 nodes (each one strongly connected component).
  for (let done = 0; done < quarter;) {
    let prev = 0;
    for (let i = 0; i < 10_000 && done < quarter; i++, done++) {
      const a = alloc('node_t', 1, 30);
      if (prev !== 0) {
        link(prev, 8, a);
        link(a, 16, prev);
      }
      prev = a;
    }
  }
  // 4. The rest: cycles of 3 hanging off cycles of 3, array blocks of 4 units reached through
  //    interior pointers from a rooted block, and lone lost blocks.
  const rest = BLOCKS - 3 * quarter;
  let count = 0;
  let anchor = 0;
  for (let round = 0; count < rest; round++) {
    const kind = round % 3;
    if (kind === 0 && rest - count >= 6) {
      const c = [0, 1, 2, 3, 4, 5].map(() => alloc('node_t', 1, 40));
      link(c[0]!, 8, c[1]!);
      link(c[1]!, 8, c[2]!);
      link(c[2]!, 8, c[0]!);
      link(c[3]!, 8, c[4]!);
      link(c[4]!, 8, c[5]!);
      link(c[5]!, 8, c[3]!);
      link(c[1]!, 16, c[3]!);
      count += 6;
    } else if (kind === 1) {
      if (anchor === 0) {
        anchor = alloc('node_t', 1, 50);
        roots.push({ address: anchor, label: 'g_anchor' });
        count++;
        continue;
      }
      const array = alloc('node_t', 4, 51);
      link(anchor, 16, array + 2 * node.size); // interior: &array[2]
      link(array, 8, anchor);
      anchor = array; // chain the arrays through their first unit's prev field next time
      count++;
    } else {
      alloc('node_t', 1, 60);
      count++;
    }
  }
  return { harnessFile: 'bench.lmm.ts', heap, structs: [node, tree], allocations, roots, errors: [], steps: step };
}

/** Returns the CPU times (first run, median) of the check. */
function measure(label: string, data: RunData): [number, number] {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const c0 = performance.now();
  const cpu0 = cpu();
  let result = checkLeaks(data);
  const cold = performance.now() - c0;
  const coldCpu = cpu() - cpu0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const u0 = cpu();
    result = checkLeaks(data);
    times.push(performance.now() - t0);
    cpuTimes.push(cpu() - u0);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)]!;
  const s = result.summary;
  console.log(
    `${label}: ${result.liveBlocks.toLocaleString('en-US')} live blocks, ${result.records.length} loss records — ` +
      `median ${median.toFixed(0)} ms, best ${times[0]!.toFixed(0)} ms over ${RUNS} runs (first run ${cold.toFixed(0)} ms); ` +
      `CPU time median ${cpuTimes[Math.floor(RUNS / 2)]!.toFixed(0)} ms, first run ${coldCpu.toFixed(0)} ms`,
  );
  console.log(
    `  definitely lost ${s['definitely-lost'].blocks}, indirectly lost ${s['indirectly-lost'].blocks}, ` +
      `possibly lost ${s['possibly-lost'].blocks}, still reachable ${s['still-reachable'].blocks}`,
  );
  return [coldCpu, cpuTimes[Math.floor(RUNS / 2)]!];
}

const t0 = performance.now();
let data = build(true);
console.log(`built ${BLOCKS.toLocaleString('en-US')} blocks in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);
const shared = measure('leak check, shared stacks', data);
{
  // The whole report (leak check, sites, peak, hints) once, for scale: not part of the budget.
  const r0 = performance.now();
  const report = buildRunReport(data);
  console.log(
    `whole run report (leak check included): ${(performance.now() - r0).toFixed(0)} ms, ` +
      `${report.sites.length} sites, ${report.hints.length} hints, peak ${report.peak.appMemory.toLocaleString('en-US')} bytes`,
  );
}
let unshared: [number, number] = [0, 0];
if (process.env.LMM_BENCH_SHARED_ONLY === undefined) {
  data = build(false);
  unshared = measure('leak check, one stack array per allocation', data);
}
// Judged on CPU time: wall time on a shared 2-core machine mostly measures the neighbours.
const budget = 1000;
const worst = Math.max(...shared, ...unshared);
console.log(
  `budget ${budget} ms of CPU time per check (first run included): ${worst <= budget ? 'OK' : 'OVER'} (worst ${worst.toFixed(0)} ms)`,
);
if (worst > budget) process.exitCode = 1;
