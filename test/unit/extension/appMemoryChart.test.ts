import { strict as assert } from 'node:assert';
import {
  appMemoryChartSvg,
  appMemoryLegendHtml,
  appMemorySeries,
  MAX_CHART_POINTS,
} from '../../../src/extension/model/appMemoryChartSvg';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore } from '../../../src/extension/model/runState';
import { traceRun } from '../../../src/extension/model/traceRun';

/** A trace's run, replayed as the extension does; `eventsKept` as the setting would set it. */
function replayOf(text: string, eventsKept = 1_000_000): { replay: HeapReplay; report: ReturnType<typeof traceRun>['report'] } {
  const result = traceRun('/w/t.trace', text, 16);
  const replay = new HeapReplay({ pageSize: 4096, eventsKept });
  for (const batch of result.batches) replay.apply(batch);
  return { replay, report: result.report };
}

/** The (x, y) points of the chart's line, and its plot's top and bottom. */
function linePoints(svg: string): [number, number][] {
  const points = /<polyline class="series" points="([^"]*)"/.exec(svg)![1]!;
  return points.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
}

// 16-byte blocks: 64 bytes of application memory each (48 of meta data).
const SMALL = ['reg s 16', 'alloc a s 1', 'alloc b s 1', 'alloc c s 1', 'free a', 'free b'].join('\n');

describe('HTML export: application memory over the run', () => {
  it('is the application memory after every step, its peak at the first step that reached it', () => {
    const { replay, report } = replayOf(SMALL);
    const series = appMemorySeries(replay);
    assert.deepEqual(series.values, [0, 64, 128, 192, 128, 64]);
    assert.deepEqual([series.peak, series.peakStep, series.window, series.steps], [192, 4, 1, 6]);
    assert.equal(series.peak, report.totals.peakAppMemory, 'the report’s peak');
    assert.equal(series.values.at(-1), report.totals.appMemory, 'the report’s end');
    assert.equal(replay.heap.appMemory, 64, 'the run’s own heap is left as it was');
  });

  it('keeps every peak when it draws one point per window of steps', () => {
    const lines = ['reg s 16'];
    for (let i = 0; i < 5_000; i++) lines.push(`alloc a${i} s 1`, `free a${i}`);
    // One spike of three live blocks (a2000, x, y), in the middle of a window.
    lines.splice(4_002, 0, 'alloc x s 1', 'alloc y s 1', 'free x', 'free y');
    const { replay } = replayOf(lines.join('\n'));
    const series = appMemorySeries(replay);
    assert.ok(series.values.length <= MAX_CHART_POINTS, `${series.values.length} points`);
    assert.equal(series.peak, 3 * 64);
    assert.equal(Math.max(...series.values), series.peak, 'the spike survives');
    const svg = appMemoryChartSvg(series);
    const points = linePoints(svg);
    const top = Math.min(...points.map(([, y]) => y));
    assert.equal(top, 12, 'the peak touches the top of the plot');
    assert.equal(points.filter(([, y]) => y === top).length, 1, 'once');
    for (const [x, y] of points) assert.ok(x >= 90 && x <= 628 && y >= 12 && y <= 168, `${x},${y} inside the plot`);
    const xs = points.map(([x]) => x);
    assert.deepEqual(
      xs,
      [...xs].sort((a, b) => a - b),
      'left to right',
    );
  });

  it('labels its axes in bytes and steps, marks the peak and says so in its legend', () => {
    const { replay } = replayOf(SMALL);
    const series = appMemorySeries(replay);
    const svg = appMemoryChartSvg(series);
    assert.match(svg, /role="img" aria-label="Application memory over 6 steps: peak 192 B at step 4\."/);
    assert.match(svg, />192 B<\/text>/);
    assert.match(svg, />0 B<\/text>/);
    assert.match(svg, />step 6<\/text>/);
    const peak = /<circle class="peak" cx="([\d.]+)" cy="([\d.]+)"/.exec(svg)!;
    assert.deepEqual([Number(peak[1]), Number(peak[2])], linePoints(svg)[4], 'the marker sits on the line’s point for step 4');
    const legend = appMemoryLegendHtml(series);
    assert.match(legend, /payload \+ 48 B of meta data per live block/);
    assert.match(legend, /peak: 192 B at step 4/);
    assert.doesNotMatch(legend, /the first/);
  });

  it('says which steps it covers when the run kept fewer than it made, and draws nothing for no steps', () => {
    const { replay } = replayOf(SMALL, 4);
    const series = appMemorySeries(replay);
    assert.deepEqual([series.steps, series.runSteps], [6, 6], 'one batch of 6 steps: the window holds whole batches');
    assert.equal(
      appMemoryChartSvg(appMemorySeries(new HeapReplay({ pageSize: 4096, eventsKept: 10 }))),
      '<p>No heap operations: nothing to chart.</p>',
    );
    const lines = ['reg s 16'];
    for (let i = 0; i < 40; i++) lines.push(`alloc a${i} s 1`);
    const partial = appMemorySeries(replayOf(lines.join('\n'), 20).replay);
    // Batches of 16: the window keeps the last ones that hold at least 20 steps (steps 16 … 40).
    assert.deepEqual([partial.firstStep, partial.steps, partial.runSteps], [16, 25, 41]);
    assert.match(appMemoryLegendHtml(partial), /the last 25 of 41 steps \(the ones the run kept, lmm\.eventsKept\)/);
    // Each value is the run's own after that many operations: 16 blocks of 64 B after the first 17.
    assert.deepEqual(
      partial.values,
      Array.from({ length: 25 }, (_, i) => 64 * (16 + i)),
    );
    assert.equal(partial.peakStep, 41, 'the run’s step, not the window’s');
    const svg = appMemoryChartSvg(partial);
    assert.match(svg, />step 16<\/text>/);
    assert.match(svg, />step 41<\/text>/);
  });

  it('is in the exported page, after the map’s legend, with the same peak as the page’s figures', async () => {
    const { replay, report } = replayOf(SMALL);
    const store = new RunStore();
    const run = store.begin({ kind: 'trace', file: '/w/t.trace', label: 't.trace', replay, sites: [] });
    await store.end(run, 'finished', { report });
    const html = exportReport(run, 'html');
    const legendAt = html.indexOf('aria-label="Legend"');
    const chartAt = html.indexOf('<h2>Application memory over the run</h2>');
    assert.ok(legendAt > 0 && chartAt > legendAt);
    assert.match(
      html.slice(chartAt),
      /^<h2>Application memory over the run<\/h2>\n<svg class="chart"[^]*?<\/svg>\n<p class="chart-legend">/,
    );
    assert.match(html, /\.series\{fill:none;stroke:#0063d3/);
  });
});
