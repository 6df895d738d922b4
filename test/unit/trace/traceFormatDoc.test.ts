// docs/trace-format.md shows a trace and what replaying it prints: the engine must print exactly
// that, so the document cannot drift from the code (and the example keeps a double free out of
// standard output).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTrace, TraceSyntaxError } from '../../../src/trace/traceProgram';
import { replayTrace } from '../../../src/trace/traceReplay';

const doc = readFileSync(path.resolve(__dirname, '../../../docs/trace-format.md'), 'utf8');

function fenced(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(doc);
  assert.ok(match, `docs/trace-format.md has a \`\`\`${language} block`);
  return match[1]!;
}

describe('docs/trace-format.md', () => {
  it('its example trace prints exactly the output it shows', () => {
    const result = replayTrace(parseTrace(fenced('trace')));
    assert.equal(result.output.join(''), fenced('output'));
    assert.deepEqual(result.diagnostics, []);
  });

  it('a second free of the same ID goes to the diagnostics, and standard output stays the same', () => {
    const trace = fenced('trace').replace('free a1\n', 'free a1\nfree a1\n');
    const result = replayTrace(parseTrace(trace));
    assert.equal(result.output.join(''), fenced('output'));
    assert.equal(result.diagnostics.length, 1);
    assert.match(result.diagnostics[0]!.message, /double free/);
  });

  it('the malformed cases it lists stop the replay with the line', () => {
    const malformed: [string, number][] = [
      ['reg a 8\nfree nobody\n', 2],
      ['reg a 8\nfrobnicate\n', 2],
      ['reg a 8\nalloc a1 a\n', 2],
      ['reg a 8\nalloc a1 a 1.5\n', 2],
      ['reg a 8\npage 4096\n', 2],
      ['page 4096\npage 4096\n', 2],
    ];
    for (const [text, line] of malformed) {
      assert.throws(
        () => parseTrace(text),
        (error: unknown) => error instanceof TraceSyntaxError && error.line === line,
        JSON.stringify(text),
      );
    }
  });

  it('skips empty lines and # comments, and takes tabs and Windows line ends', () => {
    const text = '# a comment\n\n  #indented comment\r\nreg\temp_t 36\r\nalloc a1 emp_t 1\r\ndump\r\n';
    const result = replayTrace(parseTrace(text));
    const lines = result.output.join('').split('\n');
    assert.equal(lines[0], 'ok');
    assert.match(lines[1]!, /^\{"mmap":2,/);
    assert.equal(lines.length, 3, 'two lines and the final newline');
  });
});
