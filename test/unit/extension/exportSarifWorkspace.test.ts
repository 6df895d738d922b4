/**
 * Export Report's SARIF names the harness and the files it imports relative to `%SRCROOT%`, the
 * harness's workspace folder, which `originalUriBaseIds` says is there: as `lmm run --sarif` does
 * from its working directory, so code scanning (which takes a relative URI from the repository's
 * root) finds the file. It wrote `file:///home/…/x.lmm.ts`, no base, which matches no file of a
 * repository. A finished run and one stopped with no report alike; a file in no workspace folder
 * keeps its `file://` URI.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SRCROOT, type SarifLog } from '../../../src/analysis/sarif';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { exportReport, workspaceFolderOf } from '../../../src/extension/model/reportExport';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { STOPPED_BY_REQUEST } from '../../../src/harness/earlyEndOutcome';
import { runHarness } from '../../../src/harness/runHarness';
import { asInterimErrors, asReport } from '../../../src/protocol/runReportSchema';
import { codeScanningProblems, sarifSchemaProblems } from '../../support/reportSchemas';
import { scratchFolder } from '../../support/scratchFolder';

const LIB = [
  "import { XFREE } from 'lmm-studio';",
  'export function release(p: object): void {',
  '  XFREE(p as never);',
  '}',
  '',
].join('\n');
/** A double free in an imported file (lib/release.ts line 3), reached from the harness's line 8. */
const HARNESS = [
  "import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';",
  "import { release } from './lib/release';",
  '@struct class node_t { @u32 key!: number; }',
  'export default function main() {',
  '  MM_REG_STRUCT(node_t);',
  '  XCALLOC(1, node_t);',
  '  const a = XCALLOC(1, node_t)!;',
  '  release(a); release(a);',
  '}',
  '',
].join('\n');

/** Every artifact URI a log's results and notifications name, with its base. */
function locatedUris(log: SarifLog): string[] {
  const run = log.runs[0]!;
  const uris: string[] = [];
  for (const result of run.results)
    for (const l of [...result.locations, ...result.relatedLocations]) {
      const a = l.physicalLocation.artifactLocation;
      uris.push(`${a.uriBaseId ?? ''} ${a.uri}`);
    }
  return uris;
}

describe("Export Report's SARIF: relative to the harness's workspace folder", function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-export-sarif-workspace-');

  async function ended(
    fields: Omit<RunState, 'id' | 'status' | 'startedAt'>,
    status: 'finished' | 'stopped',
    end: Parameters<RunStore['end']>[2],
  ) {
    const store = new RunStore();
    const run = store.begin(fields);
    await store.end(run, status, end);
    return run;
  }

  it('a finished run and a stopped one: every file relative to %SRCROOT%, the folder', async () => {
    const folder = join(scratch.dir, 'my workspace');
    mkdirSync(join(folder, 'lib'), { recursive: true });
    const file = scratch.write('my workspace/app.lmm.ts', HARNESS);
    scratch.write('my workspace/lib/release.ts', LIB);
    let streamed: unknown;
    const result = await runHarness(file, { onMemoryErrors: (errors) => (streamed = errors) }).result;
    const report = asReport(JSON.parse(JSON.stringify(result.finished!.report)));
    const replay = () => new HeapReplay({ pageSize: 4096, eventsKept: 1000 });
    const fields = { kind: 'harness' as const, file, label: 'app.lmm.ts', replay: replay(), sites: [] };
    const finished = await ended(fields, 'finished', { report });
    const stopped = await ended({ ...fields, replay: replay() }, 'stopped', {
      message: 'stopped by request',
      ending: STOPPED_BY_REQUEST,
    });
    stopped.interimErrors = asInterimErrors(streamed);

    const workspace = workspaceFolderOf(file, ['/elsewhere', folder]);
    assert.equal(workspace, folder);
    for (const run of [finished, stopped]) {
      const log = JSON.parse(exportReport(run, 'sarif', 'dev', workspace)) as SarifLog;
      assert.deepEqual(sarifSchemaProblems(log), [], run.status);
      assert.deepEqual(codeScanningProblems(log), [], run.status);
      assert.deepEqual(log.runs[0]!.originalUriBaseIds, { [SRCROOT]: { uri: 'file://' + encodeURI(folder) + '/' } });
      const uris = new Set(locatedUris(log));
      assert.ok(uris.has(`${SRCROOT} app.lmm.ts`), [...uris].join(', '));
      assert.ok(uris.has(`${SRCROOT} lib/release.ts`), [...uris].join(', '));
      assert.equal(uris.size, 2, [...uris].join(', '));
      // Without a folder (a file in none), the absolute URI, as before.
      const loose = JSON.parse(exportReport(run, 'sarif', 'dev')) as SarifLog;
      assert.ok(
        locatedUris(loose).every((u) => u.startsWith(' file:///')),
        locatedUris(loose).join(', '),
      );
    }
  });

  it('workspaceFolderOf: the innermost folder holding the file, none for a file outside them', () => {
    assert.equal(workspaceFolderOf('/w/a/x.lmm.ts', ['/w', '/w/a']), '/w/a');
    assert.equal(workspaceFolderOf('/w/a/x.lmm.ts', ['/w/a/', '/w']), '/w/a/');
    assert.equal(workspaceFolderOf('/wa/x.lmm.ts', ['/w']), undefined, 'a folder is no prefix of a longer name');
    assert.equal(workspaceFolderOf('/w', ['/w']), undefined);
    assert.equal(workspaceFolderOf('C:\\Work\\x.lmm.ts', ['c:\\work']), 'c:\\work');
  });
});
