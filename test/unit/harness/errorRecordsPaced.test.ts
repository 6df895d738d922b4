/**
 * A new memory error record leaves the worker at once (so a worker killed later has sent it), yet
 * neither slows a paced run nor reaches a consumer before its operation: a thousand distinct
 * errors under a consumer that takes 20 ms a batch made a thousand batches and took 20 s when each
 * record flushed the operations with it (each flush waiting for the consumer).
 */
import { strict as assert } from 'node:assert';
import { runHarness, type MemoryErrorsSoFar } from '../../../src/harness/runHarness';
import { HarnessProbe } from '../../support/harnessProbe';
import { doubleFreesThenStuck } from '../../support/stuckHarness';

/** `frees` double frees, each at its own line (a distinct record each), after an allocation each. */
function distinctDoubleFrees(frees: number): string {
  const lines = [
    "import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';",
    '@struct class node_t { @u32 key!: number; }',
    'export default function main() {',
    '  MM_REG_STRUCT(node_t);',
  ];
  for (let i = 0; i < frees; i++) lines.push('  { const p = XCALLOC(1, node_t)!; XFREE(p); XFREE(p); }');
  lines.push('}', '');
  return lines.join('\n');
}

describe('memory error records of a paced run', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('1,000 distinct errors with a consumer taking 20 ms a batch: a few batches, every record after its operation', async () => {
    const file = probe.write('distinct.lmm.ts', distinctDoubleFrees(1000));
    let batches = 0;
    let stepsTaken = 0;
    let updates = 0;
    let last: MemoryErrorsSoFar | undefined;
    const early: string[] = [];
    let consumer = Promise.resolve();
    const result = await runHarness(file, {
      timeLimitMs: 30_000,
      onBatch: (batch) => {
        batches++;
        stepsTaken += batch.ops.count;
        consumer = consumer.then(() => new Promise<void>((resolve) => setTimeout(resolve, 20)));
        return consumer;
      },
      onMemoryErrors: (update) => {
        updates++;
        last = update;
        for (const error of update.errors)
          if (error.event >= stepsTaken) early.push(`${error.site.line}: step ${error.step}, ${stepsTaken} taken`);
      },
    }).result;
    assert.equal(result.outcome, 'completed', result.message);
    assert.equal(last?.errors.length, 1000);
    assert.equal(last?.distinct, 1000);
    assert.deepEqual(early.slice(0, 3), [], 'a record told before the batch with its operation');
    // A batch a flush interval (50 ms) at most, as a run without errors: not one per record.
    assert.ok(batches <= 20, `${batches} batches`);
    // Told with each batch, and again with the counts its flush posts after it: not once per record.
    assert.ok(updates <= 2 * batches + 1, `${updates} updates for ${batches} batches`);
  });

  it('a record whose batch does not come (the harness inside one long call) is told all the same, within a second', async () => {
    const file = probe.write('stuck.lmm.ts', doubleFreesThenStuck(1));
    let toldAt = 0;
    const started = Date.now();
    const handle = runHarness(file, {
      timeLimitMs: 30_000,
      onMemoryErrors: (update) => {
        if (update.errors.length === 1 && toldAt === 0) {
          toldAt = Date.now() - started;
          handle.cancel();
        }
      },
    });
    const result = await handle.result;
    assert.equal(result.outcome, 'cancelled', result.message);
    assert.ok(toldAt > 0 && toldAt < 10_000, `told after ${toldAt} ms`);
  });

  it('a record whose batch never comes is told past every step streamed, as onMemoryErrors says', async () => {
    const file = probe.write('neverStreamed.lmm.ts', doubleFreesThenStuck(1));
    let stepsStreamed = 0;
    let last: MemoryErrorsSoFar | undefined;
    const result = await runHarness(file, {
      timeLimitMs: 2_000,
      onBatch: (batch) => void (stepsStreamed += batch.ops.count),
      onMemoryErrors: (update) => void (last = update),
    }).result;
    assert.equal(result.outcome, 'timed-out', result.message);
    assert.equal(last?.errors.length, 1, 'the double free is told');
    const [error] = last.errors;
    assert.equal(error!.site.line, 7);
    // The worker was inside the regular expression from the double free to its end: no flush.
    assert.ok(error!.event >= stepsStreamed, `event ${error!.event}, ${stepsStreamed} steps streamed`);
  });
});
