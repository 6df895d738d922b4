// Bundles every runtime with esbuild: the CLI (Node), the benchmarks (Node).
// Further entry points (extension host, language server, harness worker, webview) join here.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  target: 'node20',
  logLevel: 'warning',
  define: { LMM_VERSION: JSON.stringify(pkg.version) },
};

await Promise.all([
  esbuild.build({ ...common, platform: 'node', format: 'cjs', entryPoints: { 'cli/lmm': 'src/cli/lmm.ts' }, outdir: 'dist' }),
  esbuild.build({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: { 'bench/engine-bench': 'bench/engineBench.ts' },
    outdir: 'dist',
  }),
]);
