// A suppressions file's lines end as a harness's do (README: "lines ended by LF, CR LF or a lone
// CR"): one saved with lone CRs was a single line, refused as "expected '{' to start a suppression,
// found '{ lost-student lmm:Leak …}'", though every entry in it was well formed.
import { strict as assert } from 'node:assert';
import { parseSuppressions } from '../../../src/analysis/suppressions';

const ENTRY = [
  '{',
  '   lost-student',
  '   lmm:Leak',
  '   match-leak-kinds: definite',
  '   struct: student_t',
  '   src:list.lmm.ts:5',
  '}',
];

describe('a suppressions file with any line ends', () => {
  for (const [name, end] of [
    ['LF', '\n'],
    ['CR LF', '\r\n'],
    ['a lone CR', '\r'],
  ] as const) {
    it(`reads the same entries, lines ended by ${name}`, () => {
      const [entry] = parseSuppressions(ENTRY.join(end) + end, 'list.lmmsupp');
      assert.equal(entry!.name, 'lost-student');
      assert.equal(entry!.struct?.source, 'student_t');
      assert.equal(entry!.frames.length, 1);
    });

    it(`names the right line of an error, lines ended by ${name}`, () => {
      const broken = [...ENTRY.slice(0, 5), '   fun:main', '}'];
      assert.throws(() => parseSuppressions(broken.join(end), 'list.lmmsupp'), /^SuppressionSyntaxError: list\.lmmsupp:6: /);
    });
  }

  it('a mix of them, as an editor may leave after a paste', () => {
    const text = `${ENTRY.slice(0, 3).join('\r')}\r\n${ENTRY.slice(3).join('\n')}\n`;
    assert.equal(parseSuppressions(text, 'list.lmmsupp').length, 1);
  });
});
