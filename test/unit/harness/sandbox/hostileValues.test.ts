/**
 * Values that run harness code when the runtime looks at them: `valueOf`, `toString`,
 * `Symbol.toPrimitive` and Proxy traps on what is written to a field or passed to the C API. That
 * code may free, reallocate or split the very block being written; the write must then be the
 * use-after-free it is, never bytes landing in a freed block or in the meta data a split put there.
 * Also: a recursion to the stack limit with heap calls at every level leaves the heap consistent,
 * and no built-in can block the worker's thread against Stop.
 */
import { strict as assert } from 'node:assert';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

describe('the harness sandbox: hostile values the runtime reads', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('a conversion that frees the block being written makes the write a use-after-free, and nothing lands in the block', async () => {
    const run = await probe.run(
      'reentrant.lmm.ts',
      `${PRELUDE}import { XCALLOC_BUF } from 'lmm-studio';
export default function main() {
  MM_REG_STRUCT(node_t);
  const keep = XCALLOC(1, node_t)!;
  let n = XCALLOC(1, node_t)!;
  n.key = { valueOf() { XFREE(n); n = XCALLOC(1, node_t)!; return 0xdeadbeef; } } as unknown as number;
  print('KEY', n.key);
  n.name = { toString() { XFREE(n); n = XCALLOC(1, node_t)!; return 'SMASHED'; } } as unknown as string;
  print('NAME', JSON.stringify(n.name));
  n.key = { [Symbol.toPrimitive]() { XFREE(n); n = XCALLOC(1, node_t)!; return 7; } } as unknown as number;
  print('PRIM', n.key);
  let b = XCALLOC_BUF(8)!;
  b[3] = { valueOf() { XFREE(b); b = XCALLOC_BUF(8)!; return 255; } } as unknown as number;
  print('BYTE', b[3]);
  b.text = { toString() { XFREE(b); b = XCALLOC_BUF(8)!; return 'xxxxxxx'; } } as unknown as string;
  print('TEXT', JSON.stringify(b.text));
  void keep;
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    // Each new block is the freed one again (calloc'd: zero), and the write did not reach it.
    assert.equal(run.output, 'KEY 0\nNAME ""\nPRIM 0\nBYTE 0\nTEXT ""\n');
    const errors = run.finished!.report.errors.map((e) => `${e.kind}@${e.site.line}`);
    assert.deepEqual(errors.sort(), [
      'use-after-free@10',
      'use-after-free@12',
      'use-after-free@15',
      'use-after-free@17',
      'use-after-free@8',
    ]);
  });

  it('a conversion that frees a block and splits its space leaves the new block’s neighbour intact: every later write is reported', async () => {
    const run = await probe.run(
      'split.lmm.ts',
      `${PRELUDE}@struct class rec_t { @u32 a!: number; @u32 b!: number; @u32 c!: number; @u32 d!: number; }
export default function main() {
  MM_REG_STRUCT(rec_t);
  const before = XCALLOC(1, rec_t)!;
  const eight = XCALLOC(8, rec_t)! as unknown as rec_t[];
  const after = XCALLOC(1, rec_t)!;
  const second = eight[1]!;
  let first = true;
  for (const field of ['a', 'b', 'c', 'd'] as const) {
    // The first conversion frees all eight and takes one back: the rest of the space is a free
    // block whose meta data starts where second.a was.
    second[field] = { valueOf() { if (first) { first = false; XFREE(eight); XCALLOC(1, rec_t); } return 0xdeadbeef; } } as unknown as number;
  }
  const more: rec_t[] = [];
  for (let i = 0; i < 16; i++) more.push(XCALLOC(1, rec_t)!);
  for (const m of more) XFREE(m);
  XFREE(before);
  XFREE(after);
  print('done');
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, 'done\n');
    const errors = run.finished!.report.errors;
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0]!.kind, 'use-after-free');
    assert.equal(errors[0]!.count, 4, 'all four writes, the first one included');
    // The one rec_t taken back in the conversion is never freed: the only leak.
    assert.deepEqual(
      run.finished!.report.leaks.map((l) => [l.kind, l.blocks]),
      [['definitely-lost', 1]],
    );
  });

  it('a number that is an object (Symbol.toPrimitive, valueOf) is refused by XCALLOC without running it', async () => {
    const run = await probe.run(
      'units.lmm.ts',
      `${PRELUDE}export default function main() {
  MM_REG_STRUCT(node_t);
  let ran = 0;
  const units = { [Symbol.toPrimitive]() { ran++; return 1; }, valueOf() { ran++; return 1; } };
  try { XCALLOC(units as unknown as number, node_t); } catch (e) { print(String(e)); }
  print('RAN', ran);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.match(run.output, /^RangeError: XCALLOC\(an object, node_t\): units must be a whole number/m);
    assert.match(run.output, /^RAN 0$/m);
  });

  it('a recursion to the stack limit with heap calls at every level leaves the heap consistent', async () => {
    const run = await probe.run(
      'deep.lmm.ts',
      `${PRELUDE}let made = 0;
function down(head: node_t | null): node_t | null {
  let node: node_t | null = null;
  try { node = XCALLOC(1, node_t); made++; node!.next = head; } catch { /* the stack ran out here */ }
  try { return down(node ?? head); } catch { return node ?? head; }
}
export default function main() {
  MM_REG_STRUCT(node_t);
  let head = down(null);
  let freed = 0;
  while (head) { const next = head.next; XFREE(head); freed++; head = next; }
  for (let i = 0; i < 1000; i++) XFREE(XCALLOC(1, node_t)!);
  print('MADE', made, 'FREED', freed);
}
`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    const [, made, freed] = /^MADE (\d+) FREED (\d+)$/m.exec(run.output)!.map(Number);
    assert.ok(made! > 1000, run.output);
    const finished = run.finished!;
    // Every block the harness got is either freed or still live (a lost chain), none half-made.
    assert.equal(finished.facts.allocations, made! + 1000);
    assert.equal(finished.facts.liveBlocks, made! - freed!);
    const lost = finished.report.leaks.reduce((sum, l) => sum + l.blocks, 0);
    assert.equal(lost, made! - freed!);
    assert.equal(finished.report.errors.length, 0, JSON.stringify(finished.report.errors));
  });

  it('no built-in can block the worker’s thread: Atomics (wait, and the rest) is not among the harness’s globals', async () => {
    const run = await probe.run(
      'atomics.lmm.ts',
      `${PRELUDE}export default function main() {\n  const wait = (a: any) => { try { return a.wait; } catch (e) { return (e as Error).message.split(':')[0]; } };\n  print(wait(Atomics), wait((globalThis as any).Atomics));\n}\n`,
    );
    assert.equal(run.outcome, 'completed', run.message);
    // A stand-in that throws that it is not there (hostGlobals.test.ts).
    assert.equal(run.output, 'Atomics is not available in a harness Atomics is not available in a harness\n');
  });
});
