import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeapOpKind } from '../../../src/engine/heapOps';
import { runHarness, type MemoryErrorsSoFar } from '../../../src/harness/runHarness';
import { MAX_POSTED_ERRORS } from '../../../src/harness/runtime/harnessRuntime';
import type * as vscode from 'vscode';
import { createHarnessRunner } from '../../../src/extension/harnessRunner';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { runResultsParams } from '../../../src/extension/model/runResultsParams';
import { unsuppressedOccurrences } from '../../../src/extension/model/reportFigures';
import { RunStore } from '../../../src/extension/model/runState';
import type { HarnessRunHandle } from '../../../src/extension/runController';
import { runDiagnostics } from '../../../src/server/runDiagnostics';

/**
 * A server loop that never ends by itself and frees one request twice, early (line 11), then
 * waits for requests forever: only a stop ends it.
 */
const DOUBLE_FREE_SERVER = `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';
@struct class req_t { @u32 id!: number; }
export default function main() {
  MM_REG_STRUCT(req_t);
  let round = 0;
  for (;;) {
    const req = XCALLOC(1, req_t)!;
    req.id = round++;
    XFREE(req);
    if (round === 5)
      XFREE(req); // DOUBLE FREE
    let spin = 0;
    for (let k = 0; k < 20000; k++) spin += k;
    if (spin < 0) return;
  }
}
`;

type Event = { kind: 'free'; step: number; ok: boolean } | { kind: 'errors'; errors: MemoryErrorsSoFar };

