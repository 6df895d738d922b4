/**
 * What a harness is made of is read with a bound: a device, a FIFO or a huge file as the harness,
 * or imported by it, is a compile error naming the file, not a run that reads without end.
 * Before, `lmm run /dev/zero` never ended.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { MAX_HARNESS_FILE_BYTES } from '../../../../src/harness/compile/compileHarness';
import { HarnessProbe } from '../../../support/harnessProbe';
import { runHarness } from '../../../../src/harness/runHarness';

describe('the harness sandbox: harness files read with a bound', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('a device as the harness, or imported by it, is a compile error at once', async () => {
    const device = '/dev/zero';
    // Windows has no /dev/zero to read without end.
    if (!existsSync(device)) return;
    const direct = await runHarness(device).result;
    assert.equal(direct.outcome, 'compile-error');
    assert.match(direct.message!, /\/dev\/zero:1:1: not a regular file/);
    const imported = await probe.run(
      'imports-device.lmm.ts',
      `import zero from '/dev/zero';\nexport default function main() { void zero; }\n`,
    );
    assert.equal(imported.outcome, 'compile-error');
    assert.match(imported.message!, /not a regular file/);
  });

  it('a harness file larger than the bound is refused with its size', async () => {
    const file = probe.write('huge.lmm.ts', ' '.repeat(MAX_HARNESS_FILE_BYTES + 1));
    const run = await runHarness(file).result;
    assert.equal(run.outcome, 'compile-error');
    assert.match(run.message!, new RegExp(`${MAX_HARNESS_FILE_BYTES + 1} bytes, more than a harness file may have`));
  });
});
