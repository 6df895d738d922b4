import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { LeakKind } from '../../../src/analysis/leakKinds';
import type { LeakSummary, LossRecord } from '../../../src/analysis/leakCheck';
import { formatTextReport, memcheckErrorSummary } from '../../../src/analysis/textReport';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { recordsInSiteOrder, recordText } from './memcheckOutput';
import { portedPrograms } from './portedExpectations';

/**
 * C programs ported line by line to harnesses (`test/fixtures/ported/NAME.c` beside
 * `NAME.lmm.ts`), most of them memcheck's own regression tests: each run must give memcheck's
 * figures for the C program (`portedExpectations.ts`), or ours where LMM's exact check
 * legitimately differs: every leak check's summary (mid-run ones too), the loss records at exit
 * with what each definitely lost block drags along, in the order of their allocating lines (a
 * line-for-line port puts its sites in the C program's order), and the memory errors with their
 * lines.
 */
const KINDS: LeakKind[] = ['definitely-lost', 'indirectly-lost', 'possibly-lost', 'still-reachable'];

const summaryText = (summary: LeakSummary): string =>
  KINDS.map((kind) => `${summary[kind].bytes}/${summary[kind].blocks}`).join(' ');

// memcheck counts "indirect" bytes for definitely lost records only (what losing that block loses).
const lossRecordText = (record: LossRecord): string =>
  recordText(record.kind, record.bytes, record.blocks, record.kind === 'definitely-lost' ? record.drags.bytes : 0);

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
        recordsInSiteOrder(
          report.leaks.map((record) => ({
            text: lossRecordText(record),
            lines: record.stack.filter((frame) => frame.file.endsWith(`${name}.lmm.ts`)).map((frame) => frame.line),
          })),
        ),
        expected.ours?.records ?? expected.records,
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
      const errorSummary = memcheckErrorSummary(report);
      const errorCount = expected.ours?.errorSummary ?? expected.errorSummary;
      assert.equal(errorSummary.errors, errorCount, 'ERROR SUMMARY');
      const contexts = expected.ours?.errorContexts ?? expected.ours?.errorSummary ?? expected.errorContexts ?? errorCount;
      assert.equal(errorSummary.contexts, contexts, 'ERROR SUMMARY contexts');
      const usage = report.totals.heapUsage;
      const figure = (count: number) => count.toLocaleString('en-US');
      assert.equal(
        `${figure(usage.allocs)} allocs, ${figure(usage.frees)} frees, ${figure(usage.bytes)} bytes allocated`,
        expected.ours?.heapUsage ?? expected.heapUsage,
        'total heap usage',
      );
    });
  }
});

/** Each LEAK SUMMARY's four kinds' lines in a text report: the mid-run checks', then the check at exit's. */
function leakSummaries(text: string): string[][] {
  const lines = text.split('\n');
  return lines.flatMap((line, i) => (line === 'LEAK SUMMARY:' ? [lines.slice(i + 1, i + 5)] : []));
}

