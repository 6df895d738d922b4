/**
 * The report the extension gets from a harness run says whether the run completed: `complete:
 * true` for a finished run, `false` for one that ended early, whose report (the heap when it
 * ended, leaks found when it stopped, as the views show it) the extension still takes in; the
 * same validator accepts both. Without the flag, a failed run's report would be marked complete.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { createHarnessRunner } from '../../../src/extension/harnessRunner';
import { asReport } from '../../../src/protocol/runReportSchema';
import { nodeHarness } from '../../support/nodeHarness';

describe('the extension’s harness runner: the report says whether the run completed', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-runner-complete-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(name: string, source: string) {
    const file = join(dir, name);
    writeFileSync(file, source);
    const log = { appendLine: () => undefined } as unknown as vscode.OutputChannel;
    const runner = createHarnessRunner({} as vscode.ExtensionContext, log);
    return runner.start(file, { timeLimitMs: 10_000, pageSize: 4096 }, { sites: () => undefined, batch: () => undefined }).done;
  }

  it('finished: complete true', async () => {
    const outcome = await run('finishes.lmm.ts', nodeHarness('XCALLOC(1, node_t);'));
    assert.equal(outcome.status, 'finished', outcome.message);
    assert.equal(asReport(outcome.report).complete, true);
  });

  it('a throw: complete false, the heap when it ended still reported and accepted', async () => {
    const outcome = await run('throws.lmm.ts', nodeHarness('XCALLOC(1, node_t);', "throw new Error('boom');"));
    assert.equal(outcome.status, 'failed');
    const report = asReport(outcome.report);
    assert.equal(report.complete, false);
    assert.equal(report.leaks.length, 1, 'what the views show as leaked when it stopped');
  });
});
