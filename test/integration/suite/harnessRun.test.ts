// One run of a leaking harness through `lmm.runHarness` feeds every view: the trees, the report,
// the diagnostics on the allocating lines, the code lenses over XCALLOC and the hovers.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateLmm, fixtureUri, hoverText, lineOf, runHarness, treeTexts, waitFor, type LmmTestApi } from './lmmExtension';

describe('LMM Studio in VS Code: running a leaking harness', function () {
  this.timeout(90_000);
  let api: LmmTestApi;
  let document: vscode.TextDocument;

  before(async () => {
    api = await activateLmm();
    document = await vscode.workspace.openTextDocument(fixtureUri('leaky-list.lmm.ts'));
    await vscode.window.showTextDocument(document);
    await runHarness(api, document.uri);
  });

  it('keeps the run report with the definitely-lost list head', () => {
    const report = api.lastReport() as
      { leaks?: { kind: string; struct: string; blocks: number; site: { line: number } }[] } | undefined;
    assert.ok(report, 'lastReport() after a run');
    const definitelyLost = (report.leaks ?? []).filter((leak) => leak.kind === 'definitely-lost');
    assert.equal(definitelyLost.length, 1, JSON.stringify(report.leaks));
    assert.equal(definitelyLost[0]!.struct, 'student_t');
    assert.equal(definitelyLost[0]!.site.line, lineOf(document, 'LEAK: definitely lost') + 1);
  });

  it('fills the Page Families and Struct Usage trees', async () => {
    const families = await treeTexts(api.treeProviders.pageFamilies, 1);
    assert.ok(
      families.some((text) => text.includes('student_t')),
      families.join('\n'),
    );
    assert.ok(
      families.some((text) => text.includes('emp_t')),
      families.join('\n'),
    );
    const usage = await treeTexts(api.treeProviders.structUsage, 1);
    assert.ok(
      usage.some((text) => text.includes('student_t')),
      usage.join('\n'),
    );
  });

  it('lists the leak kinds in the Leaks tree', async () => {
    const leaks = (await treeTexts(api.treeProviders.leaks, 1)).join('\n').toLowerCase();
    assert.match(leaks, /definitely/);
    assert.match(leaks, /indirectly/);
    assert.match(leaks, /still/);
  });

  it('shows each family’s free list in the Free Lists tree', async () => {
    const freeLists = await treeTexts(api.treeProviders.freeLists, 2);
    assert.ok(
      freeLists.some((text) => text.includes('student_t')),
      freeLists.join('\n'),
    );
  });

  it('publishes a leak warning on the XCALLOC line of the lost head', async () => {
    const leakLine = lineOf(document, 'LEAK: definitely lost');
    const diagnostics = await waitFor('LMM diagnostics on the harness', () => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'LMM');
      return found.some((d) => d.severity === vscode.DiagnosticSeverity.Warning) ? found : undefined;
    });
    const warnings = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning);
    const onLeakLine = warnings.filter((d) => d.range.start.line === leakLine);
    assert.equal(onLeakLine.length, 1, warnings.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
    assert.match(onLeakLine[0]!.message, /definitely/i);
    assert.match(onLeakLine[0]!.message, /student_t/);
    assert.ok(
      diagnostics.every((d) => d.severity !== vscode.DiagnosticSeverity.Error),
      'no memory errors in this harness',
    );
  });

  it('puts a code lens with the site’s counts over each XCALLOC', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
    const leakLine = lineOf(document, 'LEAK: definitely lost');
    const titles = lenses.filter((lens) => lens.range.start.line === leakLine).map((lens) => lens.command?.title ?? '');
    assert.ok(
      titles.length > 0,
      `a lens on line ${leakLine + 1}; lenses on lines ${lenses.map((l) => l.range.start.line + 1).join(', ')}`,
    );
    assert.match(titles.join(' '), /\d/, `lens titles carry counts: ${titles.join(' | ')}`);
  });

  it('shows the C layout of a struct on hover', async () => {
    const classLine = lineOf(document, 'class student_t');
    const column = document.lineAt(classLine).text.indexOf('student_t') + 2;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(classLine, column),
    );
    const text = hoverText(hovers);
    assert.match(text, /56/, `sizeof(student_t) is 56 in the hover:\n${text}`);
    assert.match(text, /rollno/, text);
  });
});

describe('LMM Studio in VS Code: memory errors', function () {
  this.timeout(90_000);

  it('reports a double free as an error on the second XFREE', async () => {
    const api = await activateLmm();
    const document = await vscode.workspace.openTextDocument(fixtureUri('double-free.lmm.ts'));
    await vscode.window.showTextDocument(document);
    await runHarness(api, document.uri);
    const errorLine = lineOf(document, 'ERROR: double free');
    const errors = await waitFor('an LMM error diagnostic', () => {
      const found = vscode.languages
        .getDiagnostics(document.uri)
        .filter((d) => d.source === 'LMM' && d.severity === vscode.DiagnosticSeverity.Error);
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      errors.map((d) => d.range.start.line),
      [errorLine],
      errors.map((d) => d.message).join('\n'),
    );
    assert.match(errors[0]!.message, /double/i);
  });
});

describe('LMM Studio in VS Code: the active harness and the Memory Map', function () {
  this.timeout(90_000);

  it('runs the active editor’s harness when lmm.runHarness gets no argument', async () => {
    const api = await activateLmm();
    const document = await vscode.workspace.openTextDocument(fixtureUri('double-free.lmm.ts'));
    await vscode.window.showTextDocument(document);
    const finished = api.whenRunFinished();
    await vscode.commands.executeCommand('lmm.runHarness');
    await finished;
    const report = api.lastReport() as { errors?: { kind: string; site: { file: string; line: number } }[] } | undefined;
    const doubleFrees = (report?.errors ?? []).filter((error) => error.kind === 'double-free');
    assert.equal(doubleFrees.length, 1, JSON.stringify(report?.errors));
    assert.equal(doubleFrees[0]!.site.line, lineOf(document, 'ERROR: double free') + 1);
  });

  it('opens the Memory Map webview panel (lmm.showMemoryMap)', async () => {
    await vscode.commands.executeCommand('lmm.showMemoryMap');
    const tab = await waitFor('the LMM Memory Map tab', () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find(
          (candidate) => candidate.input instanceof vscode.TabInputWebview && candidate.input.viewType.endsWith('lmm.memoryMap'),
        ),
    );
    assert.equal(tab.label, 'LMM Memory Map');
  });
});
