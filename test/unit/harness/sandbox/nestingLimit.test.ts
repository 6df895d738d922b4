/**
 * "Brackets nested more than 256 deep are a compile error at their position (and one diagnostic
 * in the editor)": at the limit itself, 256 levels counting the function's own braces, the
 * harness compiles, runs and is analysed; one more level is refused at the bracket that passes
 * it, by `lmm run` and by the language server's scan alike, a `${` of a template counted as a
 * bracket.
 */
import { strict as assert } from 'node:assert';
import { MAX_NESTING_DEPTH } from '../../../../src/harness/compile/nestingDepth';
import { scanHarnessSafely } from '../../../../src/server/harnessScan';
import { HarnessProbe } from '../../../support/harnessProbe';

/** A harness whose deepest nesting is `depth`: main's body brace, then arrays inside each other on line 2. */
function nestedTo(depth: number): { text: string; deepestColumn: number } {
  const arrays = depth - 1;
  const prefix = '  const a = ';
  return {
    text: `export default function main() {\n${prefix}${'['.repeat(arrays)}${']'.repeat(arrays)};\n  void a;\n}\n`,
    // The innermost `[` (1-based column), the one that reaches `depth`.
    deepestColumn: prefix.length + arrays,
  };
}

describe('the harness sandbox: the bracket nesting limit, at it and one past it', function () {
  this.timeout(60_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  it(`is ${MAX_NESTING_DEPTH} levels, as the README says`, () => {
    assert.equal(MAX_NESTING_DEPTH, 256);
  });

  it(`${MAX_NESTING_DEPTH} levels compile, run and are analysed`, async () => {
    const { text } = nestedTo(MAX_NESTING_DEPTH);
    const run = await probe.run('at-limit.lmm.ts', text);
    assert.equal(run.outcome, 'completed', run.message);
    assert.equal(scanHarnessSafely(text).unreadable, undefined);
  });

  it(`${MAX_NESTING_DEPTH + 1} levels are a compile error at the bracket past the limit, and one diagnostic there`, async () => {
    const { text, deepestColumn } = nestedTo(MAX_NESTING_DEPTH + 1);
    const run = await probe.run('past-limit.lmm.ts', text);
    assert.equal(run.outcome, 'compile-error');
    assert.match(
      run.message!,
      new RegExp(`past-limit\\.lmm\\.ts:2:${deepestColumn}: brackets nest more than 256 levels deep here`),
    );
    const { unreadable } = scanHarnessSafely(text);
    assert.ok(unreadable, 'one diagnostic');
    assert.deepEqual([unreadable.line, unreadable.column], [2, deepestColumn]);
    assert.match(unreadable.message, /^LMM: brackets nest more than 256 levels deep here/);
  });

  it("a template's `${` counts as a level: one inside 256 levels passes the limit, one inside 255 does not", async () => {
    const inside = (levels: number) =>
      `export default function main() {\n  const a = ${'['.repeat(levels - 1)}\`\${1}\`${']'.repeat(levels - 1)};\n  void a;\n}\n`;
    assert.equal(scanHarnessSafely(inside(MAX_NESTING_DEPTH - 1)).unreadable, undefined);
    const past = scanHarnessSafely(inside(MAX_NESTING_DEPTH));
    assert.equal(past.unreadable?.line, 2);
    const run = await probe.run('template-past.lmm.ts', inside(MAX_NESTING_DEPTH));
    assert.equal(run.outcome, 'compile-error');
    assert.match(run.message!, /template-past\.lmm\.ts:2:\d+: brackets nest more than 256 levels/);
  });
});
