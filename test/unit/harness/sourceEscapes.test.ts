// README, "What it is not": "The texts SES refuses in source code (`import(`, `<!--`, `-->`) are
// escaped before the harness runs: strings and templates are unchanged, a regular expression
// matches the same but its `.source` shows the escape, and so does a tagged template's raw text
// (`String.raw`)". The raw text is the source as written, so no escape can leave it unchanged: the
// sentence said templates were, and `String.raw` showed `\u003C!--`.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessProbe } from '../../support/harnessProbe';

describe('source texts SES refuses, escaped: what the harness sees of them', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it('strings and templates (cooked) are unchanged; a regular expression matches the same', async () => {
    const run = await probe.run(
      'cooked.lmm.ts',
      [
        "import { print } from 'lmm-studio';",
        'export default function main() {',
        "  const tag = (parts: TemplateStringsArray, ...values: unknown[]) => parts.join('|') + values.join('|');",
        "  print('<!-- import( -->', `<!--${1}-->`, tag`a<!--${2}-->b`, /<!--|-->/.test('x-->'), /import\\(/.test('import('));",
        '}',
      ].join('\n'),
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, '<!-- import( --> <!--1--> a<!--|-->b2 true true\n');
  });

  it("a regular expression's .source and a tagged template's raw text show the escape, as the README says", async () => {
    const run = await probe.run(
      'raw.lmm.ts',
      [
        "import { print } from 'lmm-studio';",
        'export default function main() {',
        '  print(/a-->b/.source, String.raw`<!--`, String.raw`x-->`, String.raw`import(`);',
        '}',
      ].join('\n'),
    );
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(run.output, 'a--\\u003Eb \\u003C!-- x--\\u003E \\u0069mport(\n');
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    assert.ok(
      readme.includes("its `.source` shows the escape, and so does a tagged template's raw text (`String.raw`)"),
      'the README says which texts show the escape',
    );
  });
});
