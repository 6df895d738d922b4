/**
 * Verdicts the harness cannot forge, and views without reachable internals: a harness that
 * tries to empty its report or reach a view's address, bounds or bytes finds nothing to hold.
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../../support/lmmCli';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

describe('the harness sandbox: verdicts and views', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('a harness that leaks and tries to forge its report still fails --fail-on definitely-lost,error', async () => {
    const file = probe.write(
      'forger.lmm.ts',
      `${PRELUDE}export default function main() {
  MM_REG_STRUCT(node_t);
  XCALLOC(1, node_t);
  const gone = XCALLOC(1, node_t)!;
  XFREE(gone);
  XFREE(gone);
  for (const attempt of [
    () => { (JSON as any).stringify = () => '{"leaks":[],"errors":[]}'; },
    () => { (JSON as any).parse = () => ({}); },
    () => { (Array.prototype as any).filter = () => []; },
    () => { Object.defineProperty(Object.prototype, 'leaks', { get: () => [], configurable: true }); },
    () => { (Object as any).assign = () => ({}); },
    () => { (Map.prototype as any).set = function () { return this; }; },
  ]) { try { attempt(); } catch { /* frozen */ } }
}
`,
    );
    const result = await lmm('run', file, '--fail-on', 'definitely-lost,error');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /--fail-on: .*definitely-lost/);
    const json = await lmm('run', file, '--json');
    const report = JSON.parse(json.stdout) as { leaks: { kind: string }[]; errors: { kind: string }[] };
    assert.deepEqual(
      report.leaks.map((l) => l.kind),
      ['definitely-lost'],
    );
    assert.deepEqual(
      report.errors.map((e) => e.kind),
      ['double-free'],
    );
  });

  it('what mm_leak_check() returns is the harness’s own copy: emptying it leaves the check in the report as it was', async () => {
    const run = await probe.run(
      'check-forger.lmm.ts',
      `${PRELUDE.replace(" } from 'lmm-studio'", ", mm_leak_check } from 'lmm-studio'")}export default function main() {
  MM_REG_STRUCT(node_t);
  XCALLOC(1, node_t);
  const check = mm_leak_check() as any;
  check.records[0].blocks = 0;
  check.records.splice(0);
  check.summary['definitely-lost'].blocks = 0;
  check.summary = null;
  print('emptied', JSON.stringify(check.records), check.summary);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, 'emptied [] null\n');
    const [check] = run.finished!.report.leakChecks;
    assert.deepEqual(
      check!.leaks.map((l) => [l.kind, l.blocks]),
      [['definitely-lost', 1]],
    );
    assert.equal(check!.summary['definitely-lost'].blocks, 1);
  });

  it('a view shows only its struct fields: no own keys, no symbols, frozen prototypes, no constructor to forge one', async () => {
    const run = await probe.run(
      'internals.lmm.ts',
      `${PRELUDE}export default function main() {
  MM_REG_STRUCT(node_t);
  const n = XCALLOC(1, node_t)!;
  const many = XCALLOC(100, node_t)!;
  const own = [...Reflect.ownKeys(n), ...Reflect.ownKeys(many)].map(String);
  const proto = Object.getPrototypeOf(n);
  const protoKeys = Reflect.ownKeys(proto).filter((k) => typeof k !== 'string' || !/^-?\\d+$/.test(k)).map(String);
  print('own', JSON.stringify(own));
  print('proto', JSON.stringify(protoKeys));
  print('frozen', Object.isFrozen(proto), Object.isFrozen(Object.getPrototypeOf(many)));
  let forged = 'refused';
  try { new (n as any).constructor(Symbol('make a view'), new DataView(new ArrayBuffer(64)), 0, 0, 0, 1); forged = 'made'; } catch { /* refused */ }
  print('forged', forged);
  // Writing the old internal names does nothing to the heap: they are just the harness's own properties.
  for (const key of ['_d', '_o', '_a', '_x', '_n']) { try { (n as any)[key] = key === '_d' ? new DataView(new ArrayBuffer(64)) : -48; } catch { /* fine */ } }
  n.key = 7;
  print('key', n.key);
  // Every index past the block is an out-of-bounds access, never LMM's meta data.
  many[-1].key = 1;
  many[100].key = 2;
  (n as any)[1].key = 3;
  XFREE(many);
  XFREE(n);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const line = (name: string) => run.output.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    assert.equal(line('own'), 'own []');
    assert.deepEqual(JSON.parse(line('proto').slice('proto '.length)).sort(), [
      'Symbol(Symbol.toStringTag)',
      'constructor',
      'key',
      'name',
      'next',
      'toJSON',
    ]);
    assert.equal(line('frozen'), 'frozen true true');
    assert.equal(line('forged'), 'forged refused');
    assert.equal(line('key'), 'key 7');
    const errors = run.finished!.report.errors;
    assert.equal(errors.length, 3, JSON.stringify(errors));
    assert.ok(errors.every((e) => e.kind === 'out-of-bounds'));
    // XFREE still works on both blocks: no meta data was written.
    assert.deepEqual(run.finished!.report.leaks, []);
    assert.equal(run.finished!.facts.liveBlocks, 0);
  });

  it('a buffer exposes its bytes, length and text, nothing else, and refuses new properties', async () => {
    const run = await probe.run(
      'buffer.lmm.ts',
      `import { XCALLOC_BUF, XFREE, print } from 'lmm-studio';
export default function main() {
  const b = XCALLOC_BUF(8)!;
  print('own', JSON.stringify(Reflect.ownKeys(b).map(String)));
  let added = 'refused';
  try { (b as any)._x = 0; added = 'added'; } catch { /* refused */ }
  let defined = 'refused';
  try { Object.defineProperty(b, '_a', { value: -1 }); defined = 'defined'; } catch { /* refused */ }
  print(added, defined, b.length);
  b[8] = 1;
  b[-1] = 1;
  XFREE(b);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^own \[\]\nrefused refused 8\n/);
    assert.equal(run.finished!.report.errors.length, 2);
    assert.equal(run.finished!.facts.liveBlocks, 0);
  });
});
