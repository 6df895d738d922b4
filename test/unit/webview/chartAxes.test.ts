/**
 * The charts' step scale (round tick spacing, short labels) and the glossary behind the views'
 * tooltips: values at the edges (1 step, a million steps, a narrow chart) and terms as the
 * tables write them.
 */
import { strict as assert } from 'node:assert';
import { compactCount, stepTickSpacing } from '../../../webview-ui/src/chartsView';
import { explain } from '../../../webview-ui/src/glossary';

describe('chart axes', () => {
  it('ticks are 1, 2 or 5 × 10^k steps, about one per 70 pixels, never below one step', () => {
    for (const [length, width] of [
      [1, 400],
      [8, 400],
      [213, 400],
      [1_000_000, 1300],
      [1_000_000, 40],
      [7, 1],
    ] as const) {
      const spacing = stepTickSpacing(length, width);
      assert.ok(spacing >= 1, `${length} steps in ${width} px: ${spacing}`);
      const mantissa = spacing / 10 ** Math.floor(Math.log10(spacing));
      assert.ok([1, 2, 5].includes(Math.round(mantissa)), `round spacing: ${spacing}`);
      const ticks = Math.floor(length / spacing);
      assert.ok(ticks <= Math.max(1, Math.ceil(width / 70)), `${ticks} ticks fit in ${width} px`);
    }
    assert.equal(stepTickSpacing(1_000_000, 1300), 100_000);
  });

  it('labels stay short: 950, 9,999, 12k, 12.5k, 1M, 1.5M', () => {
    assert.deepEqual([950, 9999, 12000, 12500, 1_000_000, 1_500_000].map(compactCount), [
      '950',
      '9,999',
      '12k',
      '12.5k',
      '1M',
      '1.5M',
    ]);
  });

  it('the glossary explains the terms as the tables and legend write them', () => {
    assert.match(explain('TBC')!, /total block count/);
    assert.match(explain('App memory')!, /payload \+ meta data/);
    assert.match(explain('Application memory')!, /payload \+ meta data/);
    assert.match(explain('meta data')!, /48 bytes/);
    assert.match(explain('Mapped')!, /registry pages included/);
    assert.equal(explain('student_t'), undefined, 'a struct name is not a term');
  });
});
