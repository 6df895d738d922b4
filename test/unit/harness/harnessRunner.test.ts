import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeapOpKind } from '../../../src/engine/heapOps';
import { LmmHeap } from '../../../src/engine/lmmHeap';
import { runHarness, runHarnessFile, type HarnessBatch } from '../../../src/harness/runHarness';

/** Replays streamed ops on a fresh engine; returns the steps whose result differs from the recorded one. */
function replay(batches: HarnessBatch[]): { heap: LmmHeap; divergent: number[] } {
  const heap = new LmmHeap({ pageSize: batches[0]!.pageSize, memoryCap: batches[0]!.memoryCap });
  const divergent: number[] = [];
  for (const { ops } of batches) {
    let name = 0;
    for (let i = 0; i < ops.count; i++) {
      const [a, b, c] = [ops.a[i]!, ops.b[i]!, ops.c[i]!];
      let result: number;
      if (ops.kind[i] === HeapOpKind.Register) result = heap.register(ops.names[name++]!, a);
      else if (ops.kind[i] === HeapOpKind.Alloc) result = heap.xcalloc(a, b);
      else if (ops.kind[i] === HeapOpKind.Free) result = heap.xfree(a) ? 1 : 0;
      else continue;
      if (result !== c) divergent.push(ops.firstStep + i);
    }
  }
  return { heap, divergent };
}

const examples = join(__dirname, '..', '..', '..', 'examples');

