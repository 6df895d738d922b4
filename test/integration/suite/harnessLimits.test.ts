// A harness that aborts V8 (one built-in call growing the JS heap past any limit) or fills
// buffers past the memory limit, run in VS Code: the run fails with a clear message, this
// extension host (where the test itself runs) goes on, and the next run right after works.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, runHarness, type LmmTestApi } from './lmmExtension';

const LIMIT_MB = 256;

describe('LMM Studio in VS Code: a harness that exhausts memory', function () {
  this.timeout(120_000);
  let api: LmmTestApi;

  before(async () => {
    api = await activateLmm();
    await vscode.workspace.getConfiguration('lmm').update('memoryLimit', LIMIT_MB, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('lmm').update('memoryLimit', undefined, vscode.ConfigurationTarget.Workspace);
  });

  for (const [fixture, what] of [
    ['v8-abort.lmm.ts', 'aborts V8 inside one built-in call'],
    ['buffer-flood.lmm.ts', 'fills buffers past the memory limit'],
  ] as const) {
    it(`a harness that ${what}: the run fails with the clear message, and the next run works`, async () => {
      const started = Date.now();
      const document = await vscode.workspace.openTextDocument(fixtureUri(fixture));
      await vscode.window.showTextDocument(document);
      await runHarness(api, document.uri);
      const failed = api.currentRun();
      assert.equal(failed?.file, document.uri.fsPath);
      assert.equal(failed?.status, 'failed', JSON.stringify(failed));
      assert.match(
        failed?.message ?? '',
        new RegExp(`memory limit of ${LIMIT_MB} MB exceeded|out of memory \\(V8 aborted at its heap limit\\)`),
      );
      assert.match(failed?.message ?? '', new RegExp(fixture.replace('.', '\\.')), 'the message names the harness');
      assert.doesNotMatch(failed?.message ?? '', /\n\s+at /, 'no stack trace');
      assert.ok(Date.now() - started < 60_000, `${Date.now() - started} ms`);

      const next = await vscode.workspace.openTextDocument(fixtureUri('leaky-list.lmm.ts'));
      await runHarness(api, next.uri);
      assert.equal(api.currentRun()?.file, next.uri.fsPath);
      assert.equal(api.currentRun()?.status, 'finished', JSON.stringify(api.currentRun()));
      const report = api.lastReport() as { leaks?: { kind: string }[] } | undefined;
      assert.ok(
        report?.leaks?.some((leak) => leak.kind === 'definitely-lost'),
        'the next run reports its leaks',
      );
    });
  }
});

describe('LMM Studio in VS Code: a setting out of its range', function () {
  this.timeout(120_000);
  let api: LmmTestApi;

  before(async () => {
    api = await activateLmm();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('lmm').update('timeLimit', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('lmm.timeLimit: 0 (as a hand-edited settings.json may say): the run uses the default, and a warning says so once', async () => {
    // VS Code writes the value without checking it against package.json's minimum.
    await vscode.workspace.getConfiguration('lmm').update('timeLimit', 0, vscode.ConfigurationTarget.Workspace);
    assert.equal(vscode.workspace.getConfiguration('lmm').get('timeLimit'), 0);
    const before = api.settingWarnings().length;
    const document = await vscode.workspace.openTextDocument(fixtureUri('leaky-list.lmm.ts'));
    await vscode.window.showTextDocument(document);
    for (let run = 1; run <= 2; run++) {
      await runHarness(api, document.uri);
      assert.equal(api.currentRun()?.status, 'finished', JSON.stringify(api.currentRun()));
    }
    const warnings = api.settingWarnings().slice(before);
    assert.deepEqual(
      warnings,
      ['LMM Studio: lmm.timeLimit: 0 is outside 0.1 to 3600; the default, 10, is used instead.'],
      'one warning for the two runs',
    );
  });
});
