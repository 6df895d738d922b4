// Bundles the integration suite for VS Code's extension host (CommonJS, Node): `suite/index.ts`
// (the extensionTestsPath module) and every `suite/*.test.ts`, each on its own so that
// @vscode/test-cli can load them by glob too. `vscode` and mocha are left to the host to resolve.
//
//   npx tsx test/integration/buildSuite.ts      (writes out/integration/)
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const projectRoot = path.resolve(__dirname, '../..');
export const integrationOut = path.join(projectRoot, 'out/integration');

export async function buildIntegrationSuite(): Promise<string> {
  const suite = path.join(projectRoot, 'test/integration/suite');
  const entryPoints = readdirSync(suite)
    .filter((file) => file === 'index.ts' || file.endsWith('.test.ts'))
    .map((file) => path.join(suite, file));
  rmSync(integrationOut, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: integrationOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return integrationOut;
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  buildIntegrationSuite().then(
    (out) => process.stdout.write(`integration suite bundled into ${path.relative(process.cwd(), out)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
