// One step numbering everywhere: step N is the state after the run's Nth heap operation. The
// CLI's text report, the JSON report (event + 1), the extension's views and the Memory Map must
// name the same step for the same moment (they once said 121 and 122 for the seed's peak).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stepNumber } from '../../../src/analysis/stepNumber';
import { harnessReportOutput } from '../../../src/harness/harnessReportOutput';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { stepNumber as mapStepNumber } from '../../../webview-ui/src/chartsView';

const examples = join(__dirname, '..', '..', '..', 'examples');

describe('one step numbering in the CLI text, the JSON report and the Memory Map', function () {
  this.timeout(60_000);

  it('the seed’s peak: the text report’s step is the JSON event + 1 and the Memory Map’s step', async () => {
    const result = await runHarnessFile(join(examples, 'seed-testapp.lmm.ts'), { classicText: true });
    assert.equal(result.outcome, 'completed', result.message);
    const text = harnessReportOutput(result.finished!, 'text');
    const json = JSON.parse(harnessReportOutput(result.finished!, 'json')) as { peak: { event: number } };
    const cli = /PEAK: [\d,]+ bytes of application memory at step ([\d,]+)/.exec(text);
    assert.ok(cli, text);
    const cliStep = Number(cli[1]!.replace(/,/g, ''));
    assert.equal(cliStep, json.peak.event + 1, 'the text counts from 1, the JSON event from 0');
    assert.equal(cliStep, stepNumber(json.peak.event));
    assert.equal(mapStepNumber(json.peak.event), cli[1], 'the Memory Map names the same step');
    // Two registrations, then the 120th student_t allocation reaches the peak: operation 122.
    assert.equal(cliStep, 122);
  });

  it('an error’s JSON `step` is 0-based too, as the README says: VS Code names step + 1', async () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    assert.match(readme, /and so is an error's `step` there: `"step": 3` is the error VS Code puts at step 4\)/);
    // Register, allocate, free, free again: the refused second XFREE is the run's 4th heap operation.
    const result = await runHarnessFile(join(examples, 'error-double-free.lmm.ts'), {});
    assert.equal(result.outcome, 'completed', result.message);
    const json = JSON.parse(harnessReportOutput(result.finished!, 'json')) as {
      errors: { kind: string; step: number }[];
      totals: { steps: number };
    };
    assert.equal(json.totals.steps, 4);
    assert.deepEqual(
      json.errors.map((e) => [e.kind, e.step]),
      [['double-free', 3]],
    );
    assert.equal(stepNumber(json.errors[0]!.step), 4, 'what VS Code shows: "memory error at step 4"');
  });

  it('the last step of a run of N operations is step N', () => {
    assert.equal(stepNumber(0), 1);
    assert.equal(stepNumber(999_999), 1_000_000);
    assert.equal(mapStepNumber(999_999), '1,000,000');
  });
});
