import { strict as assert } from 'node:assert';
import { parseTrace } from '../../../src/trace/traceProgram';
import { replayTrace, TraceReplayer } from '../../../src/trace/traceReplay';

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

describe('TraceReplayer (IDs whose blocks lie past the 2 GiB point, where handles turn positive)', () => {
  it('frees, refuses second frees and reports failures the same on both sides of the sign flip', () => {
    const pageSize = 4096;
    const texts = { name: () => 's_t', id: (index: number) => `a${index}` };
    const replayer = new TraceReplayer(texts, { memoryCap: 2 ** 32 - 2 * pageSize });
    replayer.begin(pageSize);
    const heap = replayer.heap!;
    // Address space only: the next pages are mapped a few slots above the flip, then across it.
    heap.kernel.reserveSlots(Math.floor(2 ** 31 / pageSize) - 3);
    replayer.register(0, 200, 1);
    const count = 200;
    for (let id = 0; id < count; id++) replayer.alloc(id, 0, id % 50 === 49 ? 100 : 1, 2 + id);
    const handles = [...heap.allocatedMetas()].map((meta) => (meta + 48) % 2 ** 32);
    assert.ok(handles.some((low) => low < 2 ** 31) && handles.some((low) => low >= 2 ** 31), 'blocks on both sides of the flip');
    for (let id = 0; id < count; id++) replayer.free(id, 1000 + id);
    for (let id = 0; id < count; id += 7) replayer.free(id, 2000 + id);
    const messages = replayer.diagnostics.map((d) => `${d.line}: ${d.message}`);
    assert.equal(messages.filter((m) => m.includes('failed')).length, 4);
    const doubles = messages.filter((m) => m.includes('double free'));
    const expected: string[] = [];
    for (let id = 0; id < count; id += 7)
      if (id % 50 !== 49) expected.push(`${2000 + id}: double free of a${id} (heap unchanged)`);
    assert.deepEqual(doubles, expected);
    assert.equal(heap.allocatedBlocks().count, 0);
    assert.equal(messages.length, 4 + expected.length);
  });
});
