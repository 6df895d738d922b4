// README, "Any failure is a message at a line": "Positions are those an editor shows: ... lines
// ended by LF, CR LF or a lone CR". JavaScript, TypeScript and esbuild also end a line at U+2028
// (LINE SEPARATOR) and U+2029 (PARAGRAPH SEPARATOR), which are legal in a string; an editor (VS
// Code, and LSP positions) does not. Each one before a site moved every site after it a line down:
// a leak, a memory error, a throw and a syntax error were reported on lines the editor did not show.
import { strict as assert } from 'node:assert';
import { HarnessProbe } from '../../support/harnessProbe';

const SEPARATORS = 'a line separator \u2028 and a paragraph separator \u2029 in a string';

/** The lines as an editor numbers them (1-based): the harness below, line for line. */
const LINES = [
  "import { XCALLOC_BUF, XFREE } from 'lmm-studio';", // 1
  `const said = '${SEPARATORS}';`, // 2
  'export default function main() {', // 3
  '  const kept = XCALLOC_BUF(8); const b = XCALLOC_BUF(4);', // 4
  '  XFREE(b);', // 5
  '  XFREE(b);', // 6: a double free
  "  if (said.length > 0) throw new Error('stop here'); // 7", // 7
  '  return kept;', // 8
  '}', // 9
];
const column = (line: number, text: string) => LINES[line - 1]!.indexOf(text) + 1;

describe("U+2028 and U+2029 in a harness: positions are the editor's lines", function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  for (const [name, end] of [
    ['LF', '\n'],
    ['CR LF', '\r\n'],
    ['a lone CR', '\r'],
  ] as const) {
    it(`a leak, a double free and a throw after them keep their lines (lines ended by ${name})`, async () => {
      const run = await probe.run('separators.lmm.ts', LINES.join(end) + end);
      assert.equal(run.outcome, 'crashed', run.message);
      assert.equal(run.site?.line, 7, 'the throw');
      assert.equal(run.site?.column, column(7, 'new Error'));
      const report = run.finished!.report;
      assert.deepEqual(
        report.errors.map((e) => [e.kind, e.site.line, e.site.column]),
        [['double-free', 6, 3]],
      );
      const doubleFree = report.errors[0]!;
      assert.match(doubleFree.message, /allocated at separators\.lmm\.ts:4:\d+ was already freed at separators\.lmm\.ts:5:3$/);
      assert.deepEqual([doubleFree.freeSite?.line, doubleFree.allocSite?.line], [5, 4]);
      assert.deepEqual(
        report.sites.map((s) => [s.site.line, s.site.column]).sort(),
        [
          [4, column(4, 'XCALLOC_BUF(8)')],
          [4, column(4, 'XCALLOC_BUF(4)')],
        ].sort(),
      );
    });
  }

  it("a syntax error after a line separator in a comment is on the editor's line, at its UTF-16 column there", async () => {
    // JavaScript ends the comment at U+2028, so what follows it on the editor's line is code.
    const text = `export default function main() {\n  // a comment \u2028 and more\n}\n`;
    const run = await probe.run('comment.lmm.ts', text);
    assert.equal(run.outcome, 'compile-error');
    const at = `  // a comment \u2028 and more`.indexOf('more') + 1;
    assert.equal(run.message!.replace(`${probe.dir}/`, ''), `comment.lmm.ts:2:${at}: Expected ";" but found "more"`);
  });
});
