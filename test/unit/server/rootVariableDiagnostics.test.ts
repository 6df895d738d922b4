import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LmmReport } from '../../../src/protocol/runReportSchema';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { runDiagnostics, type SourceFiles } from '../../../src/server/runDiagnostics';

/** A still-reachable block's root path starts at the pointer variable that holds it. */
describe('run diagnostics name the pointer variable a root path starts from', function () {
  this.timeout(60_000);
  it('a global: "held by the pointer variable global head", at its declaration', async () => {
    const file = join(__dirname, '..', '..', '..', 'examples', 'pointer-variables.lmm.ts');
    const result = await runHarnessFile(file);
    assert.equal(result.outcome, 'completed', result.message);
    const source = readFileSync(file, 'utf8');
    const files: SourceFiles = {
      text: (f) => (f === file ? source : undefined),
      uri: (f) => `file://${f}`,
      structSite: () => undefined,
    };
    const report = result.finished!.report as unknown as LmmReport;
    const diagnostics = runDiagnostics({ runId: 1, status: 'finished', report, harnessFile: file }, files).get(file)!;
    const reachable = diagnostics.find((d) => d.code === 'still-reachable')!;
    const root = reachable.relatedInformation!.find((r) => r.message.startsWith('root: '))!;
    assert.equal(root.message, 'root: item_t, held by the pointer variable global head, declared here');
    const declarationLine = source.split('\n').findIndex((line) => line.includes("global<item_t>('head')"));
    assert.equal(root.location.range.start.line, declarationLine);
  });
});
