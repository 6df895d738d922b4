/**
 * `lmm run` of a harness that ends early with its heap intact (a throw, the time limit) prints the
 * report of the heap when it ended, in text, as VS Code shows that run; then the error, exit 2.
 * Before, the text said only the error, though the README promised "the heap still reported".
 * (`--json` and `--sarif` print a document saying the run did not complete: earlyEndDocument.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../support/lmmCli';
import { nodeHarness, TIGHT_LOOP_HARNESS } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

describe('lmm run: a run that ends early is still reported (text)', function () {
  this.timeout(60_000);
  const { write } = scratchFolder('lmm-early-');

  it('a throw: the heap as it was (one block lost), the note, then FILE:LINE:COL: the error, exit 2', async () => {
    const file = write('throws.lmm.ts', nodeHarness('XCALLOC(1, node_t);', "throw new Error('boom');"));
    const r = await lmm('run', file);
    assert.equal(r.status, 2);
    assert.match(r.stdout, /definitely lost: 4 bytes in 1 block/);
    assert.match(r.stdout, /\(the leak check when the run stopped, at step 2: no end-of-run leak check ran\)/);
    assert.match(r.stdout, /at .*throws\.lmm\.ts:8:3/, 'the lost block’s allocating line');
    assert.match(r.stdout, /The run did not complete \(crashed\): the report above is the heap when it ended\.\n$/);
    assert.equal(r.stderr, `${file}:9:9: Error: boom\n`);
  });

  it('the time limit: the heap when the loop was stopped, exit 2', async () => {
    const file = write('loop.lmm.ts', TIGHT_LOOP_HARNESS);
    const r = await lmm('run', file, '--time-limit', '500');
    assert.equal(r.status, 2);
    assert.match(r.stdout, /total heap usage: [\d,]+ allocs/);
    assert.match(r.stdout, /The run did not complete \(timed-out\)/);
    assert.match(r.stderr, /time limit of 500 ms exceeded/);
  });

  it('the memory limit met by buffers: the heap when the run was stopped, exit 2', async () => {
    const file = write(
      'buffers.lmm.ts',
      nodeHarness('XCALLOC(1, node_t);', 'const kept: ArrayBuffer[] = [];', 'for (;;) kept.push(new ArrayBuffer(1 << 20));'),
    );
    const r = await lmm('run', file, '--memory-limit', '128');
    assert.equal(r.status, 2);
    assert.match(r.stdout, /definitely lost: 4 bytes in 1 block/);
    assert.match(r.stdout, /The run did not complete \(out-of-memory\): the report above is the heap when it ended\.\n$/);
    assert.match(r.stderr, /buffers\.lmm\.ts:\d+:\d+: memory limit of 128 MB exceeded/);
  });

  it('the JS heap at its cap, in a loop of small arrays: the worker ended with the heap, so no report (totals null)', async () => {
    const file = write(
      'arrays.lmm.ts',
      nodeHarness('XCALLOC(1, node_t);', 'const kept: number[][] = [];', 'for (;;) kept.push(new Array(1000).fill(1.5));'),
    );
    const r = await lmm('run', file, '--memory-limit', '128');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /arrays\.lmm\.ts:\d+:\d+: memory limit of 128 MB exceeded \(the JS heap reached its cap/);
    const json = JSON.parse((await lmm('run', file, '--memory-limit', '128', '--json')).stdout) as { totals: unknown };
    assert.equal(json.totals, null);
  });

  it('the time limit with every block freed: the check at the stop is named, never "no leaks are possible"', async () => {
    const file = write('freed.lmm.ts', nodeHarness('XFREE(XCALLOC(1, node_t));', 'let spin = 0;', 'for (;;) spin++;'));
    const r = await lmm('run', file, '--time-limit', '500');
    assert.equal(r.status, 2);
    assert.match(
      r.stdout,
      /LEAK SUMMARY:\n {3}\(the leak check when the run stopped, at step 3: no end-of-run leak check ran\)\n/,
    );
    assert.match(r.stdout, /\nNo block was live when the run stopped\n/);
    assert.doesNotMatch(r.stdout, /no leaks|All heap blocks were freed/i);
  });

  it('a compile error has no heap to report: the error only', async () => {
    const file = write('broken.lmm.ts', nodeHarness('const = ;'));
    const r = await lmm('run', file);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /broken\.lmm\.ts:\d+:\d+/);
  });
});
