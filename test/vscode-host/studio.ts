// `npm run studio`: LMM Studio in a browser, no VS Code install needed. The same code-server as
// the UI tests, on 127.0.0.1 only, with the freshly packaged extension installed and the
// project's examples/ folder open. Runs until Ctrl+C, then stops everything it started.
//
//   npm run studio [-- --port 8080] [-- --folder path]
import path from 'node:path';
import { CodeServer, projectRoot } from './codeServer';
import { packageExtension } from './vsix';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const folder = path.resolve(option('folder') ?? path.join(projectRoot, 'examples'));
  const port = Number(option('port') ?? 0);
  process.stderr.write('Packaging the extension (npm run package)...\n');
  const vsix = await packageExtension();
  process.stderr.write(`Starting VS Code (code-server) with ${path.basename(vsix)}...\n`);
  const server = await CodeServer.start({
    install: [vsix],
    port,
    userSettings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  process.stdout.write(`\nLMM Studio is running at ${url}\nOpen it in a browser on this machine; Ctrl+C stops it.\n`);
  // The process stays up while the server runs; codeServer.ts stops it on SIGINT/SIGTERM.
  await new Promise(() => {});
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run studio failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
