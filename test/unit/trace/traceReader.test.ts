import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { streamTraceFile } from '../../../src/cli/traceFileStream';
import { parseTrace } from '../../../src/trace/traceProgram';
import { MAX_LINE_BYTES, TraceReader, TraceSyntaxError, type TraceSink } from '../../../src/trace/traceReader';

const scratch = mkdtempSync(join(tmpdir(), 'lmm-trace-reader-'));

/** Every call a reader makes, with names and IDs as text, and the error that ended it. */
function recorded(read: (reader: TraceReader) => void, shortPath = true): string[] {
  const calls: string[] = [];
  const sink: TraceSink = {
    begin: (pageSize) => calls.push(`begin ${pageSize}`),
    register: (name, size, line) => calls.push(`reg ${reader.names.key(name)} ${size} @${line}`),
    alloc: (id, name, units, line) => calls.push(`alloc ${reader.ids.at(id)} ${reader.names.key(name)} ${units} @${line}`),
    free: (id, line) => calls.push(`free ${reader.ids.at(id)} @${line}`),
    dump: (line) => calls.push(`dump @${line}`),
  };
  const reader: TraceReader = new TraceReader(sink, undefined, shortPath);
  try {
    read(reader);
  } catch (error) {
    if (!(error instanceof TraceSyntaxError)) throw error;
    calls.push(`error ${error.line}: ${error.reason}`);
  }
  return calls;
}

function whole(bytes: Uint8Array, shortPath = true): string[] {
  return recorded((reader) => {
    reader.read(bytes, 0, bytes.length, true);
    reader.finish();
  }, shortPath);
}