describe('harness runner (compile, sandboxed worker, results)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-harness-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const harness = (name: string, source: string): string => {
    const file = join(dir, name);
    writeFileSync(file, source);
    return file;
  };

  it('runs the seed program: 4 student_t pages and 12,480 bytes at the peak, 4 mmap + 4 munmap, no errors or leaks', async () => {
    const batches: HarnessBatch[] = [];
    const result = await runHarnessFile(join(examples, 'seed-testapp.lmm.ts'), { onBatch: (b) => batches.push(b) });
    assert.equal(result.outcome, 'completed', result.message);
    const facts = result.finished!.facts;
    const student = facts.families.find((f) => f.name === 'student_t')!;
    assert.equal(student.size, 56);
    assert.equal(student.peakPages, 4);
    assert.equal(student.peakAppMemory, 12_480);
    assert.equal(student.mmap, 4);
    assert.equal(student.munmap, 4);
    assert.equal(facts.families.find((f) => f.name === 'emp_t')!.size, 36);
    assert.equal(facts.allocations, 120);
    assert.equal(facts.liveBlocks, 0);
    assert.deepEqual(facts.errors, []);
    assert.equal(result.finished!.report.totals.liveBlocks, 0);
    // Every op was streamed, in order, with the site table to read their sites.
    assert.equal(
      batches.reduce((n, b) => n + b.ops.count, 0),
      facts.steps,
    );
    assert.equal(batches[0]!.ops.firstStep, 0);
    assert.equal(batches[0]!.pageSize, 4096);
    const firstAlloc = batches[0]!.ops.kind.indexOf(2);
    const site = batches[0]!.sites[batches[0]!.ops.site[firstAlloc]!]!;
    assert.match(site.file, /seed-testapp\.lmm\.ts$/);
    assert.equal(site.line, 42);
  });

  it('attributes allocations to their harness call stack: a helper’s callers are told apart', async () => {
    const file = harness(
      'stacks.lmm.ts',
      `import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class node_t { @u32 v!: number; }
function new_node(): node_t {
  return XCALLOC(1, node_t);
}
function a() { return new_node(); }
function b() { return new_node(); }
export default function main() {
  MM_REG_STRUCT(node_t);
  a(); b(); b();
}
`,
    );
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'completed', result.message);
    const records = result.finished!.report.leaks.map((r) => [r.blocks, r.stack.map((s) => `${s.line}:${s.column}`)]);
    assert.deepEqual(
      records.sort((x, y) => (x[0] as number) - (y[0] as number)),
      [
        [1, ['4:10', '6:23', '10:3']],
        [1, ['4:10', '7:23', '10:8']],
        [1, ['4:10', '7:23', '10:13']],
      ],
    );
    const plain = await runHarnessFile(file, { attribution: false });
    assert.equal(plain.finished!.report.leaks.length, 1, 'without attribution every block has the same (unknown) stack');
  });

  const errorExamples: [string, [string, number, number][]][] = [
    ['error-double-free', [['double-free', 1, 15]]],
    [
      'error-invalid-free',
      [
        ['invalid-free', 1, 14],
        ['invalid-free', 1, 15],
      ],
    ],
    [
      'error-use-after-free',
      [
        ['use-after-free', 1, 18],
        ['use-after-free', 1, 19],
      ],
    ],
    [
      'error-out-of-bounds',
      [
        ['out-of-bounds', 1, 14],
        ['out-of-bounds', 1, 15],
        ['out-of-bounds', 1, 16],
        ['out-of-bounds', 1, 17],
        ['out-of-bounds', 1, 17],
      ],
    ],
    ['error-unregistered-struct', [['unregistered-struct', 1, 10]]],
    ['error-too-large', [['too-large', 1, 12]]],
    ['error-out-of-memory', [['out-of-memory', 1, 17]]],
    ['error-duplicate-registration', [['duplicate-registration', 1, 10]]],
    [
      'error-struct-too-large',
      [
        ['struct-too-large', 1, 11],
        ['unregistered-struct', 1, 12],
      ],
    ],
  ];
  for (const [name, expected] of errorExamples) {
    it(`reports ${name.replace('error-', '')} with its site, and goes on with the heap intact (examples/${name}.lmm.ts)`, async () => {
      const result = await runHarnessFile(join(examples, `${name}.lmm.ts`));
      assert.equal(result.outcome, 'completed', result.message);
      const errors = result.finished!.facts.errors;
      assert.deepEqual(
        errors.map((e) => [e.kind, e.count, e.site.line]),
        expected,
      );
      for (const e of errors) assert.match(e.site.file, new RegExp(`${name}\\.lmm\\.ts$`));
    });
  }

  it('streams ops that replay exactly on another engine, refused calls included', async () => {
    for (const name of ['error-use-after-free', 'error-invalid-free', 'error-double-free', 'error-out-of-memory', 'hash-table']) {
      const batches: HarnessBatch[] = [];
      const result = await runHarnessFile(join(examples, `${name}.lmm.ts`), { onBatch: (b) => batches.push(b) });
      const { heap, divergent } = replay(batches);
      assert.deepEqual(divergent, [], name);
      assert.equal(heap.peakAppMemory, result.finished!.facts.peakAppMemory, name);
      assert.equal(heap.kernel.mmapCalls, result.finished!.facts.mmapCalls, name);
    }
  });

  it('gives a double free the allocation and first free sites of its block', async () => {
    const result = await runHarnessFile(join(examples, 'error-double-free.lmm.ts'));
    const [error] = result.finished!.facts.errors;
    assert.equal(error!.allocSite!.line, 12);
    assert.equal(error!.freeSite!.line, 14);
  });

  it('stops an endless loop at the time limit, pointing at the loop', async () => {
    const file = harness('spin.lmm.ts', `export default function main() {\n  let i = 0;\n  while (i >= 0) i = (i + 1) % 7;\n}\n`);
    const started = Date.now();
    // 1.5 s, not less: the limit counts from the start of the harness process, and on a loaded
    // 2-core machine starting it and reaching the loop once took more than 400 ms.
    const result = await runHarnessFile(file, { timeLimitMs: 1500 });
    assert.equal(result.outcome, 'timed-out');
    assert.match(result.message!, /spin\.lmm\.ts:3:3: time limit of 1500 ms exceeded in this loop/);
    assert.ok(Date.now() - started < 1500 + 5000);
    assert.ok(result.finished, 'the heap is still reported after a time limit');
  });

  it('reports a thrown exception at its harness line, with the harness stack', async () => {
    const file = harness(
      'crash.lmm.ts',
      `import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class t { @u32 x!: number; @ptr(() => t) next!: t | null; }
function walk(n: t): number {
  return n.next!.x;
}
export default function main() {
  MM_REG_STRUCT(t);
  walk(XCALLOC(1, t));
}
`,
    );
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'crashed');
    assert.match(result.message!, /crash\.lmm\.ts:4:18: TypeError: Cannot read properties of null \(reading 'x'\)/);
    assert.deepEqual(
      result.stack!.map((s) => s.line),
      [4, 8],
    );
    assert.equal(result.finished!.facts.allocations, 1);
  });

  it('reports a syntax error at its position without running anything', async () => {
    const file = harness('syntax.lmm.ts', `export default function main() {\n  const x = ;\n}\n`);
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'compile-error');
    assert.match(result.message!, /syntax\.lmm\.ts:2:13: Unexpected ";"/);
    assert.deepEqual([result.site!.line, result.site!.column], [2, 13]);
  });

  it('reports a harness without main', async () => {
    const file = harness('nomain.lmm.ts', `export const x = 1;\n`);
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'crashed');
    assert.match(result.message!, /the harness has no main/);
  });

  for (const star of ['function*', 'async function*']) {
    it(`reports a main declared \`${star}\` (none of its body would run), not a clean run of nothing`, async () => {
      const file = harness(
        'generator.lmm.ts',
        `import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';\n@struct class n_t { @u32 k!: number; }\nexport default ${star} main() {\n  MM_REG_STRUCT(n_t);\n  XCALLOC(1, n_t);\n}\n`,
      );
      const result = await runHarnessFile(file);
      assert.equal(result.outcome, 'crashed');
      assert.match(result.message!, /main is a generator function \(function\*\), so none of its body runs/);
    });
  }

  it('ends a run that exhausts the worker’s JavaScript memory, and the parent carries on', async () => {
    const file = harness(
      'hog.lmm.ts',
      `export default function main() {\n  const hoard: number[][] = [];\n  for (;;) hoard.push(new Array(100_000).fill(Math.random()));\n}\n`,
    );
    const result = await runHarnessFile(file, { jsHeapMb: 48, timeLimitMs: 20_000 });
    assert.equal(result.outcome, 'out-of-memory', result.message);
    assert.match(result.message!, /memory limit of 2048 MB exceeded \(the JS heap reached its cap of 48 MB/);
  });

  it('cancels a run: it stops within a second', async () => {
    const file = harness('forever.lmm.ts', `export default function main() {\n  for (;;) {}\n}\n`);
    const handle = runHarness(file, { timeLimitMs: 20_000 });
    setTimeout(() => handle.cancel(), 300);
    const started = Date.now();
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled');
    assert.ok(Date.now() - started < 1000, `stopped after ${Date.now() - started} ms`);
  });

  it('exposes only lmm-studio and the JavaScript built-ins (no process, require, eval)', async () => {
    const file = harness(
      'sandbox.lmm.ts',
      `import { XCALLOC } from 'lmm-studio';
export default function main() {
  const g = globalThis as Record<string, unknown>;
  // A host global would work; the harness's stand-ins throw that they are not available (hostGlobals.test.ts).
  const kind = (v: unknown) => {
    if (v === undefined) return 'undefined';
    try { if (typeof v === 'function') (v as () => unknown)(); else void (v as { pid: unknown }).pid; return 'host'; }
    catch (e) { return /is not available in a harness/.test((e as Error).message) ? 'stand-in' : 'host'; }
  };
  const seen = [kind(g.process), kind(g.require), kind(g.fetch), kind(g.setTimeout), kind(g.Buffer), typeof Math.max, typeof Map];
  let evalBlocked = false;
  try { (XCALLOC as unknown as { constructor: FunctionConstructor }).constructor('return process')(); } catch { evalBlocked = true; }
  let escape = 'none';
  try { escape = typeof (g.constructor as FunctionConstructor).constructor('return process')(); } catch { escape = 'blocked'; }
  throw new Error(JSON.stringify({ seen, evalBlocked, escape }));
}
`,
    );
    const result = await runHarnessFile(file);
    const report = JSON.parse(/Error: (\{.*\})/.exec(result.message!)![1]!);
    assert.deepEqual(report, {
      seen: ['stand-in', 'undefined', 'stand-in', 'stand-in', 'stand-in', 'function', 'function'],
      evalBlocked: true,
      escape: 'blocked',
    });
  });

  it('streams batches while the harness still runs', async () => {
    const file = harness(
      'busy.lmm.ts',
      `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';
@struct class t { @u32 x!: number; }
export default function main() {
  MM_REG_STRUCT(t);
  const until = Date.now() + 400;
  while (Date.now() < until) XFREE(XCALLOC(1, t));
}
`,
    );
    const arrivals: number[] = [];
    const result = await runHarnessFile(file, { onBatch: () => arrivals.push(Date.now()), batchIntervalMs: 50 });
    const ended = Date.now();
    assert.equal(result.outcome, 'completed', result.message);
    assert.ok(arrivals.length >= 3, `${arrivals.length} batches`);
    assert.ok(arrivals[0]! < ended - 150, 'the first batch came well before the end');
  });

  it('runs mm_leak_check() mid-run and keeps it as a check point', async () => {
    const result = await runHarnessFile(join(examples, 'hash-table.lmm.ts'));
    assert.equal(result.outcome, 'completed', result.message);
    const [check] = result.finished!.facts.leakChecks;
    assert.equal(check!.site.line, 113);
    const summary = (check!.result as { summary: Record<string, { blocks: number }> }).summary;
    assert.equal(summary['definitely-lost']!.blocks, 0);
    assert.ok(summary['still-reachable']!.blocks > 60);
    // The teardown forgets the last bucket: one entry, allocated through table_insert → new_entry.
    const lost = result.finished!.report.leaks.filter((r) => r.kind === 'definitely-lost');
    assert.deepEqual(
      lost.map((r) => [r.struct, r.blocks, r.stack.map((s) => s.line)]),
      [['entry_t', 1, [43, 59, 110]]],
    );
  });
});
