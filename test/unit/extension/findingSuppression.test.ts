import { strict as assert } from 'node:assert';
import { findingToSuppress } from '../../../src/extension/model/findingSuppression';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import type { ReportError, ReportLeak } from '../../../src/protocol/runReportSchema';
import { beginServerRun, FILE, serverReport, site } from '../../support/serverRunFixture';

const leak = (over: Partial<ReportLeak> = {}): ReportLeak => ({
  kind: 'definitely-lost',
  struct: 'node_t',
  blocks: 1,
  bytes: 24,
  site: site(12),
  stack: [site(12), site(30)],
  suppressed: false,
  ...over,
});

const error = (over: Partial<ReportError> = {}): ReportError => ({
  kind: 'double-free',
  message: 'double free',
  count: 1,
  site: site(20),
  stack: [site(20)],
  ...over,
});

function finishedRun(leaks: ReportLeak[], errors: ReportError[], kind: RunState['kind'] = 'harness'): RunState {
  const run = beginServerRun(new RunStore());
  run.kind = kind;
  run.status = 'finished';
  run.report = serverReport({ leaks, errors });
  return run;
}

describe('Suppress from a Memory Map row: the entry comes from the host’s run, never from the webview', () => {
  it('a leak: the run’s harness file, the record’s kind, struct and whole call stack', () => {
    const run = finishedRun([leak(), leak({ struct: 'list_t', stack: [site(40)] })], []);
    assert.deepEqual(findingToSuppress(run, 'leak', 1), {
      ok: true,
      args: { harnessFile: FILE, kind: 'definitely-lost', struct: 'list_t', stack: [site(40)] },
    });
  });

  it('an error: its kind and stack, no struct (an error entry names none)', () => {
    const run = finishedRun([leak()], [error({ kind: 'use-after-free', stack: [site(21), site(50)] })]);
    assert.deepEqual(findingToSuppress(run, 'error', 0), {
      ok: true,
      args: { harnessFile: FILE, kind: 'use-after-free', stack: [site(21), site(50)] },
    });
  });

  it('refuses what names no finding it can silence: out of range, already suppressed, no stack, a trace, no report, no run', () => {
    const run = finishedRun([leak({ suppressed: true }), leak({ stack: [] })], [error({ suppressed: true })]);
    const refused = (r: RunState | undefined, finding: 'leak' | 'error', index: number) => {
      const found = findingToSuppress(r, finding, index);
      assert.equal(found.ok, false, `${finding} ${index}`);
      return found.ok ? '' : found.reason;
    };
    assert.match(refused(run, 'leak', 2), /no leak number 2/);
    assert.match(refused(run, 'error', 1), /no error number 1/);
    assert.match(refused(run, 'leak', 0), /already suppressed/);
    assert.match(refused(run, 'error', 0), /already suppressed/);
    assert.match(refused(run, 'leak', 1), /no call stack/);
    assert.match(refused(finishedRun([leak()], [], 'trace'), 'leak', 0), /trace/);
    const running = beginServerRun(new RunStore());
    assert.match(refused(running, 'leak', 0), /no report/);
    assert.match(refused(undefined, 'leak', 0), /no run/);
  });
});