describe('the text report words leaks as memcheck does, on the ported programs', function () {
  this.timeout(60_000);

  it('leak-delta: each added or changed leak check\'s LEAK SUMMARY shows what changed since the check before, as memcheck prints it ("10 (+10) bytes in 1 (+1) blocks"); the first, a full one, shows none', async () => {
    const result = await runHarnessFile(join(ported, 'leak-delta.lmm.ts'), { classicText: true });
    const summaries = leakSummaries(formatTextReport(result.finished!.report, result.finished!.classicText!));
    // Memcheck's summaries, each check's change from the one before; the checks whose figures are
    // memcheck's too (all but the last, where memcheck's scan still found a stale copy of a pointer).
    const memcheck = portedPrograms['leak-delta']!.summaries.slice(0, -1);
    const ours = portedPrograms['leak-delta']!.ours!.summaries!.slice(0, -1);
    assert.equal(summaries.length, memcheck.length + 1);
    const figures = (text: string) => text.split(' ').map((pair) => pair.split('/').map(Number));
    const change = (now: number, before: number) => (now >= before ? ` (+${now - before})` : ` (-${before - now})`);
    const blocksWord = (count: number) => (count === 1 ? 'block' : 'blocks');
    for (let i = 0; i < memcheck.length; i++) {
      if (ours[i] !== memcheck[i]) continue;
      const now = figures(memcheck[i]!);
      const before = i === 0 ? undefined : figures(memcheck[i - 1]!);
      KINDS.forEach((kind, k) => {
        const [bytes, blocks] = now[k]!;
        const d = (a: number, b: number) => (before === undefined ? '' : change(a, b));
        const expected = `${kind.replace('-', ' ').padStart(18)}: ${bytes}${d(bytes!, before?.[k]![0] ?? 0)} bytes in ${blocks}${d(blocks!, before?.[k]![1] ?? 0)} ${blocksWord(blocks!)}`;
        assert.equal(summaries[i]![k], expected, `check ${i + 1}`);
      });
    }
  });

  it('hostile-taxonomy: a full leak check made again with nothing changed prints the same records and LEAK SUMMARY, with no deltas, as memcheck does', async () => {
    const result = await runHarnessFile(join(ported, 'hostile-taxonomy.lmm.ts'), { classicText: true });
    const text = formatTextReport(result.finished!.report, result.finished!.classicText!);
    const checks = text
      .slice(0, text.indexOf('HEAP SUMMARY:'))
      .split(/^leak check at .*\n/m)
      .slice(1);
    assert.equal(checks.length, 2);
    const withoutStacks = (check: string) => check.replace(/^ {3}(at|by|reachable through:) .*\n/gm, '');
    assert.equal(withoutStacks(checks[1]!), withoutStacks(checks[0]!));
    assert.deepEqual(leakSummaries(text)[1], [
      '   definitely lost: 80 bytes in 5 blocks',
      '   indirectly lost: 32 bytes in 2 blocks',
      '     possibly lost: 48 bytes in 3 blocks',
      '   still reachable: 48 bytes in 3 blocks',
    ]);
    assert.equal(checks[1]!.match(/ in loss record \d+ of 13 /g)?.length, 13);
  });

  it("realloc3: the read past the shrunk block's end is past its 10 bytes, and every read is of 1 byte (a buffer is read a byte at a time)", async () => {
    const result = await runHarnessFile(join(ported, 'realloc3.lmm.ts'));
    // memcheck, for its realloc3 (which reads the int at x[5]): "Invalid read of size 4", each "15
    // bytes after a block of size 5". LMM keeps `y`'s 10 bytes when it is reallocated to 5.
    assert.deepEqual(
      result.finished!.report.errors.map((error) => error.message.replace(/ allocated at .*/, '')),
      [
        'Invalid read of size 1: byte [20], 15 bytes after the end of a 5-byte buffer',
        'Invalid read of size 1: byte [20], 10 bytes after the end of a 10-byte buffer',
        'Invalid read of size 1: byte [20], 15 bytes after the end of a 5-byte buffer',
      ],
    );
  });

  it('leak-cases: a definitely lost block that drags others along is "32 (16 direct, 16 indirect) bytes", as in memcheck', async () => {
    const result = await runHarnessFile(join(ported, 'leak-cases.lmm.ts'), { classicText: true });
    const text = formatTextReport(result.finished!.report, result.finished!.classicText!);
    const headers = text.split('\n').filter((line) => / in loss record \d+ of \d+ /.test(line));
    assert.deepEqual(
      headers.filter((line) => line.includes('definitely lost')).map((line) => line.replace(/ in loss record .*/, '')),
      [
        '16 bytes in 1 block are definitely lost',
        '32 (16 direct, 16 indirect) bytes in 1 block are definitely lost',
        '32 (16 direct, 16 indirect) bytes in 1 block are definitely lost',
      ],
    );
    assert.equal(headers.length, 15, 'memcheck prints 15 loss records for leak-cases with --show-leak-kinds=all');
  });
});
