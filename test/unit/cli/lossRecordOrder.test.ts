/**
 * "The loss records are numbered most severe first (…; within a kind the most bytes first, …,
 * then the earliest allocated)": two records of the same kind and size are in the order their
 * blocks were allocated, not in the order of their lines in the file (the block allocated first
 * here is on a later line, through a call).
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

describe('lmm run: loss records of one kind and size, earliest allocated first', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-loss-order-');

  it('numbers them by allocation, in the text report and in the JSON', async () => {
    const harness = scratch.write(
      'order.lmm.ts',
      `import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct class a_t { @u32 v!: number; }
export default function main(): void {
  MM_REG_STRUCT(a_t);
  allocatedFirst();
  XCALLOC(1, a_t);
  XCALLOC(2, a_t);
}
function allocatedFirst(): void {
  XCALLOC(1, a_t);
}
`,
    );
    const text = await lmm('run', harness);
    assert.equal(text.status, 0, text.stderr);
    const records = [
      ...text.stdout.matchAll(
        /^(\d+) bytes in 1 block are definitely lost in loss record (\d) of 3 \(a_t\)\n {3}at \S*order\.lmm\.ts:(\d+):3$/gm,
      ),
    ].map((m) => `${m[2]}: ${m[1]} bytes at line ${m[3]}`);
    assert.deepEqual(records, ['1: 8 bytes at line 7', '2: 4 bytes at line 10', '3: 4 bytes at line 6']);
    const json = JSON.parse((await lmm('run', harness, '--json')).stdout) as {
      leaks: { bytes: number; site: { line: number } }[];
    };
    assert.deepEqual(
      json.leaks.map((record) => [record.bytes, record.site.line]),
      [
        [8, 7],
        [4, 10],
        [4, 6],
      ],
    );
  });
});
