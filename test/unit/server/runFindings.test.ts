import { strict as assert } from 'node:assert';
import type { Diagnostic } from 'vscode-languageserver';
import type { LmmReport } from '../../../src/protocol/runReportSchema';
import { RunFindings } from '../../../src/server/runFindings';

const A = '/w/a.lmm.ts';
const B = '/w/b.lmm.ts';
const HELPER = '/w/list-helpers.ts';
const TRACE = '/w/t.trace';

const finding = (message: string, line = 3): Diagnostic => ({
  range: { start: { line, character: 0 }, end: { line, character: 6 } },
  message,
  source: 'LMM',
});
const report = (file: string): LmmReport => ({
  schemaVersion: 2,
  families: [],
  totals: { pages: 0, mappedBytes: 0, appMemory: 0, mmap: 0, munmap: 0 },
  sites: [{ site: { file, line: 9, column: 3 }, stack: [], struct: 'node_t', allocated: 1, freed: 0, live: 1 } as never],
  leaks: [],
  errors: [],
  leakChecks: [],
  hints: [],
});
// 08:15:42 on the machine's clock, whatever its time zone.
const AT = new Date(2026, 11, 6, 8, 15, 42).getTime();
const same = (file: string) => (reportFile: string) => reportFile === file;

describe('run findings belong to their harness', () => {
  it('a run of B leaves A’s findings, marked with the time of A’s run; B’s show as they are', () => {
    const findings = new RunFindings();
    findings.take(A, {
      label: 'a.lmm.ts',
      at: AT,
      files: new Map([[A, [finding('definitely-lost: 2 node_t blocks')]]]),
      report: report(A),
    });
    const touched = findings.take(B, {
      label: 'b.lmm.ts',
      at: AT + 60_000,
      files: new Map([[B, [finding('double-free')]]]),
      report: report(B),
    });
    assert.ok(touched.has(A) && touched.has(B), 'A is published again, with its mark');
    assert.deepEqual(
      findings.forFile(A).map((d) => d.message),
      ['definitely-lost: 2 node_t blocks [from the run of a.lmm.ts at 08:15:42]'],
    );
    assert.deepEqual(
      findings.forFile(B).map((d) => d.message),
      ['double-free'],
    );
  });

  it('A’s next run replaces A’s findings only, and they show unmarked again', () => {
    const findings = new RunFindings();
    findings.take(A, { label: 'a.lmm.ts', at: AT, files: new Map([[A, [finding('old')]]]), report: report(A) });
    findings.take(B, { label: 'b.lmm.ts', at: AT, files: new Map([[B, [finding('b')]]]), report: report(B) });
    const touched = findings.take(A, { label: 'a.lmm.ts', at: AT, files: new Map(), report: report(A) });
    assert.ok(touched.has(A), 'A’s old findings are cleared from its file');
    assert.deepEqual(findings.forFile(A), []);
    assert.match(String(findings.forFile(B)[0]!.message), /^b \[from the run of b\.lmm\.ts at /);
  });

  it('opening a trace does not remove a harness’s findings', () => {
    const findings = new RunFindings();
    findings.take(A, { label: 'a.lmm.ts', at: AT, files: new Map([[A, [finding('leak')]]]), report: report(A) });
    findings.take(TRACE, { label: 't.trace', at: AT, files: new Map([[TRACE, [finding('bad line', 40)]]]), report: undefined });
    assert.equal(findings.forFile(A).length, 1);
    assert.equal(findings.forFile(TRACE).length, 1);
  });

  it('editing A drops A’s findings (their lines may have moved) and nobody else’s', () => {
    const findings = new RunFindings();
    findings.take(A, {
      label: 'a.lmm.ts',
      at: AT,
      files: new Map([
        [A, [finding('leak')]],
        [HELPER, [finding('helper leak')]],
      ]),
      report: report(A),
    });
    findings.take(B, { label: 'b.lmm.ts', at: AT, files: new Map([[B, [finding('b')]]]), report: report(B) });
    const touched = findings.drop(A);
    assert.ok(touched.has(A) && touched.has(HELPER));
    assert.deepEqual(findings.forFile(A), []);
    assert.deepEqual(findings.forFile(HELPER), []);
    assert.equal(findings.forFile(B).length, 1);
    assert.equal(findings.reportFor(A, same(A)), undefined, 'no lenses from a run of text that changed');
    assert.equal(findings.drop(A).size, 0, 'dropping twice changes nothing');
  });

  it('a harness that never ran has no report for its lenses, even after other harnesses ran', () => {
    const findings = new RunFindings();
    findings.take(A, { label: 'a.lmm.ts', at: AT, files: new Map(), report: report(A) });
    assert.equal(findings.reportFor(B, same(B)), undefined);
    assert.equal(findings.reportFor(A, same(A))?.sites[0]?.site.file, A);
  });

  it('a file a harness imports reads the latest report that names it', () => {
    const findings = new RunFindings();
    findings.take(A, { label: 'a.lmm.ts', at: AT, files: new Map(), report: report(HELPER) });
    findings.take(B, { label: 'b.lmm.ts', at: AT, files: new Map(), report: report(B) });
    assert.equal(findings.reportFor(HELPER, same(HELPER)), findings.reportFor(A, same(A)));
  });

  it('a mid-run update replaces the findings but keeps the last report for lenses', () => {
    const findings = new RunFindings();
    const first = report(A);
    findings.take(A, { label: 'a.lmm.ts', at: AT, files: new Map([[A, [finding('final')]]]), report: first });
    findings.take(A, { label: 'a.lmm.ts', at: AT, files: new Map([[A, [finding('mid-run')]]]), report: 'keep' });
    assert.equal(findings.reportFor(A, same(A)), first);
    assert.deepEqual(
      findings.forFile(A).map((d) => d.message),
      ['mid-run'],
    );
    assert.deepEqual(findings.countOf(A), { files: 1, diagnostics: 1 });
  });
});
