/**
 * The scripts a run needs besides the harness: the worker entry (SES, the runtime, the analyses)
 * and the harness host (the child process the worker runs in). Built by `scripts/build.mjs` into
 * `dist/harness/`; when they are not there (tests run from the sources), they are bundled from
 * `src/harness/` on first use and kept for the process (the host, which must be a file to be
 * forked, in a temporary directory).
 */
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface HarnessBundles {
  /** The worker: a file path, or code to run with `eval: true`. */
  worker: { file: string } | { code: string };
  /** The harness host's script, forked for each run. */
  hostFile: string;
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
    const hostFile = join(dir, 'harness-host.js');
    if (existsSync(worker) && existsSync(hostFile)) return { worker: { file: worker }, hostFile };
  }
  const sourceDir = findSourceDir();
  const [worker, host] = await Promise.all(
    ['harnessWorker.ts', 'harnessHost.ts'].map((entry) =>
      esbuild.build({ ...HARNESS_WORKER_BUILD, entryPoints: [join(sourceDir, 'worker', entry)], write: false }),
    ),
  );
  const hostDir = mkdtempSync(join(tmpdir(), 'lmm-harness-host-'));
  // Kept while this process may start runs; removed when it exits.
  process.once('exit', () => rmSync(hostDir, { recursive: true, force: true }));
  const hostFile = join(hostDir, 'harness-host.js');
  writeFileSync(hostFile, host!.outputFiles[0]!.text);
  return { worker: { code: worker!.outputFiles[0]!.text }, hostFile };
}

function findSourceDir(): string {
  const candidates = [__dirname, resolve(__dirname, '..', '..', 'src', 'harness'), resolve(process.cwd(), 'src', 'harness')];
  for (const dir of candidates) if (existsSync(join(dir, 'worker', 'harnessWorker.ts'))) return dir;
  throw new Error('cannot find the harness runtime: dist/harness/harness-*.js are missing (run npm run build)');
}

/** esbuild settings for the worker and the host (scripts/build.mjs uses the same ones). */
export const HARNESS_WORKER_BUILD = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
} as const satisfies esbuild.BuildOptions;
