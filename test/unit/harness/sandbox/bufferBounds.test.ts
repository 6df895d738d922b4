/**
 * One buffer can never be larger than the run's memory limit. Buffers are outside the JS heap and
 * one native call that fills one (`new Uint8Array(2 ** 31).fill(1)`) cannot be stopped midway:
 * before this bound such a run grew the process to 2.2 GB under a 256 MB limit. Each way of
 * making a buffer is tried, including array-likes whose `length` answers differently each time.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const HUGE = `
const tries: Record<string, () => unknown> = {
  'Uint8Array': () => new Uint8Array(2 ** 31).fill(1).length,
  'Float64Array': () => new Float64Array(2 ** 28).length,
  'BigUint64Array': () => new BigUint64Array(2 ** 28).length,
  'ArrayBuffer': () => new ArrayBuffer(2 ** 31).byteLength,
  'a resizable ArrayBuffer': () => new (ArrayBuffer as any)(1, { maxByteLength: 2 ** 31 }).byteLength,
  'a holey array': () => new Uint8Array(new Array(2 ** 31)).length,
  'Uint8Array.from': () => Uint8Array.from({ length: 2 ** 31 }).length,
  'a subclass': () => { class Big extends Uint8Array {} return new Big(2 ** 31).length; },
  'Reflect.construct': () => (Reflect.construct(Uint8Array, [2 ** 31]) as Uint8Array).length,
  'TextEncoder.encode': () => new TextEncoder().encode('\\u20ac'.repeat(2 ** 27)).length,
};
`;

describe('the harness sandbox: one buffer is never larger than the memory limit', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('every way of making a buffer larger than the limit is refused with a RangeError saying so', async () => {
    const run = await probe.run(
      'huge.lmm.ts',
      `${PRELUDE}${HUGE}
export default function main() {
  MM_REG_STRUCT(node_t);
  XCALLOC(1, node_t);
  for (const [name, make] of Object.entries(tries)) {
    let answer: string;
    try { answer = 'made ' + String(make()); } catch (e) { answer = String(e); }
    print('BUFFER', name, '=>', answer);
  }
}
`,
      { memoryLimitMb: 256 },
    );
    assert.equal(run.outcome, 'completed', run.message);
    const lines = run.output.split('\n').filter((l) => l.startsWith('BUFFER '));
    assert.equal(lines.length, 10, run.output);
    for (const line of lines) assert.match(line, /=> RangeError: .*more than the run's memory limit \(256 MB\)$/, line);
    assert.equal(run.finished!.report.leaks.length, 1);
  });

  it('a length or option that answers differently each time it is read gets one answer: the one the limit checked', async () => {
    const run = await probe.run(
      'twice.lmm.ts',
      `${PRELUDE}
// Small the first time it is read (the check), huge after (what V8 would allocate).
const sneaky = () => { let reads = 0; return { valueOf() { return reads++ === 0 ? 1 : 2 ** 31; } }; };
const sneakyOptions = () => { let reads = 0; return { get maxByteLength() { return reads++ === 0 ? undefined : 2 ** 31; } }; };
const tries: Record<string, () => number> = {
  'ArrayBuffer': () => new ArrayBuffer(sneaky() as unknown as number).byteLength,
  'SharedArrayBuffer': () => new SharedArrayBuffer(sneaky() as unknown as number).byteLength,
  'a resizable ArrayBuffer': () => { const b = new (ArrayBuffer as any)(1, { maxByteLength: sneaky() }); b.resize(2 ** 30); return b.byteLength; },
  'options read twice': () => { const b = new (ArrayBuffer as any)(1, sneakyOptions()); b.resize(2 ** 30); return b.byteLength; },
};
export default function main() {
  for (const [name, make] of Object.entries(tries)) {
    let answer: string;
    try { answer = String(make()); } catch (e) { answer = (e as Error).name; }
    print('TWICE', name, '=>', answer);
  }
}
`,
      { memoryLimitMb: 256 },
    );
    assert.equal(run.outcome, 'completed', run.message);
    const lines = run.output.split('\n').filter((l) => l.startsWith('TWICE '));
    assert.deepEqual(lines, [
      'TWICE ArrayBuffer => 1',
      'TWICE SharedArrayBuffer => 1',
      'TWICE a resizable ArrayBuffer => RangeError',
      'TWICE options read twice => TypeError',
    ]);
  });

  it('a harness still makes and uses buffers within the limit as before: instanceof, views, from/of, subclasses, TextEncoder', async () => {
    const run = await probe.run(
      'small.lmm.ts',
      `${PRELUDE}
export default function main() {
  const shared = new ArrayBuffer(16);
  const bytes = new Uint8Array(shared, 4, 4);
  bytes.set([1, 2, 3, 4]);
  class Doubler extends Uint16Array { twice() { return this.length * 2; } }
  print('SMALL',
    new DataView(shared).getUint8(5),
    new Int32Array([7, 8, 9]).length,
    Float32Array.of(1, 2).length,
    Uint8Array.from(new Set([5, 6])).join('+'),
    new Doubler(3).twice(),
    new Uint8Array(2) instanceof Uint8Array,
    shared instanceof ArrayBuffer,
    Uint8Array.BYTES_PER_ELEMENT,
    new TextEncoder().encode('hé').length,
    new Uint8Array(1 << 20).length);
}
`,
      { memoryLimitMb: 256 },
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^SMALL 2 3 2 5\+6 6 true true 1 3 1048576$/m);
  });
});
