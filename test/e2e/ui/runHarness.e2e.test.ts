// UI end-to-end: what a person sees in VS Code after running a leaking harness from the command
// palette, on the packaged `.vsix` installed into code-server and driven in headless Chromium.
// Screenshots go to test/artifacts/ (the README's come from here: LMM_README_SCREENSHOTS=1 copies
// them to media/screenshots/ after a passing run).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../vscode-host/codeServer';
import { packageExtension } from '../../vscode-host/vsix';
import { changedShare, summarizePixels } from './pixels';
import { Workbench, darkTheme, lightTheme, assertEventually } from './workbench';

const artifacts = path.join(projectRoot, 'test/artifacts');
const fixtures = path.join(projectRoot, 'test/e2e/fixtures');
const harnessName = 'course-roster.lmm.ts';
const harnessSource = readFileSync(path.join(fixtures, harnessName), 'utf8').split('\n');
/** 1-based line of the first line containing `text`. */
const lineOf = (text: string) => harnessSource.findIndex((line) => line.includes(text)) + 1;

describe('LMM Studio UI (code-server + Chromium, packaged extension)', function () {
  this.timeout(120_000);
  let workbench: Workbench;
  const screenshots: string[] = [];
  let failures = 0;

  afterEach(function () {
    if (this.currentTest?.state !== 'passed') failures++;
  });

  before(async function () {
    this.timeout(20 * 60_000); // a first run installs code-server (80 s idle, far longer on a busy machine) and packages
    mkdirSync(artifacts, { recursive: true });
    const vsix = await packageExtension();
    workbench = await Workbench.open(vsix, (workspace) => {
      cpSync(path.join(projectRoot, 'examples'), workspace, { recursive: true });
      copyFileSync(path.join(fixtures, harnessName), path.join(workspace, harnessName));
    });
    await workbench.openFile(harnessName);
  });

  after(async () => {
    if (!workbench) return;
    if (failures > 0) await screenshot('failure.png').catch(() => {});
    else if (process.env.LMM_README_SCREENSHOTS === '1') {
      const readmeFolder = path.join(projectRoot, 'media/screenshots');
      mkdirSync(readmeFolder, { recursive: true });
      for (const file of screenshots) copyFileSync(file, path.join(readmeFolder, path.basename(file)));
    }
    await workbench.close();
  });

  async function screenshot(name: string): Promise<void> {
    const file = path.join(artifacts, name);
    await workbench.page.screenshot({ path: file });
    screenshots.push(file);
  }

  it('runs the harness from the command palette (LMM: Run Harness)', async () => {
    await workbench.runCommand('LMM: Run Harness');
    // The status bar tells when the run is over; the Leaks view fills from the same run.
    const sideBar = await workbench.openLmmSidePanel();
    // While the run goes on the Leaks view already has a row ("no leak check yet"): wait for the
    // end-of-run check's verdict, so the run is over before the next test reads the trees.
    await workbench
      .viewRows(sideBar, 'Leaks')
      .filter({ hasText: /definitely/i })
      .first()
      .waitFor({ timeout: 60_000 });
  });

  it('fills the LMM side panel’s trees', async () => {
    const sideBar = await workbench.openLmmSidePanel();
    await workbench
      .viewRows(sideBar, 'Page Families')
      .filter({ hasText: 'student_t' })
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined); // the assertion below says what the rows were
    const families = await workbench.viewRows(sideBar, 'Page Families').allInnerTexts();
    assert.ok(
      families.some((text) => text.includes('student_t')),
      `Page Families rows: ${families.join(' | ')}`,
    );
    const leaks = (await workbench.viewRows(sideBar, 'Leaks').allInnerTexts()).join(' | ');
    assert.match(leaks, /definitely/i, `Leaks rows: ${leaks}`);
  });

  it('draws the Memory Map webview (pixels, not only DOM)', async () => {
    await workbench.runCommand('LMM: Show Memory Map');
    await workbench.page.locator('.tab', { hasText: 'LMM Memory Map' }).first().waitFor();
    const map = workbench.webview().locator('canvas.map-canvas');
    await map.waitFor({ timeout: 30_000 });
    await workbench.page.waitForTimeout(500); // the first frame after the run's data arrives
    const summary = await summarizePixels(workbench.browser, await map.screenshot());
    assert.ok(summary.width > 100 && summary.height > 50, `map canvas is ${summary.width}×${summary.height}`);
    // Background plus page headers, meta data, allocated blocks of two structs and free space.
    assert.ok(summary.significantColors >= 4, `the map shows ${summary.significantColors} colours: ${JSON.stringify(summary)}`);
    assert.ok(summary.backgroundShare < 0.97, `the map is almost empty: ${JSON.stringify(summary)}`);
    await screenshot('memory-map-dark.png');
  });

  it('scrubbing the timeline back to the first step changes the map', async () => {
    const webview = workbench.webview();
    const map = webview.locator('canvas.map-canvas');
    const slider = webview.locator('[role="slider"][aria-label="Timeline step"]');
    const atEnd = await map.screenshot();
    const endValue = Number(await slider.getAttribute('aria-valuenow'));
    await slider.focus();
    await slider.press('Home');
    await assertEventually(async () => Number(await slider.getAttribute('aria-valuenow')) === 0, 'timeline at step 0');
    await workbench.page.waitForTimeout(300);
    const atStart = await map.screenshot();
    const changed = await changedShare(workbench.browser, atEnd, atStart);
    assert.ok(changed > 0.002, `scrubbing from step ${endValue} to 0 changed ${(changed * 100).toFixed(2)} % of the map`);
    await slider.press('End');
    await assertEventually(
      async () => Number(await slider.getAttribute('aria-valuenow')) === endValue,
      'timeline back at the end',
    );
  });

  it('reads a field back from the Block panel at two steps (a leaked block revealed from the Leaks view)', async () => {
    // The waitlist head (definitely lost): its `next` is NULL at its allocation, then points at
    // the second waitlisted student.
    const sideBar = await workbench.openLmmSidePanel();
    const leaks = workbench.viewRows(sideBar, 'Leaks');
    const kind = leaks.filter({ hasText: /^definitely-lost/ }).first();
    if ((await kind.getAttribute('aria-expanded')) !== 'true') await kind.click();
    const waitlistLine = lineOf('LEAK: definitely lost');
    await leaks
      .filter({ hasText: `student_t at ${harnessName}:${waitlistLine}` })
      .first()
      .click();
    const block = workbench.webview().locator('.side-panel[aria-label="Block"]');
    await assertEventually(
      async () => /^student_t/.test(await block.locator('h3').innerText()),
      'the Block panel shows the student',
    );
    const field = async (name: string) => block.locator(`.field-view tr[data-field="${name}"] td`).allInnerTexts();
    const atEnd = await assertEventually(async () => {
      const cells = await field('next');
      return /^0x[0-9a-f]+$/.test(cells[3] ?? '') ? cells : undefined;
    }, 'a pointer in the waitlist head’s next at the end of the run');
    assert.deepEqual(atEnd.slice(0, 2), ['next', 'student_t *']);
    await block.locator('button', { hasText: /^Go to its allocation \(step [\d,]+\)$/ }).click();
    const atAllocation = await assertEventually(async () => {
      const cells = await field('next');
      return cells[3] === 'NULL' ? cells : undefined;
    }, 'NULL in next at the head’s allocation');
    assert.equal(atAllocation[0], 'next');
    const slider = workbench.webview().locator('[role="slider"][aria-label="Timeline step"]');
    await slider.focus();
    await slider.press('End');
    await assertEventually(
      async () => ((await field('next'))[3] === atEnd[3] ? true : undefined),
      'the pointer again at the end',
    );
  });

  it('draws the Memory Map in the light theme too', async () => {
    await workbench.setTheme(lightTheme);
    await workbench.page.waitForTimeout(800); // the webview re-reads the theme's colours
    const summary = await summarizePixels(workbench.browser, await workbench.webview().locator('canvas.map-canvas').screenshot());
    assert.ok(summary.significantColors >= 4, `light map shows ${summary.significantColors} colours`);
    await screenshot('memory-map-light.png');
    await workbench.setTheme(darkTheme);
  });

  it('lists the leaks on the right lines in the Problems panel', async () => {
    await workbench.openFile(harnessName);
    await workbench.runCommand('View: Focus Problems');
    const rows = workbench.page.locator('.markers-panel .monaco-list-row');
    await rows.first().waitFor();
    const leakLine = lineOf('LEAK: definitely lost');
    const texts = await assertEventually(async () => {
      const all = await rows.allInnerTexts();
      return all.some((text) => text.includes('LMM') && text.includes(`Ln ${leakLine},`)) ? all : undefined;
    }, `a Problems row from LMM at line ${leakLine}`);
    const leakRows = texts.filter((text) => /LMM/.test(text) && /definitely/i.test(text));
    assert.ok(leakRows.length > 0, `no definitely-lost row among: ${texts.join(' | ')}`);
    assert.ok(
      leakRows.every((text) => text.includes(`Ln ${leakLine},`)),
      `definitely-lost rows: ${leakRows.join(' | ')}`,
    );
    // A harness type-checks in the editor (the extension's TypeScript plugin resolves 'lmm-studio').
    const typeScriptErrors = texts.filter((text) => /\bts\(\d+\)/.test(text));
    assert.deepEqual(typeScriptErrors, [], 'TypeScript problems in the harness');
    await screenshot('inline-diagnostics.png');
  });

  it('runs an example and lists its leaks on the lines `lmm run --json` names', async () => {
    const example = 'leak-definitely-lost.lmm.ts';
    // The command line is the independent oracle: same engine, no VS Code in between.
    const cli = execFileSync(
      process.execPath,
      [path.join(projectRoot, 'bin/lmm.js'), 'run', path.join(projectRoot, 'examples', example), '--json'],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    const expected = (JSON.parse(cli) as { leaks: { kind: string; site: { line: number } }[] }).leaks
      .filter((leak) => leak.kind === 'definitely-lost')
      .map((leak) => leak.site.line);
    assert.ok(expected.length > 0, `${example} has definitely-lost leaks`);
    await workbench.openFile(example);
    await workbench.runCommand('LMM: Run Harness');
    await workbench.runCommand('View: Focus Problems');
    const filter = workbench.page.getByPlaceholder(/^Filter \(e\.g\./).first();
    await filter.fill(`**/${example}`);
    const rows = workbench.page.locator('.markers-panel .monaco-list-row');
    const definitelyLostLinesIn = (texts: string[]): number[] =>
      [
        ...new Set(
          texts
            .filter((text) => /LMM/.test(text) && /definitely/i.test(text))
            .map((text) => Number(/\[Ln (\d+),/.exec(text)?.[1])),
        ),
      ].sort((a, b) => a - b);
    const wanted = [...new Set(expected)].sort((a, b) => a - b);
    // The filter applies a moment after it is typed, and the list re-renders in steps: until it has
    // settled, rows of the harness run before (course-roster, with a leak of its own at its line 66)
    // can still be on screen. So the rows are read until they show this example's file only and
    // exactly the lines the CLI names; a row that stays wrong fails with what was last seen.
    let lastSeen: string[] = [];
    await assertEventually(
      async () => {
        const all = await rows.allInnerTexts();
        lastSeen = all;
        const fileRows = all.filter((text) => !/\[Ln \d+,/.test(text));
        const filtered = fileRows.length > 0 && fileRows.every((text) => text.includes(example));
        return filtered && definitelyLostLinesIn(all).join() === wanted.join() ? all : undefined;
      },
      `definitely-lost rows at exactly lines ${wanted.join(', ')} of ${example}`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last rows seen: ${lastSeen.join(' | ')}`);
    });
    await filter.fill('');
  });

  it('shows a struct’s C layout on hover', async () => {
    await workbench.openFile(harnessName);
    const line = lineOf('class student_t');
    await workbench.goTo(line, harnessSource[line - 1]!.indexOf('student_t') + 3);
    await workbench.runCommand('Show or Focus Hover');
    const hover = workbench.page.locator('.monaco-hover:visible');
    const text = await assertEventually(async () => {
      const all = (await hover.allInnerTexts()).join('\n');
      return /56/.test(all) ? all : undefined;
    }, 'a hover with sizeof(student_t) = 56');
    assert.match(text, /rollno/);
    await screenshot('struct-hover.png');
  });

  it('an untitled harness: Run Harness asks to save it, Save As… saves it where the person says, and it runs', async () => {
    const { page } = workbench;
    const source = [
      "import { MM_REG_STRUCT, struct, u32, XCALLOC } from 'lmm-studio';",
      '',
      '@struct',
      'class untitled_cell_t {',
      '  @u32 value!: number;',
      '}',
      '',
      'export default function main(): void {',
      '  MM_REG_STRUCT(untitled_cell_t);',
      '  XCALLOC(1, untitled_cell_t);',
      '}',
      '',
    ].join('\n');
    await workbench.runCommand('File: New Untitled Text File');
    await page.locator('.tabs-container .tab.active[data-resource-name^="Untitled-"]').first().waitFor();
    await workbench.runCommand('Change Language Mode');
    const languages = page.locator('.quick-input-widget input');
    await languages.fill('TypeScript');
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: /^TypeScript/ })
      .first()
      .click();
    // One input event: the editor's auto-closing and auto-indenting do not touch the text.
    await assertEventually(async () => {
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await page.keyboard.insertText(source);
      return page.locator('.editor-instance .view-line', { hasText: 'class untitled_cell_t' }).first().isVisible();
    }, 'the harness typed into the untitled editor');

    await workbench.runCommand('LMM: Run Harness');
    const toast = page.locator('.notifications-toasts .notification-toast', {
      hasText: /LMM: save Untitled-\d+ before running it/,
    });
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: 'Save As…' }).click();

    // code-server's Save As is VS Code's own dialog in the quick input: a path, then Enter.
    const target = path.join(workbench.workspace, 'saved-untitled.lmm.ts');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    // The dialog fills in its own suggestion (a name made of the first line) once it has listed the
    // folder, replacing what was typed before: the path is typed after, and again until it stays.
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'course-roster.lmm.ts' }).first().waitFor();
    await assertEventually(async () => {
      await input.fill(target);
      await page.waitForTimeout(500);
      return (await input.inputValue()) === target ? true : undefined;
    }, `the path ${target} in the dialog`);
    await page.keyboard.press('Enter');
    // What was typed, as the editor indented it, once the save has written it.
    const unindented = (text: string) => text.replace(/^[ \t]+/gm, '');
    let saved = '';
    await assertEventually(
      async () => {
        saved = existsSync(target) ? readFileSync(target, 'utf8') : '';
        return unindented(saved) === unindented(source) ? true : undefined;
      },
      `the harness saved to ${target} (last read: ${JSON.stringify(saved)})`,
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last read: ${JSON.stringify(saved)}`);
    });

    // The saved harness runs: its one unfreed block is a leak on its XCALLOC line, in its own file.
    await page.locator('.tabs-container .tab.active[data-resource-name="saved-untitled.lmm.ts"]').first().waitFor();
    const sideBar = await workbench.openLmmSidePanel();
    await workbench
      .viewRows(sideBar, 'Leaks')
      .filter({ hasText: /untitled_cell_t/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await screenshot('untitled-saved-and-run.png');
  });
});
