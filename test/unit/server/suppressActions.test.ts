import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { runHarnessFile } from '../../../src/harness/runHarness';
import { addSuppression, suppressionsBeside } from '../../../src/harness/suppressionFile';
import { SUPPRESS_FINDING_COMMAND, suppressFindingArgsOf, type SuppressFindingArgs } from '../../../src/protocol/lspMessages';
import type { LmmReport } from '../../../src/protocol/runReportSchema';
import { suppressActions } from '../../../src/server/editorFeatures';
import { runDiagnostics, type SourceFiles } from '../../../src/server/runDiagnostics';

const examples = join(__dirname, '..', '..', '..', 'examples');
const stackOfTrace = [{ file: '/w/t.trace', line: 4, column: 1 }];
const files: SourceFiles = { text: () => undefined, uri: (f) => `file://${f}`, structSite: () => undefined };

/** The Problems panel's quick fix on a run's leak or memory error, followed through to the next run. */
describe('Suppress quick fix on run diagnostics', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lmm-suppress-fix-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const problems = async (harness: string): Promise<{ report: LmmReport; diagnostics: Diagnostic[] }> => {
    const suppressions = await suppressionsBeside(harness);
    const result = await runHarnessFile(harness, suppressions ? { suppressions } : {});
    assert.equal(result.outcome, 'completed', result.message);
    const report = result.finished!.report as unknown as LmmReport;
    const byFile = runDiagnostics({ runId: 1, status: 'finished', report, harnessFile: harness }, files);
    return { report, diagnostics: [...byFile.values()].flat() };
  };
  const suppressOnly = (diagnostic: Diagnostic): SuppressFindingArgs => {
    const actions = suppressActions([diagnostic]);
    assert.equal(actions.length, 1, String(diagnostic.message));
    assert.equal(actions[0]!.kind, 'quickfix');
    assert.equal(actions[0]!.command?.command, SUPPRESS_FINDING_COMMAND);
    return actions[0]!.command!.arguments![0] as SuppressFindingArgs;
  };

  for (const [example, code, title] of [
    ['leak-definitely-lost.lmm.ts', 'definitely-lost', 'Suppress this emp_t definitely-lost'],
    ['error-double-free.lmm.ts', 'double-free', 'Suppress this double-free'],
  ] as const) {
    it(`a ${code} offers Suppress; what it writes silences it in the next run (${example})`, async () => {
      const harness = join(dir, example);
      copyFileSync(join(examples, example), harness);
      const before = await problems(harness);
      const finding = before.diagnostics.find((d) => d.code === code)!;
      assert.ok(finding, before.diagnostics.map((d) => d.code).join());
      assert.ok(suppressActions([finding])[0]!.title.startsWith(title), suppressActions([finding])[0]!.title);
      const args = suppressOnly(finding);
      assert.equal(args.harnessFile, harness);
      const added = await addSuppression(args.harnessFile, args);
      assert.equal(added.file, harness.replace(/\.lmm\.ts$/, '.lmmsupp'));

      const after = await problems(harness);
      assert.equal(after.diagnostics.filter((d) => d.code === code).length, 0, 'no longer a problem');
      const records = [...after.report.leaks, ...after.report.errors].filter((r) => r.kind === code);
      assert.ok(records.length > 0 && records.every((r) => r.suppressed === true), JSON.stringify(records));
      assert.ok(records.every((r) => (r as { suppressedBy?: string }).suppressedBy === added.name));
      assert.ok(readFileSync(added.file, 'utf8').includes(added.name));
    });
  }

  it('offers nothing for hints, for a run with no harness file, or for data that is not a finding', async () => {
    const harness = join(dir, 'hints.lmm.ts');
    copyFileSync(join(examples, 'hints-padding.lmm.ts'), harness);
    const { report, diagnostics } = await problems(harness);
    const hints = diagnostics.filter((d) => String(d.code).startsWith('hint'));
    assert.ok(hints.length > 0);
    assert.deepEqual(suppressActions(hints), []);
    const anonymous = [...runDiagnostics({ runId: 1, status: 'finished', report }, files).values()].flat();
    assert.deepEqual(suppressActions(anonymous), []);
    // A trace's leaks and errors: a trace reads no suppressions file, so none is offered.
    const leaky = {
      ...report,
      errors: [{ kind: 'double-free', message: 'm', count: 1, site: stackOfTrace[0]!, stack: stackOfTrace }],
    };
    const ofTrace = [
      ...runDiagnostics({ runId: 1, status: 'finished', report: leaky, harnessFile: '/w/t.trace' }, files).values(),
    ].flat();
    assert.ok(ofTrace.some((d) => d.code === 'double-free'));
    assert.deepEqual(suppressActions(ofTrace), []);
    const forged = (data: unknown): Diagnostic => ({ range: hints[0]!.range, message: 'x', data });
    const stack = [{ file: '/w/a.lmm.ts', line: 3, column: 1 }];
    for (const data of [
      { suppress: { harnessFile: '', kind: 'double-free', stack } },
      { suppress: { harnessFile: '/w/a.lmm.ts', kind: 'double-free', stack: [{ file: '/w/a.lmm.ts', line: '3', column: 1 }] } },
      { suppress: { harnessFile: '/w/a.lmm.ts', kind: 'double-free', stack: 'a.lmm.ts:3' } },
      { suppress: { harnessFile: '/w/a.lmm.ts', kind: 'definitely-lost', struct: 7, stack } },
      { suppress: null },
      'suppress',
    ]) {
      assert.deepEqual(suppressActions([forged(data)]), [], JSON.stringify(data));
    }
    // Extra properties are not passed on: the command gets exactly the finding.
    const extra = { harnessFile: '/w/a.lmm.ts', kind: 'double-free', stack: [{ ...stack[0]!, evil: 1 }], evil: 2 };
    assert.deepEqual(suppressFindingArgsOf(extra), { harnessFile: '/w/a.lmm.ts', kind: 'double-free', stack });
  });
});
