import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportedRecords } from '../../../src/analysis/leakCheckDeltas';
import { formatTextReport, memcheckErrorSummary } from '../../../src/analysis/textReport';
import type { LeakCheckMode } from '../../../src/protocol/runReportSchema';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import { inProcessHarness } from '../../support/inProcessHarness';

/**
 * memcheck's leak-delta as it is upstream (memcheck/tests/leak-delta.c), whose last two checks are
 * VALGRIND_DO_NEW_LEAK_CHECK (valgrind 3.21 on; the port's C program, for 3.19, makes them added
 * checks): the loss records each check reports, as leak-delta.stderr.exp lists them, and its
 * ERROR SUMMARY, on the port's run with those two checks made new ones.
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
const harness = join(ported, 'leak-delta.lmm.ts');
/** One run of the port for every test here (a run takes a few hundred milliseconds). */
let leakDeltaRun: ReturnType<typeof runHarnessFile> | undefined;
const runLeakDelta = () => (leakDeltaRun ??= runHarnessFile(harness, { classicText: true }));

// leak-delta.stderr.exp, check by check (the one at exit last): kind, bytes (change), blocks
// (change), and the C line that allocated it, named by its variable (15: b10, 24: b21, 29:
// b32_33, 53: b42_43). At exit memcheck prints no change; the changes there are since LMM's check 11.
const UPSTREAM: string[][] = [
  ['still-reachable b10 10(+10)/1(+1)'],
  [],
  ['definitely-lost b10 10(+10)/1(+1)', 'still-reachable b21 21(+21)/1(+1)'],
  ['still-reachable b32_33 65(+65)/2(+2)'],
  [],
  ['still-reachable b10 10(+10)/1(+1)'],
  ['definitely-lost b10 10(+10)/1(+1)', 'still-reachable b10 0(-10)/0(-1)'],
  ['definitely-lost b10 0(-10)/0(-1)', 'still-reachable b10 10(+10)/1(+1)'],
  ['definitely-lost b32_33 32(+32)/1(+1)', 'still-reachable b32_33 33(-32)/1(-1)'],
  ['definitely-lost b42_43 42(+42)/1(+1)', 'still-reachable b42_43 43(+43)/1(+1)'],
  [],
  [
    'definitely-lost b32_33 32(+0)/1(+0)',
    'definitely-lost b42_43 85(+0)/2(+0)', // lost at the check before in LMM already (portedExpectations)
    'still-reachable b10 10(+0)/1(+0)',
    'still-reachable b21 21(+0)/1(+0)',
    'still-reachable b32_33 33(+0)/1(+0)',
  ],
];
const UPSTREAM_MODES: LeakCheckMode[] = [
  'full',
  'added',
  'added',
  'added',
  'added',
  'added',
  'changed',
  'changed',
  'changed',
  'new',
  'new',
];

describe("memcheck's leak-delta as upstream has it: the records each kind of check reports", function () {
  this.timeout(60_000);

  it('every check reports the records leak-delta.stderr.exp lists, and the ERROR SUMMARY is its 7 errors', async () => {
    const result = await runLeakDelta();
    assert.equal(result.outcome, 'completed', result.message);
    const report = result.finished!.report;
    // The line that allocated each variable's buffers, in the port.
    const source = readFileSync(harness, 'utf8').split('\n');
    const variableAt = new Map<number, string>();
    for (const name of ['b10', 'b21', 'b32_33', 'b42_43'])
      variableAt.set(source.findIndex((line) => line.includes(`${name}`) && line.includes('XCALLOC_BUF')) + 1, name);
    assert.deepEqual(
      report.leakChecks.map((check) => check.mode ?? 'full'),
      [...UPSTREAM_MODES.slice(0, 9), 'added', 'added'],
      "the port's modes: the C program's for valgrind 3.19",
    );
    const upstreamChecks = report.leakChecks.map((check, i) => {
      const mode = UPSTREAM_MODES[i]!;
      return mode === 'full' ? { ...check, mode: undefined } : { ...check, mode };
    });
    const upstream = [...upstreamChecks, { leaks: report.leaks }];
    const change = (now: number, before: number) => (now >= before ? `+${now - before}` : `-${before - now}`);
    const shown = reportedRecords(upstream).map((reported) =>
      reported
        .map(
          ({ record, now, before }) =>
            `${record.kind} ${variableAt.get(record.site.line)} ${now.bytes}(${change(now.bytes, before.bytes)})/` +
            `${now.blocks}(${change(now.blocks, before.blocks)})`,
        )
        .sort(),
    );
    assert.deepEqual(shown, UPSTREAM);
    assert.equal(memcheckErrorSummary({ ...report, leakChecks: upstreamChecks }).errors, 7);
  });
});

describe('mm_leak_check(mode)', function () {
  this.timeout(60_000);

  it('records the mode of an added, changed, new or quick check in the report and its text heading, none for a full one', async () => {
    const result = await runLeakDelta();
    const lines = formatTextReport(result.finished!.report, result.finished!.classicText!)
      .split('\n')
      .filter((line) => line.startsWith('leak check at '));
    assert.match(lines[0]!, /\(step \d+\):$/);
    assert.match(lines[1]!, /\(step \d+, added\):$/);
    assert.match(lines[6]!, /\(step \d+, changed\):$/);
  });

  it('throws a TypeError naming the modes for a word not memcheck’s, and makes no check; a quick check returns every record', () => {
    const { lmm, runtime } = inProcessHarness({ leakCheck: (data) => checkLeaks(data) });
    assert.throws(() => (lmm.mm_leak_check as (mode: unknown) => unknown)('delta'), {
      name: 'TypeError',
      message: "mm_leak_check(mode): the mode is one of 'full', 'added', 'changed', 'new', 'quick'",
    });
    assert.equal(runtime.leakChecks.length, 0);
    lmm.global('kept').value = lmm.XCALLOC_BUF(4);
    lmm.XCALLOC_BUF(8);
    const quick = lmm.mm_leak_check('quick');
    const full = lmm.mm_leak_check();
    // Every kind finds the same and returns every record: the mode decides what counts.
    assert.deepEqual(
      quick.records.map((r) => `${r.kind} ${r.bytes}`),
      ['definitely-lost 8', 'still-reachable 4'],
    );
    assert.deepEqual(quick.summary, full.summary);
    for (const mode of ['added', 'changed', 'new', 'full'] as const)
      assert.deepEqual(lmm.mm_leak_check(mode).summary, full.summary);
    assert.deepEqual(
      runtime.leakChecks.map((check) => check.mode),
      ['quick', undefined, 'added', 'changed', 'new', undefined],
    );
  });
});
