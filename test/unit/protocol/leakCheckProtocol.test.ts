import { strict as assert } from 'node:assert';
import { checkLeaks } from '../../../src/analysis/leakCheck';
import {
  buildRunReport,
  CHECK_ROOT_PATH_ENDS as ROOT_PATH_ENDS,
  leakCheckReport,
  type LeakCheckInput,
} from '../../../src/analysis/runReport';
import { formatTextReport } from '../../../src/analysis/textReport';
import { RunDataBuilder, u32 } from '../../support/runDataBuilder';
import { parseSuppressions } from '../../../src/analysis/suppressions';
import { parseHostToWebview } from '../../../src/protocol/webviewMessages';

const site = { file: '/w/h.lmm.ts', line: 9, column: 3 };
const leaks = [
  { kind: 'definitely-lost', blocks: 2, bytes: 32 },
  { kind: 'still-reachable', blocks: 1, bytes: 16 },
];

describe('leak checks: “requested” through the report and the webview protocol', () => {
  it('the webview takes a leakCheck with requested true or false, and refuses any other value', () => {
    for (const requested of [true, false]) {
      const parsed = parseHostToWebview({ type: 'leakCheck', runId: 'r', step: 4, site, leaks, requested });
      assert.ok(parsed.ok && parsed.message.type === 'leakCheck');
      assert.equal(parsed.message.requested, requested);
    }
    const plain = parseHostToWebview({ type: 'leakCheck', runId: 'r', step: 4, leaks });
    assert.ok(plain.ok && plain.message.type === 'leakCheck' && !('requested' in plain.message), 'absent stays absent');
    const bad = parseHostToWebview({ type: 'leakCheck', runId: 'r', step: 4, leaks, requested: 'yes' });
    assert.ok(!bad.ok);
    assert.match(bad.error, /message\(leakCheck\)\.requested: expected a boolean/);
  });

  it('the webview checks requested on the report’s leak checks too', () => {
    const report = (requested: unknown) => ({
      type: 'report',
      runId: 'r',
      report: { schemaVersion: 2, leakChecks: [{ event: 3, leaks: [], requested }] },
    });
    assert.equal(parseHostToWebview(report(true)).ok, true);
    const bad = parseHostToWebview(report(1));
    assert.ok(!bad.ok);
    assert.match(bad.error, /report\.leakChecks\[0\]\.requested: expected a boolean/);
  });

  it('leakCheckReport keeps requested only on asked checks, and applies suppressions to the copies', () => {
    const record = {
      kind: 'definitely-lost' as const,
      struct: 'node_t',
      blocks: 2,
      bytes: 32,
      site,
      stack: [site],
      suppressed: false,
      drags: { blocks: 0, bytes: 0 },
      rootPath: [],
      allocationIds: [1, 2],
      addresses: [100, 200],
    };
    const point: LeakCheckInput = { event: 7, site, result: { records: [record] }, requested: true };
    const asked = leakCheckReport(point);
    assert.equal(asked.requested, true);
    assert.equal(asked.event, 7);
    assert.equal(asked.step, 8, 'the step every text names: event + 1');
    assert.deepEqual(asked.summary['definitely-lost'], { blocks: 2, bytes: 32 });
    assert.notEqual(asked.leaks[0], record, 'a copy: the runtime’s result is not changed');
    const own = leakCheckReport({ event: 8, site, result: { records: [record] } });
    assert.equal('requested' in own, false, 'an mm_leak_check() point has no requested field');
    const suppressed = leakCheckReport(
      point,
      parseSuppressions('{\n known\n lmm:Leak\n match-leak-kinds: definite\n struct: node_t\n}\n', 'x.lmmsupp'),
    );
    assert.equal(record.suppressed, false);
    assert.deepEqual([suppressed.leaks[0]!.suppressed, suppressed.summary.suppressed.blocks], [true, 2]);
  });

  it('a mid-run check keeps the two ends of a long root path, and leaves the runtime’s result whole', () => {
    const step = (i: number) => ({ struct: 'node_t', field: i === 0 ? 'root' : 'next', site, allocationId: i, interior: false });
    const longPath = Array.from({ length: 1000 }, (_, i) => step(i));
    const record = (rootPath: ReturnType<typeof step>[]) => ({
      kind: 'still-reachable' as const,
      struct: 'node_t',
      blocks: 1000,
      bytes: 16000,
      site,
      stack: [site],
      suppressed: false,
      drags: { blocks: 0, bytes: 0 },
      rootPath,
      allocationIds: [0],
      addresses: [100],
    });
    const result = { records: [record(longPath), record(longPath.slice(0, 2 * ROOT_PATH_ENDS))] };
    const posted = leakCheckReport({ event: 5, site, result });
    const [long, short] = posted.leaks;
    assert.equal(long!.rootPath.length, 2 * ROOT_PATH_ENDS);
    assert.equal(long!.rootPathElided, 1000 - 2 * ROOT_PATH_ENDS);
    assert.deepEqual(
      [
        long!.rootPath[0]!.allocationId,
        long!.rootPath[ROOT_PATH_ENDS - 1]!.allocationId,
        long!.rootPath[ROOT_PATH_ENDS]!.allocationId,
        long!.rootPath.at(-1)!.allocationId,
      ],
      [0, ROOT_PATH_ENDS - 1, 1000 - ROOT_PATH_ENDS, 999],
    );
    assert.equal(short!.rootPath.length, 2 * ROOT_PATH_ENDS, 'a path that fits is kept as it is');
    assert.equal(short!.rootPathElided, undefined);
    assert.equal(result.records[0]!.rootPath.length, 1000, 'the runtime’s result is untouched');
  });

  it('the text report says which leak checks were asked for', () => {
    const b = new RunDataBuilder();
    b.struct('node_t', [u32('value')]);
    b.alloc('node_t');
    const result = checkLeaks(b.data());
    const report = buildRunReport(b.data(), {
      leakChecks: [
        { event: 1, site, result, requested: true },
        { event: 2, site, result },
      ],
    });
    assert.deepEqual(
      report.leakChecks.map((c) => c.requested),
      [true, undefined],
    );
    const text = formatTextReport(report, '');
    assert.match(
      text,
      /^leak check at \/w\/h\.lmm\.ts:9:3 \(step 2, Check Leaks Now\):\n4 bytes in 1 block are definitely lost /m,
    );
    // A full check, as memcheck's VALGRIND_DO_LEAK_CHECK, prints no deltas since the one before.
    assert.match(
      text,
      /^leak check at \/w\/h\.lmm\.ts:9:3 \(step 3\):\n4 bytes in 1 block are definitely lost [^]*?\n {3}definitely lost: 4 bytes in 1 block\n/m,
    );
  });
});
