// One step numbering everywhere: step N is the state after the run's Nth heap operation. The
// CLI's text report, the JSON report (`step`, and `event` + 1), the extension's views and the Memory Map must
// name the same step for the same moment (they once said 121 and 122 for the seed's peak).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stepNumber } from '../../../src/analysis/stepNumber';
import { harnessReportOutput } from '../../../src/harness/harnessReportOutput';
import { runHarnessFile, type MemoryErrorsSoFar } from '../../../src/harness/runHarness';
import type { LeakCheckReport } from '../../../src/analysis/runReport';
import { asInterimErrors, asLeakCheck } from '../../../src/protocol/runReportSchema';
import { runResultsParams } from '../../../src/extension/model/runResultsParams';
import type { RunState } from '../../../src/extension/model/runState';
import { runDiagnostics } from '../../../src/server/runDiagnostics';
import { stepNumber as mapStepNumber } from '../../../webview-ui/src/chartsView';

const examples = join(__dirname, '..', '..', '..', 'examples');

/** The diagnostics the language server makes of a run that goes on, from what the extension hands it. */
function diagnosticsWhileRunning(state: Partial<RunState>, file: string) {
  const run = { id: 1, status: 'running', file, ...state } as RunState;
  return runDiagnostics(runResultsParams(run), {
    text: (name) => (name === file || name.endsWith(file.split('/').pop()!) ? readFileSync(file, 'utf8') : undefined),
    uri: (name) => `file://${name}`,
    structSite: () => undefined,
  });
}

describe('one step numbering in the CLI text, the JSON report, the diagnostics and the Memory Map', function () {
  this.timeout(60_000);

  it('the seed’s peak: the text report’s step is the JSON event + 1 and the Memory Map’s step', async () => {
    const result = await runHarnessFile(join(examples, 'seed-testapp.lmm.ts'), { classicText: true });
    assert.equal(result.outcome, 'completed', result.message);
    const text = harnessReportOutput(result.finished!, 'text');
    const json = JSON.parse(harnessReportOutput(result.finished!, 'json')) as { peak: { event: number; step: number } };
    const cli = /PEAK: [\d,]+ bytes of application memory at step ([\d,]+)/.exec(text);
    assert.ok(cli, text);
    const cliStep = Number(cli[1]!.replace(/,/g, ''));
    assert.equal(cliStep, json.peak.event + 1, 'the text counts from 1, the JSON event from 0');
    assert.equal(cliStep, stepNumber(json.peak.event));
    assert.equal(json.peak.step, cliStep, 'the JSON names the step as the text does');
    assert.equal(mapStepNumber(json.peak.event), cli[1], 'the Memory Map names the same step');
    // Two registrations, then the 120th student_t allocation reaches the peak: operation 122.
    assert.equal(cliStep, 122);
  });

  it('an error: JSON `step` (= `event` + 1), the README’s example, the diagnostics while the run goes on and the Memory Map name one step', async () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    assert.match(
      readme.replace(/\s+/g, ' '),
      /`"event": 3, "step": 4` is the error VS Code puts at step 4, and its SARIF result says `"properties": \{"step": 4\}`/,
    );
    // Register, allocate, free, free again: the refused second XFREE is the run's 4th heap operation.
    let streamed: MemoryErrorsSoFar | undefined;
    const file = join(examples, 'error-double-free.lmm.ts');
    const result = await runHarnessFile(file, { onMemoryErrors: (errors) => (streamed = errors) });
    assert.equal(result.outcome, 'completed', result.message);
    const json = JSON.parse(harnessReportOutput(result.finished!, 'json')) as {
      schemaVersion: number;
      errors: { kind: string; event: number; step: number }[];
      totals: { steps: number };
    };
    assert.equal(json.schemaVersion, 2);
    assert.equal(json.totals.steps, 4);
    assert.deepEqual(
      json.errors.map((e) => [e.kind, e.event, e.step]),
      [['double-free', 3, 4]],
    );
    assert.equal(mapStepNumber(json.errors[0]!.event), '4', 'the Memory Map’s Leaks & errors tab: step 4');
    const sarif = JSON.parse(harnessReportOutput(result.finished!, 'sarif')) as {
      runs: { results: { ruleId: string; properties?: { step?: number } }[] }[];
    };
    assert.deepEqual(
      sarif.runs[0]!.results.filter((r) => r.ruleId === 'double-free').map((r) => r.properties?.step),
      [4],
      'the SARIF result names the same step',
    );
    // What the language server writes on the XFREE line while the run goes on, from the streamed errors.
    assert.ok(streamed, 'the errors were streamed');
    assert.deepEqual(
      streamed.errors.map((e) => [e.event, e.step]),
      [[3, 4]],
    );
    const diagnostics = [...diagnosticsWhileRunning({ interimErrors: asInterimErrors(streamed) }, file).values()].flat();
    assert.deepEqual(
      diagnostics.map((d) => /\[memory error at step (\d+),/.exec(String(d.message))?.[1]),
      ['4'],
    );
  });

  it('a mid-run leak check: the text report, the JSON `step`, the diagnostics and the Memory Map name one step', async () => {
    const checks: LeakCheckReport[] = [];
    const file = join(examples, 'hash-table.lmm.ts');
    const result = await runHarnessFile(file, { classicText: true, onLeakCheck: (check) => checks.push(check) });
    assert.equal(result.outcome, 'completed', result.message);
    const text = harnessReportOutput(result.finished!, 'text');
    const json = JSON.parse(harnessReportOutput(result.finished!, 'json')) as {
      leakChecks: { event: number; step: number }[];
    };
    const cli = /leak check at \S+ \(step ([\d,]+)/.exec(text);
    assert.ok(cli, text);
    const cliStep = Number(cli[1]!.replace(/,/g, ''));
    assert.equal(json.leakChecks.length, 1);
    assert.equal(json.leakChecks[0]!.step, cliStep);
    assert.equal(json.leakChecks[0]!.event, cliStep - 1);
    assert.equal(mapStepNumber(json.leakChecks[0]!.event), cli[1], 'the Memory Map’s timeline marker');
    assert.equal(checks.length, 1);
    const diagnostics = [...diagnosticsWhileRunning({ interimLeakCheck: asLeakCheck(checks[0]) }, file).values()].flat();
    const named = new Set(diagnostics.map((d) => /leak check at step ([\d,]+),/.exec(String(d.message))?.[1]));
    assert.deepEqual([...named], [String(cliStep)], 'every leak diagnostic of the check names its step');
  });

  it('the last step of a run of N operations is step N', () => {
    assert.equal(stepNumber(0), 1);
    assert.equal(stepNumber(999_999), 1_000_000);
    assert.equal(mapStepNumber(999_999), '1,000,000');
  });
});
