/** Min/max decimation of chart series (webview-ui/src/decimate.ts). */
import { strict as assert } from 'node:assert';
import { SeriesSummary, decimate } from '../../../webview-ui/src/decimate';

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

describe('chart decimation over block summaries', () => {
  it('gives exactly what a full scan gives, for any length and width, as the run grows', () => {
    let seed = 1;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const series = new Float64Array(300_000);
    for (let i = 0; i < series.length; i++) series[i] = Math.floor(random() * 1000) - (i % 7919 === 0 ? 5000 : 0);
    const summary = new SeriesSummary();
    for (const length of [1, 63, 64, 65, 1000, 4097, 100_000, 100_003, 299_999, 300_000]) {
      for (const columns of [1, 7, 460, 1000]) {
        const fast = summary.decimate(series, length, columns);
        const full = decimate(series, length, columns);
        assert.deepEqual([...fast.min], [...full.min], `min, length ${length}, ${columns} columns`);
        assert.deepEqual([...fast.max], [...full.max], `max, length ${length}, ${columns} columns`);
      }
    }
  });
});
