import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_BATCHES_IN_FLIGHT, runHarness } from '../../../src/harness/runHarness';
import { TIGHT_LOOP_HARNESS } from '../../support/nodeHarness';

describe('harness runner: a consumer slower than the harness slows the harness (back-pressure)', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-batch-flow-'));
    file = join(dir, 'tight-loop.lmm.ts');
    writeFileSync(file, TIGHT_LOOP_HARNESS);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`never has more than ${MAX_BATCHES_IN_FLIGHT} batches not taken in, with a consumer taking 80 ms a batch, one at a time`, async () => {
    let outstanding = 0;
    let most = 0;
    let batches = 0;
    // After a stop the worker no longer waits (it ends by itself, flushing what it recorded).
    let stopping = false;
    // Slower than the worker's 50 ms batch interval: without back-pressure the backlog would grow.
    let consumer = Promise.resolve();
    // Stopped before its deadline: past that the worker no longer waits (the time limit comes first).
    const handle = runHarness(file, {
      timeLimitMs: 20_000,
      onBatch: () => {
        batches++;
        outstanding++;
        if (!stopping) most = Math.max(most, outstanding);
        consumer = consumer.then(
          () =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                outstanding--;
                resolve();
              }, 80),
            ),
        );
        return consumer;
      },
    });
    setTimeout(() => {
      stopping = true;
      handle.cancel();
    }, 2000);
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled', result.message);
    assert.ok(batches > MAX_BATCHES_IN_FLIGHT, `${batches} batches: the run went on while the consumer kept up`);
    assert.ok(most <= MAX_BATCHES_IN_FLIGHT, `${most} batches were waiting at once`);
  });

  it('lets a Check Leaks Now through a full queue: the check reaches the consumer, two batches past the limit at most', async () => {
    let batches = 0;
    let batchesAtCheck = -1;
    let checkedAfterMs = -1;
    let askedAt = 0;
    const handle = runHarness(file, {
      timeLimitMs: 20_000,
      // Takes nothing in: without the check's way through, the worker would wait until its deadline.
      onBatch: () => {
        batches++;
        return new Promise<void>(() => undefined);
      },
      onLeakCheck: () => {
        checkedAfterMs = Date.now() - askedAt;
        batchesAtCheck = batches;
        handle.cancel();
      },
    });
    // Until the worker waits with its queue full.
    while (batches < MAX_BATCHES_IN_FLIGHT) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(batches, MAX_BATCHES_IN_FLIGHT, 'the worker waits while its batches are not taken in');
    askedAt = Date.now();
    assert.ok(handle.requestLeakCheck());
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled', result.message);
    assert.ok(checkedAfterMs >= 0, 'the check reached the consumer');
    assert.ok(checkedAfterMs < 2000, `the check reached the consumer ${checkedAfterMs} ms after it was asked`);
    assert.ok(batchesAtCheck <= MAX_BATCHES_IN_FLIGHT + 2, `${batchesAtCheck} batches posted when the check came`);
  });

  it('still ends at its time limit when the consumer never takes a batch in', async () => {
    let batches = 0;
    const started = Date.now();
    const handle = runHarness(file, {
      timeLimitMs: 1000,
      onBatch: () => {
        batches++;
        return new Promise<void>(() => undefined);
      },
    });
    const result = await handle.result;
    const elapsed = Date.now() - started;
    assert.equal(result.outcome, 'timed-out', result.message);
    assert.ok(elapsed < 1000 + 1500 + 2000, `ended after ${elapsed} ms`);
    // Past the deadline the worker no longer waits: a few more batches may come while it stops.
    assert.ok(batches <= MAX_BATCHES_IN_FLIGHT + 3, `${batches} batches posted to a consumer that took none`);
  });

  it('is cancelled at once while it waits for its consumer', async () => {
    let first: () => void = () => undefined;
    const posted = new Promise<void>((resolve) => (first = resolve));
    const handle = runHarness(file, {
      timeLimitMs: 20_000,
      onBatch: () => {
        first();
        return new Promise<void>(() => undefined);
      },
    });
    await posted;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const asked = Date.now();
    handle.cancel();
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled');
    assert.ok(Date.now() - asked < 1000, `cancelled after ${Date.now() - asked} ms`);
  });
});
