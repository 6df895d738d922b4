/**
 * Compare Runs says when a policy's utilization is not comparable: a policy that refused requests
 * never held their payload, so its figure is measured on less work than the others'.
 */
import { strict as assert } from 'node:assert';
import { policyCompareMarkdown, policyCompareModel } from '../../../src/extension/model/policyCompare';
import { runPoliciesWithPictures } from '../../../src/extension/model/policyRun';
import { parseWorkload } from '../../../src/policies/workloadFormats';

/** lmm-classic refuses the 5,000-byte request (larger than a page's data); hybrid serves it. */
const LEAKY = ['20000', '5', '6', '1', 'a 0 100', 'a 1 200', 'a 2 300', 'f 1', 'a 3 40', 'a 4 5000'].join('\n');

describe('Compare Runs: utilization comparable', () => {
  it('marks the policy that refused requests, with how many; the utilization cell stays a plain percentage', () => {
    const runs = runPoliciesWithPictures(parseWorkload('leaky.rep', LEAKY), ['lmm-classic', 'hybrid'], { timingMs: 0 });
    const model = policyCompareModel(runs);
    const row = (label: string) => model.rows.find((r) => r.label === label)!.cells;
    assert.deepEqual(row('utilization comparable'), ['no: 1 request refused', 'yes']);
    for (const cell of row('utilization (peak payload ÷ peak mapped)')) assert.match(cell, /^\d+(\.\d+)?%$/);
    assert.match(policyCompareMarkdown(runs), /\| utilization comparable \| no: 1 request refused \| yes \|/);
  });

  it('every policy comparable when none refused', () => {
    const small = ['20000', '2', '2', '1', 'a 0 100', 'f 0'].join('\n');
    const runs = runPoliciesWithPictures(parseWorkload('small.rep', small), ['lmm-classic', 'hybrid'], { timingMs: 0 });
    assert.deepEqual(policyCompareModel(runs).rows.find((r) => r.label === 'utilization comparable')!.cells, ['yes', 'yes']);
  });
});