describe('memory errors reach the caller while the harness runs (onMemoryErrors)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-errors-during-run-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a double free in a never-ending loop arrives at once, after the batch with its step, at the XFREE line, long before the stop', async () => {
    const file = join(dir, 'server.lmm.ts');
    writeFileSync(file, DOUBLE_FREE_SERVER);
    const events: Event[] = [];
    let cancelAt: number | undefined;
    const handle = runHarness(file, {
      batchIntervalMs: 20,
      timeLimitMs: 30_000,
      onBatch: (batch) => {
        for (let i = 0; i < batch.ops.count; i++) {
          if (batch.ops.kind[i] === HeapOpKind.Free)
            events.push({ kind: 'free', step: batch.ops.firstStep + i, ok: batch.ops.c[i] === 1 });
        }
      },
      onMemoryErrors: (errors) => {
        events.push({ kind: 'errors', errors });
        // The user stops the server once the error is on screen (a little later: more updates would show).
        cancelAt ??= Date.now();
        setTimeout(() => handle.cancel(), 300);
      },
    });
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled', 'the loop never ends by itself');
    assert.equal(result.finished, undefined, 'a stopped run has no report: what was posted is all there is');
    assert.ok(cancelAt !== undefined, 'the error arrived before the stop');
    const updates = events.filter((e) => e.kind === 'errors');
    assert.equal(updates.length, 1, 'one error recorded once: one update (nothing is posted while nothing new happens)');
    const { errors } = updates[0]!;
    assert.equal(errors.occurrences, 1);
    assert.equal(errors.distinct, 1);
    assert.equal(errors.errors.length, 1);
    const error = errors.errors[0]!;
    assert.equal(error.kind, 'double-free');
    assert.equal(error.count, 1);
    assert.equal(error.site.line, 11, 'on the second XFREE');
    assert.equal(error.allocSite?.line, 7);
    assert.equal(error.freeSite?.line, 9);
    assert.match(
      error.message,
      /^double free: the block of req_t allocated at server\.lmm\.ts:7:\d+ was already freed at server\.lmm\.ts:9:\d+$/,
    );
    // Operations: MM_REG_STRUCT, then XCALLOC + XFREE per round; round 5's second XFREE is the
    // operation of index 11 (0-based), which every text calls step 12.
    assert.equal(error.event, 11);
    const refused = events.findIndex((e) => e.kind === 'free' && e.step === error.event);
    assert.ok(refused >= 0, 'the failing step streamed');
    assert.equal((events[refused] as { ok: boolean }).ok, false, 'a refused free');
    assert.ok(refused < events.indexOf(updates[0]!), 'the batch with the failing step came first');
  });

  it('an error a suppression silences is posted marked, and neither the Problems panel nor the status bar counts it', async () => {
    const file = join(dir, 'suppressed.lmm.ts');
    // Two double frees: one at line 7 (suppressed), one at line 8 (not).
    writeFileSync(
      file,
      `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';
@struct class req_t { @u32 id!: number; }
export default function main() {
  MM_REG_STRUCT(req_t);
  const req = XCALLOC(1, req_t)!;
  XFREE(req);
  XFREE(req);
  XFREE(req);
}
`,
    );
    const suppressions = {
      text: '{\n   known-double-free\n   lmm:double-free\n   src:suppressed.lmm.ts:7\n}\n',
      file: join(dir, '.lmmsupp'),
    };
    let last: MemoryErrorsSoFar | undefined;
    const result = await runHarness(file, { suppressions, onMemoryErrors: (errors) => (last = errors) }).result;
    assert.equal(result.outcome, 'completed');
    assert.ok(last, 'errors were posted');
    const byLine = new Map(last.errors.map((e) => [e.site.line, e]));
    assert.equal(byLine.get(7)?.suppressed, true, 'line 7 is suppressed');
    assert.equal(byLine.get(7)?.suppressedBy, 'known-double-free');
    assert.equal(byLine.get(8)?.suppressed, undefined, 'line 8 is not');
    // The report agrees on which is which.
    const report = result.finished!.report as { errors: { site: { line: number }; suppressed: boolean }[] };
    assert.deepEqual(report.errors.map((e) => [e.site.line, e.suppressed]).sort(), [
      [7, true],
      [8, false],
    ]);
    // The extension's views of the run in progress: one problem (line 8), one error counted.
    const interim = { errors: last.errors, occurrences: last.occurrences, distinct: last.distinct };
    assert.equal(unsuppressedOccurrences(interim), 1);
    const params = runResultsParams({ id: 1, status: 'running', file, interimErrors: interim } as unknown as Parameters<
      typeof runResultsParams
    >[0]);
    const files = { text: () => undefined, uri: (f: string) => `file://${f}`, structSite: () => undefined };
    const problems = [...runDiagnostics(params, files).values()].flat();
    assert.deepEqual(
      problems.map((d) => [d.code, d.range.start.line + 1]),
      [['double-free', 8]],
    );
  });

  it('a loop of a million bad frees posts one record whose count grows, at most once a batch interval; the report agrees', async () => {
    const file = join(dir, 'flood.lmm.ts');
    writeFileSync(
      file,
      `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';
@struct class req_t { @u32 id!: number; }
export default function main() {
  MM_REG_STRUCT(req_t);
  const req = XCALLOC(1, req_t)!;
  XFREE(req);
  for (let i = 0; i < 1000000; i++) XFREE(req);
}
`,
    );
    const updates: MemoryErrorsSoFar[] = [];
    const started = Date.now();
    const result = await runHarness(file, {
      batchIntervalMs: 50,
      timeLimitMs: 30_000,
      onMemoryErrors: (errors) => updates.push(errors),
    }).result;
    const ms = Date.now() - started;
    assert.equal(result.outcome, 'completed', result.message);
    const [reported] = result.finished!.report.errors;
    assert.equal(reported?.count, 1_000_000);
    assert.ok(updates.length >= 1, 'errors told during the run');
    assert.ok(updates.length <= ms / 50 + 2, `${updates.length} updates in ${ms} ms: one per batch interval at most`);
    for (const update of updates) {
      assert.equal(update.errors.length, 1, 'one record (same kind, same site)');
      assert.equal(update.distinct, 1);
      assert.equal(update.occurrences, update.errors[0]!.count);
    }
    const counts = updates.map((u) => u.occurrences);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
      'counts only grow',
    );
    assert.equal(counts.at(-1), 1_000_000, 'the last update, at the end of the run, has them all');
  });

  it(`error records at more than ${MAX_POSTED_ERRORS} sites: the first ${MAX_POSTED_ERRORS} are posted (each once), the rest counted`, async () => {
    const sites = MAX_POSTED_ERRORS + 200;
    const file = join(dir, 'many.lmm.ts');
    const lines = Array.from({ length: sites }, () => '  XFREE(undefined);').join('\n');
    writeFileSync(file, `import { XFREE } from 'lmm-studio';\nexport default function main() {\n${lines}\n}\n`);
    const updates: MemoryErrorsSoFar[] = [];
    const result = await runHarness(file, { batchIntervalMs: 20, onMemoryErrors: (e) => updates.push(e) }).result;
    assert.equal(result.outcome, 'completed', result.message);
    assert.equal(result.finished!.report.errors.length, sites, 'the report has every site');
    const last = updates.at(-1)!;
    assert.equal(last.errors.length, MAX_POSTED_ERRORS, 'capped');
    assert.equal(last.distinct, sites);
    assert.equal(last.occurrences, sites);
    assert.deepEqual(
      last.errors.map((e) => e.site.line),
      Array.from({ length: MAX_POSTED_ERRORS }, (_, i) => i + 3),
      'the first ones, in order, each once',
    );
    assert.ok(last.errors.every((e) => e.kind === 'invalid-free' && e.count === 1));
  });

  it('through the extension’s harness runner and RunStore: an error diagnostic on the XFREE line while the run goes on, kept after Stop', async () => {
    const file = join(dir, 'server-runner.lmm.ts');
    writeFileSync(file, DOUBLE_FREE_SERVER);
    const lines: string[] = [];
    const log = { appendLine: (line: string) => lines.push(line) } as unknown as vscode.OutputChannel;
    const store = new RunStore(4, 50);
    const run = store.begin({
      kind: 'harness',
      file,
      label: 'server-runner.lmm.ts',
      replay: new HeapReplay({ pageSize: 4096, eventsKept: 100_000 }),
      sites: [],
    });
    const published: string[] = [];
    store.onDidChange((changed, change) => {
      if (change !== 'memoryErrors') return;
      const params = runResultsParams(changed);
      const list = runDiagnostics(params, { text: () => undefined, uri: (f) => f, structSite: () => undefined }).get(file) ?? [];
      for (const d of list) published.push(`${params.status} ${d.range.start.line + 1} ${d.severity} ${d.message}`);
      setTimeout(() => handle.stop(), 100);
    });
    const handle: HarnessRunHandle = createHarnessRunner({} as vscode.ExtensionContext, log).start(
      file,
      { timeLimitMs: 30_000, pageSize: 4096 },
      {
        sites: () => undefined,
        batch: () => undefined,
        memoryErrors: (errors) => store.memoryErrorsDuringRun(run, errors),
      },
    );
    const outcome = await handle.done;
    assert.equal(outcome.status, 'stopped');
    assert.equal(outcome.report, undefined);
    assert.deepEqual(
      lines.filter((l) => /not shown/.test(l)),
      [],
      'every update valid',
    );
    assert.equal(published.length, 1, published.join('\n'));
    assert.match(
      published[0]!,
      /^running 11 1 double free: .* was already freed at \S+:\d+:\d+ \[memory error at step 12, run in progress\]$/,
    );
    await store.end(run, 'stopped', { message: 'stopped by request' });
    const kept = runDiagnostics(runResultsParams(run), { text: () => undefined, uri: (f) => f, structSite: () => undefined }).get(
      file,
    )!;
    assert.equal(kept.length, 1);
    assert.match(kept[0]!.message as string, /\[memory error at step 12, run stopped before its end\]$/);
  });
});
