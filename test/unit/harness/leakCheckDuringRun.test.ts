import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeakCheckReport } from '../../../src/analysis/runReport';
import { HeapOpKind } from '../../../src/engine/heapOps';
import { runHarness } from '../../../src/harness/runHarness';

/**
 * A server loop that never ends by itself: each round keeps one node on a rooted list and loses
 * one. With `checkEvery`, the harness calls mm_leak_check() itself every that many rounds; with
 * `rounds`, it returns after that many.
 */
const SERVER_LOOP = (
  checkEvery = 0,
  rounds = 0,
) => `import { struct, u32, ptr, MM_REG_STRUCT, XCALLOC, mm_register_root, mm_leak_check } from 'lmm-studio';
@struct class conn_t { @u32 id!: number; @ptr(() => conn_t) next!: conn_t | null; }
export default function main() {
  MM_REG_STRUCT(conn_t);
  const head = XCALLOC(1, conn_t)!;
  mm_register_root(head);
  let round = 0;
  for (;;) {
    const kept = XCALLOC(1, conn_t)!;
    kept.next = head.next;
    head.next = kept;
    const lost = XCALLOC(1, conn_t)!;
    lost.id = round++;
    ${checkEvery > 0 ? `if (round % ${checkEvery} === 0) mm_leak_check();` : ''}
    ${rounds > 0 ? `if (round === ${rounds}) return;` : ''}
    let spin = 0;
    for (let k = 0; k < 20000; k++) spin += k;
    if (spin < 0) return;
  }
}
`;

type Event = { kind: 'mark'; step: number; at: number } | { kind: 'check'; check: LeakCheckReport; at: number };

describe('leak checks reach the caller while the harness runs (onLeakCheck)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-leak-check-during-run-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a requested check in a never-ending loop arrives at once, after its mark, with the leaks so far; Stop keeps it', async () => {
    const file = join(dir, 'server.lmm.ts');
    writeFileSync(file, SERVER_LOOP());
    const events: Event[] = [];
    let allocsSeen = 0;
    let asked = false;
    const handle = runHarness(file, {
      batchIntervalMs: 20,
      timeLimitMs: 30_000,
      onBatch: (batch) => {
        for (let i = 0; i < batch.ops.count; i++) {
          if (batch.ops.kind[i] === HeapOpKind.Mark) events.push({ kind: 'mark', step: batch.ops.firstStep + i, at: Date.now() });
          if (batch.ops.kind[i] === HeapOpKind.Alloc) allocsSeen++;
        }
        if (!asked && allocsSeen > 20) asked = handle.requestLeakCheck();
      },
      onLeakCheck: (check) => {
        events.push({ kind: 'check', check, at: Date.now() });
        // The user stops the server once its leaks are on screen.
        setTimeout(() => handle.cancel(), 200);
      },
    });
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled', 'the loop never ends by itself');
    assert.equal(result.finished, undefined, 'a stopped run has no end-of-run report: the mid-run check is all there is');
    const checks = events.filter((e) => e.kind === 'check');
    assert.equal(checks.length, 1, 'one check asked, one posted');
    const { check } = checks[0]!;
    assert.equal(check.requested, true);
    assert.ok([9, 12].includes(check.site.line), `at an XCALLOC line, got ${check.site.line}`);
    const markIndex = events.findIndex((e) => e.kind === 'mark' && e.step === check.event);
    assert.ok(markIndex >= 0 && markIndex < events.indexOf(checks[0]!), 'its mark streamed before the check itself');
    // Steps: MM_REG_STRUCT, the head, then two XCALLOCs a round; the check ran before step `event`.
    const allocsBefore = check.event - 1;
    const lost = Math.floor((allocsBefore - 1) / 2);
    assert.ok(lost >= 10, `${allocsBefore} allocations before the check`);
    assert.deepEqual(check.summary['definitely-lost'], { blocks: lost, bytes: lost * 16 });
    assert.equal(check.summary['still-reachable'].blocks, allocsBefore - lost);
    const lostRecord = check.leaks.find((r) => r.kind === 'definitely-lost')!;
    assert.equal(lostRecord.blocks, lost);
    assert.equal(lostRecord.site.line, 12, 'the lost node’s XCALLOC');
    assert.ok(lostRecord.addresses.length > 0 && lostRecord.addresses.length <= 16, 'a few addresses, never one per block');
    assert.equal((check as unknown as Record<string, unknown>)['liveIds'], undefined, 'no per-block arrays posted');
  });

  it('mm_leak_check() points arrive as they run (not requested), and the report lists them with requested only on asked ones', async () => {
    const file = join(dir, 'checking.lmm.ts');
    writeFileSync(file, SERVER_LOOP(25, 200));
    const posted: LeakCheckReport[] = [];
    let asked = false;
    const handle = runHarness(file, {
      batchIntervalMs: 20,
      timeLimitMs: 20_000,
      onLeakCheck: (check) => {
        posted.push(check);
        if (!asked) asked = handle.requestLeakCheck();
      },
    });
    const result = await handle.result;
    assert.equal(result.outcome, 'completed', result.message);
    const report = result.finished!.report;
    assert.ok(posted.length >= 8, `${posted.length} checks posted`);
    assert.equal(posted.length, report.leakChecks.length, 'every check the report lists was posted during the run');
    for (const [i, check] of posted.entries()) {
      assert.equal(check.event, report.leakChecks[i]!.event);
      assert.deepEqual(check.summary, report.leakChecks[i]!.summary);
      assert.equal(check.requested, report.leakChecks[i]!.requested);
    }
    const facts = result.finished!.facts.leakChecks.map((c) => c.result as Record<string, unknown>);
    assert.deepEqual(Object.keys(facts[0]!).sort(), ['liveBlocks', 'liveBytes', 'summary', 'suppressionsUsed']);
    assert.deepEqual(
      facts[0]!['summary'],
      report.leakChecks[0]!.summary,
      'the facts keep the summary; the report has the records',
    );
    const requested = report.leakChecks.filter((c) => c.requested === true);
    assert.equal(requested.length, 1, 'exactly the asked check is marked requested');
    assert.ok(report.leakChecks.filter((c) => c.requested === undefined).every((c) => c.site.line === 14));
    const lostSoFar = posted.map((c) => c.summary['definitely-lost'].blocks);
    assert.deepEqual(
      lostSoFar,
      [...lostSoFar].sort((a, b) => a - b),
      'each later check counts at least as many lost blocks',
    );
  });
});
