/**
 * `lmm run --json` / `--sarif` of a run that did not complete print one document a CI job can
 * parse (stdout holds it alone) and cannot take for a verdict: JSON `"complete": false` with the
 * outcome and no leak classification (`leaks`, `leakSummary`, `suppressionsUsed` null), SARIF
 * `executionSuccessful: false` with the outcome as an error notification and the memory errors
 * found before the end as its only results. Exit 2 whatever --fail-on says. Before, both printed
 * nothing, and a pipe into jq or a SARIF upload failed to parse.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SarifLog } from '../../../src/analysis/sarif';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

/** A double free on lines 9–10, then whatever `rest` does (from line 11). */
function doubleFreeThen(...rest: string[]): string {
  return nodeHarness('const a = XCALLOC(1, node_t)!;', 'XFREE(a);', 'XFREE(a);', ...rest);
}
const THROWS = doubleFreeThen('XCALLOC(1, node_t);', "throw new Error('boom');");
const LOOPS = doubleFreeThen('for (let i = 0; ; i++) XFREE(XCALLOC(1, node_t));');

interface EarlyEndJson {
  schemaVersion: number;
  complete: boolean;
  outcome: { kind: string; message: string; site?: { file: string; line: number; column: number } };
  leaks: unknown;
  leakSummary: unknown;
  suppressionsUsed: unknown;
  totals: { allocations: number; liveBlocks: number } | null;
  sites?: Record<string, unknown>[];
  errors: { kind: string; count: number; site: { line: number } }[];
  errorSummary: { errors: number };
  leakChecks: unknown[];
}

/** What `jq` would do with stdout: the whole of it is one JSON document, nothing before or after. */
function parseWhole<T>(stdout: string): T {
  assert.ok(stdout.startsWith('{') && stdout.endsWith('}\n'), `stdout is one document: ${stdout.slice(0, 80)}`);
  return JSON.parse(stdout) as T;
}

/** The checks a SARIF 2.1.0 consumer relies on, as the finished run's SARIF tests check them. */
function assertSarifShape(log: SarifLog): void {
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0]!;
  assert.equal(run.tool.driver.name, 'LMM Studio');
  for (const result of run.results) {
    assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId, 'ruleIndex names its rule');
    assert.ok(['error', 'warning', 'note'].includes(result.level));
  }
  for (const invocation of run.invocations ?? []) {
    assert.equal(typeof invocation.executionSuccessful, 'boolean', 'the one required property of an invocation');
    for (const n of invocation.toolExecutionNotifications ?? []) {
      assert.equal(typeof n.message.text, 'string');
      assert.ok(['none', 'note', 'warning', 'error'].includes(n.level));
    }
  }
}

