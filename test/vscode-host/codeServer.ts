// A real VS Code on this machine: code-server (VS Code for the browser, from the npm registry),
// installed on demand into a cache folder and started on 127.0.0.1. The usual extension test
// runners download VS Code from Microsoft's servers, which a machine that reaches only the npm
// registry cannot do; the README ("Tests") says how code-server is driven instead.
// Everything started here is killed by `stop()` (its whole process group), also on errors and
// timeouts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '../..');
/** Cached between runs (gitignored); LMM_E2E_CACHE moves it, e.g. to share it between clones. */
export const cacheRoot = process.env.LMM_E2E_CACHE
  ? path.resolve(process.env.LMM_E2E_CACHE)
  : path.join(projectRoot, 'test/vscode-host/.cache');

const codeServerVersion = '4.139.1';
/** code-server 4.139 declares Node 24; the npm package `node` ships that binary. */
const nodePackageVersion = '24.9.0';
// About 80 s on an idle 2-core machine (it compiles sqlite and other native modules); far longer
// when the machine is busy.
const installTimeoutMs = 15 * 60_000;

const nodeFolder = path.join(cacheRoot, 'node24');
const codeServerFolder = path.join(cacheRoot, `code-server-${codeServerVersion}`);
export const node24 = path.join(nodeFolder, 'node_modules/.bin/node');
export const serverMain = path.join(codeServerFolder, 'node_modules/code-server/lib/vscode/out/server-main.js');

/** Installs Node 24 and code-server into the cache folder unless they are there already. */
export async function ensureCodeServer(log: (line: string) => void = (line) => process.stderr.write(line + '\n')): Promise<void> {
  if (!existsSync(node24)) {
    log(`e2e: installing node@${nodePackageVersion} into ${nodeFolder}`);
    await npmInstall(nodeFolder, { node: nodePackageVersion }, process.env.PATH ?? '');
  }
  if (!existsSync(serverMain)) {
    log(
      `e2e: installing code-server@${codeServerVersion} into ${codeServerFolder} (about 80 s; needs libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)`,
    );
    // Its install script checks the Node version and builds native modules with it.
    await npmInstall(
      codeServerFolder,
      { 'code-server': codeServerVersion },
      `${path.dirname(node24)}${path.delimiter}${process.env.PATH ?? ''}`,
    );
    if (!existsSync(serverMain)) throw new Error(`code-server installed but ${serverMain} is missing`);
  }
}

async function npmInstall(folder: string, dependencies: Record<string, string>, pathVariable: string): Promise<void> {
  // A failed earlier install leaves a half-filled folder: start it again from nothing.
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ private: true, dependencies }, null, 2));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const output: string[] = [];
  const code = await runToEnd(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: folder,
    env: { ...withoutNpmVariables(process.env), PATH: pathVariable },
    timeoutMs: installTimeoutMs,
    output,
  });
  if (code !== 0) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(
      `npm install ${Object.keys(dependencies).join(' ')} in ${folder} failed (exit ${code}):\n${output.join('').slice(-4000)}`,
    );
  }
}

/**
 * The environment without the `npm_*` variables of an enclosing `npm test`/`npx`: npm reads them as
 * its own config, and code-server's install script reads the Node version from
 * `npm_config_user_agent`, which would still name the outer npm's Node 20.
 */
function withoutNpmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name)));
}

