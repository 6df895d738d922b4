/**
 * A harness has no `Atomics`, `WebAssembly`, `process` or timers, neither on its own globals nor
 * on those of a Compartment it makes: with no `Atomics.wait`, a `SharedArrayBuffer` it makes
 * cannot block the worker. (Its own globals of those names are stand-ins that throw that they
 * are not available: hostGlobals.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../../support/harnessProbe';

describe('the harness sandbox: nothing to block on', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('no Atomics, WebAssembly, process or timers, in the harness or in a Compartment it makes', async () => {
    const run = await probe.run(
      'blocking.lmm.ts',
      `import { print } from 'lmm-studio';
const names = ['Atomics', 'WebAssembly', 'process', 'setTimeout', 'queueMicrotask'];
export default function main() {
  const sab = new SharedArrayBuffer(8);
  print(typeof sab, ...names.map((n) => typeof (globalThis as any)[n]));
  try { Atomics.wait(new Int32Array(sab), 0, 0, 10_000); print('WAITED'); } catch (e) { print((e as Error).message.split(':')[0]); }
  const inner = new (globalThis as any).Compartment({});
  print(...names.map((n) => String(inner.evaluate('typeof ' + n))), typeof inner.globalThis.Atomics);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(
      run.output,
      `object object object object function function\nAtomics is not available in a harness\n${'undefined '.repeat(6).trim()}\n`,
    );
  });
});
