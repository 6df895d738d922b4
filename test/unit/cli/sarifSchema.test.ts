/**
 * Every SARIF log LMM writes is valid against the SARIF 2.1.0 schema and follows GitHub code
 * scanning's rules beyond it (`test/support/reportSchemas.ts`): `lmm run --sarif` of every example,
 * of runs that did not complete (time limit, crash, compile error), under memcheck's leak options
 * that leave records out, with suppressions in use; and Export Report's SARIF of a finished run, a
 * stopped one and a trace. And its artifacts are the files its results name, as they name them:
 * before, a run given `examples/x.lmm.ts` listed `file:///…/examples/x.lmm.ts` (the CI runner's
 * checkout path) beside results located in `examples/x.lmm.ts`.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { SARIF_MAX_RESULTS, SRCROOT, toSarif, type SarifLog } from '../../../src/analysis/sarif';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { traceRun } from '../../../src/extension/model/traceRun';
import { STOPPED_BY_REQUEST } from '../../../src/harness/earlyEndOutcome';
import { lmmVersion } from '../../../src/harness/harnessReportOutput';
import { runHarness } from '../../../src/harness/runHarness';
import { asInterimErrors, asReport } from '../../../src/protocol/runReportSchema';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { codeScanningProblems, sarifSchemaProblems } from '../../support/reportSchemas';
import { scratchFolder } from '../../support/scratchFolder';

const EXAMPLES = readdirSync('examples')
  .filter((name) => name.endsWith('.lmm.ts'))
  .map((name) => join('examples', name));

/** A block lost (line 8), a double free (lines 10–11), then whatever `rest` does (from line 12). */
const LEAK_AND_DOUBLE_FREE = (...rest: string[]) =>
  nodeHarness('XCALLOC(1, node_t);', 'const a = XCALLOC(1, node_t)!;', 'XFREE(a);', 'XFREE(a);', ...rest);

/** The log's problems against the schema and against code scanning's rules, with the log's name. */
function assertUploadable(name: string, log: SarifLog): void {
  assert.deepEqual(sarifSchemaProblems(log), [], `${name}: valid SARIF 2.1.0`);
  assert.deepEqual(codeScanningProblems(log), [], `${name}: code scanning takes it`);
}

async function sarifOf(...argv: string[]): Promise<{ status: number; log: SarifLog }> {
  const r = await lmm('run', ...argv, '--sarif');
  return { status: r.status, log: JSON.parse(r.stdout) as SarifLog };
}

