// README: "`const head = global<node_t>('head')` declares a global (once, by name: one line of at
// most 256 characters)". Characters, not UTF-16 units: a name of 200 emoji (400 units) was refused
// as longer than 256 characters, while 'g' × 256 was taken.
import { strict as assert } from 'node:assert';
import { inProcessHarness } from '../../support/inProcessHarness';
import { MAX_VARIABLE_NAME } from '../../../src/harness/runtime/rootVariables';

describe('a pointer variable name: at most 256 characters', () => {
  it('the README says 256, and the bound is that', () => {
    assert.equal(MAX_VARIABLE_NAME, 256);
  });

  for (const [script, char] of [
    ['ASCII', 'g'],
    ['an accented letter', 'é'],
    ['a CJK character', '学'],
    ['an emoji, two UTF-16 units', '😀'],
  ] as const) {
    it(`${script}: 256 of them are taken, 257 refused, for a global and a local`, () => {
      const { lmm } = inProcessHarness();
      const { global, local } = lmm;
      assert.doesNotThrow(() => global(char.repeat(MAX_VARIABLE_NAME)));
      assert.doesNotThrow(() => local(null, `l${char.repeat(MAX_VARIABLE_NAME - 1)}`));
      assert.throws(() => global(`x${char.repeat(MAX_VARIABLE_NAME)}`), /a name has at most 256 characters/);
      assert.throws(() => local(null, char.repeat(MAX_VARIABLE_NAME + 1)), /a name has at most 256 characters/);
    });
  }
});
