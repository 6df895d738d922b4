import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { LeakKind } from '../../../src/analysis/leakKinds';
import type { LeakSummary, LossRecord } from '../../../src/analysis/leakCheck';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { portedPrograms } from './portedExpectations';

/**
 * C programs ported line by line to harnesses (`test/fixtures/ported/NAME.c` beside
 * `NAME.lmm.ts`), most of them memcheck's own regression tests: each run must give memcheck's
 * figures for the C program (`portedExpectations.ts`), or ours where LMM's exact check
 * legitimately differs: every leak check's summary (mid-run ones too), the loss records at exit
 * with what each definitely lost block drags along, and the memory errors with their lines.
 */
const KINDS: LeakKind[] = ['definitely-lost', 'indirectly-lost', 'possibly-lost', 'still-reachable'];

const summaryText = (summary: LeakSummary): string =>
  KINDS.map((kind) => `${summary[kind].bytes}/${summary[kind].blocks}`).join(' ');

// memcheck counts "indirect" bytes for definitely lost records only (what losing that block loses).
const recordText = (record: LossRecord): string =>
  `${record.kind} ${record.bytes}/${record.blocks}` +
  (record.kind === 'definitely-lost' && record.drags.bytes > 0 ? ` +${record.drags.bytes}` : '');

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

describe('C programs ported to harnesses give memcheck figures for the C programs', function () {
  this.timeout(60_000);
  for (const [name, expected] of Object.entries(portedPrograms)) {
    it(`${name}.c`, async () => {
      const result = await runHarnessFile(join(ported, `${name}.lmm.ts`));
      assert.equal(result.outcome, 'completed', result.message);
      const report = result.finished!.report;
      const summaries = [...report.leakChecks.map((check) => summaryText(check.summary)), summaryText(report.leakSummary)];
      assert.deepEqual(summaries, expected.ours?.summaries ?? expected.summaries, 'every leak check, the one at exit last');
      assert.deepEqual(
        report.leaks.map(recordText).sort(),
        [...(expected.ours?.records ?? expected.records)].sort(),
        'loss records at exit',
      );
      const errors = report.errors.map((error) => ({
        kind: error.kind,
        line: error.site?.line,
        ...(error.allocSite ? { allocLine: error.allocSite.line } : {}),
        count: error.count,
      }));
      assert.deepEqual(
        errors,
        expected.ours?.errors?.map((error) => ({ ...error, count: 1 })) ??
          expected.errors.map((error) => ({
            kind: error.kind,
            line: error.line,
            ...(error.allocLine === undefined ? {} : { allocLine: error.allocLine }),
            count: 1,
          })),
        'memory errors',
      );
    });
  }
});
