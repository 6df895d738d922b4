/** Min/max decimation of chart series (webview-ui/src/decimate.ts). */
import { strict as assert } from 'node:assert';
import { decimate } from '../../webview-ui/src/decimate';

describe('chart decimation', () => {
  it('keeps every spike of a million steps in 1,000 columns', () => {
    const series = new Float64Array(1_000_000);
    series[123_456] = 99; // one spike in column 123
    series[999_999] = -5; // and a dip in the last
    const { min, max } = decimate(series, series.length, 1000);
    assert.equal(max[123], 99);
    assert.equal(min[999], -5);
    assert.equal(
      max.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0),
      1,
    );
  });

  it('uses only the first `length` entries (series arrays have spare capacity)', () => {
    const series = Float64Array.of(1, 2, 3, 4, 1000, 1000);
    const { min, max } = decimate(series, 4, 2);
    assert.deepEqual([...min], [1, 3]);
    assert.deepEqual([...max], [2, 4]);
  });

  it('gives every column a step when there are fewer steps than columns', () => {
    const { min, max } = decimate(Float64Array.of(5, 7), 2, 4);
    assert.deepEqual([...max], [5, 5, 7, 7]);
    assert.deepEqual([...min], [5, 5, 7, 7]);
  });
});
