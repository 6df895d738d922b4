/**
 * A run killed inside one long call made after a heap operation (a regular expression that
 * backtracks for ages, one built-in call that fills the JS heap) never streamed the batch holding that operation: its
 * message was at the file alone, `FILE: time limit … exceeded`, as if no heap operation had been
 * made, where the README promises "after one, that operation's line, marked `last heap operation
 * here`". The harness host reads the worker's last operation from shared memory and passes it on.
 */
import { strict as assert } from 'node:assert';
import {
  LAST_OPERATION,
  LastOperationSeen,
  lastOperationArray,
  readLastOperation,
  writeLastOperation,
} from '../../../../src/harness/runtime/lastOperation';
import type { HeapOpBatch } from '../../../../src/engine/heapOps';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const batch = (firstStep: number, count: number) => ({ firstStep, count }) as HeapOpBatch;

describe('the last heap operation of a run killed before it streamed', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('one long built-in call after a heap operation, killed at the time limit: at that operation’s line, marked', async () => {
    const run = await probe.run(
      'backtracks.lmm.ts',
      `${PRELUDE}const slow = 'a'.repeat(40) + 'b';\nexport default function main() {\n  MM_REG_STRUCT(node_t);\n  XCALLOC(1, node_t);\n  print(/^(a+)+$/.test(slow));\n}\n`,
      { timeLimitMs: 500 },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(
      run.message!,
      /\/backtracks\.lmm\.ts:6:3: time limit of 500 ms exceeded \(the harness was stopped; last heap operation here\)$/,
    );
    assert.deepEqual(run.site && [run.site.line, run.site.column], [6, 3]);
  });

  it('a built-in call that makes V8 abort the process after heap operations: at the last one’s line, marked', async () => {
    const run = await probe.run(
      'abort.lmm.ts',
      `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  for (let i = 0; i < 3; i++) XFREE(XCALLOC(1, node_t));\n  const kept = XCALLOC(1, node_t);\n  const text = new Array(2 ** 24).fill('abcdefgh').join('');\n  print(text.length, kept);\n}\n`,
      { jsHeapMb: 96, memoryLimitMb: 1024, timeLimitMs: 60_000 },
    );
    assert.equal(run.outcome, 'out-of-memory', run.message);
    assert.match(run.message!, /\/abort\.lmm\.ts:6:16: .*\(last heap operation here\)$/);
  });

  it('the host’s report counts only when it is ahead of every batch taken in (counts mod 2^32)', () => {
    const seen = new LastOperationSeen();
    assert.equal(seen.unstreamedSite(), -1, 'nothing reported');
    seen.batch(batch(0, 10));
    seen.report(10, 4);
    assert.equal(seen.unstreamedSite(), -1, 'the batches already hold operation 10');
    seen.report(12, 5);
    assert.equal(seen.unstreamedSite(), 5, 'operations 11 and 12 never streamed');
    seen.batch(batch(10, 2));
    assert.equal(seen.unstreamedSite(), -1, 'a later batch brought them');
    // Past 2^31 operations the shared Int32 wraps; the comparison does too.
    const far = new LastOperationSeen();
    far.batch(batch(2 ** 32 - 5, 3));
    far.report((2 ** 32 + 1) | 0, 9);
    assert.equal(far.unstreamedSite(), 9);
  });

  it('the shared array holds the last write: steps, then its site', () => {
    const shared = lastOperationArray();
    writeLastOperation(shared, 7, 3);
    writeLastOperation(shared, 2 ** 31 + 2, 11);
    assert.deepEqual(readLastOperation(shared), { steps: (2 ** 31 + 2) | 0, site: 11 });
  });

  it('a write cut short (the worker killed after its site store, before its steps store) reads as the operation before', () => {
    for (const [before, next] of [
      [
        [7, 3],
        [8, 9],
      ],
      [
        [8, 9],
        [9, 4],
      ],
      [
        [2 ** 32 - 1, 5],
        [2 ** 32, 6],
      ],
    ] as const) {
      const previous = lastOperationArray();
      writeLastOperation(previous, before[0], before[1]);
      const written = lastOperationArray();
      written.set(previous);
      writeLastOperation(written, next[0], next[1]);
      // Everything the write changed but the steps, which are stored last.
      const found = lastOperationArray();
      found.set(written);
      found[LAST_OPERATION.steps] = previous[LAST_OPERATION.steps]!;
      assert.deepEqual(readLastOperation(found), { steps: before[0] | 0, site: before[1] });
      assert.deepEqual(readLastOperation(written), { steps: next[0] | 0, site: next[1] });
    }
  });

  it('a host reading while the worker writes never pairs one operation’s steps with another’s site', async () => {
    // A writer thread as fast as it can go (site = steps * 7 mod 2^16), the reader here.
    const shared = lastOperationArray();
    const { Worker } = await import('node:worker_threads');
    const source = `const { workerData: shared } = require('node:worker_threads');
const write = ${writeLastOperation.toString()};
const LAST_OPERATION = ${JSON.stringify(LAST_OPERATION)};
for (let steps = 1; steps <= 3_000_000; steps++) write(shared, steps, (steps * 7) & 0xffff);`;
    const writer = new Worker(source, { eval: true, workerData: shared });
    const ended = new Promise((resolve) => writer.once('exit', resolve));
    let reads = 0;
    let mixed = 0;
    while (Atomics.load(shared, 0) < 3_000_000 && reads < 2_000_000) {
      const { steps, site } = readLastOperation(shared);
      reads++;
      if (site !== -1 && site !== ((steps * 7) & 0xffff)) mixed++;
    }
    await ended;
    assert.equal(mixed, 0, `${mixed} of ${reads} reads mixed two operations`);
  });
});
