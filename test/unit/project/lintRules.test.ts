/**
 * ARCHITECTURE.md: "ESLint's no-restricted-imports rules in eslint.config.mjs fail the lint step
 * when one of these imports appears". Each forbidden import is linted, as a file of the folder it
 * is forbidden in, with the project's own configuration (type-aware rules off: the probe files
 * are not on disk, so no tsconfig holds them).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { isNodeBuiltin, projectRoot } from '../../support/sourceImports';

const eslint = new ESLint({
  cwd: projectRoot,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off' },
    },
  ],
});

async function restrictedImports(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as probe from '${specifier}';\nexport const used = probe;\n`, {
    filePath: file,
  });
  // One import may match two patterns (vscode-languageclient and vscode-languageclient/*): one rule either way.
  return [...new Set(result!.messages.map((message) => `${message.ruleId}`))];
}

describe('ARCHITECTURE.md: the lint step refuses the imports it names', function () {
  this.timeout(60_000);

  const refused: [string, string][] = [
    ['src/engine/probe.ts', 'node:fs'],
    ['src/engine/probe.ts', 'vscode'],
    ['src/trace/probe.ts', 'fs'],
    ['src/analysis/probe.ts', 'worker_threads'],
    ['src/policies/probe.ts', 'node:path'],
    ['src/extension/model/probe.ts', 'vscode'],
    ['src/harness/runtime/probe.ts', 'node:vm'],
    ['src/harness/api/probe.ts', 'child_process'],
    ['src/protocol/probe.ts', 'node:fs'],
    ['src/protocol/probe.ts', 'vscode'],
    ['src/protocol/probe.ts', '../extension/model/runState'],
    ['src/server/probe.ts', 'vscode'],
    ['src/server/probe.ts', 'vscode-languageclient/node'],
    ['src/server/probe.ts', '../extension/settings'],
    ['webview-ui/src/probe.ts', 'node:fs'],
    ['webview-ui/src/probe.ts', 'path'],
    ['webview-ui/src/probe.ts', 'vscode'],
  ];
  for (const [file, specifier] of refused) {
    it(`${specifier} in ${file}`, async () => {
      assert.deepEqual(await restrictedImports(file, specifier), ['no-restricted-imports']);
    });
  }

  it('lists the Node modules ARCHITECTURE.md says it lists', async () => {
    const doc = readFileSync(path.join(projectRoot, 'ARCHITECTURE.md'), 'utf8').replace(/\s+/g, ' ');
    const listed = /the Node modules it lists: ([^)]*)\)/.exec(doc)?.[1];
    assert.ok(listed, 'the list');
    for (const module of listed.split(', ').map((item) => item.replace(/`/g, ''))) {
      const probe = module === 'node:*' ? 'node:util' : module;
      assert.deepEqual(await restrictedImports('src/engine/probe.ts', probe), ['no-restricted-imports'], probe);
    }
    // What the list leaves out is the import graph test's to catch (isNodeBuiltin knows every module).
    assert.deepEqual(await restrictedImports('src/engine/probe.ts', 'util'), []);
    assert.ok(isNodeBuiltin('util'));
  });

  // The probe can pass: where an import is allowed, the same file lints clean.
  const allowed: [string, string][] = [
    ['src/cli/probe.ts', 'node:fs'],
    ['src/extension/probe.ts', 'vscode'],
    ['src/server/probe.ts', 'node:fs'],
    ['src/engine/probe.ts', './constants'],
  ];
  for (const [file, specifier] of allowed) {
    it(`(allowed: ${specifier} in ${file})`, async () => {
      assert.deepEqual(await restrictedImports(file, specifier), []);
    });
  }
});
