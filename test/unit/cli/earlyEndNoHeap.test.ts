/**
 * A run whose worker was killed (its process crashed, the JS heap hit its cap) leaves no heap and
 * no report: `lmm run --json` / `--sarif` still print a document, with what the run streamed
 * before it ended, the memory errors and the mid-run leak checks, and `totals: null` (unknown,
 * not zero). A killed run cannot be made on demand (whether the memory limit stops the harness
 * at a loop turn, heap intact, or its JS heap kills it is a race), so the result is built here.
 */
import { strict as assert } from 'node:assert';
import { SRCROOT, type SarifLog } from '../../../src/analysis/sarif';
import { earlyEndJson, earlyEndSarif, type StreamedFindings } from '../../../src/cli/earlyEndDocument';
import type { HarnessRunResult } from '../../../src/harness/runHarness';

const file = 'h.lmm.ts';
const at = (line: number) => ({ file, line, column: 3 });
const killed: HarnessRunResult = {
  outcome: 'out-of-memory',
  message: `${file}:12:3: memory limit of 64 MB exceeded (the JS heap reached its cap of 28 MB; the harness was stopped)`,
  site: at(12),
  sites: [],
  timings: { compileMs: 1, runMs: 2 },
};

function streamed(): StreamedFindings {
  const error = (line: number, count: number, suppressed?: boolean) => ({
    kind: 'double-free' as const,
    message: `double free at line ${line}`,
    count,
    site: at(line),
    stack: [at(line)],
    event: line - 1,
    step: line,
    ...(suppressed === undefined ? {} : { suppressed, ...(suppressed ? { suppressedBy: 'known' } : {}) }),
  });
  return {
    errors: { errors: [error(9, 3), error(10, 1, true), error(11, 2, false)], occurrences: 6, distinct: 3 },
    leakChecks: [{ event: 4, step: 5, site: at(8), stack: [at(8)], leaks: [], summary: {} as never }],
  };
}

describe('lmm run --json / --sarif of a run killed with no heap', () => {
  it('JSON: complete false, the outcome at its line, totals null, the streamed errors and leak checks', () => {
    const doc = JSON.parse(earlyEndJson(killed, file, streamed())) as Record<string, unknown>;
    assert.equal(doc.complete, false);
    assert.deepEqual(doc.outcome, { kind: 'out-of-memory', message: killed.message, site: at(12) });
    assert.equal(doc.totals, null);
    assert.equal(doc.leaks, null);
    assert.equal(doc.leakSummary, null);
    const errors = doc.errors as { site: { line: number }; suppressed: boolean }[];
    assert.deepEqual(
      errors.map((e) => [e.site.line, e.suppressed]),
      [
        [9, false],
        [10, true],
        [11, false],
      ],
    );
    assert.deepEqual(doc.errorSummary, { errors: 5, contexts: 2, suppressed: 1 });
    assert.equal((doc.leakChecks as unknown[]).length, 1, 'the mid-run check that ran');
  });

  it('JSON with nothing streamed (killed before its first batch): empty lists, not missing ones', () => {
    const doc = JSON.parse(earlyEndJson(killed, file, { leakChecks: [] })) as Record<string, unknown>;
    assert.deepEqual([doc.errors, doc.leakChecks, doc.errorSummary], [[], [], { errors: 0, contexts: 0, suppressed: 0 }]);
  });

  it('SARIF: not successful, the outcome as an error notification at its line, the streamed errors as results', () => {
    const log = JSON.parse(earlyEndSarif(killed, file, streamed())) as SarifLog;
    const run = log.runs[0]!;
    assert.equal(run.invocations![0]!.executionSuccessful, false);
    const notification = run.invocations![0]!.toolExecutionNotifications![0]!;
    assert.equal(notification.level, 'error');
    assert.match(notification.message.text, /^The run did not complete \(out-of-memory\): .*JS heap reached its cap/);
    assert.equal(notification.locations![0]!.physicalLocation.region.startLine, 12);
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region.startLine, r.suppressions !== undefined]),
      [
        ['double-free', 9, false],
        ['double-free', 10, true],
        ['double-free', 11, false],
      ],
    );
    assert.deepEqual(run.artifacts, [{ location: { uri: file, uriBaseId: SRCROOT } }]);
  });

  it('a run that returned without a report (and no message) is no verdict either: crashed, said so', () => {
    const { message: _message, site: _site, ...bare } = killed;
    const doc = JSON.parse(earlyEndJson({ ...bare, outcome: 'completed' }, file, { leakChecks: [] })) as {
      complete: boolean;
      outcome: unknown;
    };
    assert.equal(doc.complete, false);
    assert.deepEqual(doc.outcome, { kind: 'crashed', message: `${file}: the run ended without a report` });
  });

  it('a message-less end still says what happened (the file and the outcome)', () => {
    const { message: _message, site: _site, ...bare } = killed;
    const doc = JSON.parse(earlyEndJson({ ...bare, outcome: 'crashed' }, file, { leakChecks: [] })) as {
      outcome: { kind: string; message: string; site?: unknown };
    };
    assert.deepEqual(doc.outcome, { kind: 'crashed', message: `${file}: the harness did not complete (crashed)` });
  });
});
