/**
 * `docs/report.schema.json` describes every document `lmm run --json` prints: each example's,
 * runs that did not complete (time limit, crash, compile error, a missing file), memcheck's
 * `--leak-check=no|summary`, suppressions in use, mid-run leak checks, a run that allocated
 * nothing; and Export Report's JSON of a stopped run, a trace and a malloc-lab trace. And it is
 * strict enough that a document that drifts from it fails: a property nobody declared, a leak
 * verdict in a run that did not complete, a record without its step. What JSON Schema cannot say,
 * `step` = `event` + 1, is checked here beside it.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore } from '../../../src/extension/model/runState';
import { mallocLabRun } from '../../../src/extension/model/mallocLabRun';
import { traceRun } from '../../../src/extension/model/traceRun';
import { STOPPED_BY_REQUEST } from '../../../src/harness/earlyEndOutcome';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { readReportSchema, reportSchemaProblems } from '../../support/reportSchemas';
import { scratchFolder } from '../../support/scratchFolder';

type Doc = Record<string, unknown>;

const EXAMPLES = readdirSync('examples')
  .filter((name) => name.endsWith('.lmm.ts'))
  .map((name) => join('examples', name));

/** A block lost (line 8), a double free (lines 10–11), its own leak check (line 12), then `rest`. */
const FINDINGS_THEN = (...rest: string[]) =>
  nodeHarness(
    'XCALLOC(1, node_t);',
    'const a = XCALLOC(1, node_t)!;',
    'XFREE(a);',
    'XFREE(a);',
    'mm_leak_check();',
    ...rest,
  ).replace('XFREE }', 'XFREE, mm_leak_check }');

async function jsonOf(...argv: string[]): Promise<Doc> {
  return JSON.parse((await lmm('run', ...argv, '--json')).stdout) as Doc;
}

/** Valid against the schema, and `step` is `event` + 1 wherever a record gives both. */
function assertDescribed(name: string, doc: Doc): void {
  assert.deepEqual(reportSchemaProblems(doc), [], `${name}: valid against docs/report.schema.json`);
  const records = [
    ...((doc['errors'] as Doc[] | undefined) ?? []),
    ...((doc['leakChecks'] as Doc[] | undefined) ?? []),
    ...(doc['peak'] ? [doc['peak'] as Doc] : []),
  ];
  for (const r of records) assert.equal(r['step'], (r['event'] as number) + 1, `${name}: step is event + 1`);
}

/** A copy of `doc` changed by `change`. */
function drifted(doc: Doc, change: (copy: Doc) => void): Doc {
  const copy = JSON.parse(JSON.stringify(doc)) as Doc;
  change(copy);
  return copy;
}

