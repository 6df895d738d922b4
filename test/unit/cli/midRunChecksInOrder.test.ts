import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';

/**
 * `lmm run`'s text prints each mid-run leak check as it runs, among what the harness prints, as
 * memcheck prints a VALGRIND_DO_LEAK_CHECK where the program makes it; the report at exit does not
 * print them again.
 */
describe('lmm run: mid-run leak checks in the text, in run order', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-midrun-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const harness = (name: string, body: string) => {
    const file = join(dir, name);
    writeFileSync(
      file,
      `import { global, XCALLOC_BUF, XFREE, mm_leak_check, print, type Buf } from 'lmm-studio';
const kept = global<Buf>('kept');
export default function main(): void {
${body}
}
`,
    );
    return file;
  };

  it("prints each check between the harness's lines printed before and after it, once, before the HEAP SUMMARY at exit", async () => {
    const file = harness(
      'interleaved.lmm.ts',
      `  print('first line\\n');
  XCALLOC_BUF(10);
  mm_leak_check();
  console.log('between the checks');
  kept.value = XCALLOC_BUF(4);
  mm_leak_check('added');
  print('last line\\n');`,
    );
    const { status, stdout, stderr } = await lmm('run', file);
    assert.equal(status, 0, stderr);
    const at = (text: string) => {
      const index = stdout.indexOf(text);
      assert.ok(index >= 0, `${text} in\n${stdout}`);
      assert.equal(stdout.indexOf(text, index + 1), -1, `${text} printed once`);
      return index;
    };
    const order = [
      at('first line'),
      at('/interleaved.lmm.ts:6:3 (step '),
      at('10 bytes in 1 block are definitely lost in loss record 1 of 1'),
      at('between the checks'),
      at('/interleaved.lmm.ts:9:3 (step '),
      at('4 (+4) bytes in 1 (+1) block are still reachable in loss record 2 of 2'),
      at('   still reachable: 4 (+4) bytes in 1 (+1) block'),
      at('last line'),
      at('HEAP SUMMARY:'),
    ];
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it('prints the checks under --leak-check=no too (memcheck runs a VALGRIND_DO_LEAK_CHECK whatever it says), and every one of 1,000 in a loop', async () => {
    const file = harness(
      'many.lmm.ts',
      `  for (let i = 0; i < 1000; i++) {
    const b = XCALLOC_BUF(8);
    mm_leak_check('changed');
    XFREE(b);
  }`,
    );
    const { status, stdout, stderr } = await lmm('run', file, '--leak-check=no');
    assert.equal(status, 0, stderr);
    assert.equal(stdout.match(/^leak check at .*\/many\.lmm\.ts:6:5 \(step [\d,]+, changed\):$/gm)?.length, 1000);
    assert.equal(stdout.match(/^LEAK SUMMARY:$/gm)?.length, 1000);
    // Each finds the block of its turn at the same stack, as the one before: the record changed
    // at the first check alone (a plain const is no root, so the block is lost).
    assert.equal(stdout.match(/ in loss record /g)?.length, 1);
    assert.match(stdout, /^8 \(\+8\) bytes in 1 \(\+1\) block are definitely lost in loss record 1 of 1 \(buf\)$/m);
    assert.equal(stdout.match(/^ {3}definitely lost: 8 \(\+0\) bytes in 1 \(\+0\) block$/gm)?.length, 999);
    assert.match(stdout, /^No leak check ran at exit \(--leak-check=no\)/m);
  });
});
