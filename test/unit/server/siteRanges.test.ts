// README: "Positions are those an editor shows: columns in UTF-16 units, ... lines ended by LF,
// CR LF or a lone CR". A run's site becomes an editor range over the word there; in a file whose
// lines end with a lone CR the whole file was one line to it, so every diagnostic sat at column 1
// of its line, one character wide, whatever the site's column.
import { strict as assert } from 'node:assert';
import { siteRange } from '../../../src/server/siteRanges';

const LINES = ['import { XFREE } from "lmm-studio";', 'const p = null;', '  XFREE(p); // 漢字😀'];
const word = { start: { line: 2, character: 2 }, end: { line: 2, character: 7 } };

describe('siteRange: a site of a run as the editor range of the word there', () => {
  for (const [name, end] of [
    ['LF', '\n'],
    ['CR LF', '\r\n'],
    ['a lone CR', '\r'],
  ] as const) {
    it(`covers the call at the site's column, lines ended by ${name}`, () => {
      assert.deepEqual(siteRange(LINES.join(end) + end, 3, 3), word);
      assert.deepEqual(siteRange(LINES.join(end), 3, 3), word, 'no line end after the last line');
    });
  }

  it('ends no line at U+2028 or U+2029 (an editor shows them inside a line)', () => {
    const text = `const s = 'a\u2028b\u2029c';\n  XFREE(p);\n`;
    assert.deepEqual(siteRange(text, 2, 3), { start: { line: 1, character: 2 }, end: { line: 1, character: 7 } });
    assert.deepEqual(siteRange(text, 1, 7), { start: { line: 0, character: 6 }, end: { line: 0, character: 7 } });
  });

  it('a column past its line, or a line past the text, still gives a one-character range there', () => {
    assert.deepEqual(siteRange('ab\rcd\r', 2, 9), { start: { line: 1, character: 2 }, end: { line: 1, character: 3 } });
    assert.deepEqual(siteRange('ab\r', 7, 1), { start: { line: 6, character: 0 }, end: { line: 6, character: 1 } });
    assert.deepEqual(siteRange(undefined, 3, 3), { start: { line: 2, character: 2 }, end: { line: 2, character: 3 } });
  });

  it('reads only up to its line: a site near the end of 200,000 lines with no CR is quick', () => {
    const text = 'x\n'.repeat(200_000) + '  XFREE(p);\n';
    const started = performance.now();
    for (let i = 0; i < 20; i++)
      assert.deepEqual(siteRange(text, 200_001, 3), {
        start: { line: 200_000, character: 2 },
        end: { line: 200_000, character: 7 },
      });
    assert.ok(performance.now() - started < 2_000, `${Math.round(performance.now() - started)} ms`);
  });
});
