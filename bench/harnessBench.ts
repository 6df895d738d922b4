/**
 * `npm run bench:harness`: a harness making 1,000,000 XCALLOC/XFREE calls (500,000 of each,
 * allocations through a `new_node()` helper so stacks have two frames), run end to end as
 * `lmm run` does: compile, worker start, run, end-of-run facts and leak check. Budget: ≤ 3 s, with
 * and without attribution. CPU time is printed too: on a shared machine wall time mostly
 * measures the neighbours. The harness runs in a child process (the harness host), so the CPU
 * time is this process's plus its ended children's (Linux: /proc/self/stat; elsewhere this
 * process's only, and the line says so).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarnessFile } from '../src/harness/runHarness';

const CALLS = Number(process.env.LMM_BENCH_CALLS ?? 1_000_000);
const BUDGET_MS = 3000;
/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU milliseconds of this process's children that have ended and been waited for, if known. */
function endedChildrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime); `fields` starts at field 3.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

const HARNESS = `
import { struct, char, u32, ptr, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct class node_t {
  @char(16) name!: string;
  @u32 key!: number;
  @ptr(() => node_t) next!: node_t | null;
}

function new_node(key: number): node_t {
  const n = XCALLOC(1, node_t);
  n.key = key;
  return n;
}

export default function main(): void {
  MM_REG_STRUCT(node_t);
  // Rounds of a 1,000-node list: build it (through the helper), then free it from the head.
  const rounds = ${CALLS / 2000};
  for (let r = 0; r < rounds; r++) {
    let head: node_t | null = null;
    for (let i = 0; i < 1000; i++) {
      const n = new_node(i);
      n.next = head;
      head = n;
    }
    while (head !== null) {
      const next: node_t | null = head.next;
      XFREE(head);
      head = next;
    }
  }
}
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-bench-'));
  const file = join(dir, 'churn.lmm.ts');
  writeFileSync(file, HARNESS);
  let failed = false;
  try {
    // The first run is cold: it loads TypeScript (instrumentation) and starts esbuild's service.
    for (const attribution of [true, false, true, false]) {
      const cpu = process.cpuUsage();
      const childrenBefore = endedChildrenCpuMs();
      const started = performance.now();
      const result = await runHarnessFile(file, { attribution, timeLimitMs: 60_000 });
      const ms = performance.now() - started;
      const cpuUsed = process.cpuUsage(cpu);
      // The host is killed as the run ends; it counts once it has been waited for.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const childrenAfter = endedChildrenCpuMs();
      const childrenMs = childrenBefore === undefined || childrenAfter === undefined ? undefined : childrenAfter - childrenBefore;
      const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000 + (childrenMs ?? 0);
      const facts = result.finished?.facts;
      if (result.outcome !== 'completed' || !facts) throw new Error(`run failed: ${result.outcome} ${result.message ?? ''}`);
      const within = ms <= BUDGET_MS;
      failed ||= !within;
      console.log(
        `harness ${CALLS.toLocaleString('en')} XCALLOC/XFREE calls, attribution ${attribution ? 'on ' : 'off'}: ` +
          `${ms.toFixed(0)} ms total, ${cpuMs.toFixed(0)} ms CPU${childrenMs === undefined ? ' (this process only)' : ''} (compile ${result.timings.compileMs} ms, worker+run ${result.timings.runMs} ms), ` +
          `${facts.allocations} allocations, ${facts.steps} steps ${within ? 'ok' : `OVER the ${BUDGET_MS} ms budget`}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

void main();
