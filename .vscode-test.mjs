// The integration suite under @vscode/test-cli + @vscode/test-electron, for machines that can
// download VS Code (a developer laptop, hosted CI). These machines cannot: here the same suite
// runs in code-server through `npm run test:integration` (test/vscode-host/runIntegration.ts).
//
//   npm install --no-save @vscode/test-cli @vscode/test-electron
//   npm run build && npx tsx test/integration/buildSuite.ts && npx vscode-test
//
// buildSuite bundles every test/integration/suite/*.test.ts on its own into out/integration/,
// so test-cli's runner can load them by glob; test/integration/suite/index.ts is the equivalent
// `extensionTestsPath` module for runners that want one (code-server, plain test-electron).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: 'out/integration/*.test.js',
  version: 'stable',
  extensionDevelopmentPath: '.',
  workspaceFolder: './test/integration/fixtures',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 60_000, color: true },
});
