/**
 * Export Report's text and HTML mark a memory error a suppressions file silences, as the HTML
 * marks a suppressed leak, the text report counts it apart ("suppressed: 1") and the JSON and
 * SARIF flag it: the exported text and HTML listed it as any other error.
 */
import { strict as assert } from 'node:assert';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore } from '../../../src/extension/model/runState';
import { asReport } from '../../../src/protocol/runReportSchema';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

const HARNESS = [
  "import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';",
  '@struct class node_t { @u32 key!: number; }',
  'function quiet(p: node_t) { XFREE(p); }',
  'export default function main() {',
  '  MM_REG_STRUCT(node_t);',
  '  const a = XCALLOC(1, node_t)!; XFREE(a); quiet(a);',
  '  const b = XCALLOC(1, node_t)!; XFREE(b); XFREE(b);',
  '}',
  '',
].join('\n');
const SUPPRESSIONS = '{\n   quiet_double_free\n   lmm:Error\n   src:quiet.lmm.ts:3\n}\n';

describe('Export Report marks a suppressed memory error', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-export-suppressed-');

  it('in the text and the HTML, the other error unmarked', async () => {
    const file = scratch.write('quiet.lmm.ts', HARNESS);
    const supp = scratch.write('quiet.supp', SUPPRESSIONS);
    const ran = await lmm('run', file, '--json', '--suppressions', supp);
    assert.equal(ran.status, 0, ran.stderr);
    const report = asReport(JSON.parse(ran.stdout));
    assert.deepEqual(
      report.errors.map((e) => [e.site.line, e.suppressed]),
      [
        [3, true],
        [7, false],
      ],
    );
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100 });
    const run = new RunStore().begin({ kind: 'harness', file, label: 'quiet', replay, sites: [] });
    run.report = report;
    const text = exportReport(run, 'text');
    assert.deepEqual(text.match(/^ {2}double-free.*$/gm), [
      '  double-free (suppressed) ×1: ' + report.errors[0]!.message,
      '  double-free ×1: ' + report.errors[1]!.message,
    ]);
    const html = exportReport(run, 'html');
    const kinds = [...html.matchAll(/<tr><td><span class="severity-\w+">\w+<\/span><\/td><td>(double-free[^<]*)<\/td>/g)];
    assert.deepEqual(
      kinds.map((m) => m[1]),
      ['double-free (suppressed)', 'double-free'],
    );
  });
});
