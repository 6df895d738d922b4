/**
 * `lmm trace` holds a replay's output until the trace has been read whole (a malformed trace
 * prints nothing but its error), but a trace of a few lines can ask for gigabytes of dumps.
 * Before, a 940 KB trace (50,000 allocs, then 20,000 dumps) grew `lmm` to 6.3 GB and ended as
 * `lmm: internal error: RangeError: Invalid typed array length`; and a FIFO as the trace was
 * waited on without end.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/lmm';
import { HELD_OUTPUT_BYTES, traceCommand } from '../../../src/cli/traceCommand';
import { lmm } from '../../support/lmmCli';

describe('lmm trace: output past what it holds', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-trace-bound-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // 4,000 blocks make each dump ~50 KB: 1,000 dumps are ~3 times what a replay holds.
  const lines = ['reg s_t 8'];
  for (let i = 0; i < 4000; i++) lines.push(`alloc a${i} s_t 1`);
  for (let i = 0; i < 1000; i++) lines.push(i % 100 === 50 ? `free a${i}\nfree a${i}` : 'dump');
  const dumps = join(dir, 'dumps.trace');
  writeFileSync(dumps, lines.join('\n') + '\n');

  const capture = async (argv: string[]) => {
    const writes: number[] = [];
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      stdoutBytes: (bytes) => {
        writes.push(bytes.length);
        stdout += Buffer.from(bytes).toString('utf8');
      },
    });
    return { code, stdout, stderr, writes };
  };

  it('writes a long output out as it goes, each write within the bound, the same bytes as when held whole', async () => {
    const streamed = await capture(['trace', dumps]);
    assert.equal(streamed.code, 0, streamed.stderr);
    assert.ok(streamed.stdout.length > 2 * HELD_OUTPUT_BYTES, `${streamed.stdout.length} bytes of output`);
    assert.ok(streamed.writes.length > 1, 'written in several pieces');
    for (const size of streamed.writes) assert.ok(size < HELD_OUTPUT_BYTES + (1 << 20), `a write of ${size} bytes`);
    // Held whole (a bound larger than the output), the replay prints the same.
    let held = '';
    let heldErrors = '';
    const code = traceCommand([dumps], { stdout: (t) => (held += t), stderr: (t) => (heldErrors += t) }, Number.MAX_SAFE_INTEGER);
    assert.equal(code, 0);
    assert.ok(held === streamed.stdout, 'the same output');
    assert.equal(streamed.stderr, heldErrors);
    assert.equal(streamed.stderr.match(/double free/g)?.length, 10);
  });

  it('a trace malformed after more output than it holds still prints nothing but its error', async () => {
    const bad = join(dir, 'bad-at-end.trace');
    writeFileSync(bad, lines.join('\n') + '\nalloc zz s_t many\n');
    const result = await capture(['trace', bad]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `${bad}:${lines.join('\n').split('\n').length + 1}: units must be a whole number, not 'many'\n`);
  });

  it('a FIFO as the trace is refused at once, not waited on', async () => {
    if (process.platform === 'win32') return;
    const fifo = join(dir, 'pipe.trace');
    execFileSync('mkfifo', [fifo]);
    const result = await lmm('trace', fifo);
    assert.equal(result.status, 2);
    assert.equal(result.stderr, `${fifo}: not a regular file (a trace is text)\n`);
  });
});
