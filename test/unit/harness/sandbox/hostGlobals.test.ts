/**
 * The globals a harness written for Node or a browser reaches for: `performance.now()` and `Intl`
 * work; timers, `process`, `fetch`, `crypto`, `structuredClone`, `WebAssembly`, `Atomics`,
 * `Buffer`, `WeakRef` and `FinalizationRegistry` fail at their first use with a TypeError naming
 * the global and saying why, at the harness line, never "Cannot read properties of undefined".
 * Also: the built-ins are named as they are called (`Error.name` is 'Error', not the bundler's
 * `Error4`).
 */
import { strict as assert } from 'node:assert';
import { UNAVAILABLE_GLOBALS } from '../../../../src/harness/sandbox/hostGlobals';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

describe('the harness sandbox: host globals', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('performance.now() is wall time in milliseconds from the worker’s start, rising, and Intl formats', async () => {
    const run = await probe.run(
      'clock.lmm.ts',
      `${PRELUDE}export default function main() {
  const t0 = performance.now();
  const d0 = Date.now();
  while (Date.now() - d0 < 30) { /* wait 30 ms of wall time */ }
  const t1 = performance.now();
  print('PERF', typeof t0, t0 > 0 && t0 < 60_000, t1 - t0 >= 29, t1 - t0 < 5_000);
  print('INTL', new Intl.NumberFormat('en-US').format(1234567), typeof Intl.DateTimeFormat);
  print('NAMES', Error.name, new Error('x').constructor.name, RegExp.name, Date.name, TextEncoder.name);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, 'PERF number true true true\nINTL 1,234,567 function\nNAMES Error Error RegExp Date TextEncoder\n');
  });

  it('Intl is frozen: a harness cannot change what the runtime’s number formatting reaches', async () => {
    const run = await probe.run(
      'intl.lmm.ts',
      `${PRELUDE}export default function main() {
  try { (Intl as any).NumberFormat = null; } catch (e) { print('REFUSED', (e as Error).name); }
  print('FROZEN', Object.isFrozen(Intl), Object.isFrozen(Intl.NumberFormat.prototype));
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, 'REFUSED TypeError\nFROZEN true true\n');
  });

  const uses: Record<string, string> = {
    setTimeout: 'setTimeout(() => 0, 1)',
    setInterval: 'setInterval(() => 0, 1)',
    setImmediate: '(globalThis as any).setImmediate(() => 0)',
    clearTimeout: 'clearTimeout(undefined)',
    clearInterval: 'clearInterval(undefined)',
    clearImmediate: '(globalThis as any).clearImmediate(undefined)',
    queueMicrotask: 'queueMicrotask(() => 0)',
    fetch: "void fetch('http://localhost/')",
    structuredClone: 'structuredClone({ a: 1 })',
    WeakRef: 'new WeakRef({})',
    FinalizationRegistry: 'new FinalizationRegistry(() => 0)',
    process: 'process.env.HOME',
    crypto: 'crypto.getRandomValues(new Uint8Array(4))',
    WebAssembly: 'WebAssembly.Module',
    Atomics: 'Atomics.load(new Int32Array(new SharedArrayBuffer(4)), 0)',
    Buffer: "(globalThis as any).Buffer.from('x')",
  };

  it('every host global without a place in a harness has a use here', () => {
    assert.deepEqual(Object.keys(uses).sort(), [...UNAVAILABLE_GLOBALS].sort());
  });

  for (const [name, use] of Object.entries(uses)) {
    it(`${name}: its first use is a TypeError naming it, at its line, and the run is reported`, async () => {
      const run = await probe.run(
        `${name}.lmm.ts`,
        `${PRELUDE}export default function main() {
  MM_REG_STRUCT(node_t);
  XCALLOC(1, node_t);
  ${use};
}
`,
      );
      assert.equal(run.outcome, 'crashed');
      assert.match(run.message!, new RegExp(`/${name}\\.lmm\\.ts:6:\\d+: TypeError: ${name} is not available in a harness: \\S`));
      assert.doesNotMatch(run.message!, /Cannot read properties|is not a function|is not a constructor/);
      assert.ok(run.finished, 'the heap is still reported');
    });
  }

  it('a stand-in can be looked at without throwing: typeof, JSON, awaiting; a write throws', async () => {
    const run = await probe.run(
      'lookAt.lmm.ts',
      `${PRELUDE}export default async function main() {
  print('TYPEOF', typeof process, typeof setTimeout, typeof (globalThis as any).navigator);
  print('JSON', JSON.stringify({ p: process, c: crypto }));
  print('AWAIT', typeof (await (process as unknown as Promise<unknown>)));
  try { (process as any).exitCode = 1; } catch (e) { print('SET', (e as Error).message.startsWith('process is not available in a harness: ')); }
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, 'TYPEOF object function undefined\nJSON {"p":{},"c":{}}\nAWAIT object\nSET true\n');
  });

  it('a function stand-in reads as a built-in of its name: String, a template, print (not the sandbox’s source)', async () => {
    const run = await probe.run(
      'standInText.lmm.ts',
      `${PRELUDE}export default function main() {
  print('STRING', String(setTimeout));
  print('TEMPLATE', \`\${queueMicrotask}\`);
  print(structuredClone);
  console.log('%s', (globalThis as any).WeakRef);
  print('NAME', setTimeout.name, typeof setTimeout);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(
      run.output,
      [
        'STRING function setTimeout() { [native code] }',
        'TEMPLATE function queueMicrotask() { [native code] }',
        'function structuredClone() { [native code] }',
        'function WeakRef() { [native code] }',
        'NAME setTimeout function',
        '',
      ].join('\n'),
    );
  });

  it('no stand-in, nor performance or Intl, leads to the host’s Function', async () => {
    const run = await probe.run(
      'constructors.lmm.ts',
      `${PRELUDE}export default function main() {
  const tries: Record<string, () => unknown> = {
    setTimeout: () => (setTimeout as any).constructor('return typeof process.pid')(),
    'setTimeout.toString': () => (setTimeout.toString as any).constructor('return typeof process.pid')(),
    'performance.now': () => (performance.now as any).constructor('return typeof process.pid')(),
    'Intl.NumberFormat': () => (Intl.NumberFormat as any).constructor('return typeof process.pid')(),
    'a stand-in’s error': () => { try { void process.env; } catch (e: any) { return e.constructor.constructor('return typeof process.pid')(); } },
  };
  for (const [name, attempt] of Object.entries(tries)) {
    try { print(name, String(attempt())); } catch { print(name, 'refused'); }
  }
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(
      run.output,
      'setTimeout refused\nsetTimeout.toString refused\nperformance.now refused\nIntl.NumberFormat refused\na stand-in’s error refused\n',
    );
  });
});
