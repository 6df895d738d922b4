// A memory error's diagnostic and hover say its kind once: the message of a double free already
// begins with "double free", memcheck's words for an access do not name the kind.
import { strict as assert } from 'node:assert';
import { errorWords } from '../../../src/server/errorWords';

describe('a memory error’s words in the editor', () => {
  it('leaves the kind out when the message already begins with it, in any case', () => {
    assert.equal(
      errorWords('double-free', 'double free: the block of req_t … was already freed'),
      'double free: the block of req_t … was already freed',
    );
    assert.equal(errorWords('invalid-free', 'Invalid free: 0x10 is inside a block'), 'Invalid free: 0x10 is inside a block');
    assert.equal(errorWords('out-of-memory', 'out of memory: no page for 1 × chunk_t'), 'out of memory: no page for 1 × chunk_t');
  });

  it('keeps the kind in front of words that do not name it', () => {
    assert.equal(
      errorWords('out-of-bounds', 'Invalid write of size 8: field `course`, 0 bytes after the end'),
      'out-of-bounds: Invalid write of size 8: field `course`, 0 bytes after the end',
    );
    assert.equal(errorWords('use-after-free', 'Invalid read of size 4'), 'use-after-free: Invalid read of size 4');
    // A message that only shares the kind's first word is not the kind.
    assert.equal(errorWords('double-free', 'double the size'), 'double-free: double the size');
  });
});