describe('lmm run --json / --sarif: a run that did not complete', function () {
  this.timeout(60_000);
  const { dir, write } = scratchFolder('lmm-early-doc-');

  it('the time limit (--json): complete false, the outcome, the heap then, no leak verdict, exit 2', async () => {
    const file = write('loop.lmm.ts', LOOPS);
    const r = await lmm('run', file, '--json', '--time-limit', '500');
    assert.equal(r.status, 2);
    const doc = parseWhole<EarlyEndJson>(r.stdout);
    assert.equal(doc.schemaVersion, 2);
    assert.equal(doc.complete, false);
    assert.equal(doc.outcome.kind, 'timed-out');
    assert.match(doc.outcome.message, /time limit of 500 ms exceeded/);
    assert.equal(doc.outcome.site?.line, 11, 'the loop the limit stopped');
    assert.equal(doc.leaks, null);
    assert.equal(doc.leakSummary, null);
    assert.equal(doc.suppressionsUsed, null);
    assert.ok(doc.totals!.allocations > 1, 'the heap figures when it ended');
    for (const key of ['families', 'peak', 'hints']) assert.ok(key in doc, key);
    assert.ok(doc.sites!.length > 0);
    for (const site of doc.sites!) assert.ok(!('leakedBlocks' in site) && !('leakedBytes' in site), 'no leak figure per site');
    assert.deepEqual(
      doc.errors.map((e) => [e.kind, e.site.line]),
      [['double-free', 10]],
      'the memory error found before the limit',
    );
    assert.match(r.stderr, /time limit of 500 ms exceeded/);
  });

  // Why the end has no leak verdict: the stop unwinds main's scope, so the block its local still
  // held reads as definitely lost (the text report says so); the JSON counts it live, unclassified.
  it('a block a local() still held when the time limit stopped the loop: reachable in the text report, unclassified in JSON', async () => {
    const file = write(
      'held.lmm.ts',
      nodeHarness('using p = local(XCALLOC(1, node_t));', 'for (;;) XFREE(XCALLOC(1, node_t));').replace(
        "XFREE } from 'lmm-studio'",
        "XFREE, local } from 'lmm-studio'",
      ),
    );
    const text = await lmm('run', file, '--time-limit', '300');
    assert.equal(text.status, 2);
    // The text report's check at the stop counts the local as the root it still was (as memcheck
    // scans the stack of a program killed by a signal), not as a lost block the unwinding dropped.
    assert.match(text.stdout, /definitely lost: 0 bytes in 0 blocks/);
    assert.match(text.stdout, /still reachable: 4 bytes in 1 block/);
    const r = await lmm('run', file, '--json', '--time-limit', '300');
    assert.equal(r.status, 2);
    const doc = parseWhole<EarlyEndJson>(r.stdout);
    assert.deepEqual([doc.complete, doc.totals!.liveBlocks, doc.leaks, doc.leakSummary], [false, 1, null, null]);
  });

  it('a throw (--json): the error and its line; what the harness prints goes to stderr, not into the document', async () => {
    const file = write(
      'throws.lmm.ts',
      THROWS.replace("XFREE } from 'lmm-studio'", "XFREE, print } from 'lmm-studio'").replace(
        "throw new Error('boom');",
        "print('said before the throw'); throw new Error('boom');",
      ),
    );
    const r = await lmm('run', file, '--json');
    assert.equal(r.status, 2, r.stderr);
    const doc = parseWhole<EarlyEndJson>(r.stdout);
    assert.equal(doc.complete, false);
    assert.equal(doc.outcome.kind, 'crashed');
    assert.match(doc.outcome.message, /throws\.lmm\.ts:12:\d+: Error: boom$/);
    assert.deepEqual([doc.outcome.site?.line, doc.errors[0]?.kind, doc.errorSummary.errors], [12, 'double-free', 1]);
    // The block allocated on line 11 and never freed is live, counted, and not called lost.
    assert.equal(doc.totals!.liveBlocks, 1);
    assert.equal(doc.leaks, null);
    assert.doesNotMatch(r.stdout, /said before the throw/);
    assert.match(r.stderr, /said before the throw\n/);
  });

  // The process's own stdout, not the test's capture: nothing else (a warning, the harness's
  // prints) may reach it, or a pipe into jq fails. Needs `npm run build` (bin/lmm.js runs dist).
  it('bin/lmm.js --json, a throw after a print: the process stdout parses whole, exit 2', () => {
    const file = write(
      'bin-throws.lmm.ts',
      THROWS.replace("XFREE } from 'lmm-studio'", "XFREE, print } from 'lmm-studio'").replace(
        "throw new Error('boom');",
        "print('{ not json'); throw new Error('boom');",
      ),
    );
    const bin = join(__dirname, '..', '..', '..', 'bin', 'lmm.js');
    const r = spawnSync(process.execPath, [bin, 'run', file, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    const doc = parseWhole<EarlyEndJson>(r.stdout);
    assert.deepEqual([doc.complete, doc.outcome.kind], [false, 'crashed']);
    assert.match(r.stderr, /\{ not json\n[^]*Error: boom/);
  });

  it('a mid-run mm_leak_check() that ran is listed as such; the end still has no leak verdict', async () => {
    const file = write(
      'checked.lmm.ts',
      nodeHarness('XCALLOC(1, node_t);', 'mm_leak_check();', "throw new Error('boom');").replace(
        "XFREE } from 'lmm-studio'",
        "XFREE, mm_leak_check } from 'lmm-studio'",
      ),
    );
    const r = await lmm('run', file, '--json');
    assert.equal(r.status, 2, r.stderr);
    const doc = parseWhole<Omit<EarlyEndJson, 'leakChecks'> & { leakChecks: { leaks: { kind: string }[] }[] }>(r.stdout);
    assert.deepEqual(
      doc.leakChecks.map((c) => c.leaks.map((l) => l.kind)),
      [['definitely-lost']],
    );
    assert.equal(doc.leaks, null);
  });

  it('memory errors found before a time limit are the SARIF results; no leak result; the run is not successful', async () => {
    const file = write('loop-sarif.lmm.ts', LOOPS);
    const r = await lmm('run', file, '--sarif', '--time-limit', '500');
    assert.equal(r.status, 2);
    const log = parseWhole<SarifLog>(r.stdout);
    assertSarifShape(log);
    const run = log.runs[0]!;
    assert.deepEqual(
      run.results.map((x) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.region.startLine]),
      [['double-free', 'error', 10]],
    );
    assert.equal(run.invocations?.length, 1);
    const invocation = run.invocations![0]!;
    assert.equal(invocation.executionSuccessful, false);
    const [notification] = invocation.toolExecutionNotifications!;
    assert.equal(notification!.level, 'error');
    assert.match(notification!.message.text, /did not complete \(timed-out\): .*time limit of 500 ms exceeded/);
    assert.equal(notification!.locations![0]!.physicalLocation.region.startLine, 11);
  });

  it('a throw (--sarif): the error notification, the memory error, no leak result though a block was left', async () => {
    const file = write('throws-sarif.lmm.ts', THROWS);
    const r = await lmm('run', file, '--sarif');
    assert.equal(r.status, 2);
    const log = parseWhole<SarifLog>(r.stdout);
    assertSarifShape(log);
    assert.deepEqual(
      log.runs[0]!.results.map((x) => x.ruleId),
      ['double-free'],
    );
    assert.match(log.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!.message.text, /\(crashed\): .*Error: boom/);
  });

  for (const failOn of ['error', 'definitely-lost,error', 'leak']) {
    it(`--fail-on ${failOn} does not turn a run that did not complete into 0 or 1: exit 2`, async () => {
      const file = write(`failon-${failOn.replace(/,/g, '-')}.lmm.ts`, THROWS);
      for (const format of ['--json', '--sarif']) {
        const r = await lmm('run', file, format, '--fail-on', failOn);
        assert.equal(r.status, 2, `${format}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /--fail-on/, 'no gate verdict is printed');
      }
    });
  }

  // One built-in call past the JS heap's cap kills the worker: no heap, no report comes back.
  // The memory errors it streamed before are still in the document (the 300 ms loop lets them go out).
  it('a worker killed with no heap (the JS heap cap inside one call): totals null, the errors streamed before', async () => {
    const file = write(
      'abort.lmm.ts',
      doubleFreeThen(
        'const until = Date.now() + 300;',
        'while (Date.now() < until) XFREE(XCALLOC(1, node_t));',
        'Array.from({ length: 2 ** 31 });',
      ),
    );
    const r = await lmm('run', file, '--json', '--memory-limit', '128');
    assert.equal(r.status, 2, r.stderr);
    const doc = parseWhole<EarlyEndJson>(r.stdout);
    assert.equal(doc.complete, false);
    assert.equal(doc.outcome.kind, 'out-of-memory');
    assert.equal(doc.totals, null, `no heap came back (${doc.outcome.message})`);
    assert.deepEqual(
      doc.errors.map((e) => [e.kind, e.site.line]),
      [['double-free', 10]],
    );
  });

  it('a compile error: no heap, a document with the error at its line and column', async () => {
    const file = write('broken.lmm.ts', nodeHarness('const = ;'));
    const json = await lmm('run', file, '--json');
    assert.equal(json.status, 2);
    const doc = parseWhole<EarlyEndJson>(json.stdout);
    assert.equal(doc.complete, false);
    assert.equal(doc.outcome.kind, 'compile-error');
    assert.deepEqual([doc.outcome.site?.line, doc.outcome.site?.column], [8, 9]);
    assert.equal(doc.totals, null, 'no heap: its figures are unknown, not zero');
    assert.equal(doc.leaks, null);
    assert.deepEqual(doc.errors, [], 'nothing ran');
    const sarif = await lmm('run', file, '--sarif');
    assert.equal(sarif.status, 2);
    const log = parseWhole<SarifLog>(sarif.stdout);
    assertSarifShape(log);
    assert.deepEqual(log.runs[0]!.results, []);
    const notification = log.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!;
    assert.equal(log.runs[0]!.invocations![0]!.executionSuccessful, false);
    assert.deepEqual(notification.locations![0]!.physicalLocation.region, { startLine: 8, startColumn: 9 });
  });

  it('a file that does not exist: a document too (compile-error, the path)', async () => {
    const r = await lmm('run', join(dir, 'missing.lmm.ts'), '--json');
    assert.equal(r.status, 2);
    const doc = parseWhole<EarlyEndJson>(r.stdout);
    assert.equal(doc.outcome.kind, 'compile-error');
    assert.match(doc.outcome.message, /missing\.lmm\.ts: no such file/);
  });

  it('a suppressions file that cannot be read or parsed prints no document: no run was started', async () => {
    const file = write('supp.lmm.ts', THROWS);
    const missing = await lmm('run', file, '--json', '--suppressions', join(dir, 'none.lmmsupp'));
    assert.equal(missing.status, 2);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /none\.lmmsupp/);
    const broken = write('broken.lmmsupp', '{\n  x\n  lmm:Leak\n  fun:main\n}\n');
    const parsed = await lmm('run', file, '--sarif', '--suppressions', broken);
    assert.equal(parsed.status, 2);
    assert.equal(parsed.stdout, '');
    assert.match(parsed.stderr, /broken\.lmmsupp:\d+/);
  });

  it('a wrong option prints no document: no run was started (usage on stderr, exit 2)', async () => {
    const file = write('fine.lmm.ts', THROWS);
    const r = await lmm('run', file, '--json', '--time-limit', 'soon');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--time-limit: takes a positive whole number/);
  });
});

describe('lmm run --json / --sarif: a finished run says so', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-complete-doc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('JSON: "complete": true right after schemaVersion, with its leak verdict; SARIF: executionSuccessful true', async () => {
    const file = join(dir, 'leaks.lmm.ts');
    writeFileSync(file, nodeHarness('XCALLOC(1, node_t);'));
    const json = await lmm('run', file, '--json');
    assert.equal(json.status, 0, json.stderr);
    const doc = parseWhole<Record<string, unknown>>(json.stdout);
    assert.deepEqual(Object.keys(doc).slice(0, 2), ['schemaVersion', 'complete']);
    assert.equal(doc.complete, true);
    assert.equal((doc.leaks as unknown[]).length, 1);
    assert.ok(!('outcome' in doc));
    const sarif = await lmm('run', file, '--sarif');
    assert.equal(sarif.status, 0, sarif.stderr);
    const log = parseWhole<SarifLog>(sarif.stdout);
    assertSarifShape(log);
    assert.deepEqual(log.runs[0]!.invocations, [{ executionSuccessful: true }]);
    assert.deepEqual(
      log.runs[0]!.results.map((x) => x.ruleId),
      ['definitely-lost'],
    );
  });
});
