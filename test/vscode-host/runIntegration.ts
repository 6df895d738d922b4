// The integration tier: the extension under development and the bundled test module
// (out/integration/index.js) loaded into code-server through the workbench URL's payload, mocha
// running inside its extension host. Prints mocha's output, then `TIER-RESULT passed=N failed=N
// skipped=N` for scripts/test-all.mjs, and exits 0 only when every test passed.
//
//   npx tsx test/vscode-host/runIntegration.ts [--verbose]
//   LMM_E2E_EXTENSION=/path/to/extension    load another extension folder (default: the project)
//   LMM_INTEGRATION_GREP=pattern            run only the matching tests
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildIntegrationSuite } from '../integration/buildSuite';
import { launchChromium } from './browser';
import { CodeServer, projectRoot } from './codeServer';

const tierTimeoutMs = 4 * 60_000;
/** Prefix of the suite's own lines (test/integration/suite/index.ts). */
const outputMarker = '[lmm-test] ';
const verbose = process.argv.includes('--verbose');

async function main(): Promise<number> {
  const extensionFolder = path.resolve(process.env.LMM_E2E_EXTENSION ?? projectRoot);
  const main = JSON.parse(readFileSync(path.join(extensionFolder, 'package.json'), 'utf8')).main as string;
  if (!existsSync(path.join(extensionFolder, main))) {
    return report(
      0,
      1,
      `the extension's main bundle ${path.join(extensionFolder, main)} is missing: run \`npm run build\` first`,
    );
  }
  const suite = await buildIntegrationSuite();
  const server = await CodeServer.start({ extraArgs: ['--enable-smoke-test-driver'], verbose });
  const browser = await launchChromium().catch((error) => {
    server.stop();
    throw error;
  });
  try {
    // The harness fixtures are copied so that runs never write into the source tree.
    const workspace = path.join(server.stateFolder, 'workspace');
    mkdirSync(workspace);
    cpSync(path.join(projectRoot, 'test/integration/fixtures'), workspace, { recursive: true });

    const page = await browser.newPage();
    const counts: string[] = [];
    const suiteOutput: string[] = [];
    /** The workbench's last error lines, shown when the test module never reports. */
    const recentErrors: string[] = [];
    let exitCode: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => (exitCode = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
      const ours = line.indexOf(outputMarker);
      if (ours >= 0 && line.includes('LMM-INTEGRATION-COUNTS')) counts.push(line);
      else if (ours >= 0) suiteOutput.push(line.slice(ours + outputMarker.length));
      else if (verbose) process.stderr.write(`[${type}] ${line}\n`);
      else if (type === 'error' && recentErrors.push(line) > 40) recentErrors.shift();
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => exitCode(code));
    // The extension's own messages (notifications are hidden under the smoke-test driver but still
    // logged) explain a failing run better than an assertion does.
    const extensionMessages: string[] = [];
    page.on('console', (message) => {
      const text = message.text();
      if (verbose) process.stderr.write(`[browser] ${text}\n`);
      else if (/^LMM\b/.test(text) && !text.includes(outputMarker)) extensionMessages.push(text);
    });

    const url = server.workbenchUrl(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(extensionFolder)],
      ['extensionTestsPath', server.remoteUri(path.join(suite, 'index.js'))],
    ]);
    await page.goto(url, { timeout: 60_000 });
    const code = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(-1), tierTimeoutMs))]);
    process.stdout.write(dropRepeats(suiteOutput).join('\n') + '\n');
    if (extensionMessages.length > 0)
      process.stdout.write(`messages from LMM Studio during the run:\n  ${[...new Set(extensionMessages)].join('\n  ')}\n`);
    if (code === -1) return report(0, 1, `the integration tests did not finish within ${tierTimeoutMs / 1000} s`);
    const match = /passed=(\d+) failed=(\d+) skipped=(\d+)/.exec(counts.at(-1) ?? '');
    if (!match) {
      process.stdout.write(`last errors in the workbench:\n  ${recentErrors.join('\n  ') || '(none)'}\n`);
      return report(
        0,
        1,
        `the test module ended (exit ${code}) without running mocha; is the extension loadable? (--verbose shows every log line)`,
      );
    }
    const [passed, failed, skipped] = match.slice(1).map(Number) as [number, number, number];
    process.stdout.write(`TIER-RESULT passed=${passed} failed=${failed} skipped=${skipped}\n`);
    return code === 0 && failed === 0 ? 0 : 1;
  } finally {
    await browser.close().catch(() => {});
    server.stop(verbose);
    if (verbose) process.stderr.write(`kept the server's logs, settings and workspace for inspection: ${server.stateFolder}\n`);
  }
}

/**
 * The workbench forwards the extension host's console through more than one logger, so each line
 * may arrive twice in a row; keep one of each run of identical lines.
 */
function dropRepeats(lines: string[]): string[] {
  return lines.filter((line, index) => index === 0 || line !== lines[index - 1] || line.trim() === '');
}

function report(passed: number, failed: number, why: string): number {
  process.stdout.write(`integration tier: ${why}\nTIER-RESULT passed=${passed} failed=${failed} skipped=0\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`integration tier failed to run: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.stdout.write('TIER-RESULT passed=0 failed=1 skipped=0\n');
    process.exit(1);
  },
);