/** Runs a command to its end, killing its process group when it outlives `timeoutMs`. */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; output?: string[] },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => options.output?.push(chunk.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${command} ${args.join(' ')} took longer than ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

export interface CodeServerOptions {
  /** Extra server flags, e.g. `--enable-smoke-test-driver` for the extension-tests payload. */
  extraArgs?: string[];
  /** Keep the server's own log lines (for debugging a failing tier). */
  verbose?: boolean;
  /** Fixed port instead of a free one (npm run studio). */
  port?: number;
  /** Settings written to the private user-data folder before start. */
  userSettings?: Record<string, unknown>;
  /** Packaged extensions (`.vsix`) installed into the private extensions folder before start. */
  install?: string[];
  /**
   * Workspace trust on, as a person's VS Code has it, and no prompt: a folder opens untrusted
   * (Restricted Mode). Off by default: the tiers run their own fixtures.
   */
  workspaceTrust?: boolean;
}

/** A running VS Code server with its own user-data, extensions and log folders. */
export class CodeServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly stateFolder: string,
    private readonly output: string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `vscode-remote://` URI the workbench uses for a path on this machine. */
  remoteUri(absolutePath: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${encodeURI(absolutePath.split(path.sep).join('/'))}`;
  }

  /** Workbench URL opening `folder`, with the extension-tests `payload` entries when given. */
  workbenchUrl(folder: string, payload: [string, string][] = []): string {
    const query = new URLSearchParams({ folder });
    const entries: [string, string][] = [...payload, ['skipWelcome', 'true']];
    query.set('payload', JSON.stringify(entries));
    return `${this.url}/?${query.toString()}`;
  }

  /** The server's output so far (shown when a tier fails). */
  serverOutput(): string {
    return this.output.join('');
  }

  static async start(options: CodeServerOptions = {}): Promise<CodeServer> {
    await ensureCodeServer();
    removeStaleStateFolders();
    const stateFolder = mkdtempSync(path.join(cacheRoot, 'run-'));
    const userData = path.join(stateFolder, 'user-data');
    const extensions = path.join(stateFolder, 'extensions');
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    mkdirSync(extensions, { recursive: true });
    writeFileSync(
      path.join(userData, 'User/settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'update.mode': 'none',
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
          'security.workspace.trust.enabled': options.workspaceTrust === true,
          'security.workspace.trust.startupPrompt': 'never',
          'chat.disableAIFeatures': true,
          'workbench.welcomePage.walkthroughs.openOnInstall': false,
          ...options.userSettings,
        },
        null,
        2,
      ),
    );
    for (const vsix of options.install ?? []) await installExtension(vsix, userData, extensions);
    const args = [
      serverMain,
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--without-connection-token',
      '--accept-server-license-terms',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-telemetry',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--logsPath',
      path.join(stateFolder, 'logs'),
      ...(options.extraArgs ?? []),
    ];
    const output: string[] = [];
    const child = spawn(node24, args, { cwd: stateFolder, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = await new Promise<CodeServer>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`code-server did not report its port within 30 s:\n${output.join('')}`)),
        30_000,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        killGroup(child);
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        output.push(text);
        if (options.verbose) process.stderr.write(text);
        const match = /Extension host agent listening on (\d+)/.exec(output.join(''));
        if (match) {
          clearTimeout(timer);
          resolve(new CodeServer(child, Number(match[1]), stateFolder, output));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('error', fail);
      child.on('exit', (code) => fail(new Error(`code-server exited (${code}) before listening:\n${output.join('')}`)));
    });
    liveServers.add(server);
    return server;
  }

  /** Kills the server and every process it started; removes its private folders. */
  stop(keepState = false): void {
    killGroup(this.child);
    liveServers.delete(this);
    // The killed processes may still be flushing logs into the folder: retry, and never throw
    // from here (it also runs in exit and signal handlers).
    if (!keepState) removeQuietly(this.stateFolder);
  }
}

function removeQuietly(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (error) {
    process.stderr.write(`e2e: could not remove ${folder}: ${String(error)}\n`);
  }
}

/** State folders of runs that were killed before they could clean up (older than 6 hours). */
function removeStaleStateFolders(): void {
  if (!existsSync(cacheRoot)) return;
  for (const entry of readdirSync(cacheRoot)) {
    const folder = path.join(cacheRoot, entry);
    if (entry.startsWith('run-') && Date.now() - statSync(folder).mtimeMs > 6 * 3600_000) removeQuietly(folder);
  }
}

async function installExtension(vsix: string, userData: string, extensions: string): Promise<void> {
  const output: string[] = [];
  const args = [serverMain, '--install-extension', vsix, '--force', '--accept-server-license-terms'];
  const code = await runToEnd(node24, [...args, '--user-data-dir', userData, '--extensions-dir', extensions], {
    timeoutMs: 60_000,
    output,
  });
  if (code !== 0 || !/successfully installed/i.test(output.join(''))) {
    throw new Error(`installing ${vsix} failed (exit ${code}):\n${output.join('')}`);
  }
}

// Whatever happens to this process, the servers it started go with it.
const liveServers = new Set<CodeServer>();
process.once('exit', () => {
  for (const server of liveServers) server.stop();
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const server of liveServers) server.stop();
    process.exit(130);
  });
}