let fileCount = 0;
function streamed(bytes: Uint8Array, chunkSize: number): string[] {
  const file = join(scratch, `t${fileCount++}.trace`);
  writeFileSync(file, bytes);
  return recorded((reader) => streamTraceFile(file, reader, chunkSize));
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Lines of traces, valid and not: the reader must treat them alike however they are cut. */
const traceLine = fc.oneof(
  fc.constantFrom('page 4096', 'page 128', 'page 0', 'reg node_t 24', 'reg é_t 8', 'dump', '# note', '', '  \t'),
  fc
    .tuple(fc.constantFrom('a', 'b', 'x_'), fc.nat(300), fc.constantFrom('node_t', 'é_t', 'nope'), fc.nat(5))
    .map(([letter, n, name, units]) => `alloc ${letter}${n} ${name} ${units}`),
  fc.tuple(fc.constantFrom('a', 'b', 'x_'), fc.nat(300)).map(([letter, n]) => `free ${letter}${n}`),
  fc.string({ maxLength: 12 }),
);

describe('TraceReader (bytes in, operations out)', () => {
  it('gives the same operations and the same error however the bytes are cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(traceLine, { maxLength: 40 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        (lines, newline, bom, finalNewline, chunkSize) => {
          const text = (bom ? '\ufeff' : '') + lines.join(newline) + (finalNewline ? newline : '');
          const bytes = encode(text);
          assert.deepEqual(streamed(bytes, chunkSize), whole(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  /** alloc and free lines as a program, a hand or an attacker may write them. */
  const oddLine = fc
    .tuple(
      fc.constantFrom('alloc', 'free', 'allocx', 'fre', 'alloc\t', 'free\r'),
      fc.constantFrom(' ', '  ', '\t', ' \r'),
      fc.constantFrom('a1', 'a01', 'a0', 'b7', 'a16777216', 'a99999999', 'x_1', 'é2', '#', ''),
      fc.constantFrom(' node_t', ' nope', '  node_t', ' node_t\u0001', ''),
      fc.constantFrom(' 1', ' 01', ' 4294967295', ' 4294967296', ' 00000000001', ' -1', ' 1x', ' ', ''),
      fc.constantFrom('', ' ', '\r', '\t', ' extra', '\u0000'),
    )
    .map((parts) => parts.join(''));

  it('reads alloc and free lines the same on the short path as through the general word splitter', () => {
    fc.assert(
      fc.property(
        // The tails of lines cut short: a scan that ran past a newline would join them to the line before.
        fc.array(
          fc.oneof(
            oddLine,
            traceLine,
            fc.constantFrom('node_t 1', ' 1', 'a1 node_t 1', '1', 'alloc a1', 'alloc a1 node_t', 'free'),
          ),
          { maxLength: 30 },
        ),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (lines, newline, finalNewline) => {
          const bytes = encode(['reg node_t 24', ...lines].join(newline) + (finalNewline ? newline : ''));
          assert.deepEqual(whole(bytes, true), whole(bytes, false));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads what parseTrace reads from the same text', () => {
    const text = 'page 8192\nreg node_t 24\r\nalloc a1 node_t 2\nalloc id-x node_t 1\nfree a1\ndump\n';
    const program = parseTrace(text);
    assert.equal(program.pageSize, 8192);
    assert.equal(program.length, 5);
    assert.deepEqual(whole(encode(text)), [
      'begin 8192',
      'reg node_t 24 @2',
      'alloc a1 node_t 2 @3',
      'alloc id-x node_t 1 @4',
      'free a1 @5',
      'dump @6',
    ]);
    assert.equal(program.ids.at(program.argA[2]!), 'id-x');
  });

  it('skips a UTF-8 BOM at the start, and only there', () => {
    assert.deepEqual(whole(encode('\ufeffpage 4096\nreg s_t 8\n')), whole(encode('page 4096\nreg s_t 8\n')));
    assert.match(whole(encode('reg s_t 8\n\ufeffdump\n')).at(-1)!, /^error 2: unknown command/);
  });

  const malformed: [string, string | Uint8Array, string][] = [
    ['page 0', 'page 0\n', 'error 1: page size must be a multiple of 8 from 128 to 262144, not 0'],
    ['page 100', 'page 100\n', 'error 1: page size must be a multiple of 8 from 128 to 262144, not 100'],
    ['page above the largest', 'page 262152\n', 'error 1: page size must be a multiple of 8 from 128 to 262144, not 262152'],
    ['page not a multiple of 8', '# c\npage 4100\n', 'error 2: page size must be a multiple of 8 from 128 to 262144, not 4100'],
    ['a huge page size', 'page 99999999999999999999999\n', 'error 1: page size 99999999999999999999999 is too large'],
    ['huge units', 'reg s_t 8\nalloc a1 s_t 4294967296\n', 'error 2: units 4294967296 is too large'],
    ['a NUL byte', 'reg s_t 8\nreg t\u00008\n', 'error 2: a NUL byte at column 6 (a trace is text)'],
    ['another control byte', 'dump\u0007\n', 'error 1: control byte 0x07 at column 5 (a trace is text)'],
    [
      'a truncated last line',
      'reg s_t 8\nalloc a1 s_t',
      `error 2: 'alloc' takes an ID, a struct name and units: alloc ID NAME UNITS: "alloc a1 s_t"`,
    ],
    ['a negative size', 'reg s_t -8\n', "error 1: struct size must be a whole number, not '-8'"],
    [
      'a very long word, cut in the message',
      `${'x'.repeat(100_000)}\n`,
      `error 1: unknown command '${'x'.repeat(60)}…' (expected page, reg, alloc, free, dump)`,
    ],
  ];
  for (const [what, input, error] of malformed) {
    it(`refuses ${what} with its line`, () => {
      const bytes = typeof input === 'string' ? encode(input) : input;
      assert.equal(whole(bytes).at(-1), error);
      assert.equal(streamed(bytes, 7).at(-1), error, 'the same when streamed in small chunks');
    });
  }

  it('accepts CRLF line ends and a last line without a newline', () => {
    assert.deepEqual(whole(encode('reg s_t 8\r\nalloc a1 s_t 1\r\nfree a1')), [
      'begin 4096',
      'reg s_t 8 @1',
      'alloc a1 s_t 1 @2',
      'free a1 @3',
    ]);
  });

  it('names bytes that are not UTF-8 with U+FFFD instead of failing', () => {
    const bytes = Uint8Array.from([...encode('reg '), 0xff, 0xfe, ...encode(' 8\n')]);
    assert.deepEqual(whole(bytes), ['begin 4096', 'reg \ufffd\ufffd 8 @1']);
  });

  describe(`a line longer than ${MAX_LINE_BYTES} bytes`, () => {
    const tooLong = (line: number, start: string) =>
      `error ${line}: a line longer than ${MAX_LINE_BYTES} bytes (a trace line is a command and its words): "${start}…"`;
    /** `alloc ID s_t 1` with an ID that makes the line `length` bytes long, its line end not counted. */
    const allocLine = (length: number) => `alloc ${'i'.repeat(length - 'alloc  s_t 1'.length)} s_t 1`;

    for (const newline of ['\n', '\r\n']) {
      const shownEnd = JSON.stringify(newline);
      it(`takes one of exactly that length, ended by ${shownEnd}, and refuses one a byte longer at its line, however it is read`, () => {
        const fits = encode(`reg s_t 8${newline}${allocLine(MAX_LINE_BYTES)}${newline}dump${newline}`);
        for (const calls of [whole(fits), whole(fits, false), streamed(fits, 7), streamed(fits, 1 << 20)]) {
          assert.deepEqual(calls.slice(-2), [`alloc ${'i'.repeat(MAX_LINE_BYTES - 12)} s_t 1 @2`, 'dump @3']);
        }
        const over = encode(`reg s_t 8${newline}${allocLine(MAX_LINE_BYTES + 1)}${newline}dump${newline}`);
        const error = tooLong(2, `alloc ${'i'.repeat(54)}`);
        for (const calls of [whole(over), whole(over, false), streamed(over, 7), streamed(over, 1 << 20)]) {
          assert.deepEqual(calls.slice(-2), ['reg s_t 8 @1', error]);
        }
      });
    }

    it('refuses a line without an end as soon as it is that long, not when the file ends (8 MiB streamed)', () => {
      const endless = new Uint8Array(8 << 20).fill(120 /* x */);
      endless.set(encode('dump\n'));
      assert.deepEqual(streamed(endless, 1 << 20), ['begin 4096', 'dump @1', tooLong(2, 'x'.repeat(60))]);
    });

    it('says so when the long line holds CRs (a file whose lines end with CR alone)', () => {
      const lines = encode('dump\r'.repeat(MAX_LINE_BYTES / 4));
      const error = whole(lines).at(-1)!;
      assert.match(
        error,
        /^error 1: a line longer than \d+ bytes .*\(a CR inside the line: lines end with LF or CR LF, not CR alone\)/,
      );
      assert.equal(streamed(lines, 1 << 20).at(-1), error);
    });
  });

  it('keeps IDs apart whose numbers are far apart (dense and hashed IDs mixed)', () => {
    const text = 'reg s_t 8\nalloc a16000000 s_t 1\nalloc a3 s_t 1\nfree a16000000\nalloc a70000000 s_t 1\nfree a3\n';
    assert.deepEqual(whole(encode(text)).slice(-3), ['free a16000000 @4', 'alloc a70000000 s_t 1 @5', 'free a3 @6']);
  });
});
