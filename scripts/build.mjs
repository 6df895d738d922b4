// Bundles every runtime with esbuild: the CLI, the harness worker and sandbox, the extension host,
// the language server, the webview and the benchmarks.
//   node scripts/build.mjs                 a development build (source maps)
//   node scripts/build.mjs --production    minified, for the .vsix (npm run package)
//   node scripts/build.mjs --watch         rebuilds each bundle when its sources change (npm run watch)
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, readFileSync, watchFile, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** One bundle: built once, or in watch mode built and then rebuilt on every change of its inputs. */
async function build(options) {
  if (!watch) return esbuild.build(options);
  const context = await esbuild.context(options);
  await context.rebuild().catch(() => undefined); // errors are logged; watching goes on
  await context.watch();
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  target: 'node20',
  logLevel: 'warning',
  define: { LMM_VERSION: JSON.stringify(pkg.version) },
};

await Promise.all([
  // esbuild (native binary) and typescript (harness instrumentation) load from node_modules at run time.
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    external: ['esbuild', 'typescript'],
    entryPoints: { 'cli/lmm': 'src/cli/lmm.ts' },
    outdir: 'dist',
    plugins: [
      {
        name: 'trace-verb-apart',
        setup(build) {
          build.onResolve({ filter: /^\.\/traceCommand$/ }, (args) =>
            args.importer.endsWith('lmm.ts') ? { path: './lmm-trace.js', external: true } : undefined,
          );
        },
      },
    ],
  }),
  // `lmm trace` as a bundle of its own, loaded by dist/cli/lmm.js when the verb runs: a module
  // esbuild must initialise lazily (one that is required, not imported) keeps its constants in
  // variables, and the engine's hot path read them at every operation (see src/cli/lmm.ts).
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: { 'cli/lmm-trace': 'src/cli/traceCommand.ts' },
    outdir: 'dist',
  }),
  // The harness worker (Node): SES lockdown, then the runtime, lmm-studio and the analyses in the
  // worker's realm, the harness in a Compartment; same settings as src/harness/harnessBundles.ts.
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: {
      'harness/harness-worker': 'src/harness/worker/harnessWorker.ts',
      // The child process the worker runs in: a V8 abort in the worker ends it, not the caller.
      'harness/harness-host': 'src/harness/worker/harnessHost.ts',
    },
    outdir: 'dist',
  }),
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    external: ['esbuild', 'typescript'],
    entryPoints: { 'bench/harness-bench': 'bench/harnessBench.ts' },
    outdir: 'dist',
  }),
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: { 'bench/engine-bench': 'bench/engineBench.ts' },
    outdir: 'dist',
  }),
  // The extension host (CJS; `vscode` is provided by VS Code) and the language server (its own Node process).
  // Harness compiles use esbuild-wasm there: one .vsix compiles harnesses on Linux, macOS and Windows.
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    // esbuild-wasm's API must stay a file inside its package layout: dist/esbuild-wasm (copied below).
    plugins: [
      {
        name: 'esbuild-wasm-beside',
        setup(build) {
          build.onResolve({ filter: /^esbuild$/ }, () => ({ path: '../esbuild-wasm/lib/main.js', external: true }));
        },
      },
    ],
    entryPoints: { 'extension/extension': 'src/extension/extension.ts' },
    outdir: 'dist',
  }),
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: { 'extension/trace-worker': 'src/extension/traceWorker.ts' },
    outdir: 'dist',
  }),
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    entryPoints: { 'extension/policy-worker': 'src/extension/policyWorker.ts' },
    outdir: 'dist',
  }),
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    // It runs harnesses, whose compiler loads esbuild (a native binary) from node_modules.
    external: ['esbuild', 'typescript'],
    entryPoints: { 'bench/extension-bench': 'bench/extensionBench.ts' },
    outdir: 'dist',
  }),
  build({ ...common, platform: 'node', format: 'cjs', entryPoints: { 'server/server': 'src/server/server.ts' }, outdir: 'dist' }),
  // The TypeScript server plugin: tsserver loads it by package name from <extension>/node_modules.
  build({
    ...common,
    sourcemap: false,
    platform: 'node',
    format: 'cjs',
    entryPoints: ['src/extension/tsPlugin/lmmStudioTsPlugin.ts'],
    outfile: 'dist/ts-plugin/index.js',
  }),
  // The Memory Map webview: a browser bundle (engine included), its CSS and the codicon font.
  build({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    entryPoints: { memoryMap: 'webview-ui/src/main.ts' },
    outdir: 'dist/webview',
  }),
  // The webview benchmark: a Node runner (drives headless Chromium) and the in-page workload.
  build({
    ...common,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    entryPoints: { 'bench/webview-bench': 'bench/webviewBench.ts' },
    outdir: 'dist',
  }),
  build({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    entryPoints: { 'bench/webview-workload': 'bench/webviewWorkload.ts' },
    outdir: 'dist',
  }),
]);
mkdirSync('dist/webview', { recursive: true });
copyFileSync('webview-ui/memoryMap.css', 'dist/webview/memoryMap.css');
// The stylesheet is copied, not bundled: in watch mode it is copied again when it changes.
if (watch)
  watchFile('webview-ui/memoryMap.css', { interval: 500 }, () =>
    copyFileSync('webview-ui/memoryMap.css', 'dist/webview/memoryMap.css'),
  );
copyFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'dist/webview/codicon.css');
copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');
// The TS plugin's package and the editor's declarations of 'lmm-studio' (harness runtime's .d.ts) beside it.
// A .vsix cannot carry node_modules/, so the extension copies dist/ts-plugin there on activation;
// in this checkout it goes there now.
writeFileSync(
  'dist/ts-plugin/package.json',
  JSON.stringify({ name: 'lmm-studio-ts-plugin', version: pkg.version, main: 'index.js', private: true }, null, 2) + '\n',
);
mkdirSync('dist/types', { recursive: true });
copyFileSync('src/harness/api/lmm-studio.d.ts', 'dist/types/lmm-studio.d.ts');
copyFileSync('src/harness/api/lmm-studio.d.ts', 'dist/ts-plugin/lmm-studio.d.ts');
cpSync('dist/ts-plugin', 'node_modules/lmm-studio-ts-plugin', { recursive: true });
// esbuild-wasm for harness compiles in the extension: its JS API, launcher, wasm and package.json.
for (const file of ['lib/main.js', 'bin/esbuild', 'esbuild.wasm', 'wasm_exec.js', 'wasm_exec_node.js', 'package.json']) {
  mkdirSync(`dist/esbuild-wasm/${file.slice(0, file.lastIndexOf('/') + 1)}`, { recursive: true });
  copyFileSync(`node_modules/esbuild-wasm/${file}`, `dist/esbuild-wasm/${file}`);
}
if (watch) console.log('watching: dist/ is rebuilt on every change (Ctrl+C to stop)');
