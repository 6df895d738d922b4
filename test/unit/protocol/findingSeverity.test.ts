import { strict as assert } from 'node:assert';
import type { RunReport } from '../../../src/analysis/runReport';
import { toSarif as cliSarif } from '../../../src/analysis/sarif';
import { MEMORY_ERROR_KINDS } from '../../../src/analysis/suppressions';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { leakNodes, SEVERITY_ICONS } from '../../../src/extension/model/leaksTree';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore } from '../../../src/extension/model/runState';
import { traceRun } from '../../../src/extension/model/traceRun';
import {
  findingSeverity,
  LEAK_KIND_SEVERITY,
  LEAK_KINDS,
  type FindingSeverity,
  type LmmReport,
  type ReportError,
  type ReportLeak,
} from '../../../src/protocol/runReportSchema';
import { DIAGNOSTIC_SEVERITY, runDiagnostics } from '../../../src/server/runDiagnostics';

const HARNESS = '/w/h.lmm.ts';
const at = (line: number) => ({ file: HARNESS, line, column: 3 });

/** A report with one record of every leak kind and one of every memory error kind, each on its own line. */
function everyFinding(): LmmReport {
  const trace = traceRun('/w/t.trace', 'reg s 16\nalloc a s 1', 16);
  const leaks: ReportLeak[] = LEAK_KINDS.map((kind, i) => ({
    kind,
    struct: 'node_t',
    blocks: 1,
    bytes: 24,
    site: at(10 + i),
    stack: [at(10 + i)],
    suppressed: false,
    drags: { blocks: 0, bytes: 0 },
  }));
  const errors: ReportError[] = MEMORY_ERROR_KINDS.map((kind, i) => ({
    kind,
    message: `${kind} here`,
    count: 1,
    site: at(100 + i),
    stack: [at(100 + i)],
  }));
  return { ...trace.report, leaks, errors };
}

const SARIF_SEVERITY: Record<string, FindingSeverity> = { error: 'error', warning: 'warning', note: 'information' };

/** One leak kind, one severity: the Problems panel, the Leaks view, both SARIF writers and the HTML export agree. */
describe('one severity per finding kind, everywhere', () => {
  const report = everyFinding();
  const expected = new Map<string, FindingSeverity>([
    ...LEAK_KINDS.map((k) => [k, LEAK_KIND_SEVERITY[k]] as const),
    ...MEMORY_ERROR_KINDS.map((k) => [k, findingSeverity(k)] as const),
  ]);

  it('the mapping itself: lost kinds are warnings, still-reachable information, every memory error an error', () => {
    assert.deepEqual(
      LEAK_KINDS.map((k) => findingSeverity(k)),
      ['warning', 'warning', 'warning', 'information'],
    );
    for (const kind of MEMORY_ERROR_KINDS) assert.equal(findingSeverity(kind), 'error', kind);
  });

  it('Problems panel (the language server’s run diagnostics)', () => {
    const levels = new Map(Object.entries(DIAGNOSTIC_SEVERITY).map(([severity, level]) => [level, severity]));
    const files = { text: () => undefined, uri: (f: string) => f, structSite: () => undefined };
    const diagnostics = runDiagnostics({ runId: 1, status: 'finished', report, harnessFile: HARNESS }, files).get(HARNESS)!;
    const seen = new Map(diagnostics.map((d) => [String(d.code), levels.get(d.severity!)]));
    assert.deepEqual(seen, expected);
  });

  it('Leaks view: each kind’s icon and colour are its severity’s', () => {
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100 });
    const run = new RunStore().begin({ kind: 'harness', file: HARNESS, label: 'h', replay, sites: [] });
    run.report = report;
    const icons = new Map(Object.entries(SEVERITY_ICONS).map(([severity, [icon, colour]]) => [`${icon} ${colour}`, severity]));
    assert.equal(icons.size, 3, 'three severities, three distinct icons');
    const seen = new Map(leakNodes(run).map((node) => [node.label, icons.get(`${node.icon} ${node.iconColor}`)]));
    assert.deepEqual(seen, new Map(LEAK_KINDS.map((k) => [k, expected.get(k)])));
  });

  it('SARIF: `lmm run --sarif` (rules and results) and the exported report', async () => {
    type Sarif = {
      runs: {
        tool: { driver: { rules: { id: string; defaultConfiguration?: { level: string } }[] } };
        results: { ruleId: string; level: string }[];
      }[];
    };
    const cli = cliSarif(report as unknown as RunReport) as unknown as Sarif;
    const resultLevels = (log: Sarif) => new Map(log.runs[0]!.results.map((r) => [r.ruleId, SARIF_SEVERITY[r.level]]));
    assert.deepEqual(resultLevels(cli), expected);
    const rules = cli.runs[0]!.tool.driver.rules.map((r) => [r.id, SARIF_SEVERITY[r.defaultConfiguration!.level]] as const);
    assert.deepEqual(new Map(rules), expected);

    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100 });
    const run = new RunStore().begin({ kind: 'harness', file: HARNESS, label: 'h', replay, sites: [] });
    run.report = report;
    await new RunStore().end(run, 'finished', { report });
    const exported = JSON.parse(exportReport(run, 'sarif')) as Sarif;
    // One writer: Export Report's SARIF is the log `lmm run --sarif` prints for the same report.
    assert.deepEqual(
      exported,
      JSON.parse(JSON.stringify(cliSarif(report as unknown as RunReport, 'dev', { executionSuccessful: true }))),
    );
    assert.deepEqual(resultLevels(exported), expected);
  });

  it('HTML export: each leak and error row says its severity', () => {
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100 });
    const run = new RunStore().begin({ kind: 'harness', file: HARNESS, label: 'h', replay, sites: [] });
    run.report = report;
    const html = exportReport(run, 'html');
    const rows = [...html.matchAll(/<tr><td><span class="severity-(\w+)">(\w+)<\/span><\/td><td>([\w-]+)/g)];
    for (const [, cls, word] of rows) assert.equal(cls, word);
    assert.deepEqual(new Map(rows.map(([, , severity, kind]) => [kind!, severity])), expected);
  });
});
