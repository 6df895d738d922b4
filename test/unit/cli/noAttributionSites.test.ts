/**
 * `lmm run --no-attribution` knows no line for a heap call: each such site is the harness file
 * at line 0, column 0 ("line unknown"), named as the run names the harness (the relative path it
 * was given, as attributed sites are), never `/abs/path:0:0`. Every output says so alike and
 * passes its own validator: the text report prints `FILE (line unknown)`, the JSON passes
 * `asReport` and docs/report.schema.json, and the SARIF (whose region.startLine must be 1 or more)
 * points at line 1 of the file with a message that says the line is unknown.
 */
import { strict as assert } from 'node:assert';
import { relative } from 'node:path';
import type { SarifLog } from '../../../src/analysis/sarif';
import { editorPosition } from '../../../src/extension/model/editorPosition';
import { leakTooltip } from '../../../src/extension/model/leaksTree';
import { siteLabel } from '../../../src/extension/model/treeNode';
import { asReport, isSite } from '../../../src/protocol/runReportSchema';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { codeScanningProblems, readReportSchema, reportSchemaProblems, sarifSchemaProblems } from '../../support/reportSchemas';
import { scratchFolder } from '../../support/scratchFolder';

interface Site {
  file: string;
  line: number;
  column: number;
}

/** A block lost, a double free and a leak check of the harness's own (mid-run check): every kind of site. */
const FINDINGS = nodeHarness(
  'XCALLOC(1, node_t);',
  'const a = XCALLOC(1, node_t)!;',
  'XFREE(a);',
  'XFREE(a);',
  'mm_leak_check();',
).replace('XFREE }', 'XFREE, mm_leak_check }');

/** Every `{ file, line, column }` object in a JSON document. */
function sitesIn(value: unknown, out: Site[] = []): Site[] {
  if (Array.isArray(value)) for (const item of value) sitesIn(item, out);
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o['file'] === 'string' && typeof o['line'] === 'number' && typeof o['column'] === 'number')
      out.push(o as unknown as Site);
    else for (const v of Object.values(o)) sitesIn(v, out);
  }
  return out;
}

describe('lmm run --no-attribution: sites without a line, alike in every format', function () {
  this.timeout(120_000);
  const scratch = scratchFolder('lmm-no-attribution-');

  it('the JSON passes asReport and the report schema, its sites the harness as given at line 0', async () => {
    // Relative, as a person types it: attributed sites name the harness so, and so must these.
    const file = relative(process.cwd(), scratch.write('findings.lmm.ts', FINDINGS));
    const run = await lmm('run', file, '--no-attribution', '--json');
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Record<string, unknown> & { errors: unknown[]; leaks: unknown[] };
    assert.ok(report.errors.length > 0 && report.leaks.length > 0, 'a leak and a double free');
    assert.doesNotThrow(() => asReport(report));
    assert.deepEqual(reportSchemaProblems(report), []);
    const sites = sitesIn({ errors: report.errors, leaks: report.leaks, leakChecks: report['leakChecks'] });
    assert.ok(sites.length >= 4);
    for (const site of sites) assert.deepEqual(site, { file, line: 0, column: 0 });
  });

  it('the validators take line 0 column 0 alone: a line 0 with a column, a column 0 with a line fail', () => {
    const siteSchema = { definitions: readReportSchema()['definitions'], $ref: '#/definitions/site' };
    const unknown = { file: 'h.lmm.ts', line: 0, column: 0 };
    assert.ok(isSite(unknown));
    assert.deepEqual(reportSchemaProblems(unknown, siteSchema), []);
    for (const bad of [
      { ...unknown, column: 4 },
      { ...unknown, line: 3 },
      { ...unknown, line: -1, column: -1 },
    ]) {
      assert.ok(!isSite(bad), `asReport refuses ${JSON.stringify(bad)}`);
      assert.notDeepEqual(reportSchemaProblems(bad, siteSchema), [], `the schema refuses ${JSON.stringify(bad)}`);
    }
  });

  it('the text report prints FILE (line unknown), never :0:0', async () => {
    const run = await lmm('run', 'examples/error-double-free.lmm.ts', '--no-attribution');
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /:0:0/);
    assert.match(run.stdout, /^ {3}at examples\/error-double-free\.lmm\.ts \(line unknown\)$/m);
    // The message names the file alone where it knows no line (as a root variable's label does).
    assert.match(run.stdout, /allocated at error-double-free\.lmm\.ts was already freed at error-double-free\.lmm\.ts$/m);
    assert.match(run.stdout, / from examples\/error-double-free\.lmm\.ts \(line unknown\)$/m);
  });

  it('the SARIF is valid and uploadable, each location line 1 of the file, saying the line is unknown', async () => {
    const file = relative(process.cwd(), scratch.write('findings-sarif.lmm.ts', FINDINGS));
    const run = await lmm('run', file, '--no-attribution', '--sarif');
    assert.equal(run.status, 0, run.stderr);
    const log = JSON.parse(run.stdout) as SarifLog;
    assert.deepEqual(sarifSchemaProblems(log), []);
    assert.deepEqual(codeScanningProblems(log), []);
    const results = log.runs[0]!.results;
    assert.ok(results.length >= 2);
    for (const result of results)
      for (const l of [...result.locations, ...result.relatedLocations]) {
        assert.deepEqual(l.physicalLocation.region, { startLine: 1, startColumn: 1 });
        assert.match(l.message?.text ?? '', /line unknown/, JSON.stringify(l));
      }
  });
});

describe('VS Code tree rows name a site of line 0 as the text report does', () => {
  it('siteLabel: file (line unknown), not file:0', () => {
    assert.equal(siteLabel({ file: '/w/h.lmm.ts', line: 0, column: 0 }), 'h.lmm.ts (line unknown)');
    assert.equal(siteLabel({ file: '/w/h.lmm.ts', line: 7, column: 3 }), 'h.lmm.ts:7');
  });

  it('the editor opens a site of line 0 at the file’s top (VS Code refused line -1)', () => {
    assert.deepEqual(editorPosition({ file: '/w/h.lmm.ts', line: 0, column: 0 }), { line: 0, character: 0 });
    assert.deepEqual(editorPosition({ file: '/w/h.lmm.ts', line: 7, column: 3 }), { line: 6, character: 2 });
  });

  it('a leak row’s tooltip: allocated at file (line unknown), not file:0:0', () => {
    const site = { file: '/w/h.lmm.ts', line: 0, column: 0 };
    const leak = { kind: 'definitely-lost', struct: 'node_t', blocks: 1, bytes: 4, site, stack: [site], suppressed: false };
    assert.match(
      leakTooltip(leak as unknown as Parameters<typeof leakTooltip>[0]),
      /allocated at \/w\/h\.lmm\.ts \(line unknown\)$/m,
    );
  });
});

describe('--no-attribution is documented where a user looks', () => {
  it('lmm --help and lmm run’s usage name it, and say what it costs', async () => {
    const help = await lmm('--help');
    assert.match(help.stdout, /lmm run FILE \[[^\n]*\[--no-attribution\]/);
    assert.match(
      help.stdout,
      /--no-attribution takes\s+no call stacks \(a faster run\): every site is the harness file, line unknown/,
    );
    const usage = await lmm('run');
    assert.match(usage.stderr, /\[--no-attribution\]/);
  });
});
