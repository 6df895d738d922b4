import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHeap } from '../../../src/engine/invariants';
import { parseTrace } from '../../../src/trace/traceProgram';
import { replayTrace } from '../../../src/trace/traceReplay';

const dir = join(__dirname, '..', '..', 'fixtures', 'conformance');
const traces = readdirSync(dir).filter((f) => f.endsWith('.trace'));

/** Compares output lines with the expected ones: dumps as JSON values, the rest as text. */
function compareOutputs(actual: string[], expected: string[]): void {
  assert.equal(actual.length, expected.length, 'number of output lines');
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (e.startsWith('{')) assert.deepEqual(JSON.parse(actual[i]!), JSON.parse(e), `dump on output line ${i + 1}`);
    else assert.equal(actual[i], e, `output line ${i + 1}`);
  }
}

describe('conformance corpus (the C implementation of LMM)', () => {
  it('has all 13 traces of the shared corpus', () => assert.equal(traces.length, 13));
  for (const file of traces) {
    it(`replays ${file} exactly`, () => {
      const program = parseTrace(readFileSync(join(dir, file), 'utf8'));
      // The invariant checker runs before every operation, so a corrupting step is caught where it happens.
      const result = replayTrace(
        program,
        {},
        {
          beforeOp: (heap, index, line) =>
            assert.deepEqual(checkHeap(heap), [], `heap unsound before op ${index} (line ${line})`),
        },
      );
      const lines = (s: string) => s.split('\n').filter((l) => l !== '');
      compareOutputs(
        lines(result.output.join('')),
        lines(readFileSync(join(dir, file.replace(/\.trace$/, '.expected')), 'utf8')),
      );
      assert.deepEqual(checkHeap(result.heap), []);
    });
  }
});
