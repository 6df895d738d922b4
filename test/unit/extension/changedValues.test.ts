import assert from 'node:assert/strict';
import { ChangedValues } from '../../../src/extension/model/changedValues';

describe('ChangedValues (context keys are sent only when they change)', () => {
  it('passes the first value of each key, then only a different one', () => {
    const values = new ChangedValues<string>();
    const sent: [string, unknown][] = [];
    const set = (key: string, value: unknown) => {
      if (values.changed(key, value)) sent.push([key, value]);
    };
    // A live run's progress, four times, then its end; a keystroke's harness check in between.
    for (let i = 0; i < 4; i++) {
      set('lmm.running', true);
      set('lmm.hasRun', true);
      set('lmm.isHarnessFile', false);
    }
    set('lmm.running', false);
    set('lmm.running', true);
    assert.deepEqual(sent, [
      ['lmm.running', true],
      ['lmm.hasRun', true],
      ['lmm.isHarnessFile', false],
      ['lmm.running', false],
      ['lmm.running', true],
    ]);
  });

  it('tells an unset key from one set to undefined, and NaN from NaN as the same', () => {
    const values = new ChangedValues<string>();
    assert.equal(values.changed('k', undefined), true, 'the first value is sent, even undefined');
    assert.equal(values.changed('k', undefined), false);
    assert.equal(values.changed('k', NaN), true);
    assert.equal(values.changed('k', NaN), false);
    assert.equal(values.changed('k', 0), true);
    assert.equal(values.changed('k', -0), true, 'Object.is: -0 is another value');
  });
});
