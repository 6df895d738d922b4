import { strict as assert } from 'node:assert';
import { applyLeakSuppressions, type LossRecord } from '../../../src/analysis/leakCheck';
import type { LeakKind } from '../../../src/analysis/leakKinds';
import { DEFAULT_LEAK_REPORT_OPTIONS, type LeakReportOptions } from '../../../src/analysis/leakReportOptions';
import { midRunChecksText } from '../../../src/analysis/midRunCheckText';
import type { LeakCheckReport } from '../../../src/analysis/runReport';
import type { LeakCheckMode } from '../../../src/protocol/runReportSchema';

/**
 * A mid-run leak check as memcheck prints it (mc_leakcheck.c's print_results, pp_LossRecord in
 * mc_errors.c), its lines checked against what valgrind 3.19 printed for leak-delta and small C
 * programs (the C is in each test's comment).
 */
function record(kind: LeakKind, line: number, bytes: number, blocks = 1, extra: Partial<LossRecord> = {}): LossRecord {
  const site = { file: 'x.lmm.ts', line, column: 3 };
  return {
    kind,
    struct: 'buf',
    blocks,
    bytes,
    site,
    stack: [site],
    suppressed: false,
    drags: { blocks: 0, bytes: 0 },
    rootPath: [],
    allocationIds: [],
    addresses: [],
    ...extra,
  };
}

function check(line: number, mode: LeakCheckMode, leaks: LossRecord[]): LeakCheckReport {
  const site = { file: 'x.lmm.ts', line, column: 3 };
  const { summary } = applyLeakSuppressions(
    leaks.map((r) => ({ ...r })),
    [],
  );
  const made: LeakCheckReport = { event: line, step: line + 1, site, stack: [site], leaks, summary };
  if (mode !== 'full') made.mode = mode;
  return made;
}

/** The text without the stacks under each record header (harness lines, not memcheck's). */
function lines(checks: LeakCheckReport[], options: LeakReportOptions = DEFAULT_LEAK_REPORT_OPTIONS): string[] {
  return midRunChecksText(checks, options)
    .split('\n')
    .filter((line) => !/^ {3}(at|by) /.test(line));
}

const SUMMARY_ZERO = (d: boolean) =>
  ['   indirectly lost', '     possibly lost'].map(
    (label) => `${label}: 0${d ? ' (+0)' : ''} bytes in 0${d ? ' (+0)' : ''} blocks`,
  );

