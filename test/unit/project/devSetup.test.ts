// A maintainer's first F5 works: the launch configurations exist, their build tasks are defined,
// "Attach to Language Server" attaches where the language client opens the server's inspector,
// and `npm run watch` starts esbuild's watch mode.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const json = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

describe('development setup', () => {
  const launch = json('.vscode/launch.json') as {
    configurations: { name: string; type: string; port?: number; args?: string[]; preLaunchTask?: string }[];
  };
  const tasks = json('.vscode/tasks.json') as { tasks: { label: string }[] };
  const byName = (name: string) => launch.configurations.find((c) => c.name === name);

  it('has Run Extension, Extension Tests and Attach to Language Server', () => {
    assert.equal(byName('Run Extension')?.type, 'extensionHost');
    assert.equal(byName('Extension Tests')?.type, 'extensionHost');
    assert.equal(byName('Attach to Language Server')?.type, 'node');
  });

  it('every preLaunchTask names a task in tasks.json', () => {
    const labels = new Set(tasks.tasks.map((t) => t.label));
    for (const configuration of launch.configurations) {
      if (configuration.preLaunchTask) assert.ok(labels.has(configuration.preLaunchTask), configuration.preLaunchTask);
    }
  });

  it('Extension Tests loads the bundled integration suite that buildSuite.ts writes', () => {
    const args = byName('Extension Tests')?.args ?? [];
    assert.ok(args.includes('--extensionTestsPath=${workspaceFolder}/out/integration/index'), args.join(' '));
    assert.match(readFileSync(path.join(root, 'test/integration/buildSuite.ts'), 'utf8'), /'out\/integration'/);
  });

  it('attaches to the port the language client opens the server inspector on', () => {
    const client = readFileSync(path.join(root, 'src/extension/languageClient.ts'), 'utf8');
    const inspect = /--inspect=(\d+)/.exec(client);
    assert.ok(inspect, 'the language client starts the server with --inspect in debug mode');
    assert.equal(byName('Attach to Language Server')?.port, Number(inspect[1]));
  });

  it('npm run watch runs the build in esbuild watch mode', () => {
    const scripts = json('package.json').scripts as Record<string, string>;
    assert.equal(scripts.watch, 'node scripts/build.mjs --watch');
    const build = readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8');
    assert.match(build, /process\.argv\.includes\('--watch'\)/);
    assert.match(build, /context\.watch\(\)/);
  });
});
