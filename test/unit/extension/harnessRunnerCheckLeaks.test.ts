import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { createHarnessRunner } from '../../../src/extension/harnessRunner';
import type { HarnessRunHandle } from '../../../src/extension/runController';
import { asReport, type ReportLeakCheck } from '../../../src/protocol/runReportSchema';

const HARNESS = `import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class leaf_t { @u32 value!: number; }
export default function main() {
  MM_REG_STRUCT(leaf_t);
  const started = Date.now();
  while (Date.now() - started < 1200) {
    XCALLOC(1, leaf_t);
    let spin = 0;
    for (let k = 0; k < 20000; k++) spin += k;
    if (spin < 0) return;
  }
}
`;

describe('the extension’s harness runner: Check Leaks Now while a harness runs', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-runner-check-leaks-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('asks the worker mid-run; the check lands in the report’s leakChecks; afterwards it answers false', async () => {
    const file = join(dir, 'leaves.lmm.ts');
    writeFileSync(file, HARNESS);
    const lines: string[] = [];
    const log = { appendLine: (line: string) => lines.push(line) } as unknown as vscode.OutputChannel;
    const runner = createHarnessRunner({} as vscode.ExtensionContext, log);
    let asked: boolean | undefined;
    const handle: HarnessRunHandle = runner.start(
      file,
      { timeLimitMs: 10_000, pageSize: 4096 },
      {
        sites: () => undefined,
        batch: () => {
          asked ??= handle.checkLeaksNow!();
        },
      },
    );
    const outcome = await handle.done;
    assert.equal(outcome.status, 'finished', outcome.message);
    assert.equal(asked, true);
    const report = asReport(outcome.report);
    assert.equal(report.leakChecks.length, 1);
    const check = report.leakChecks[0]!;
    assert.equal(check.site.line, 7, 'at the XCALLOC the harness was about to make');
    const lostBlocks = (leaks: typeof check.leaks) =>
      leaks.filter((l) => l.kind === 'definitely-lost').reduce((n, l) => n + l.blocks, 0);
    const lost = lostBlocks(check.leaks);
    const lostAtEnd = lostBlocks(report.leaks);
    assert.ok(lost >= 1 && lost < lostAtEnd, `${lost} lost at the check, ${lostAtEnd} at the end`);
    assert.equal(handle.checkLeaksNow!(), false, 'nothing to ask once the run has ended');
  });

  it('hands the sink the check mid-run, validated, after the batch with its mark, while the run goes on', async () => {
    const file = join(dir, 'leaves-sink.lmm.ts');
    writeFileSync(file, HARNESS);
    const log = { appendLine: () => undefined } as unknown as vscode.OutputChannel;
    const runner = createHarnessRunner({} as vscode.ExtensionContext, log);
    let stepsSeen = 0;
    let asked = false;
    let ended = false;
    const checks: { check: ReportLeakCheck; stepsSeen: number; ended: boolean }[] = [];
    const handle: HarnessRunHandle = runner.start(
      file,
      { timeLimitMs: 10_000, pageSize: 4096 },
      {
        sites: () => undefined,
        batch: (batch) => {
          stepsSeen = batch.firstStep + batch.count;
          if (!asked && stepsSeen > 5) asked = handle.checkLeaksNow!();
        },
        leakCheck: (check) => checks.push({ check, stepsSeen, ended }),
      },
    );
    const outcome = await handle.done;
    ended = true;
    assert.equal(outcome.status, 'finished', outcome.message);
    assert.equal(checks.length, 1);
    const { check } = checks[0]!;
    assert.equal(check.requested, true);
    assert.ok(checks[0]!.stepsSeen > check.event, 'the batch holding the mark came first');
    assert.equal(checks[0]!.ended, false, 'it came while the run went on');
    const lost = check.leaks.filter((l) => l.kind === 'definitely-lost').reduce((n, l) => n + l.blocks, 0);
    assert.equal(lost, check.event - 1, 'every leaf allocated before the check is lost');
    const report = asReport(outcome.report);
    assert.equal(report.leakChecks[0]!.requested, true, 'the report keeps requested');
    assert.equal(report.leakChecks[0]!.event, check.event);
  });
});
