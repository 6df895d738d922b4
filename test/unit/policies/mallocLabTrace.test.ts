import { strict as assert } from 'node:assert';
import { MallocLabSyntaxError, parseMallocLabTrace } from '../../../src/policies/mallocLabTrace';
import { WorkOp } from '../../../src/policies/workload';

function syntaxError(text: string): MallocLabSyntaxError {
  try {
    parseMallocLabTrace('t.rep', text);
  } catch (error) {
    assert.ok(error instanceof MallocLabSyntaxError);
    return error;
  }
  assert.fail('expected a syntax error');
}

describe('malloc-lab trace parser', () => {
  it('reads the header and the three requests', () => {
    const w = parseMallocLabTrace('t.rep', '20000\n2\n5\n1\na 0 10\na 1 20\nr 0 30\nf 1\nf 0\n');
    assert.equal(w.length, 5);
    assert.equal(w.idCount, 2);
    assert.deepEqual([...w.ops], [WorkOp.Alloc, WorkOp.Alloc, WorkOp.Realloc, WorkOp.Free, WorkOp.Free]);
    assert.deepEqual([...w.bytes], [10, 20, 30, 0, 0]);
    assert.deepEqual([...w.lines], [5, 6, 7, 8, 9]);
  });

  it('accepts the header on one line, blank lines and CRLF', () => {
    const w = parseMallocLabTrace('t.rep', '100 1 2 1\r\n\r\na 0 5\r\nf 0\r\n');
    assert.equal(w.length, 2);
  });

  it('skips a BOM that starts the file, and takes tabs and spaces around words', () => {
    const w = parseMallocLabTrace('t.rep', '\uFEFF100 1 2 1\n\t a\t0  5 \t\nf 0\n');
    assert.equal(w.length, 2);
  });

  const cases: [string, string, number, RegExp][] = [
    ['an unknown request', '1\n1\n1\n1\nx 0 3\n', 5, /unknown request 'x'/],
    ['a missing byte count', '1\n1\n1\n1\na 0\n', 5, /takes an ID and a byte count/],
    ['a negative size', '1\n1\n1\n1\na 0 -3\n', 5, /whole number/],
    ['an id past the header', '1\n1\n1\n1\na 1 3\n', 5, /not below the header's 1 ids/],
    ['a free of a free id', '1\n1\n3\n1\na 0 3\nf 0\nf 0\n', 7, /free of id 0, which is not allocated/],
    ['a realloc of an unallocated id', '1\n2\n1\n1\nr 1 4\n', 5, /realloc of id 1, which is not allocated/],
    ['an alloc over a live id', '1\n1\n2\n1\na 0 3\na 0 4\n', 6, /still allocated/],
    ['fewer requests than declared', '1\n1\n3\n1\na 0 3\nf 0\n', 6, /declares 3 requests, the trace has 2/],
    ['a short header', '1\n1\n', 2, /four numbers/],
    ['a bad header number', '1\nx\n1\n1\n', 2, /number of ids must be a whole number/],
    // Split at spaces, tabs and CRs only (as fscanf splits), and shown: these were read as `a 0 8`.
    ['a no-break space as a separator', '1 1 1 1\na\u00a00 8\n', 2, /^unknown request 'a\\u\{a0\}0'/],
    ['a line separator as a separator', '1 1 1 1\na\u20280 8\n', 2, /^unknown request 'a\\u\{2028\}0'/],
    ['a BOM that does not start the file', '1 1 1 1\n\uFEFFa 0 8\n', 2, /^unknown request '\\u\{feff\}a'/],
    [
      'lines ending with CR alone',
      '1\r1\r1\r1\ra 0 8\r',
      1,
      /^unexpected 'a' after the header \(a CR inside the line: lines end with LF or CR LF, not CR alone\)$/,
    ],
    ['a CR inside a request', '1 1 1 1\na 0\r8 9\n', 2, /^'a' takes an ID and a byte count: "a 0 8 9" \(a CR inside the line/],
  ];
  for (const [what, text, line, reason] of cases) {
    it(`rejects ${what} at line ${line}`, () => {
      const error = syntaxError(text);
      assert.equal(error.line, line);
      assert.match(error.reason, reason);
    });
  }
});
