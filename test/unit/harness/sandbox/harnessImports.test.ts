/**
 * A harness's imports are read by esbuild in the host process, before the sandbox exists: only
 * source and JSON files in the harness's folder or below it (or in a package) may be imported.
 * Before, `import env from '/proc/self/environ' with { type: 'text' }` printed the environment of
 * `lmm` (its tokens), and `import c from '../../.docker/config.json'` any JSON file on the disk.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessProbe } from '../../../support/harnessProbe';

const printsImport = (specifier: string, attributes = '') =>
  `import { print } from 'lmm-studio';\nimport secret from '${specifier}'${attributes};\nexport default function main() { print(JSON.stringify(secret)); }\n`;

describe('the harness sandbox: what a harness may import', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());
  // The harnesses live in `harness/`; beside it, files they must not read.
  const folder = join(probe.dir, 'harness');
  mkdirSync(join(folder, 'lib'), { recursive: true });
  mkdirSync(join(folder, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(probe.dir, 'secret.json'), '{"token":"outside-json"}');
  writeFileSync(join(probe.dir, 'secret.ts'), 'export default "outside-ts";');
  writeFileSync(join(folder, 'notes.txt'), 'inside-text');
  writeFileSync(join(folder, 'lib', 'sizes.json'), '{"n":3}');
  writeFileSync(join(folder, 'lib', 'helper.ts'), 'export default 4;');
  writeFileSync(join(folder, 'node_modules', 'pkg', 'package.json'), '{"name":"pkg","main":"index.js"}');
  writeFileSync(join(folder, 'node_modules', 'pkg', 'index.js'), 'module.exports = 5;');
  const run = (name: string, source: string) => probe.run(join('harness', name), source);

  it('files outside the folder, by path or through a link, are a compile error naming the file; nothing of them is printed', async () => {
    let linked = true;
    try {
      symlinkSync(join(probe.dir, 'secret.json'), join(folder, 'lib', 'link.json'));
    } catch {
      linked = false; // Windows without the right to make links
    }
    const attempts: [string, string, RegExp][] = [
      ['parent.lmm.ts', printsImport('../secret.json'), /secret\.json:1:1: outside the harness’s folder/],
      ['absolute.lmm.ts', printsImport(join(probe.dir, 'secret.ts').replace(/\\/g, '/')), /secret\.ts:1:1: outside/],
      ...(linked
        ? [
            ['link.lmm.ts', printsImport('./lib/link.json'), /secret\.json:1:1: outside the harness’s folder/] as [
              string,
              string,
              RegExp,
            ],
          ]
        : []),
    ];
    for (const [name, source, message] of attempts) {
      const result = await run(name, source);
      assert.equal(result.outcome, 'compile-error', `${name}: ${result.output}`);
      assert.match(result.message!, message, name);
      assert.doesNotMatch(result.output + result.message, /outside-json|outside-ts/, name);
    }
  });

  it('a text or bytes import, or a file that is not source, is refused even inside the folder', async () => {
    const attempts: [string, string, RegExp][] = [
      ['text.lmm.ts', printsImport('./notes.txt'), /notes\.txt:1:1: not a source file/],
      ['attribute.lmm.ts', printsImport('./lib/helper.ts', " with { type: 'text' }"), /not with \{ type: 'text' \}/],
      ['bytes.lmm.ts', printsImport('./lib/sizes.json', " with { type: 'bytes' }"), /not with \{ type: 'bytes' \}/],
    ];
    for (const [name, source, message] of attempts) {
      const result = await run(name, source);
      assert.equal(result.outcome, 'compile-error', `${name}: ${result.output}`);
      assert.match(result.message!, message, name);
      assert.doesNotMatch(result.output, /inside-text|export default/, name);
    }
  });

  it('the environment of the process that compiles is not readable (Linux: /proc/self/environ)', async () => {
    if (process.platform !== 'linux') return;
    const result = await run('environ.lmm.ts', printsImport('/proc/self/environ', " with { type: 'text' }"));
    assert.equal(result.outcome, 'compile-error');
    assert.doesNotMatch(result.output + result.message, /PATH=/);
  });

  it('its own modules, JSON beside it and packages still import', async () => {
    const result = await run(
      'own.lmm.ts',
      `import { print } from 'lmm-studio';\nimport helper from './lib/helper';\nimport sizes from './lib/sizes.json';\nimport sized from './lib/sizes.json' with { type: 'json' };\nimport pkg from 'pkg';\nexport default function main() { print(helper, sizes.n, sized.n, pkg); }\n`,
    );
    assert.equal(result.outcome, 'completed', result.message);
    assert.equal(result.output, '4 3 3 5\n');
  });

  it('import() at run time takes the same files; anything else is refused by name at its line, not a SyntaxError naming none', async () => {
    const result = await run(
      'dynamic.lmm.ts',
      `import { print } from 'lmm-studio';\nexport default async function main() {\n  const helper = await import('./lib/helper');\n  const lmm = await import('lmm-studio');\n  const pkg = await import('pkg');\n  print(helper.default, typeof lmm.XCALLOC, pkg.default);\n  try { await import('node:fs'); } catch (e) { print(String(e)); }\n  const name = '../secret';\n  await import(name);\n}\n`,
    );
    assert.equal(result.outcome, 'crashed');
    assert.equal(result.output, "4 function 5\nError: a harness can import only 'lmm-studio' and its own files, not 'node:fs'\n");
    assert.match(
      result.message!,
      /dynamic\.lmm\.ts:9:\d+: Error: a harness can import only 'lmm-studio' and its own files, not '\.\.\/secret'/,
    );
    assert.doesNotMatch(result.output + result.message, /outside-ts/);
  });
});
