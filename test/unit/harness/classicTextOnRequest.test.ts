import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { harnessReportOutput } from '../../../src/harness/harnessReportOutput';
import { runHarnessFile } from '../../../src/harness/runHarness';

/**
 * The classic reports are a line per page and per block (60 MB of text for a full 1 GiB heap of
 * page-sized blocks), and only `lmm run`'s text output prints them: a run writes them when asked.
 */
describe('the classic text reports are written only for a run that asks for them', function () {
  this.timeout(60_000);
  const example = join(__dirname, '..', '..', '..', 'examples', 'error-out-of-memory.lmm.ts');

  it('a run not asked for them (JSON, SARIF, VS Code) has none, and its JSON report is the same', async () => {
    const without = await runHarnessFile(example);
    const withText = await runHarnessFile(example, { classicText: true });
    assert.equal(without.outcome, 'completed', without.message);
    assert.equal(without.finished!.classicText, undefined);
    assert.equal(harnessReportOutput(without.finished!, 'json'), harnessReportOutput(withText.finished!, 'json'));
    assert.equal(harnessReportOutput(without.finished!, 'sarif'), harnessReportOutput(withText.finished!, 'sarif'));
    assert.throws(() => harnessReportOutput(without.finished!, 'text'), /classicText: true/);
  });

  it('a run asked for them has them: its families, then its pages and totals', async () => {
    const result = await runHarnessFile(example, { classicText: true });
    assert.equal(result.outcome, 'completed', result.message);
    const text = result.finished!.classicText!;
    assert.match(text, /^Page Family : chunk_t, Size = 1008\n/);
    // The harness frees every chunk: the registry's page is the only one left.
    assert.match(text, /# Of VM Pages in Use : 0 \(0 Bytes\)/);
  });
});
