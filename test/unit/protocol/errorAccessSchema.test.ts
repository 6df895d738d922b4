import assert from 'node:assert/strict';
import { traceRun } from '../../../src/extension/model/traceRun';
import { asReport } from '../../../src/protocol/runReportSchema';

const site = { file: '/w/h.lmm.ts', line: 3, column: 5 };
const access = { operation: 'write', size: 4, field: 'rollno', offset: 88, blockBytes: 56, struct: 'student_t' };

/** A report whose one error record carries `access` (or whatever is given in its place). */
function reportWithAccess(value: unknown): unknown {
  const { report } = traceRun('/w/t.trace', 'reg node_t 24\nalloc a node_t 1\n', 16);
  return JSON.parse(
    JSON.stringify({
      ...report,
      errors: [{ kind: 'out-of-bounds', message: 'Invalid write of size 4', count: 1, site, stack: [site], access: value }],
    }),
  );
}

describe('the run report schema: an error record’s access', () => {
  it('takes a well-formed access, and a record without one', () => {
    assert.deepEqual(asReport(reportWithAccess(access)).errors[0]!.access, access);
    assert.equal(asReport(reportWithAccess(undefined)).errors[0]!.access, undefined);
  });

  it('refuses a malformed one with a clear message', () => {
    for (const bad of [
      'write',
      { ...access, operation: 'poke' },
      { ...access, size: -1 },
      { ...access, offset: 1.5 },
      { ...access, field: 3 },
      { ...access, blockBytes: 'x' },
      { ...access, struct: null },
    ]) {
      assert.throws(() => asReport(reportWithAccess(bad)), /errors\[0\] has a malformed access/, JSON.stringify(bad));
    }
  });
});
