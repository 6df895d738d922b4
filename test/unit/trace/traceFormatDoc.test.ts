// docs/trace-format.md shows a trace and what replaying it prints: the engine must print exactly
// that, so the document cannot drift from the code (and the example keeps a double free out of
// standard output).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/lmm';
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

  it('--report prints, at each dump, its line and the classic reports instead of the JSON line', async () => {
    assert.match(doc, /`lmm trace FILE --report` prints, at each dump, a line\n`# dump at FILE:LINE` and LMM's classic/);
    assert.match(doc, /usage\) instead of its JSON line; the `ok` and `null` lines stay\./);
    const dir = mkdtempSync(path.join(tmpdir(), 'lmm-trace-doc-'));
    try {
      const file = path.join(dir, 'example.trace');
      writeFileSync(file, fenced('trace'));
      let stdout = '';
      const status = await main(['trace', file, '--report'], { stdout: (t) => (stdout += t), stderr: () => {} });
      assert.equal(status, 0);
      const lines = stdout.split('\n');
      assert.deepEqual(lines.slice(0, 3), ['ok', 'ok', `# dump at ${file}:6`], stdout);
      assert.doesNotMatch(stdout, /^\{"mmap"/m, 'no JSON line');
      assert.match(stdout, /^Page Family : emp_t, Size = 36$/m, 'registered page families');
      assert.match(stdout, /^Total Applcation Memory Usage : /m, 'memory usage, spelt as the C program spells it');
      assert.match(stdout, /Block 0 +F R E E D +block_size = 36 /, 'block usage: a1, freed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
