/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser: they use DOM types.)
/**
 * A fake VS Code host for the Memory Map webview, in headless Chromium (playwright-core with the
 * system's /usr/bin/chromium): serves `dist/webview` and the panel HTML from `memoryMapHtml`
 * (the same function the extension uses, so the real CSP applies) at https://lmm.test/,
 * stubs `acquireVsCodeApi` to record what the webview posts, and posts host messages the way
 * VS Code does (`message` events on the window). Used by test/webview and bench/webviewBench.
 */
import { readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, memoryMapHtml } from '../../src/protocol/memoryMapHtml';
import type { HostToWebviewMessage, WebviewToHostMessage } from '../../src/protocol/webviewMessages';

export const CHROMIUM = '/usr/bin/chromium';
export const ORIGIN = 'https://lmm.test';
const DIST = resolve(__dirname, '../../dist/webview');
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

export interface FakeHost {
  browser: Browser;
  page: Page;
  /** Messages the webview posted so far. */
  posted(): Promise<WebviewToHostMessage[]>;
  /** Posts a message to the webview as the host (typed arrays survive, as in VS Code). */
  send(message: HostToWebviewMessage): Promise<void>;
  /** Anything else: malformed messages a test makes on purpose, as a stale host might. */
  send(message: Record<string, unknown>): Promise<void>;
  /** Page errors and CSP violations seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function openFakeHost(options: { width?: number; height?: number; browser?: Browser } = {}): Promise<FakeHost> {
  const browser =
    options.browser ??
    (await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    }));
  const page = await browser.newPage({ viewport: { width: options.width ?? 1400, height: options.height ?? 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  // tsx (esbuild keepNames) wraps functions in `__name(...)`; functions serialised into the
  // page by evaluate() need that helper there too.
  await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    const posted: unknown[] = [];
    const longTasks: Array<{ start: number; duration: number }> = [];
    const violations: string[] = [];
    w['__posted'] = posted;
    w['__longTasks'] = longTasks;
    w['__cspViolations'] = violations;
    let state: unknown;
    w['acquireVsCodeApi'] = () => ({
      postMessage: (message: unknown) => posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => state,
      setState: (next: unknown) => (state = next),
    });
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const html = memoryMapHtml({
    cspSource: ORIGIN,
    nonce: makeNonce(),
    scriptUri: `${ORIGIN}/memoryMap.js`,
    styleUri: `${ORIGIN}/memoryMap.css`,
    codiconsUri: `${ORIGIN}/codicon.css`,
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/' || path === '/index.html') {
      await route.fulfill({ status: 200, contentType: 'text/html', body: html });
      return;
    }
    const file = join(DIST, path.replace(/^\/+/, ''));
    if (!file.startsWith(DIST)) {
      await route.fulfill({ status: 403, body: '' });
      return;
    }
    try {
      await route.fulfill({
        status: 200,
        contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        body: readFileSync(file),
      });
    } catch {
      await route.fulfill({ status: 404, body: '' });
    }
  });
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() =>
    (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'),
  );
  return {
    browser,
    page,
    problems,
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToHostMessage[] }).__posted),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>),
    close: async () => {
      await page.close();
      if (!options.browser) await browser.close();
    },
  };
}
