/**
 * The script a run needs besides the harness: the worker entry (SES, the runtime, the analyses).
 * Built by `scripts/build.mjs` into `dist/harness/`; when it is not there (tests run from the
 * sources), it is bundled from `src/harness/` on first use and kept for the process.
 */
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface HarnessBundles {
  /** The worker: a file path, or code to run with `eval: true`. */
  worker: { file: string } | { code: string };
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
    if (existsSync(worker)) return { worker: { file: worker } };
  }
  const sourceDir = findSourceDir();
  const worker = await esbuild.build({
    ...HARNESS_WORKER_BUILD,
    entryPoints: [join(sourceDir, 'worker', 'harnessWorker.ts')],
    write: false,
  });
  return { worker: { code: worker.outputFiles[0]!.text } };
}

function findSourceDir(): string {
  const candidates = [__dirname, resolve(__dirname, '..', '..', 'src', 'harness'), resolve(process.cwd(), 'src', 'harness')];
  for (const dir of candidates) if (existsSync(join(dir, 'worker', 'harnessWorker.ts'))) return dir;
  throw new Error('cannot find the harness runtime: dist/harness/harness-*.js are missing (run npm run build)');
}

/** esbuild settings for the worker (scripts/build.mjs uses the same ones). */
export const HARNESS_WORKER_BUILD = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
} as const satisfies esbuild.BuildOptions;
