/**
 * The memory limit holds for every kind of memory a run can hold: JS objects, strings, one big
 * buffer, many small buffers (also when the harness catches each refusal and tries again), a
 * buffer made through a built-in's own constructor (`view.constructor`, which the run's
 * accounting does not see), the simulated pages; and queued output and streamed heap operations
 * stay within it.
 * Each run ends `out-of-memory` (exit 2 for `lmm run`) with the limit in its message; its peak
 * (the harness process's resident high-water mark, as the kernel counts it) stays within the
 * limit plus the hard margin and one sample's growth; and this process carries on to the next run.
 */
import { strict as assert } from 'node:assert';
import { HOST_HARD_MARGIN_BYTES } from '../../../../src/harness/worker/hostProtocol';
import { runHarness } from '../../../../src/harness/runHarness';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';

const LIMIT_MB = 128;
/** What the process may grow by between two of the host's 5 ms samples, on a loaded machine. */
const SAMPLE_SLACK_BYTES = 24 * 2 ** 20;
const BOUND = LIMIT_MB * 2 ** 20 + HOST_HARD_MARGIN_BYTES + SAMPLE_SLACK_BYTES;

const KINDS: Record<string, string> = {
  'JS objects': `const kept: object[] = [];\n  for (;;) kept.push({ n: kept.length, list: [1, 2, 3], text: 'x' + kept.length });`,
  strings: `const kept: string[] = [];\n  for (let i = 0; ; i++) kept.push('s'.repeat(1 << 16) + i);`,
  'one big buffer': `const b = new Uint8Array(120 << 20);\n  b.fill(1);\n  print(b.length);`,
  'many small buffers': `const kept: Uint8Array[] = [];\n  for (;;) kept.push(new Uint8Array(1 << 20).fill(1));`,
  'small buffers, each refusal caught': `const kept: Float64Array[] = [];\n  for (;;) { try { kept.push(new Float64Array(1 << 17).fill(1)); } catch { /* again */ } }`,
  'a built-in’s own constructor': `const Raw = (new Uint8Array(1) as any).constructor;\n  print(new Raw(2 ** 32).fill(1).length);`,
  'slices through the species': `const kept: Uint8Array[] = [];\n  const b = new Uint8Array(32 << 20);\n  for (;;) kept.push(b.slice().fill(1));`,
  'simulated pages': `@struct class page_t { @char(4000) text!: string; }\n  mm_init({ memoryCap: 2 ** 31 });\n  MM_REG_STRUCT(page_t);\n  for (;;) XCALLOC(1, page_t);`,
};

/**
 * Kinds V8's heap cap or the buffer count stop before anything is allocated: the process never
 * grows past the limit itself. The others (a built-in allocating by itself, the simulated pages)
 * are stopped by the resident-memory samples: past the limit, within its margin.
 */
const STOPPED_BEFORE_THE_LIMIT = new Set([
  'JS objects',
  'strings',
  'one big buffer',
  'many small buffers',
  'small buffers, each refusal caught',
]);

describe('the harness sandbox: the memory limit holds for every kind of memory', function () {
  this.timeout(120_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  for (const [kind, body] of Object.entries(KINDS)) {
    it(`${kind}: out-of-memory with the limit in the message, the peak within the limit plus its margin`, async () => {
      const isStruct = body.startsWith('@struct');
      const [decl, rest] = isStruct ? [body.slice(0, body.indexOf('\n')), body.slice(body.indexOf('\n') + 1)] : ['', body];
      const run = await probe.run(
        `memory-${kind.length}.lmm.ts`,
        `${PRELUDE}${decl}\nexport default function main() {\n  ${rest.trim()}\n}\n`,
        { memoryLimitMb: LIMIT_MB, timeLimitMs: 60_000 },
      );
      assert.equal(run.outcome, 'out-of-memory', run.message);
      assert.match(run.message!, /memory limit of 128 MB exceeded/);
      if (/refused/.test(run.message!)) {
        assert.match(
          run.message!,
          /\(refused: new \w+: \d+ bytes more would take the run past its memory limit \(128 MB; \d+ MB/,
        );
      }
      assert.ok(run.memoryPeakBytes !== undefined, 'the peak is measured');
      const bound = STOPPED_BEFORE_THE_LIMIT.has(kind) ? LIMIT_MB * 2 ** 20 : BOUND;
      assert.ok(run.memoryPeakBytes! <= bound, `peak ${run.memoryPeakBytes! >> 20} MB > ${bound >> 20} MB`);
      assert.ok(run.ms < 30_000, `${run.ms} ms`);
    });
  }

  it('an output flood stays within the limit itself: its output is bounded and the time limit ends it', async () => {
    const run = await probe.run(
      'flood.lmm.ts',
      `${PRELUDE}export default function main() {\n  const line = 'z'.repeat(1 << 20);\n  for (let i = 0; ; i++) print(line + i);\n}\n`,
      { memoryLimitMb: LIMIT_MB, timeLimitMs: 4000 },
    );
    assert.equal(run.outcome, 'timed-out', run.message);
    assert.match(run.output, /\[lmm: \d+ lines of output dropped: the run printed more than 64 MiB\]\n$/);
    assert.ok(run.memoryPeakBytes! <= LIMIT_MB * 2 ** 20, `peak ${run.memoryPeakBytes! >> 20} MB`);
  });

  it('streamed heap operations wait for a slow reader instead of piling up: the run ends by a limit, within the bound', async () => {
    const file = probe.write(
      'stream.lmm.ts',
      `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  for (;;) XFREE(XCALLOC(1, node_t)!);\n}\n`,
    );
    let batches = 0;
    const result = await runHarness(file, {
      memoryLimitMb: LIMIT_MB,
      timeLimitMs: 3000,
      batchIntervalMs: 5,
      // A reader taking 20 ms a batch.
      onBatch: () => new Promise((resolve) => setTimeout(() => resolve(batches++), 20)),
    }).result;
    // The run's own records (every allocation's stack, for the report) grow with its operations:
    // the time limit or the memory limit ends it, whichever comes first; the queue never does.
    assert.ok(result.outcome === 'timed-out' || result.outcome === 'out-of-memory', result.message);
    assert.ok(batches > 10, `${batches} batches taken in`);
    assert.ok(result.memoryPeakBytes! <= BOUND, `peak ${result.memoryPeakBytes! >> 20} MB`);
  });

  it('a run right after each of those works, and buffers dropped along the way are not held against it', async () => {
    const run = await probe.run(
      'after.lmm.ts',
      `${PRELUDE}export default function main() {\n  let total = 0;\n  // Eight times the limit in all, never more than one buffer at a time.\n  for (let i = 0; i < 64; i++) total += new Uint8Array(16 << 20).fill(1).length;\n  print(total);\n}\n`,
      { memoryLimitMb: LIMIT_MB },
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, `${64 * (16 << 20)}\n`);
    assert.ok(run.memoryPeakBytes! <= LIMIT_MB * 2 ** 20, `peak ${run.memoryPeakBytes! >> 20} MB`);
  });
});
