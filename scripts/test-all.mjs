// Runs every test tier in turn and ends with one line `N passed, N failed` over all of them.
// Each tier prints `TIER-RESULT passed=N failed=N skipped=N` (test/support/tierReporter.cjs);
// a tier that exits non-zero without that line counts as one failure.
import { spawn } from 'node:child_process';

const tiers = [
  { name: 'unit + property', command: 'npx', args: ['mocha'] },
  // The Memory Map webview in headless Chromium (playwright-core, /usr/bin/chromium) against a fake host.
  {
    name: 'webview (headless Chromium)',
    command: 'npx',
    args: [
      'mocha',
      '--no-config',
      '--require',
      'tsx/cjs',
      '--extension',
      'ts',
      '--reporter',
      './test/support/tierReporter.cjs',
      '--timeout',
      '60000',
      'test/webview/**/*.test.ts',
    ],
  },
  // The real-VS-Code tiers (README "Tests"): test/vscode-host installs code-server into test/vscode-host/.cache on first use.
  { name: 'integration (extension host in code-server)', command: 'npx', args: ['tsx', 'test/vscode-host/runIntegration.ts'] },
  {
    name: 'UI end-to-end (packaged .vsix, code-server + Chromium)',
    command: 'npx',
    args: ['mocha', '--config', 'test/e2e/mocharc.ui.json'],
  },
];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const tier of tiers) {
  process.stdout.write(`\n=== ${tier.name} ===\n`);
  const started = Date.now();
  const { code, counted } = await runTier(tier);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (counted) {
    passed += counted.passed;
    failed += counted.failed;
    skipped += counted.skipped;
    if (code !== 0 && counted.failed === 0) failed++;
  } else {
    process.stdout.write(`tier '${tier.name}' reported no result (exit ${code})\n`);
    failed++;
  }
  process.stdout.write(
    `=== ${tier.name}: ${counted ? `${counted.passed} passed, ${counted.failed} failed` : 'no result'} in ${seconds} s ===\n`,
  );
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed === 0 ? 0 : 1);

function runTier(tier) {
  return new Promise((resolve) => {
    const child = spawn(tier.command, tier.args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let counted = null;
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString();
      process.stdout.write(text);
      buffer += text;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        const m = /^TIER-RESULT passed=(\d+) failed=(\d+) skipped=(\d+)/.exec(line.trim());
        if (m) {
          counted ??= { passed: 0, failed: 0, skipped: 0 };
          counted.passed += Number(m[1]);
          counted.failed += Number(m[2]);
          counted.skipped += Number(m[3]);
        }
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, counted }));
  });
}
