/**
 * The built-in preprocessor's cost grows with the header's length, with a small constant: a
 * header of 64 MiB of NUL bytes took about 90 s (a token for each NUL, and the text rebuilt a
 * character at a time), and each comment counted the lines before it again (40,000 comment
 * lines took 39 s, twice as many four times that).
 */
import { strict as assert } from 'node:assert';
import { preprocess } from '../../../../src/analysis/cImport/cPreprocessor';
import { importCHeader } from '../../../../src/analysis/cImport/importCHeader';

/** The fastest of `runs` runs of `work`, in milliseconds (the least disturbed by the machine). */
function fastest(work: () => void, runs = 2): number {
  let best = Infinity;
  for (let k = 0; k < runs; k++) {
    const start = process.hrtime.bigint();
    work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

describe('the built-in preprocessor on huge headers', function () {
  this.timeout(60_000);

  it('a NUL byte is no token: 4 MiB of them preprocess to an empty line', () => {
    const nuls = '\0'.repeat(4 * 2 ** 20);
    // Before, each NUL went through macro expansion and came out again: 4 Mi characters here.
    assert.ok(preprocess(nuls, 'h.h').text.length < 100);
    const result = importCHeader(`${nuls}\nstruct after { int x; };\n`, 'h.h');
    assert.deepEqual(
      result.structs.map((s) => [s.name, s.line, s.status]),
      [['after', 2, 'written']],
    );
  });

  it('4 MiB of NULs import in well under the 5 s they took', () => {
    const nuls = '\0'.repeat(4 * 2 ** 20);
    const ms = fastest(() => importCHeader(nuls, 'h.h'));
    assert.ok(ms < 2_500, `${ms.toFixed(0)} ms`);
  });

  it('comments cost in proportion to their number (four times the lines, about four times the time)', () => {
    const lines = (count: number) => '/* a comment */\n'.repeat(count);
    const small = lines(40_000);
    const large = lines(160_000);
    const smallMs = fastest(() => importCHeader(small, 'h.h'));
    const largeMs = fastest(() => importCHeader(large, 'h.h'));
    // Linear is 4; the quadratic count it replaced was 16 (and minutes).
    assert.ok(largeMs / smallMs < 10, `${smallMs.toFixed(0)} ms, then ${largeMs.toFixed(0)} ms`);
  });

  it('an unclosed comment still names the line it opens on, after comments and continued lines', () => {
    const text = '/* one */\n/* two\n */ int a; \\\n int b;\n/* three */ /* open\n\n';
    const result = importCHeader(text, 'h.h');
    assert.ok(
      result.notes.some((n) => n.line === 5 && /comment/.test(n.message)),
      JSON.stringify(result.notes),
    );
  });
});
