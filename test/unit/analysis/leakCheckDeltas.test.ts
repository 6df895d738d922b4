import { strict as assert } from 'node:assert';
import type { LeakKind } from '../../../src/analysis/leakKinds';
import type { LossRecord } from '../../../src/analysis/leakCheck';
import { reportedRecords, type ModedLeakCheck } from '../../../src/analysis/leakCheckDeltas';
import type { RunReport } from '../../../src/analysis/runReport';
import { memcheckErrorSummary } from '../../../src/analysis/textReport';
import { asLeakCheck } from '../../../src/protocol/runReportSchema';

/**
 * memcheck's kinds of leak check (mc_leakcheck.c's get_printing_rules): which loss records each
 * reports, by how the record (kind and allocation stack) moved since the check before, and so
 * which the ERROR SUMMARY counts.
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

/** Each check's reported records as `kind@line bytes(+change)/blocks(+change)`. */
function shown(checks: ModedLeakCheck[]): string[][] {
  const change = (now: number, before: number) => (now >= before ? `+${now - before}` : `-${before - now}`);
  return reportedRecords(checks).map((reported) =>
    reported.map(
      ({ record: r, now, before }) =>
        `${r.kind}@${r.site.line} ${now.bytes}(${change(now.bytes, before.bytes)})/${now.blocks}(${change(now.blocks, before.blocks)})`,
    ),
  );
}

const lost10 = record('definitely-lost', 1, 10);
const reachable10 = record('still-reachable', 1, 10);
const other = record('still-reachable', 5, 4);

describe('leak check modes: the loss records each kind of check reports (memcheck’s delta modes)', () => {
  it('a full check reports every record; the check at exit is a full one', () => {
    assert.deepEqual(shown([{ leaks: [lost10] }, { mode: 'full', leaks: [lost10] }]), [
      ['definitely-lost@1 10(+10)/1(+1)'],
      ['definitely-lost@1 10(+0)/1(+0)'],
    ]);
  });

  it('an added check reports a record that grew in bytes, blocks or indirect bytes, not one unchanged or shrunk', () => {
    const dragging = (bytes: number) => record('definitely-lost', 1, 10, 1, { drags: { blocks: 1, bytes } });
    assert.deepEqual(
      shown([
        { leaks: [dragging(16)] },
        { mode: 'added', leaks: [dragging(16)] },
        { mode: 'added', leaks: [dragging(32)] },
        { mode: 'added', leaks: [dragging(16)] },
        { mode: 'added', leaks: [record('definitely-lost', 1, 20, 2)] },
        { mode: 'added', leaks: [] },
      ]).slice(1),
      [[], ['definitely-lost@1 10(+0)/1(+0)'], [], ['definitely-lost@1 20(+10)/2(+1)'], []],
    );
  });

  it('a changed check reports a record gone since the check before, as memcheck’s "0 (-10) bytes in 0 (-1) blocks", once', () => {
    assert.deepEqual(
      shown([
        { leaks: [reachable10] },
        { mode: 'changed', leaks: [lost10] },
        { mode: 'changed', leaks: [other] },
        { mode: 'changed', leaks: [other] },
      ]),
      [
        ['still-reachable@1 10(+10)/1(+1)'],
        ['definitely-lost@1 10(+10)/1(+1)', 'still-reachable@1 0(-10)/0(-1)'],
        ['still-reachable@5 4(+4)/1(+1)', 'definitely-lost@1 0(-10)/0(-1)'],
        [],
      ],
    );
  });

  // valgrind 3.19: keep = malloc(10); VALGRIND_DO_CHANGED_LEAK_CHECK; free(keep);
  // VALGRIND_DO_CHANGED_LEAK_CHECK prints "All heap blocks were freed" at the second check and
  // --errors-for-leak-kinds=all counts 1 error: the gone record is not reported there.
  it('a check with no block live reports nothing, not a gone record, and forgets the records before it', () => {
    assert.deepEqual(shown([{ leaks: [reachable10] }, { mode: 'changed', leaks: [] }, { mode: 'added', leaks: [reachable10] }]), [
      ['still-reachable@1 10(+10)/1(+1)'],
      [],
      ['still-reachable@1 10(+10)/1(+1)'],
    ]);
  });

  it('a new check reports a record with blocks now and none at the check before, not one that grew', () => {
    assert.deepEqual(
      shown([
        { mode: 'quick', leaks: [lost10] },
        { mode: 'new', leaks: [record('definitely-lost', 1, 20, 2), record('possibly-lost', 2, 8)] },
      ]),
      [[], ['possibly-lost@2 8(+8)/1(+1)']],
    );
  });

  it('a quick check reports nothing, and still is the check the next one compares with', () => {
    assert.deepEqual(
      shown([
        { mode: 'quick', leaks: [lost10] },
        { mode: 'added', leaks: [lost10] },
      ]),
      [[], []],
    );
  });

  it('records of the same line but another stack, kind or struct are other records', () => {
    const deeper = record('definitely-lost', 1, 10, 1, {
      stack: [lost10.site, { file: 'x.lmm.ts', line: 9, column: 1 }],
    });
    const ofStruct = record('definitely-lost', 1, 10, 1, { struct: 'node_t' });
    assert.deepEqual(shown([{ leaks: [lost10] }, { mode: 'new', leaks: [lost10, deeper, ofStruct] }])[1]!.length, 2);
  });
});

describe('the ERROR SUMMARY counts the definitely and possibly lost records each check reports', () => {
  const report = (leakChecks: ModedLeakCheck[], leaks: LossRecord[]): RunReport =>
    ({ errorSummary: { errors: 0, contexts: 0, suppressed: 0 }, leakChecks, leaks }) as unknown as RunReport;

  it('counts an added check’s grown lost record, a changed check’s vanished one, and none of a quick check’s', () => {
    const possibly = record('possibly-lost', 2, 8);
    assert.deepEqual(
      memcheckErrorSummary(
        report(
          [
            { mode: 'quick', leaks: [lost10, possibly] }, // none
            { mode: 'added', leaks: [lost10, possibly, reachable10] }, // none: reachable is no error
            { mode: 'changed', leaks: [possibly] }, // the lost record gone: 1
            { leaks: [possibly, reachable10] }, // full: 1
          ],
          [lost10, possibly], // at exit, full: 2
        ),
      ),
      { errors: 4, contexts: 4, suppressed: 0 },
    );
  });

  it('a suppressed record a check reports counts as suppressed; one it does not report counts nowhere', () => {
    const suppressed = record('definitely-lost', 3, 4, 1, { suppressed: true });
    assert.deepEqual(memcheckErrorSummary(report([{ leaks: [suppressed] }, { mode: 'added', leaks: [suppressed] }], [])), {
      errors: 0,
      contexts: 0,
      suppressed: 1,
    });
  });
});

describe('a leak check’s mode in a posted check or report', () => {
  const check = { event: 1, site: { file: 'x.lmm.ts', line: 1, column: 1 }, leaks: [] };

  it('is accepted for added, changed, new and quick, and refused for full (absent) or an unknown word', () => {
    for (const mode of ['added', 'changed', 'new', 'quick']) assert.equal(asLeakCheck({ ...check, mode }).mode, mode);
    assert.throws(() => asLeakCheck({ ...check, mode: 'full' }), /unknown mode "full"/);
    assert.throws(() => asLeakCheck({ ...check, mode: 'delta' }), /unknown mode "delta"/);
  });
});
