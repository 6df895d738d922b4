import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { realValgrind } from './realValgrind';

/**
 * memcheck's deep-backtrace, ported by a stranger from the README (round 18) and run with its
 * .vgtest's vgopts, `-q --num-callers=500`: 498 functions each calling the one before, the
 * innermost reading an int through the null pointer main passes. memcheck reports an "Invalid read
 * of size 4" at "Address 0x0 … not stack'd, malloc'd or (recently) free'd" and the program dies of
 * SIGSEGV (valgrind's exit status 139), both with the read's stack, 499 frames. LMM differs there,
 * legitimately: a null view is no address in the simulated heap, so reading its field is the
 * harness's TypeError, which ends the run (crashed, exit 2) with no memory error; the stack of
 * that crash is memcheck's, frame for frame (f1's line, then f2 … f498 and main).
 */
const ported = join(__dirname, '..', '..', 'fixtures', 'ported');

/** The harness's lines as deep-backtrace.c's: f1 … f498 are harness lines 7 … 504 and C lines 4 … 501; main is 506 and 502. */
function cLine(harnessLine: number): number {
  return harnessLine === 506 ? 502 : harnessLine - 3;
}

/** memcheck's stack of the read: C lines 4 (f1) to 501 (f498), then main's 502. */
const MEMCHECK_STACK = [...Array.from({ length: 498 }, (_, i) => 4 + i), 502];

describe('deep-backtrace: a read through null 498 calls deep, with --num-callers=500', function () {
  this.timeout(60_000);

  it("lmm run deep-backtrace.lmm.ts -q --num-callers=500: the crash's stack is memcheck's 499 frames", async () => {
    const result = await lmm(
      'run',
      join(ported, 'deep-backtrace.lmm.ts'),
      '--leak-check=summary',
      '--show-leak-kinds=definite,possible',
      '-q',
      '--num-callers=500',
    );
    assert.equal(result.status, 2);
    const lines = result.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /deep-backtrace\.lmm\.ts:7:\d+: TypeError: Cannot read properties of null \(reading 'v'\)$/);
    const frames = [lines[0]!, ...lines.slice(1)].map((line) => Number(/\.lmm\.ts:(\d+):\d+/.exec(line)![1]));
    assert.deepEqual(frames.map(cLine), MEMCHECK_STACK);
    // No memory error: the run ended at the TypeError (its text says so after its report).
    assert.doesNotMatch(result.stdout, /Invalid read/);
    assert.match(result.stdout, /The run did not complete \(crashed\)/);
  });

  describe('the recorded stack is what valgrind -q --num-callers=500 prints here', () => {
    const valgrind = realValgrind('lmm-deep-backtrace-');

    it('valgrind -q --num-callers=500 ./deep-backtrace', () => {
      const stderr = valgrind('deep-backtrace', ['-q', '--num-callers=500']);
      const read = stderr.split('\n').map((line) => line.replace(/^==\d+== ?/, ''));
      const start = read.indexOf('Invalid read of size 4');
      assert.ok(start >= 0, stderr.slice(0, 2000));
      const stack: number[] = [];
      for (let i = start + 1; /^ {3}(at|by) /.test(read[i]!); i++)
        stack.push(Number(/\(deep-backtrace\.c:(\d+)\)$/.exec(read[i]!)![1]));
      assert.deepEqual(stack, MEMCHECK_STACK);
      assert.ok(read.includes(" Address 0x0 is not stack'd, malloc'd or (recently) free'd"));
      assert.ok(read.includes('Process terminating with default action of signal 11 (SIGSEGV)'));
    });
  });
});
