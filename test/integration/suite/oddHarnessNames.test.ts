// Harnesses a reviewer might open first: one with a syntax error, one with a use after free, each
// in a file whose name esbuild escapes in its source map ("… (1).lmm.ts", as a browser names a
// second download). In VS Code the run's failure and the memory error sit on their lines in the
// harness's own Problems (they named "… %281%29.lmm.ts", a file that does not exist, or no file),
// and the next run works. The files are written here, not kept as fixtures: a syntax error would
// fail the repository's lint and typecheck.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, lineOf, runHarness, waitFor, type LmmTestApi } from './lmmExtension';

const HEAD = `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class point_t {
  @u32 x!: number;
}

export default function main() {
  MM_REG_STRUCT(point_t);
`;

const SYNTAX_ERROR = `${HEAD}  const p = XCALLOC(1, point_t; // SYNTAX ERROR
  XFREE(p);
}
`;

const USE_AFTER_FREE = `${HEAD}  const p = XCALLOC(1, point_t);
  XFREE(p);
  p.x = 3; // ERROR: use after free
}
`;

describe('LMM Studio in VS Code: a syntax error, and a harness named "… (1).lmm.ts"', function () {
  this.timeout(90_000);
  let api: LmmTestApi;
  const written: vscode.Uri[] = [];

  before(async () => {
    api = await activateLmm();
  });

  after(async () => {
    for (const uri of written) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  async function open(name: string, text: string): Promise<vscode.TextDocument> {
    const uri = fixtureUri(name);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    written.push(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    return document;
  }

  const lmmDiagnostics = (uri: vscode.Uri, code: string) =>
    vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LMM' && d.code === code);

  it('a syntax error: the run fails with the compiler’s words, "the run failed" on its line, and the next run works', async () => {
    const document = await open('broken (1).lmm.ts', SYNTAX_ERROR);
    await runHarness(api, document.uri);
    const run = api.currentRun();
    assert.equal(run?.file, document.uri.fsPath);
    assert.equal(run?.status, 'failed', JSON.stringify(run));
    assert.match(run?.message ?? '', /Expected "\)" but found ";"/);
    assert.match(api.statusBarText(), /failed/);
    const failed = await waitFor('"the run failed" on the harness', () => {
      const found = lmmDiagnostics(document.uri, 'run-failed');
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      failed.map((d) => d.range.start.line),
      [lineOf(document, 'SYNTAX ERROR')],
    );
    assert.match(failed[0]!.message, /^the run failed: Expected "\)" but found ";"/);

    const next = await vscode.workspace.openTextDocument(fixtureUri('leaky-list.lmm.ts'));
    await runHarness(api, next.uri);
    assert.equal(api.currentRun()?.status, 'finished', JSON.stringify(api.currentRun()));
  });

  it('a use after free: the error on its line of "reuse (2).lmm.ts", with the file’s own name in its place', async () => {
    const document = await open('reuse (2).lmm.ts', USE_AFTER_FREE);
    await runHarness(api, document.uri);
    assert.equal(api.currentRun()?.status, 'finished', JSON.stringify(api.currentRun()));
    const errors = await waitFor('the use after free on the harness', () => {
      const found = lmmDiagnostics(document.uri, 'use-after-free');
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      errors.map((d) => d.range.start.line),
      [lineOf(document, 'ERROR: use after free')],
    );
    const report = api.lastReport() as { errors?: { site: { file: string } }[] } | undefined;
    assert.deepEqual(
      (report?.errors ?? []).map((e) => e.site.file),
      [document.uri.fsPath],
    );
  });
});