describe('a mid-run leak check in the text report, as memcheck prints it', () => {
  it('a full check lists every record with no deltas, then its LEAK SUMMARY with none, after a heading naming where it ran', () => {
    const lost = record('definitely-lost', 2, 10);
    const text = lines([check(9, 'full', [lost]), check(11, 'full', [lost, record('possibly-lost', 3, 8)])]);
    assert.deepEqual(text.slice(0, 10), [
      'leak check at x.lmm.ts:9:3 (step 10):',
      '10 bytes in 1 block are definitely lost in loss record 1 of 1 (buf)',
      '',
      'LEAK SUMMARY:',
      '   definitely lost: 10 bytes in 1 block',
      ...SUMMARY_ZERO(false),
      '   still reachable: 0 bytes in 0 blocks',
      '        suppressed: 0 bytes in 0 blocks',
      '',
    ]);
    // memcheck's VALGRIND_DO_LEAK_CHECK prints no delta at a second check either.
    assert.ok(text.includes('   definitely lost: 10 bytes in 1 block'));
    assert.ok(!text.some((line) => line.includes('(+')));
    assert.equal(text.filter((line) => line.includes(' in loss record ')).length, 3);
  });

  // leak-delta.c under valgrind 3.19 (its 3rd and 7th checks):
  // "10 (+10) bytes in 1 (+1) blocks are definitely lost in loss record 2 of 3" and
  // "   still reachable: 86 (-10) bytes in 3 (-1) blocks".
  it('an added check lists the records that grew, with their deltas, and its LEAK SUMMARY with deltas since the check before', () => {
    const kept = record('still-reachable', 1, 10);
    const text = lines([
      check(1, 'full', [kept]),
      check(2, 'added', [kept]),
      check(3, 'added', [record('definitely-lost', 2, 10), kept]),
    ]);
    const third = text.slice(text.indexOf('leak check at x.lmm.ts:3:3 (step 4, added):'));
    assert.deepEqual(third.slice(1, 10), [
      '10 (+10) bytes in 1 (+1) block are definitely lost in loss record 1 of 2 (buf)',
      '',
      'LEAK SUMMARY:',
      '   definitely lost: 10 (+10) bytes in 1 (+1) block',
      ...SUMMARY_ZERO(true),
      '   still reachable: 10 (+0) bytes in 1 (+0) block',
      '        suppressed: 0 (+0) bytes in 0 (+0) blocks',
      '',
    ]);
    // The second check: nothing grew, so no record, and a summary of (+0)s.
    const second = text.slice(text.indexOf('leak check at x.lmm.ts:2:3 (step 3, added):'));
    assert.equal(second[1], 'LEAK SUMMARY:');
    assert.equal(second[5], '   still reachable: 10 (+0) bytes in 1 (+0) block');
  });

  it('a changed check lists a record gone since as "0 (-10) bytes in 0 (-1) blocks", numbered after the records it found', () => {
    const lost = record('definitely-lost', 2, 10);
    const kept = record('still-reachable', 1, 10);
    const text = lines([check(1, 'full', [lost, kept]), check(2, 'changed', [kept])]);
    assert.ok(text.includes('0 (-10) bytes in 0 (-1) blocks are definitely lost in loss record 2 of 2 (buf)'), text.join('\n'));
    assert.ok(text.includes('   definitely lost: 0 (-10) bytes in 0 (-1) blocks'));
  });

  it("a definitely lost record dragging others prints memcheck's three deltas: total, direct and indirect", () => {
    const dragging = (bytes: number) => record('definitely-lost', 2, 16, 1, { drags: { blocks: 2, bytes } });
    const text = lines([check(1, 'full', [dragging(16)]), check(2, 'added', [dragging(48)])]);
    assert.ok(
      text.includes(
        '64 (+32) (16 (+0) direct, 48 (+32) indirect) bytes in 1 (+0) block are definitely lost in loss record 1 of 1 (buf)',
      ),
      text.join('\n'),
    );
    // A full check words it as the check at exit does.
    assert.ok(text.includes('32 (16 direct, 16 indirect) bytes in 1 block are definitely lost in loss record 1 of 1 (buf)'));
  });

  it('a new check lists a record that had no block at the check before, not one that grew', () => {
    const text = lines([
      check(1, 'full', [record('definitely-lost', 2, 10)]),
      check(2, 'new', [record('definitely-lost', 2, 20, 2), record('possibly-lost', 3, 8)]),
    ]);
    const second = text.slice(text.indexOf('leak check at x.lmm.ts:2:3 (step 3, new):'));
    assert.deepEqual(
      second.filter((line) => line.includes(' in loss record ')),
      ['8 (+8) bytes in 1 (+1) block are possibly lost in loss record 2 of 2 (buf)'],
    );
  });

  // VALGRIND_DO_QUICK_LEAK_CHECK is memcheck's summary check: no record, no delta, and its line to rerun.
  it('a quick check lists no record: its LEAK SUMMARY, then "Rerun with --leak-check=full" when a block is held', () => {
    const text = lines([check(1, 'quick', [record('still-reachable', 1, 10)])]);
    assert.deepEqual(text, [
      'leak check at x.lmm.ts:1:3 (step 2, quick):',
      'LEAK SUMMARY:',
      '   definitely lost: 0 bytes in 0 blocks',
      ...SUMMARY_ZERO(false),
      '   still reachable: 10 bytes in 1 block',
      '        suppressed: 0 bytes in 0 blocks',
      'Rerun with --leak-check=full to see details of leaked memory',
      '',
      '',
    ]);
  });

  // keep = malloc(10); VALGRIND_DO_CHANGED_LEAK_CHECK; free(keep); VALGRIND_DO_CHANGED_LEAK_CHECK;
  // keep = malloc(10) (same stack); VALGRIND_DO_ADDED_LEAK_CHECK: valgrind 3.19 prints "All heap
  // blocks were freed" at the second, and at the third the record anew (+10) with a summary of (+0).
  it('a check with no block live prints "All heap blocks were freed"; the next compares its summary with the last check that had one', () => {
    const kept = record('still-reachable', 1, 10);
    const text = lines([check(1, 'changed', [kept]), check(2, 'changed', []), check(3, 'added', [kept])]);
    const second = text.slice(text.indexOf('leak check at x.lmm.ts:2:3 (step 3, changed):'));
    assert.deepEqual(second.slice(1, 3), ['All heap blocks were freed -- no leaks are possible', '']);
    assert.ok(second.includes('10 (+10) bytes in 1 (+1) block are still reachable in loss record 1 of 1 (buf)'));
    assert.ok(second.includes('   still reachable: 10 (+0) bytes in 1 (+0) block'), second.join('\n'));
  });

  it('--show-leak-kinds leaves the other kinds out (numbers kept) and says so for reachable blocks, whatever --leak-check says', () => {
    const options: LeakReportOptions = {
      ...DEFAULT_LEAK_REPORT_OPTIONS,
      leakCheck: 'no',
      showLeakKinds: new Set<LeakKind>(['definitely-lost']),
    };
    const text = lines(
      [check(1, 'full', [record('definitely-lost', 2, 10), record('possibly-lost', 3, 8), record('still-reachable', 4, 4)])],
      options,
    );
    assert.deepEqual(
      text.filter((line) => line.includes(' in loss record ')),
      ['10 bytes in 1 block are definitely lost in loss record 1 of 3 (buf)'],
    );
    assert.deepEqual(text.slice(-4), [
      'Reachable blocks (those to which a pointer was found) are not shown.',
      'To see them, rerun with: --leak-check=full --show-leak-kinds=all',
      '',
      '',
    ]);
  });

  it('a suppressed record is not listed nor numbered; the summary counts it as suppressed', () => {
    const text = lines([
      check(1, 'full', [record('definitely-lost', 2, 10), record('definitely-lost', 3, 6, 1, { suppressed: true })]),
    ]);
    assert.deepEqual(
      text.filter((line) => line.includes(' in loss record ')),
      ['10 bytes in 1 block are definitely lost in loss record 1 of 1 (buf)'],
    );
  });
});
