/**
 * Nesting without brackets (prefix operators, nested `? :`, `if` without braces) overflows
 * TypeScript's parser; parseWithinStack says where, not 1:1.
 */
import { strict as assert } from 'node:assert';
import { overflowOffset, parseWithinStack, TooDeepForTheStack } from '../../../src/harness/compile/parseWithinStack';

/** What a parse throws, or undefined when it returns. */
function thrownBy(text: string): unknown {
  try {
    parseWithinStack('deep.ts', text);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('parseWithinStack (where the parser ran out of stack)', () => {
  it('finds the shortest prefix the attempt overflows on, at the start of its last token', () => {
    // Overflows once the prefix holds 40 `typeof`: the 40th starts at 8 + 39 * 7.
    const text = `let x = ${'typeof '.repeat(100)}y;`;
    const attempt = (prefix: string) => {
      if ((prefix.match(/typeof/g) ?? []).length >= 40) throw new RangeError('Maximum call stack size exceeded');
    };
    assert.equal(overflowOffset(text, attempt), 8 + 39 * 7);
  });

  it('passes on what is not a stack overflow', () => {
    assert.throws(
      () =>
        overflowOffset('abcdef', (prefix) => {
          if (prefix.length > 3) throw new TypeError('not an overflow');
        }),
      TypeError,
    );
  });

  const DEEP: [string, string, string][] = [
    ['20,000 unary minus', 'const x = ', `${'- '.repeat(20_000)}1;`],
    // 100,000, not 20,000: a typeof's parser frame is small, and 20,000 once fitted in the stack of a full unit run.
    ['100,000 typeof', 'const x = ', `${'typeof '.repeat(100_000)}y;`],
    ['20,000 nested if without braces', '', `${'if (a) '.repeat(20_000)}a;`],
    ['40,000 nested ternaries', 'const x = ', `${'a ? 1 : '.repeat(40_000)}2;`],
  ];
  for (const [name, before, deep] of DEEP) {
    it(`${name}: a TooDeepForTheStack inside the nesting, on its line`, () => {
      const text = `const a = 1;\n${before}${deep}\nconst after = 2;\n`;
      const error = thrownBy(text);
      assert.ok(error instanceof TooDeepForTheStack, String(error));
      assert.equal(error.line, 2);
      assert.ok(
        error.column > before.length + 1 && error.column <= before.length + deep.length,
        `column ${error.column} is not inside the nesting (${before.length + 1}..${before.length + deep.length})`,
      );
    });
  }

  it('an 8-deep nesting parses', () => {
    assert.equal(thrownBy(`const x = ${'- '.repeat(8)}1;\nif (a) if (a) if (a) a;\n`), undefined);
  });
});
