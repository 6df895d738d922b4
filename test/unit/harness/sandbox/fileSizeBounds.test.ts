/**
 * "A harness file (or a file it imports) is a regular file of at most 16 MiB": tried at the bound
 * (it compiles and runs), one byte past it and far past it (refused with the file's name and
 * size), for the harness and for a file it imports.
 */
import { strict as assert } from 'node:assert';
import { MAX_HARNESS_FILE_BYTES } from '../../../../src/harness/compile/compileHarness';
import { HarnessProbe } from '../../../support/harnessProbe';

/** `code`, then a comment that makes the file exactly `bytes` long. */
function padded(code: string, bytes: number): string {
  return `${code}//${'y'.repeat(bytes - code.length - 3)}\n`;
}

const MAIN = `import { print } from 'lmm-studio';\nexport default function main() {\n  print('ran');\n}\n`;

describe('the harness sandbox: harness and imported files at 16 MiB', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('a harness of exactly 16 MiB runs; one byte more is refused with its size', async () => {
    const at = await probe.run('at.lmm.ts', padded(MAIN, MAX_HARNESS_FILE_BYTES));
    assert.equal(at.outcome, 'completed', at.message);
    assert.equal(at.output, 'ran\n');
    const past = await probe.run('past.lmm.ts', padded(MAIN, MAX_HARNESS_FILE_BYTES + 1));
    assert.equal(past.outcome, 'compile-error');
    assert.match(past.message!, /past\.lmm\.ts:1:1: 16777217 bytes, more than a harness file may have \(16 MiB\)$/);
  });

  it('an imported file of exactly 16 MiB is read; one byte more, or far more, is refused naming that file', async () => {
    const importer = (name: string) =>
      `import { print } from 'lmm-studio';\nimport { x } from './${name}';\nexport default function main() {\n  print(x);\n}\n`;
    probe.write('at16.ts', padded('export const x = 16;\n', MAX_HARNESS_FILE_BYTES));
    const at = await probe.run('imports-at.lmm.ts', importer('at16'));
    assert.equal(at.outcome, 'completed', at.message);
    assert.equal(at.output, '16\n');
    for (const [name, bytes] of [
      ['past16', MAX_HARNESS_FILE_BYTES + 1],
      ['far16', 4 * MAX_HARNESS_FILE_BYTES],
    ] as const) {
      probe.write(`${name}.ts`, padded('export const x = 0;\n', bytes));
      const run = await probe.run(`imports-${name}.lmm.ts`, importer(name));
      assert.equal(run.outcome, 'compile-error');
      assert.match(run.message!, new RegExp(`${name}\\.ts:1:1: ${bytes} bytes, more than a harness file may have \\(16 MiB\\)$`));
    }
  });
});
