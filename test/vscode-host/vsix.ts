// The packaged extension (`npm run package` -> lmm-studio-<version>.vsix), as users install it.
// @vscode/vsce needs Node >= 22: packaging runs with the cached Node 24 first on PATH (the
// package script may also bring its own through `npx -p node@24`).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureCodeServer, node24, projectRoot, runToEnd } from './codeServer';

export function vsixPath(): string {
  const { name, version } = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return path.join(projectRoot, `${name}-${version}.vsix`);
}

/**
 * Packages the extension afresh (so the UI tier always tests the current sources) unless
 * LMM_E2E_VSIX names a ready one. Returns the `.vsix` path.
 */
export async function packageExtension(): Promise<string> {
  if (process.env.LMM_E2E_VSIX) return path.resolve(process.env.LMM_E2E_VSIX);
  await ensureCodeServer();
  const output: string[] = [];
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  env.PATH = `${path.dirname(node24)}${path.delimiter}${process.env.PATH ?? ''}`;
  const code = await runToEnd(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'package', '--silent'], {
    cwd: projectRoot,
    env,
    timeoutMs: 5 * 60_000,
    output,
  });
  const vsix = vsixPath();
  if (code !== 0 || !existsSync(vsix))
    throw new Error(
      `\`npm run package\` failed (exit ${code}) or made no ${path.basename(vsix)}:\n${output.join('').slice(-4000)}`,
    );
  return vsix;
}
