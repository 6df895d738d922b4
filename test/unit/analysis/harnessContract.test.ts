/**
 * The analyses on RunData made by the real harness runtime (compiled with the harness compiler,
 * run in-process here: a trusted test harness), so the contract in analysisInput.ts is checked
 * from both sides: shared stacks, steps, roots, struct layouts.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunData } from '../../../src/analysis/analysisInput';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { buildRunReport, failingKinds } from '../../../src/analysis/runReport';
import { formatTextReport } from '../../../src/analysis/textReport';
import { compilerHooks, createLmmStudioModule } from '../../../src/harness/api/lmmStudioModule';
import { HARNESS_GLOBALS, HOOK_ORDER } from '../../../src/harness/compile/compartmentScript';
import { compileHarness } from '../../../src/harness/compile/compileHarness';
import { HarnessRuntime } from '../../../src/harness/runtime/harnessRuntime';

const HARNESS = `import { struct, u32, ptr, array, MM_REG_STRUCT, XCALLOC, XFREE, mm_register_root, mm_leak_check } from 'lmm-studio';

@struct
class node_t {
  @u32 key!: number;
  @ptr(() => node_t) next!: node_t | null;
  @ptr(() => node_t) prev!: node_t | null;
}

@struct
class table_t {
  @array(ptr(() => node_t), 4) heads!: unknown;
}

function new_node(key: number): node_t {
  const n = XCALLOC(1, node_t);
  n.key = key;
  return n;
}

export default function main(): void {
  MM_REG_STRUCT(node_t);
  MM_REG_STRUCT(table_t);
  const table = XCALLOC(1, table_t);
  mm_register_root(table);
  const kept = new_node(1);
  (table.heads as (node_t | null)[])[2] = kept;
  kept.next = new_node(2);
  // A lost doubly linked list of three.
  const a = new_node(10);
  const b = new_node(11);
  const c = new_node(12);
  a.next = b; b.prev = a; b.next = c; c.prev = b;
  mm_leak_check();
  for (let i = 0; i < 40; i++) XFREE(new_node(100 + i));
}
`;

async function run(source: string): Promise<{ data: RunData; runtime: HarnessRuntime }> {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-contract-'));
  try {
    const file = join(dir, 'contract.lmm.ts');
    writeFileSync(file, source);
    const compiled = await compileHarness(file, { displayName: () => 'contract.lmm.ts' });
    const runtime = new HarnessRuntime({
      harnessFile: file,
      sites: compiled.sites,
      structSites: compiled.structSites,
      leakCheck: (data) => checkLeaks(data),
    });
    const api = createLmmStudioModule(runtime);
    const hooks = compilerHooks(runtime);
    const module = { exports: {} as { default?: () => void } };
    // The compiled script is a function of the compiler's hooks, returning a function of require,
    // module, exports and the built-ins.
    const withHooks = new Function(`return ${compiled.code}`)() as (...hooks: unknown[]) => (...args: unknown[]) => void;
    withHooks(...HOOK_ORDER.map((name) => hooks[name]))(
      (name: string) => (name === 'lmm-studio' ? api : undefined),
      module,
      module.exports,
      ...HARNESS_GLOBALS.map((name) => (globalThis as Record<string, unknown>)[name]),
    );
    module.exports.default!();
    return { data: runtime.runData(), runtime };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("analyses on the harness runtime's RunData", () => {
  it('classifies, groups by call stack, finds the peak and hints', async function () {
    this.timeout(20_000);
    const { data, runtime } = await run(HARNESS);
    const report = buildRunReport(data, { leakChecks: runtime.leakChecks });
    const line = (r: { stack: { line: number }[] }) => r.stack.map((s) => s.line).join('<');
    assert.deepEqual(
      report.leaks.map((r) => [r.kind, r.struct, r.blocks, line(r)]),
      [
        ['definitely-lost', 'node_t', 1, '16<30'],
        ['indirectly-lost', 'node_t', 1, '16<31'],
        ['indirectly-lost', 'node_t', 1, '16<32'],
        ['still-reachable', 'table_t', 1, '24'],
        ['still-reachable', 'node_t', 1, '16<26'],
        ['still-reachable', 'node_t', 1, '16<28'],
      ],
    );
    assert.deepEqual(report.leaks[0]!.drags, { blocks: 2, bytes: 48 });
    const path = report.leaks.find((r) => line(r) === '16<28')!.rootPath!;
    assert.deepEqual(
      path.map((s) => [s.struct, s.field]),
      [
        ['table_t', 'table_t root (contract.lmm.ts:25:3)'],
        ['node_t', 'heads[2]'],
        ['node_t', 'next'],
      ],
    );
    assert.equal(report.leakChecks.length, 1);
    assert.equal(report.leakChecks[0]!.summary['definitely-lost'].blocks, 1);
    assert.equal(report.peak.matchesHeap, true);
    assert.equal(report.peak.appMemory, data.heap.peakAppMemory);
    const churn = report.hints.find((h) => h.kind === 'short-lived')!;
    assert.equal(churn.site!.line, 16);
    assert.deepEqual(failingKinds(report, 'definitely-lost'), ['definitely-lost']);
    const text = formatTextReport(report, data.heap);
    assert.match(
      text,
      /72 \(24 direct, 48 indirect\) bytes in 1 block are definitely lost in loss record 1 of 6 \(node_t\)\n {3}at contract\.lmm\.ts:16:13\n {3}by contract\.lmm\.ts:30:13/,
    );
    // The whole report is plain JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });
});