describe('SARIF against the SARIF 2.1.0 schema and GitHub code scanning', function () {
  this.timeout(120_000);
  const { write } = scratchFolder('lmm-sarif-schema-');

  it('the validators fail a log that breaks them', () => {
    const log = toSarif(
      {
        harnessFile: '/abs/h.lmm.ts',
        leaks: [],
        errors: [
          {
            kind: 'double-free',
            message: 'double free',
            count: 1,
            site: { file: 'h.lmm.ts', line: 3, column: 1 },
            stack: [{ file: 'h.lmm.ts', line: 3, column: 1 }],
            event: 2,
            step: 3,
            suppressed: false,
          },
        ],
      },
      'dev',
    );
    assertUploadable('as written', log);
    const broken = JSON.parse(JSON.stringify(log)) as SarifLog;
    (broken.runs[0]!.results[0] as { level: string }).level = 'fatal';
    assert.ok(
      sarifSchemaProblems(broken).some((p) => p.includes('level')),
      'a level SARIF does not have',
    );
    broken.runs[0]!.results[0]!.locations = [];
    broken.runs[0]!.results[0]!.ruleId = 'no-such-rule';
    assert.deepEqual(codeScanningProblems(broken), [
      'results[0]: ruleId no-such-rule is no rule of the run',
      'results[0]: ruleIndex 4 is not rule no-such-rule',
      'results[0]: no location (code scanning refuses the whole log)',
    ]);
    // The harness listed by its absolute path beside results that name it relative (as before).
    const mixed = JSON.parse(JSON.stringify(log)) as SarifLog;
    mixed.runs[0]!.artifacts = [{ location: { uri: 'file:///abs/h.lmm.ts' } }];
    mixed.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    assert.deepEqual(codeScanningProblems(mixed), [
      'results[0].locations[0]: startLine 0',
      'runs[0].artifacts: h.lmm.ts is located in but not listed',
      'runs[0].artifacts: file:///abs/h.lmm.ts is listed but no location names it',
    ]);
  });

  it(`past ${SARIF_MAX_RESULTS} results (code scanning refuses more): errors, then lost blocks, then the rest, and a warning says how many were left out`, () => {
    const site = (line: number) => ({ file: 'h.lmm.ts', line, column: 3 });
    const record = (kind: 'still-reachable' | 'definitely-lost', line: number, suppressed = false) => ({
      kind,
      struct: 'node_t',
      blocks: 1,
      bytes: 4,
      site: site(line),
      stack: [site(line)],
      suppressed,
      ...(suppressed ? { suppressedBy: 'kept' } : {}),
      drags: { blocks: 0, bytes: 0 },
      rootPath: [],
      allocationIds: [],
      addresses: [],
    });
    // One call path a record, as a harness whose blocks leak from that many call paths has.
    const leaks = [
      record('definitely-lost', 1, true),
      ...Array.from({ length: SARIF_MAX_RESULTS }, (_, i) => record('still-reachable', i + 2)),
    ];
    const error = {
      kind: 'double-free' as const,
      message: 'double free',
      count: 1,
      site: site(99_999),
      stack: [site(99_999)],
      event: 5,
      step: 6,
      suppressed: false,
    };
    const log = toSarif({ harnessFile: 'h.lmm.ts', leaks, errors: [error] }, 'dev', { executionSuccessful: true });
    const run = log.runs[0]!;
    assert.equal(run.results.length, SARIF_MAX_RESULTS);
    assert.equal(run.results.filter((r) => r.ruleId === 'double-free').length, 1, 'the error is kept');
    assert.equal(run.results.filter((r) => r.suppressions).length, 0, 'the suppressed record is left out first');
    assert.equal(
      run.results[run.results.length - 2]!.locations[0]!.physicalLocation.region.startLine,
      SARIF_MAX_RESULTS,
      'and the last still-reachable record (line 25,001) beside it',
    );
    assert.deepEqual(
      run.invocations![0]!.toolExecutionNotifications!.map((n) => [n.level, n.message.text]),
      [
        [
          'warning',
          `2 of ${SARIF_MAX_RESULTS + 2} results were left out: GitHub code scanning refuses a run of more than ${SARIF_MAX_RESULTS} results (lmm run --json lists them all).`,
        ],
      ],
    );
    assertUploadable('capped', log);
  });

  it(`lmm run --sarif of each of the ${EXAMPLES.length} examples`, async () => {
    let results = 0;
    for (const file of EXAMPLES) {
      const { log } = await sarifOf(file);
      assertUploadable(file, log);
      results += log.runs[0]!.results.length;
    }
    assert.ok(results >= EXAMPLES.length, `the examples' leaks and errors are results (${results})`);
  });

  it('the artifacts are the files the results name, as they name them (relative to SRCROOT under the working directory)', async () => {
    const found = write('found.lmm.ts', LEAK_AND_DOUBLE_FREE());
    // Run from the harness's folder (lmm run names files under its working directory relative to it).
    const { log } = await inFolder(dirname(found), () => sarifOf('found.lmm.ts'));
    const run = log.runs[0]!;
    const file = { uri: 'found.lmm.ts', uriBaseId: SRCROOT };
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation]),
      [
        ['definitely-lost', file],
        ['double-free', file],
      ],
    );
    assert.deepEqual(run.artifacts, [{ location: file }], 'one artifact, named as the results name it');
    // Named `./…` on the command line: the URIs drop the `.` segment, which code scanning cannot match.
    const { log: dotted } = await inFolder(dirname(found), () => sarifOf('./found.lmm.ts'));
    assert.deepEqual(
      dotted.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation),
      [file, file],
    );
    assertUploadable('./', dotted);
    // Named relative but outside the working directory: its file:// URI.
    const { log: outside } = await sarifOf(relative(process.cwd(), found));
    assert.deepEqual(outside.runs[0]!.artifacts, [{ location: { uri: `file://${found}` } }]);
    // A run that locates nothing lists the harness it ran.
    const clean = write('clean.lmm.ts', nodeHarness('XFREE(XCALLOC(1, node_t));'));
    const { log: cleanLog } = await sarifOf(clean);
    assert.deepEqual(cleanLog.runs[0]!.results, []);
    assert.deepEqual(cleanLog.runs[0]!.artifacts, [{ location: { uri: `file://${clean}` } }]);
  });

  it('runs that did not complete: time limit, crash, compile error (exit 2)', async () => {
    const ends = {
      'timed-out': await sarifOf(
        write('loop.lmm.ts', LEAK_AND_DOUBLE_FREE('for (;;) XFREE(XCALLOC(1, node_t));')),
        '--time-limit',
        '400',
      ),
      crashed: await sarifOf(write('throws.lmm.ts', LEAK_AND_DOUBLE_FREE("throw new Error('boom');"))),
      'compile-error': await sarifOf(write('broken.lmm.ts', nodeHarness('const = ;'))),
    };
    for (const [outcome, { status, log }] of Object.entries(ends)) {
      assert.equal(status, 2, outcome);
      const notification = log.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!;
      assert.equal(notification.properties!['outcome'], outcome);
      assertUploadable(outcome, log);
    }
    assert.deepEqual(
      ends['timed-out'].log.runs[0]!.results.map((r) => r.ruleId),
      ['double-free'],
      'its memory errors, no leak',
    );
  });

  it("memcheck's leak options that leave records out, and suppressions in use", async () => {
    const file = write('found.lmm.ts', LEAK_AND_DOUBLE_FREE());
    const supp = write(
      'found.lmmsupp',
      `{\n   kept\n   lmm:Leak\n   src:${basename(file)}:8\n}\n{\n   twice\n   lmm:double-free\n   src:${basename(file)}:11\n}\n`,
    );
    const runs = {
      'leak-check=no': await sarifOf(file, '--leak-check=no'),
      'leak-check=summary': await sarifOf(file, '--leak-check=summary'),
      'show-leak-kinds=reachable': await sarifOf(file, '--show-leak-kinds=reachable'),
      suppressions: await sarifOf(file, '--suppressions', supp),
    };
    for (const [name, { log }] of Object.entries(runs)) assertUploadable(name, log);
    assert.deepEqual(
      runs['leak-check=no'].log.runs[0]!.results.map((r) => r.ruleId),
      ['double-free'],
    );
    const suppressed = runs.suppressions.log.runs[0]!.results.filter((r) => r.suppressions !== undefined);
    assert.deepEqual(
      suppressed.map((r) => r.ruleId),
      ['definitely-lost', 'double-free'],
      'both suppressed, kept as results with a suppression',
    );
  });

  describe("Export Report's SARIF (VS Code)", () => {
    async function ended(
      fields: Omit<RunState, 'id' | 'status' | 'startedAt'>,
      status: 'finished' | 'stopped',
      end: Parameters<RunStore['end']>[2],
    ): Promise<RunState> {
      const store = new RunStore();
      const run = store.begin(fields);
      await store.end(run, status, end);
      return run;
    }
    const replay = () => new HeapReplay({ pageSize: 4096, eventsKept: 1000 });

    it('a finished harness run, and one stopped with no report (what it streamed)', async () => {
      const file = write('export.lmm.ts', LEAK_AND_DOUBLE_FREE());
      let streamed: unknown;
      const result = await runHarness(file, { onMemoryErrors: (errors) => (streamed = errors) }).result;
      const report = asReport(JSON.parse(JSON.stringify(result.finished!.report)));
      const fields = { kind: 'harness' as const, file, label: 'export.lmm.ts', replay: replay(), sites: [] };
      const finished = await ended(fields, 'finished', { report });
      const stopped = await ended({ ...fields, replay: replay() }, 'stopped', {
        message: 'stopped by request',
        ending: STOPPED_BY_REQUEST,
      });
      stopped.interimErrors = asInterimErrors(streamed);
      for (const run of [finished, stopped]) {
        const log = JSON.parse(exportReport(run, 'sarif', lmmVersion())) as SarifLog;
        assertUploadable(`exported ${run.status}`, log);
        assert.ok(
          log.runs[0]!.results.some((r) => r.ruleId === 'double-free'),
          run.status,
        );
      }
    });

    it('a trace', async () => {
      const file = 'examples/seed-testapp.trace';
      const trace = traceRun(file, readFileSync(file, 'utf8'));
      const run = await ended(
        { kind: 'trace', file, label: 'seed-testapp.trace', replay: replay(), sites: trace.sites },
        'finished',
        {
          report: trace.report,
        },
      );
      const log = JSON.parse(exportReport(run, 'sarif', lmmVersion())) as SarifLog;
      assertUploadable('exported trace', log);
      assert.deepEqual(log.runs[0]!.artifacts, [{ location: { uri: file, uriBaseId: SRCROOT } }]);
    });
  });
});

/** `run` with `folder` the working directory, the one before restored after. */
async function inFolder<T>(folder: string, run: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(folder);
  try {
    return await run();
  } finally {
    process.chdir(before);
  }
}
