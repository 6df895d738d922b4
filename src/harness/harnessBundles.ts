/**
 * The two scripts a run needs besides the harness: the worker entry and the sandbox bundle.
 * Built by `scripts/build.mjs` into `dist/harness/`; when they are not there (tests run from
 * the sources), they are bundled from `src/harness/` on first use and kept for the process.
 */
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface HarnessBundles {
  /** The worker: a file path, or code to run with `eval: true`. */
  worker: { file: string } | { code: string };
  sandboxSource: string;
}

let cached: Promise<HarnessBundles> | undefined;

export function harnessBundles(): Promise<HarnessBundles> {
  cached ??= loadBundles();
  return cached;
}

/** Where bundled code finds the prebuilt scripts: dist/harness next to dist/cli, dist/extension … */
function prebuiltDirs(): string[] {
  return [join(__dirname, '..', 'harness'), __dirname];
}

async function loadBundles(): Promise<HarnessBundles> {
  for (const dir of prebuiltDirs()) {
    const worker = join(dir, 'harness-worker.js');
    const sandbox = join(dir, 'harness-sandbox.js');
    if (existsSync(worker) && existsSync(sandbox))
      return { worker: { file: worker }, sandboxSource: readFileSync(sandbox, 'utf8') };
  }
  const sourceDir = findSourceDir();
  const [worker, sandbox] = await Promise.all([
    esbuild.build({ ...HARNESS_WORKER_BUILD, entryPoints: [join(sourceDir, 'worker', 'harnessWorker.ts')], write: false }),
    esbuild.build({ ...HARNESS_SANDBOX_BUILD, entryPoints: [join(sourceDir, 'sandbox', 'sandboxEntry.ts')], write: false }),
  ]);
  return { worker: { code: worker.outputFiles[0]!.text }, sandboxSource: sandbox.outputFiles[0]!.text };
}

function findSourceDir(): string {
  const candidates = [__dirname, resolve(__dirname, '..', '..', 'src', 'harness'), resolve(process.cwd(), 'src', 'harness')];
  for (const dir of candidates) if (existsSync(join(dir, 'sandbox', 'sandboxEntry.ts'))) return dir;
  throw new Error('cannot find the harness runtime: dist/harness/harness-*.js are missing (run npm run build)');
}

/** esbuild settings for the two scripts (scripts/build.mjs uses the same ones). */
export const HARNESS_WORKER_BUILD = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
} as const satisfies esbuild.BuildOptions;

export const HARNESS_SANDBOX_BUILD = {
  bundle: true,
  platform: 'neutral',
  format: 'iife',
  globalName: '__lmmSandbox',
  target: 'es2022',
  logLevel: 'warning',
} as const satisfies esbuild.BuildOptions;
