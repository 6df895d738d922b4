/**
 * A run killed inside one long call made after a heap operation (a regular expression that
 * backtracks for ages, one built-in call that fills the JS heap) never streamed the batch holding that operation: its
 * message was at the file alone, `FILE: time limit … exceeded`, as if no heap operation had been
 * made, where the README promises "after one, that operation's line, marked `last heap operation
 * here`". The harness host reads the worker's last operation from shared memory and passes it on.
 */
import { strict as assert } from 'node:assert';
import {
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
});
