import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeapOpKind } from '../../../src/engine/heapOps';
import { runHarness, type HarnessBatch } from '../../../src/harness/runHarness';

/**
 * Keeps a rooted list growing for `ms` and leaks one unlinked node per round; the spin between
 * rounds keeps the heap call rate (and the leak count) modest.
 */
const LOOPING_HARNESS = (ms: number) => `import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC, mm_register_root } from 'lmm-studio';
@struct class node_t { @u32 value!: number; @ptr(() => node_t) next!: node_t | null; }
export default function main() {
  MM_REG_STRUCT(node_t);
  const head = XCALLOC(1, node_t)!;
  mm_register_root(head);
  const started = Date.now();
  let round = 0;
  while (Date.now() - started < ${ms}) {
    const kept = XCALLOC(1, node_t)!;
    kept.value = round;
    kept.next = head.next;
    head.next = kept;
    const lost = XCALLOC(1, node_t)!;
    lost.value = round++;
    let spin = 0;
    for (let k = 0; k < 20000; k++) spin += k;
    if (spin < 0) return;
  }
}
`;

interface CheckPoint {
  event: number;
  site: { line: number };
  requested?: true;
  result: { summary: Record<string, { blocks: number }> };
}

describe('Check Leaks Now during a harness run (requestLeakCheck)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-request-leak-check-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('checks leaks mid-run at the next heap call, counting the blocks leaked so far, and streams the mark at once', async () => {
    const file = join(dir, 'looping.lmm.ts');
    writeFileSync(file, LOOPING_HARNESS(1500));
    const batches: HarnessBatch[] = [];
    let markArrivedAt = 0;
    let requested: boolean | undefined;
    const handle = runHarness(file, {
      batchIntervalMs: 20,
      onBatch: (batch) => {
        batches.push(batch);
        if (requested === undefined) requested = handle.requestLeakCheck();
        for (let i = 0; i < batch.ops.count; i++) {
          if (batch.ops.kind[i] === HeapOpKind.Mark && markArrivedAt === 0) markArrivedAt = Date.now();
        }
      },
    });
    const result = await handle.result;
    const endedAt = Date.now();
    assert.equal(result.outcome, 'completed', result.message);
    assert.equal(requested, true, 'the request was accepted while the run went on');
    assert.equal(handle.requestLeakCheck(), false, 'no leak check can be asked for once the run has ended');

    const checks = result.finished!.facts.leakChecks as unknown as CheckPoint[];
    assert.equal(checks.length, 1);
    const check = checks[0]!;
    assert.equal(check.requested, true);
    assert.ok([10, 14].includes(check.site.line), `attributed to an XCALLOC line, got ${check.site.line}`);
    assert.ok(markArrivedAt > 0 && markArrivedAt < endedAt - 500, 'the leak-check mark streamed well before the end');

    // Every allocation before the check is either on the rooted list or one of the lost nodes.
    let allocsBefore = 0;
    let totalSteps = 0;
    for (const { ops } of batches) {
      for (let i = 0; i < ops.count; i++) {
        if (ops.kind[i] === HeapOpKind.Alloc && ops.firstStep + i < check.event) allocsBefore++;
      }
      totalSteps = ops.firstStep + ops.count;
    }
    assert.ok(check.event < totalSteps / 2, `mid-run: operation ${check.event} of ${totalSteps}`);
    const lostSoFar = Math.floor((allocsBefore - 1) / 2);
    assert.ok(lostSoFar >= 1, `${allocsBefore} allocations before the check`);
    const summary = check.result.summary;
    assert.equal(summary['definitely-lost']!.blocks, lostSoFar);
    assert.equal(summary['still-reachable']!.blocks, allocsBefore - lostSoFar);
    // The report keeps it like an mm_leak_check() point.
    assert.equal(result.finished!.report.leakChecks[0]!.event, check.event);
  });

  it('answers false once the run has ended, and a run nobody asks keeps no check', async () => {
    const file = join(dir, 'short.lmm.ts');
    writeFileSync(file, LOOPING_HARNESS(0));
    const handle = runHarness(file);
    const result = await handle.result;
    assert.equal(result.outcome, 'completed', result.message);
    assert.equal(result.finished!.facts.leakChecks.length, 0);
    assert.equal(handle.requestLeakCheck(), false);
  });

  it('checks in a loop that makes no heap call, at a turn of that loop, within a fraction of a second', async () => {
    const file = join(dir, 'busy.lmm.ts');
    writeFileSync(
      file,
      `import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class cell_t { @u32 value!: number; }
export default function main() {
  MM_REG_STRUCT(cell_t);
  XCALLOC(1, cell_t);
  const started = Date.now();
  let spins = 0;
  while (Date.now() - started < 2000) spins++;
  if (spins < 0) XCALLOC(1, cell_t);
}
`,
    );
    let askedAt = 0;
    let checkedAt = 0;
    let streamed = false;
    const handle = runHarness(file, {
      batchIntervalMs: 20,
      onBatch: () => {
        if (askedAt === 0 && handle.requestLeakCheck()) askedAt = Date.now();
      },
      onLeakCheck: () => {
        checkedAt = Date.now();
        streamed = true;
      },
    });
    const result = await handle.result;
    assert.equal(result.outcome, 'completed', result.message);
    assert.ok(askedAt > 0 && streamed, 'asked, and the check streamed while the run went on');
    assert.ok(checkedAt - askedAt < 1000, `the check came ${checkedAt - askedAt} ms after the ask`);
    const checks = result.finished!.facts.leakChecks as unknown as CheckPoint[];
    assert.equal(checks.length, 1, 'one check for one ask');
    const check = checks[0]!;
    assert.equal(check.requested, true);
    assert.equal(check.event, 2, 'after MM_REG_STRUCT and the XCALLOC');
    assert.equal(check.site.line, 8, 'at the loop that makes no heap call');
    assert.equal(check.result.summary['definitely-lost']!.blocks, 1);
  });
});