describe('lmm run --json against docs/report.schema.json', function () {
  this.timeout(120_000);
  const { dir, write } = scratchFolder('lmm-json-schema-');
  const docs = new Map<string, Doc>();
  before(async () => {
    const file = write('found.lmm.ts', FINDINGS_THEN());
    docs.set('finished', await jsonOf(file));
    const supp = write(
      'found.lmmsupp',
      '{\n   kept\n   lmm:Leak\n   src:found.lmm.ts:8\n}\n{\n   twice\n   lmm:double-free\n   src:found.lmm.ts:11\n}\n',
    );
    docs.set('suppressions', await jsonOf(file, '--suppressions', supp));
    docs.set('leak-check=no', await jsonOf(file, '--leak-check=no'));
    docs.set('leak-check=summary', await jsonOf(file, '--leak-check=summary'));
    const loop = write('loop.lmm.ts', FINDINGS_THEN('for (;;) XFREE(XCALLOC(1, node_t));'));
    docs.set('timed-out', await jsonOf(loop, '--time-limit', '400'));
    docs.set('crashed', await jsonOf(write('throws.lmm.ts', FINDINGS_THEN("throw new Error('boom');"))));
    docs.set('compile-error', await jsonOf(write('broken.lmm.ts', nodeHarness('const = ;'))));
    docs.set('missing file', await jsonOf(join(dir, 'none.lmm.ts')));
    docs.set('nothing allocated', await jsonOf(write('empty.lmm.ts', nodeHarness())));
    // Stop Run in VS Code, before any report came: Export Report writes what lmm run would.
    const store = new RunStore();
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1000 });
    const stopped = store.begin({ kind: 'harness', file, label: 'found.lmm.ts', replay, sites: [] });
    await store.end(stopped, 'stopped', { message: 'stopped by request', ending: STOPPED_BY_REQUEST });
    docs.set('stopped (Export Report)', JSON.parse(exportReport(stopped, 'json')) as Doc);
    const trace = 'examples/seed-testapp.trace';
    docs.set('trace', JSON.parse(JSON.stringify(traceRun(trace, readFileSync(trace, 'utf8')).report)) as Doc);
    const rep = 'test/fixtures/malloc-lab/realloc-bal.rep';
    docs.set('malloc-lab', JSON.parse(JSON.stringify(mallocLabRun(rep, readFileSync(rep, 'utf8')).report)) as Doc);
  });

  it('the published schema is draft-07, closed at the top', () => {
    const schema = readReportSchema();
    assert.equal(schema['$schema'], 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema['additionalProperties'], false);
  });

  it(`each of the ${EXAMPLES.length} examples`, async () => {
    for (const file of EXAMPLES) assertDescribed(file, await jsonOf(file));
  });

  it('a finished run with a mid-run check, --leak-check=no and summary, runs that did not complete, nothing allocated, Export Report (stopped, trace, malloc-lab)', () => {
    for (const [name, doc] of docs) assertDescribed(name, doc);
    // Each is the kind of document it is meant to be.
    assert.deepEqual(
      [...docs].map(([name, doc]) => [
        name,
        doc['complete'],
        (doc['outcome'] as Doc | undefined)?.['kind'],
        doc['leaks'] === null,
        doc['totals'] === null,
      ]),
      [
        ['finished', true, undefined, false, false],
        ['suppressions', true, undefined, false, false],
        ['leak-check=no', true, undefined, true, false],
        ['leak-check=summary', true, undefined, false, false],
        ['timed-out', false, 'timed-out', true, false],
        ['crashed', false, 'crashed', true, false],
        ['compile-error', false, 'compile-error', true, true],
        ['missing file', false, 'compile-error', true, true],
        ['nothing allocated', true, undefined, false, false],
        ['stopped (Export Report)', false, 'cancelled', true, true],
        ['trace', undefined, undefined, false, false],
        ['malloc-lab', undefined, undefined, false, false],
      ],
    );
    assert.equal((docs.get('finished')!['leakChecks'] as unknown[]).length, 1, 'the mid-run check is in it');
    const used = docs.get('suppressions')!['suppressionsUsed'] as Doc[];
    assert.deepEqual(
      used.map((u) => u['name']),
      ['kept'],
      'the leak suppression used',
    );
    assert.ok((docs.get('suppressions')!['errors'] as Doc[]).every((e) => e['suppressedBy'] === 'twice'));
    const peak = docs.get('nothing allocated')!['peak'] as Doc;
    assert.deepEqual([peak['event'], peak['step']], [-1, 0], 'the peak of a run that allocated nothing');
  });

  it('a document that drifts from the schema fails it', () => {
    const finished = docs.get('finished')!;
    const timedOut = docs.get('timed-out')!;
    const noHeap = docs.get('compile-error')!;
    const fails = (name: string, doc: Doc, problem: RegExp) => {
      const problems = reportSchemaProblems(doc);
      assert.ok(
        problems.some((p) => problem.test(p)),
        `${name}: ${problem} among ${JSON.stringify(problems)}`,
      );
    };
    fails(
      'a new top-level property',
      drifted(finished, (d) => (d['verdict'] = 'ok')),
      /additionalProperty.*verdict/,
    );
    fails(
      'schemaVersion 1',
      drifted(finished, (d) => (d['schemaVersion'] = 1)),
      /schemaVersion/,
    );
    fails(
      'a new property in an error record',
      drifted(finished, (d) => ((d['errors'] as Doc[])[0]!['line'] = 10)),
      /errors\[0\].*additionalProperty.*line/,
    );
    fails(
      'an error without its step',
      drifted(finished, (d) => delete (d['errors'] as Doc[])[0]!['step']),
      /errors\[0\].*step/,
    );
    fails(
      'a leak check without its step',
      drifted(finished, (d) => delete (d['leakChecks'] as Doc[])[0]!['step']),
      /leakChecks\[0\].*step/,
    );
    fails(
      'a leak of an unknown kind',
      drifted(finished, (d) => ((d['leaks'] as Doc[])[0]!['kind'] = 'lost')),
      /leaks\[0\]\.kind/,
    );
    fails(
      'a finished run with an outcome',
      drifted(finished, (d) => (d['outcome'] = timedOut['outcome'])),
      /outcome/,
    );
    fails(
      'a finished run with no leaks and no --leak-check=no',
      drifted(finished, (d) => (d['leaks'] = null)),
      /leakReport/,
    );
    fails(
      'a run that did not complete with leaks',
      drifted(timedOut, (d) => (d['leaks'] = [])),
      /\.leaks/,
    );
    fails(
      'a run that did not complete without its outcome',
      drifted(timedOut, (d) => delete d['outcome']),
      /outcome/,
    );
    fails(
      'a run that did not complete with leaked figures per site',
      drifted(timedOut, (d) => ((d['sites'] as Doc[])[0]!['leakedBlocks'] = 0)),
      /sites\[0\]/,
    );
    fails(
      'an outcome of an unknown kind',
      drifted(timedOut, (d) => ((d['outcome'] as Doc)['kind'] = 'killed')),
      /outcome\.kind/,
    );
    fails(
      'a run with no heap that has figures',
      drifted(noHeap, (d) => (d['families'] = [])),
      /families/,
    );
    fails(
      'a harness run without complete',
      drifted(finished, (d) => delete d['complete']),
      /complete/,
    );
  });
});
