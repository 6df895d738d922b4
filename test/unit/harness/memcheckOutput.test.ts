import { strict as assert } from 'node:assert';
import { parseMemcheckOutput, recordsInSiteOrder } from './memcheckOutput';

/**
 * The reader of valgrind's output that re-checks the ported programs' recorded figures, on text
 * valgrind 3.19 printed on this machine (cut to the lines that matter): the places where a loose
 * reading would take one thing for another.
 */
const BADFREE = `==15060== Invalid free() / delete / delete[] / realloc()
==15060==    at 0x484417B: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==15060==    by 0x109178: main (badfree.c:12)
==15060==  Address 0x87654321 is not stack'd, malloc'd or (recently) free'd
==15060== 
==15060== Invalid free() / delete / delete[] / realloc()
==15060==    at 0x484417B: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==15060==    by 0x10918C: main (badfree.c:14)
==15060==  Address 0x1fff00061c is on thread 1's stack
==15060==  in frame #1, created by main (badfree.c:8)
==15060== 
==15060== All heap blocks were freed -- no leaks are possible
`;

const MALLOC1 = `==1== Invalid write of size 1
==1==    at 0x1091A6: really (malloc1.c:19)
==1==    by 0x109151: main (malloc1.c:9)
==1==  Address 0x4a41041 is 1 bytes inside a block of size 10 free'd
==1==    at 0x484417B: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==1==    by 0x10919D: really (malloc1.c:18)
==1==    by 0x109151: main (malloc1.c:9)
==1==  Block was alloc'd at
==1==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==1==    by 0x10916A: really (malloc1.c:15)
==1==    by 0x109151: main (malloc1.c:9)
==1== 
==1== Invalid write of size 1
==1==    at 0x1091CA: really (malloc1.c:22)
==1==    by 0x109151: main (malloc1.c:9)
==1==  Address 0x4a4108f is 1 bytes before a block of size 10 alloc'd
==1==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==1==    by 0x1091B2: really (malloc1.c:20)
==1==    by 0x109151: main (malloc1.c:9)
==1== 
`;

const CHECKS = `==2== 10 bytes in 1 blocks are still reachable in loss record 1 of 1
==2==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==2==    by 0x1091A0: f (leak-delta.c:19)
==2== 
==2== LEAK SUMMARY:
==2==    definitely lost: 0 bytes in 0 blocks
==2==    indirectly lost: 0 bytes in 0 blocks
==2==      possibly lost: 0 bytes in 0 blocks
==2==    still reachable: 10 bytes in 1 blocks
==2==         suppressed: 0 bytes in 0 blocks
==2== LEAK SUMMARY:
==2==    definitely lost: 10 (+10) bytes in 1 (+1) blocks
==2==    indirectly lost: 0 (+0) bytes in 0 (+0) blocks
==2==      possibly lost: 0 (+0) bytes in 0 (+0) blocks
==2==    still reachable: 1,021 (+1,011) bytes in 2 (+1) blocks
==2==         suppressed: 0 (+0) bytes in 0 (+0) blocks
==2== 2,032 (1,000 direct, 1,032 indirect) bytes in 1 blocks are definitely lost in loss record 2 of 3
==2==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==2==    by 0x109160: mk (leak-delta.c:9)
==2==    by 0x1091B9: f (leak-delta.c:30)
==2==    by 0x109204: main (leak-delta.c:40)
==2== 
==2== 16 bytes in 1 blocks are indirectly lost in loss record 1 of 3
==2==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==2==    by 0x109160: mk (leak-delta.c:9)
==2==    by 0x1091B0: f (leak-delta.c:29)
==2==    by 0x109204: main (leak-delta.c:40)
==2== 
==2== 8 bytes in 1 blocks are still reachable in loss record 3 of 3
==2==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==2==    by 0x109160: mk (leak-delta.c:9)
==2==    by 0x1091B0: f (leak-delta.c:29)
==2==    by 0x109204: main (leak-delta.c:40)
==2== 
==2== LEAK SUMMARY:
==2==    definitely lost: 1,000 bytes in 1 blocks
==2==    indirectly lost: 1,032 bytes in 3 blocks
==2==      possibly lost: 0 bytes in 0 blocks
==2==    still reachable: 8 bytes in 1 blocks
==2==         suppressed: 0 bytes in 0 blocks
`;

describe('reading valgrind memcheck output (the ported programs’ re-check)', () => {
  it("an address \"not stack'd, malloc'd or (recently) free'd\" is an invalid free, not a double free; a stack address too", () => {
    const out = parseMemcheckOutput(BADFREE, 'badfree.c');
    assert.deepEqual(out.errors, [
      { kind: 'invalid-free', line: 12 },
      { kind: 'invalid-free', line: 14 },
    ]);
    assert.deepEqual(out.summaries, [
      { 'definitely-lost': [0, 0], 'indirectly-lost': [0, 0], 'possibly-lost': [0, 0], 'still-reachable': [0, 0] },
    ]);
  });

  it('an access inside a freed block is a use after free at the innermost line of the file, allocated where the block was; one before a live block is out of bounds', () => {
    assert.deepEqual(parseMemcheckOutput(MALLOC1, 'malloc1.c').errors, [
      { kind: 'use-after-free', line: 19, allocLine: 15 },
      { kind: 'out-of-bounds', line: 22, allocLine: 20 },
    ]);
  });

  it('every LEAK SUMMARY in order, a later one’s "(+N)" changes and thousands separators read as its totals; the records are the last check’s, direct bytes apart from indirect', () => {
    const out = parseMemcheckOutput(CHECKS, 'leak-delta.c');
    assert.deepEqual(
      out.summaries.map((s) => s['still-reachable']),
      [
        [10, 1],
        [1021, 2],
        [8, 1],
      ],
    );
    assert.deepEqual(out.summaries[1]!['definitely-lost'], [10, 1]);
    assert.deepEqual(out.summaries[2]!['indirectly-lost'], [1032, 3]);
    assert.deepEqual(out.records, [
      { kind: 'definitely-lost', bytes: 1000, blocks: 1, indirect: 1032, lines: [9, 30, 40] },
      { kind: 'indirectly-lost', bytes: 16, blocks: 1, indirect: 0, lines: [9, 29, 40] },
      { kind: 'still-reachable', bytes: 8, blocks: 1, indirect: 0, lines: [9, 29, 40] },
    ]);
  });

  it('a "fishy" size is a too-large request, at its line', () => {
    const fishy = `==3== Argument 'size' of function realloc has a fishy (possibly negative) value: -1
==3==    at 0x484682F: realloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==3==    by 0x10918F: main (accounting.c:12)
==3== 
`;
    assert.deepEqual(parseMemcheckOutput(fishy, 'accounting.c').errors, [{ kind: 'too-large', line: 12 }]);
  });

  it('records in site order: the outermost line first, then inward, ties by text', () => {
    assert.deepEqual(
      recordsInSiteOrder([
        { text: 'b', lines: [9, 30, 40] },
        { text: 'z', lines: [9, 29, 40] },
        { text: 'a', lines: [9, 29, 40] },
        { text: 'c', lines: [5, 41] },
      ]),
      ['a', 'z', 'b', 'c'],
    );
  });
});
