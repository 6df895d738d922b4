import { strict as assert } from 'node:assert';
import { parseTrace } from '../../../src/trace/traceProgram';
import { replayTrace } from '../../../src/trace/traceReplay';

describe('TraceReplayer (what each ID holds, across the growth of its tables)', () => {
  it('keeps every ID live, freed or failed apart over thousands of IDs', () => {
    const count = 5000;
    const lines = ['reg s_t 8'];
    for (let i = 1; i <= count; i++) lines.push(`alloc a${i} s_t ${i % 1000 === 0 ? 600 : 1}`);
    for (let i = 1; i <= count; i += 2) lines.push(`free a${i}`);
    // A second free of an early and of a late ID, a free of IDs whose alloc failed, a re-alloc of a freed ID.
    lines.push('free a1', `free a${count - 1}`, 'free a1000', 'free a5000', 'alloc a1 s_t 1', 'free a1', 'free a1');
    const result = replayTrace(parseTrace(lines.join('\n') + '\n'));
    const messages = result.diagnostics.map((d) => `${d.line}: ${d.message}`);
    const failed = messages.filter((m) => m.includes('failed'));
    assert.equal(failed.length, 5);
    assert.deepEqual(
      messages.filter((m) => !m.includes('failed')),
      [
        `${2 + count + count / 2}: double free of a1 (heap unchanged)`,
        `${3 + count + count / 2}: double free of a${count - 1} (heap unchanged)`,
        `${8 + count + count / 2}: double free of a1 (heap unchanged)`,
      ],
    );
    assert.equal(result.heap.allocatedBlocks().count, count / 2 - 5);
  });
});
