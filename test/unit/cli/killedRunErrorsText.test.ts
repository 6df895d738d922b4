/**
 * `lmm run`'s text line for a run that ended with no report: "it had found N memory errors in M
 * records". The totals count every error, suppressed ones too (the JSON's errorsTotal), so a
 * run whose suppressions file silences an error said it had found it as any other, while its
 * JSON's errorSummary counted it apart; the line now says how many of those listed are
 * suppressed. And one error reads as one error, not "1 memory errors in 1 records".
 */
import { strict as assert } from 'node:assert';
import { earlyEndErrorsText, earlyEndJson } from '../../../src/cli/earlyEndDocument';
import type { HarnessRunResult, MemoryErrorsSoFar } from '../../../src/harness/runHarness';

type Streamed = MemoryErrorsSoFar['errors'][number];

function doubleFree(line: number, count: number, suppressedBy?: string): Streamed {
  const site = { file: 'k.lmm.ts', line, column: 3 };
  return {
    kind: 'double-free',
    message: 'double free',
    count,
    site,
    stack: [site],
    event: line,
    step: line + 1,
    ...(suppressedBy !== undefined ? { suppressed: true, suppressedBy } : {}),
  };
}

function told(errors: Streamed[], occurrences: number, distinct: number): MemoryErrorsSoFar {
  return { errors, occurrences, distinct };
}

describe("lmm run's text of a run with no report: the errors it had found", () => {
  it('says how many of those listed are suppressed, as the JSON’s errorSummary counts them apart', () => {
    const errors = told([doubleFree(6, 1, 'quiet'), doubleFree(7, 2)], 3, 2);
    assert.equal(
      earlyEndErrorsText({ leakChecks: [], errors }),
      '\nThe run ended with no report; it had found 3 memory errors in 2 records (1 error in 1 record suppressed). lmm run --json lists them.\n',
    );
    const result = { outcome: 'timed-out', message: 'k.lmm.ts:8:3: time limit of 1000 ms exceeded' } as HarnessRunResult;
    const json = JSON.parse(earlyEndJson(result, 'k.lmm.ts', { leakChecks: [], errors })) as { errorSummary: unknown };
    assert.deepEqual(json.errorSummary, { errors: 2, contexts: 1, suppressed: 1 });
  });

  it('one error in one record, in the singular; none suppressed, nothing said of suppressions', () => {
    assert.equal(
      earlyEndErrorsText({ leakChecks: [], errors: told([doubleFree(6, 1)], 1, 1) }),
      '\nThe run ended with no report; it had found 1 memory error in 1 record. lmm run --json lists them.\n',
    );
    assert.equal(
      earlyEndErrorsText({ leakChecks: [], errors: told([doubleFree(6, 2, 'a'), doubleFree(7, 3, 'b')], 5, 2) }),
      '\nThe run ended with no report; it had found 5 memory errors in 2 records (5 errors in 2 records suppressed). lmm run --json lists them.\n',
    );
  });

  it('past the records that reached LMM, the suppressed are those of the listed ones', () => {
    const errors = told([doubleFree(6, 1, 'quiet'), doubleFree(7, 1)], 10, 5);
    const text = earlyEndErrorsText({ leakChecks: [], errors });
    assert.match(
      text,
      /^\nThe run ended with no report; it had found 10 memory errors in 5 records \(of those listed, 1 error in 1 record suppressed\)\. lmm run --json lists them: 2 of the 5 error records/,
    );
  });
});
