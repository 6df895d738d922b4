/**
 * A harness with a syntax error, or one the time limit stops, run in the extension: "the run
 * failed: …" goes on the line the runtime names, in the harness, whatever its folder and file are
 * called. The place used to be read back out of the message's text, and a path with parentheses
 * (a downloaded `list (1).lmm.ts`, a folder `proj (copy)`) gave a file that does not exist: the
 * Problems panel showed nothing for the harness.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { createHarnessRunner } from '../../../src/extension/harnessRunner';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { runResultsParams } from '../../../src/extension/model/runResultsParams';
import { RunStore, type RunState } from '../../../src/extension/model/runState';
import { failureSiteOf, runDiagnostics, type SourceFiles } from '../../../src/server/runDiagnostics';
import { nodeHarness } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

// Long enough for the loop to be reached on a loaded machine: the limit counts from the start.
const TIME_LIMIT_MS = 1500;

/** The run the extension keeps for `file`, ended as the RunController ends it. */
async function extensionRun(file: string): Promise<RunState> {
  const store = new RunStore();
  const replay = new HeapReplay({ pageSize: 4096, eventsKept: 100_000 });
  const run = store.begin({ kind: 'harness', file, label: 'h', replay, sites: [] });
  const log = { appendLine: () => undefined } as unknown as vscode.OutputChannel;
  const outcome = await createHarnessRunner({} as vscode.ExtensionContext, log).start(
    file,
    { timeLimitMs: TIME_LIMIT_MS, pageSize: 4096 },
    { sites: () => undefined, batch: (batch) => replay.apply(batch) },
  ).done;
  await store.end(run, outcome.status, {
    ...(outcome.message !== undefined ? { message: outcome.message } : {}),
    ...(outcome.ending ? { ending: outcome.ending } : {}),
  });
  return run;
}

/** The server's run diagnostics for `params`, with the server's own fallback for a site not given. */
function failedDiagnostics(run: RunState) {
  const params = runResultsParams(run);
  const given = params.failureSite && { ...params.failureSite };
  if (params.status === 'failed' && params.message && !params.failureSite) {
    const site = failureSiteOf(params.message, params.harnessFile);
    if (site) params.failureSite = site;
  }
  const files: SourceFiles = { text: () => undefined, uri: (f) => `file://${f}`, structSite: () => undefined };
  return { given, byFile: runDiagnostics(params, files) };
}

describe('a failed run’s message on the harness line it names', function () {
  this.timeout(60_000);
  const { dir } = scratchFolder('lmm-failed-site-');
  const folder = join(dir, 'proj (copy)');
  mkdirSync(folder);

  for (const [what, name, source, line, kind] of [
    ['a syntax error', 'list (1).lmm.ts', nodeHarness('const p = XCALLOC(1, node_t;'), 8, 'compile-error'],
    [
      'the time limit in a loop with no heap call',
      'spin (2).lmm.ts',
      nodeHarness('let spin = 0;', 'for (;;) spin++;'),
      9,
      'timed-out',
    ],
  ] as const) {
    it(`${what}, in ${name} of a folder named "proj (copy)"`, async () => {
      const file = join(folder, name);
      writeFileSync(file, source);
      const run = await extensionRun(file);
      assert.equal(run.status, 'failed');
      assert.equal(run.ending?.kind, kind);
      const { given, byFile } = failedDiagnostics(run);
      // The extension hands the server the runtime's own site: nothing to read out of a message.
      assert.equal(given?.file, file);
      assert.equal(given?.line, line);
      const failed = (byFile.get(file) ?? []).filter((d) => d.code === 'run-failed');
      assert.equal(failed.length, 1, `one "run failed" on ${name}: ${JSON.stringify([...byFile.keys()])}`);
      assert.equal(failed[0]!.range.start.line, line - 1);
      assert.match(String(failed[0]!.message), /^the run failed: /);
      assert.deepEqual([...byFile.keys()], [file], 'nothing on a file that does not exist');
    });
  }

  it('the server’s fallback (a message with no site given) finds the harness in such a path too', () => {
    for (const file of ['/w/proj (copy)/list.lmm.ts', '/w/list (1).lmm.ts', '/w/a:b/list.lmm.ts', '/w/my proj/list.lmm.ts']) {
      assert.deepEqual(failureSiteOf(`${file}:12:5: Expected ")" but found ";"`, file), { file, line: 12, column: 5 }, file);
    }
    // A message naming another file than the harness still gives that file's place.
    assert.deepEqual(failureSiteOf('at /w/lib.ts:3:1: boom', '/w/list.lmm.ts'), { file: '/w/lib.ts', line: 3, column: 1 });
  });
});
