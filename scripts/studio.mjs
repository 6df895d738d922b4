// `npm run studio`: LMM Studio in a browser through code-server (see test/vscode-host/studio.ts, which
// holds the logic and shares the code-server launcher with the end-to-end tests).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const studio = fileURLToPath(new URL('../test/vscode-host/studio.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', studio, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl+C reaches both processes (same terminal); the child stops code-server and exits.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
