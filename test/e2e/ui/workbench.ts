// A person's view of VS Code: code-server with the packaged extension installed, opened in
// headless Chromium, driven through the keyboard and the command palette like a user would.
// Selectors are VS Code 1.139's (code-server 4.139.1); a newer VS Code may rename them.
import path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../vscode-host/browser';
import { CodeServer } from '../../vscode-host/codeServer';

/** Theme labels as Preferences: Color Theme lists them (settings ids: `Default Dark Modern`, ...). */
export const darkTheme = 'Dark Modern';
export const lightTheme = 'Light Modern';

export class Workbench {
  private constructor(
    readonly server: CodeServer,
    readonly browser: Browser,
    readonly page: Page,
    readonly workspace: string,
  ) {}

  /** `workspaceTrust`: the folder opens untrusted, in Restricted Mode (see CodeServerOptions). */
  static async open(
    vsix: string,
    prepareWorkspace: (folder: string) => void,
    options: { workspaceTrust?: boolean } = {},
  ): Promise<Workbench> {
    const server = await CodeServer.start({
      install: [vsix],
      workspaceTrust: options.workspaceTrust === true,
      userSettings: {
        'workbench.colorTheme': `Default ${darkTheme}`,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'editor.hover.delay': 100,
        'editor.minimap.enabled': false,
        'window.commandCenter': false,
      },
    });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const workspace = path.join(server.stateFolder, 'workspace');
      prepareWorkspace(workspace);
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      page.setDefaultTimeout(20_000);
      await page.goto(server.workbenchUrl(workspace), { timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      // The explorer shows the workspace once the remote file system answers.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      return new Workbench(server, browser, page, workspace);
    } catch (error) {
      await browser?.close().catch(() => {});
      server.stop();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
    this.server.stop();
  }

  /**
   * Opens the quick input with `key` and types `text` into it. Retries because a quick input closes
   * when it loses focus: an editor that finishes opening just after a key press takes the focus back
   * and the palette closes (or is still closing, `inert`) before it can be typed into.
   */
  private async typeIntoQuickInput(key: string, text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill(text, { timeout: 5_000 });
        if ((await input.inputValue()) === text && (await input.isVisible())) return;
      } catch (error) {
        if (attempt >= 4) throw error;
      }
      if (attempt >= 4) throw new Error(`the quick input (${key}) did not keep "${text}"`);
      await this.page.waitForTimeout(300);
    }
  }

  /** Runs a command by its palette title (e.g. `LMM: Run Harness`) through F1. */
  async runCommand(title: string): Promise<void> {
    await this.typeIntoQuickInput('F1', `>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await row.click();
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(fileName: string): Promise<void> {
    await this.typeIntoQuickInput('Control+P', fileName);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${fileName}"]`).first().waitFor();
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  /** Moves the cursor to a 1-based line and column with Go to Line (Ctrl+G). */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.editor-instance .monaco-editor textarea').first().focus();
    await this.typeIntoQuickInput('Control+G', `:${line}:${column}`);
    await this.page.keyboard.press('Enter');
  }

  /** The activity bar's LMM container, opened. */
  async openLmmSidePanel(): Promise<Locator> {
    const item = this.page.locator('.activitybar [aria-label^="LMM"]').first();
    await item.waitFor();
    const container = this.page.locator('.sidebar');
    if (
      !(await container
        .locator('.composite.title', { hasText: 'LMM' })
        .isVisible()
        .catch(() => false))
    )
      await item.click();
    await container.locator('.pane-header', { hasText: 'Page Families' }).waitFor();
    return container;
  }

  /** Rows of one view of the side bar, by the view's name. */
  viewRows(sideBar: Locator, viewName: string): Locator {
    return sideBar
      .locator('.pane', { has: this.page.locator('.pane-header', { hasText: viewName }) })
      .locator('.monaco-list-row');
  }

  /** The content of the webview panel whose tab has `title`. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
  }

  /** Switches the colour theme through Preferences: Color Theme, as a person would. */
  async setTheme(theme: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(theme);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: theme }).first().waitFor();
    await this.page.keyboard.press('Enter');
    // The workbench element carries the theme kind as a class: `vs` (light) or `vs-dark`.
    const themeKind = theme.includes('Light') ? /(^|\s)vs(\s|$)/ : /(^|\s)vs-dark(\s|$)/;
    await this.page.locator('.monaco-workbench').first().waitFor();
    for (const deadline = Date.now() + 20_000; ;) {
      if (themeKind.test((await this.page.locator('.monaco-workbench').first().getAttribute('class')) ?? '')) return;
      if (Date.now() > deadline) throw new Error(`the workbench did not switch to ${theme}`);
      await this.page.waitForTimeout(200);
    }
  }
}

/** Polls `probe` until it returns something other than undefined/false (UI updates are asynchronous). */
export async function assertEventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
