/**
 * `npm run bench:harness`: a harness making 1,000,000 XCALLOC/XFREE calls (500,000 of each,
 * through a `new_node()` helper so stacks have two frames), run end to end as `lmm run` does:
 * compile, worker start, run, end-of-run facts. Budget: ≤ 3 s, with and without attribution.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHarnessFile } from '../src/harness/runHarness';

const CALLS = Number(process.env.LMM_BENCH_CALLS ?? 1_000_000);
const BUDGET_MS = 3000;

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
  // A window of 1,000 live blocks: allocate one, free the oldest.
  const window: node_t[] = [];
  const pairs = ${CALLS / 2};
  for (let i = 0; i < pairs; i++) {
    window.push(new_node(i));
    if (window.length > 1000) XFREE(window.shift()!);
  }
  for (const n of window) XFREE(n);
}
`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-bench-'));
  const file = join(dir, 'churn.lmm.ts');
  writeFileSync(file, HARNESS);
  let failed = false;
  try {
    // One warm-up run (esbuild's service, TypeScript's parser, the worker bundles), as an editor would have.
    await runHarnessFile(file, { attribution: false });
    for (const attribution of [true, false, true, false]) {
      const started = performance.now();
      const result = await runHarnessFile(file, { attribution, timeLimitMs: 60_000 });
      const ms = performance.now() - started;
      const facts = result.finished?.facts;
      if (result.outcome !== 'completed' || !facts) throw new Error(`run failed: ${result.outcome} ${result.message ?? ''}`);
      const within = ms <= BUDGET_MS;
      failed ||= !within;
      console.log(
        `harness ${CALLS.toLocaleString('en')} XCALLOC/XFREE calls, attribution ${attribution ? 'on ' : 'off'}: ` +
          `${ms.toFixed(0)} ms total (compile ${result.timings.compileMs} ms, worker+run ${result.timings.runMs} ms), ` +
          `${facts.allocations} allocations, ${facts.steps} steps ${within ? 'ok' : `OVER the ${BUDGET_MS} ms budget`}`,
      );
    }
    // Cold: the first run of a fresh process pays for loading TypeScript and bundling the worker.
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

void main();
