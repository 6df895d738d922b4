import { strict as assert } from 'node:assert';
import { checkLeaks, ROOT_PATH_ENDS } from '../../../src/analysis/leakCheck';
import { buildRunReport } from '../../../src/analysis/runReport';
import { formatTextReport } from '../../../src/analysis/textReport';
import { ptr, RunDataBuilder, u32 } from '../../support/runDataBuilder';

const NEXT = 8;

/**
 * A list rooted at its LAST allocation, each node pointing at the one allocated before it: the
 * record's first block (allocation 0) is `n` steps from the root.
 */
function backwardList(n: number): RunDataBuilder {
  const b = new RunDataBuilder();
  b.struct('node_t', [u32('value'), ptr('next', 'node_t'), ptr('prev', 'node_t')]);
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) nodes.push(b.alloc('node_t', 1, 10));
  for (let i = 1; i < n; i++) b.link(nodes[i]!, NEXT, nodes[i - 1]!);
  b.root(nodes[n - 1]!, 'head');
  return b;
}

describe('root paths: a long path keeps its two ends and says how much was cut', () => {
  for (const n of [1, 2 * ROOT_PATH_ENDS - 1, 2 * ROOT_PATH_ENDS, 2 * ROOT_PATH_ENDS + 1, 47, 1000]) {
    it(`a path of ${n} steps`, () => {
      const result = checkLeaks(backwardList(n).data());
      assert.equal(result.records.length, 1);
      const record = result.records[0]!;
      // Root first: allocation n-1 (the root's target), then n-2 … down to 0 (the record's first block).
      const whole = Array.from({ length: n }, (_, i) => n - 1 - i);
      const expected = n > 2 * ROOT_PATH_ENDS ? [...whole.slice(0, ROOT_PATH_ENDS), ...whole.slice(n - ROOT_PATH_ENDS)] : whole;
      assert.deepEqual(
        record.rootPath.map((s) => s.allocationId),
        expected,
      );
      assert.equal(record.rootPath[0]!.field, 'head');
      assert.equal(record.rootPathElided, n > 2 * ROOT_PATH_ENDS ? n - 2 * ROOT_PATH_ENDS : undefined);
    });
  }

  it('the end-of-run report and its text carry the cut path, the elision named where it was', () => {
    const report = buildRunReport(backwardList(200_000).data());
    const record = report.leaks[0]!;
    assert.equal(record.rootPath.length, 2 * ROOT_PATH_ENDS);
    assert.equal(record.rootPathElided, 200_000 - 2 * ROOT_PATH_ENDS);
    assert.ok(JSON.stringify(report).length < 200_000, 'the report stays small: no step per node');
    const text = formatTextReport(report, '');
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.includes('reachable through: root "head"'));
    assert.ok(first >= 0);
    assert.match(lines[first + ROOT_PATH_ENDS]!, /^ {6}… 199,968 more blocks on the way …$/);
    assert.equal(lines.filter((l) => /^ {6}\.next → node_t/.test(l)).length, 2 * ROOT_PATH_ENDS - 1);
  });
});
