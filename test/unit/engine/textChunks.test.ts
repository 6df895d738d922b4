import { strict as assert } from 'node:assert';
import { TextChunks } from '../../../src/engine/textChunks';

describe('TextChunks hands text on in chunks of at most its size', () => {
  const chunked = (maxChars: number, pieces: string[]): string[] => {
    const out: string[] = [];
    const chunks = new TextChunks(maxChars, (chunk) => out.push(chunk));
    for (const piece of pieces) chunks.write(piece);
    chunks.flush();
    return out;
  };

  it('joins small pieces up to the size, never past it, and loses or reorders nothing', () => {
    const pieces = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`.repeat((i % 5) + 1));
    const out = chunked(100, pieces);
    assert.equal(out.join(''), pieces.join(''));
    for (const chunk of out) assert.ok(chunk.length <= 100, `a chunk of ${chunk.length} characters`);
    // Full chunks, not a chunk per piece: each but the last holds more than the size less the longest piece.
    const longest = Math.max(...pieces.map((p) => p.length));
    for (const chunk of out.slice(0, -1)) assert.ok(chunk.length > 100 - longest, `a chunk of ${chunk.length} characters`);
  });

  it('a piece longer than the size goes out alone, after what was held', () => {
    assert.deepEqual(chunked(10, ['ab', 'x'.repeat(25), 'cd']), ['ab', 'x'.repeat(25), 'cd']);
  });

  it('a piece that fills the size exactly goes out at once; empty pieces and a flush of nothing send nothing', () => {
    assert.deepEqual(chunked(4, ['abcd', '', 'ef', 'gh', '']), ['abcd', 'efgh']);
    assert.deepEqual(chunked(4, []), []);
  });

  it('refuses a size that holds nothing', () => {
    assert.throws(() => new TextChunks(0, () => undefined), RangeError);
  });
});
