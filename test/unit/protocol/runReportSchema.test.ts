// The run report's one validator refuses a forged or malformed report with a message that says
// what is wrong, before any view or export uses it; and the HTML export escapes every text it
// prints, even for a report that never went through the validator.
import assert from 'node:assert/strict';
import { HeapReplay } from '../../../src/extension/model/heapReplay';
import { exportReport } from '../../../src/extension/model/reportExport';
import { RunStore } from '../../../src/extension/model/runState';
import { traceRun } from '../../../src/extension/model/traceRun';
import { asReport, LEAK_KINDS, type LmmReport } from '../../../src/protocol/runReportSchema';
import { LEAK_KINDS as ANALYSIS_LEAK_KINDS } from '../../../src/analysis/leakKinds';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const site = { file: '/w/h.lmm.ts', line: 3, column: 5 };
const MARKUP = '<img src=x onerror="alert(1)">&\'';

function validReport(): LmmReport {
  const { report } = traceRun('/w/t.trace', 'reg node_t 24\nalloc a node_t 1\nalloc b node_t 2\nfree a\n', 16);
  return {
    ...report,
    leaks: [{ kind: 'definitely-lost', struct: 'node_t', blocks: 1, bytes: 48, site, stack: [site], suppressed: false }],
    errors: [{ kind: 'double-free', message: 'double free of b', count: 2, site, stack: [site], event: 3, step: 4 }],
    leakChecks: [{ event: 2, step: 3, site, leaks: [] }],
    hints: [{ kind: 'padding', message: 'reorder node_t', savingBytes: 16 }],
  };
}

/** A copy of a valid report with one field replaced (path like `leaks.0.blocks`). */
function forged(pathText: string, value: unknown): unknown {
  const report = JSON.parse(JSON.stringify(validReport()));
  const keys = pathText.split('.');
  let owner = report;
  for (const key of keys.slice(0, -1)) owner = owner[key];
  owner[keys.at(-1)!] = value;
  return report;
}

describe('the run report schema', () => {
  it('takes a report the analyses built', () => {
    const report = validReport();
    assert.equal(asReport(JSON.parse(JSON.stringify(report))).leaks.length, 1);
  });

  it('takes a report that says whether the run completed, and one written before "complete" existed', () => {
    for (const complete of [true, false, undefined]) {
      const report = asReport(JSON.parse(JSON.stringify({ ...validReport(), complete })));
      assert.equal(report.complete, complete);
      assert.equal(report.leaks.length, 1);
    }
  });

  it('refuses a forged report with a clear message for each field a view or export prints', () => {
    const cases: [string, unknown, RegExp][] = [
      ['schemaVersion', 1, /unsupported report schemaVersion 1 \(expected 2\)/],
      ['families', 'x', /no "families" list/],
      ['families.0.name', 7, /families\[0\] has no name/],
      ['families.0.size', MARKUP, /families\[0\]\.size is not a number/],
      ['families.0.pages', '1<b>', /families\[0\]\.pages is not a number/],
      ['families.0.externalFragmentation', Infinity, /not a number/],
      ['totals.pages', MARKUP, /totals\.pages is not a number/],
      ['totals.appMemory', {}, /totals\.appMemory is not a number/],
      ['leaks.0.kind', MARKUP, /leaks\[0\] has an unknown kind/],
      ['leaks.0.struct', ['x'], /leaks\[0\] has no struct name/],
      ['leaks.0.blocks', MARKUP, /leaks\[0\] has no block and byte counts/],
      ['leaks.0.bytes', -1, /leaks\[0\] has no block and byte counts/],
      ['leaks.0.suppressed', 'no', /leaks\[0\]'s "suppressed" is not true or false/],
      ['leaks.0.site', { file: 'a', line: 0, column: 1 }, /leaks\[0\] has no valid site/],
      ['errors.0.kind', MARKUP, /errors\[0\] has no valid kind/],
      ['errors.0.count', MARKUP, /errors\[0\] has no count/],
      ['errors.0.count', 1.5, /errors\[0\] has no count/],
      ['errors.0.message', null, /errors\[0\] has no message/],
      // One record, one step: a report whose `step` and `event` disagree would make two views disagree.
      ['errors.0.step', 3, /errors\[0\]'s "step" \(3\) is not its "event" \+ 1 \(3 \+ 1\)/],
      ['errors.0.step', 0, /errors\[0\] has an invalid "step"/],
      ['errors.0.event', -1, /errors\[0\] has an invalid "event"/],
      ['errors.0.event', '3', /errors\[0\] has an invalid "event"/],
      ['leakChecks.0.step', 2, /leakChecks\[0\]'s "step" \(2\) is not its "event" \+ 1/],
      ['leakChecks.0.event', 1.5, /leakChecks\[0\] has an invalid "event"/],
      ['peak.step', 99, /peak's "step" \(99\) is not its "event" \+ 1/],
      ['peak', 'high', /"peak" is not an object/],
      ['hints.0.message', 3, /hints\[0\] has no message/],
      ['hints.0.savingBytes', MARKUP, /hints\[0\] has no saving in bytes/],
      ['leaks', [null], /leaks\[0\] is not an object/],
      ['complete', 'yes', /"complete" is not true or false/],
      ['complete', null, /"complete" is not true or false/],
    ];
    for (const [field, value, message] of cases) {
      assert.throws(() => asReport(forged(field, value)), message, `${field} = ${JSON.stringify(value)}`);
    }
    assert.throws(() => asReport(null), /not a JSON object/);
    assert.throws(() => asReport('{}'), /not a JSON object/);
  });

  it('is the one definition of the leak kinds (the analyses use the same list)', () => {
    assert.equal(ANALYSIS_LEAK_KINDS, LEAK_KINDS);
    // The harness API's declarations are read by the user's editor, apart from the code: same kinds.
    const declarations = readFileSync(path.resolve(__dirname, '../../../src/harness/api/lmm-studio.d.ts'), 'utf8');
    const declared = /export type LeakKind = ([^;]+);/.exec(declarations)?.[1];
    assert.deepEqual(
      declared?.split('|').map((k) => k.trim().replace(/'/g, '')),
      [...LEAK_KINDS],
    );
  });
});

describe('the HTML export escapes every text', () => {
  it('prints markup from every field of an unvalidated report as text', async () => {
    const store = new RunStore();
    const { report, batches, sites } = traceRun('/w/t.trace', 'reg node_t 24\nalloc a node_t 1\n', 16);
    const replay = new HeapReplay({ pageSize: 4096, eventsKept: 1000 });
    for (const batch of batches) replay.apply(batch);
    // A harness run's (a trace has no leak check, so its page lists no leak rows to escape).
    const run = store.begin({ kind: 'harness', file: '/w/t.trace', label: `t${MARKUP}.trace`, replay, sites });
    const evilSite = { file: MARKUP, line: MARKUP, column: MARKUP } as unknown as typeof site;
    // Every string and number field holds markup: the export must never print it as markup.
    const evil = {
      ...report,
      families: report.families.map((family) => {
        const copy: Record<string, unknown> = { ...family, name: MARKUP };
        for (const key of Object.keys(copy)) if (typeof copy[key] === 'number') copy[key] = MARKUP;
        return copy;
      }),
      totals: { ...report.totals, pages: MARKUP, appMemory: MARKUP },
      leaks: [{ kind: MARKUP, struct: MARKUP, blocks: MARKUP, bytes: MARKUP, site: evilSite, stack: [], suppressed: MARKUP }],
      errors: [{ kind: MARKUP, message: MARKUP, count: MARKUP, site: evilSite, stack: [] }],
      hints: [{ kind: MARKUP, message: MARKUP, savingBytes: MARKUP }],
      leakChecks: [{ event: MARKUP, site: { ...evilSite, line: 3 }, leaks: [] }],
    } as unknown as LmmReport;
    await store.end(run, 'failed', { report: evil, message: MARKUP });
    const html = exportReport(run, 'html');
    assert.match(html, /<h2>Leaks: the leak check when the run stopped, at step 2<\/h2>\n<table>/, 'the leak rows are there');
    assert.match(html, /<li>mm_leak_check\(\) at step \? \(&lt;img [^<]*\): 0 blocks lost<\/li>/, 'a mid-run check too');
    assert.ok(!html.includes('<img'), 'no markup from the report survives');
    assert.ok(!html.includes('onerror="'), 'no attribute from the report survives');
    assert.ok(html.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;'), 'names and messages show as text');
    // Figures that are not numbers show as '?', never as their text.
    assert.match(html, /<td>\?<\/td><td>\? \(\?\)<\/td>/);
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());
    const allowed = new Set([
      'html',
      'head',
      'meta',
      'title',
      'style',
      'body',
      'h1',
      'h2',
      'h3',
      'p',
      'svg',
      'rect',
      'text',
      'table',
      'tr',
      'th',
      'td',
      'ul',
      'li',
      'span',
      'line',
      'polyline',
      'circle',
    ]);
    assert.deepEqual([...new Set(tags.filter((tag) => !allowed.has(tag)))], [], 'only the page template’s own elements');
    // The chart of the run is drawn from the replayed heap, not from the forged figures: it is there, in numbers.
    const chart = /<h2>Application memory over the run<\/h2>\n<svg class="chart"[^>]*aria-label="([^"]*)"/.exec(html);
    assert.ok(chart, 'the chart is in the export');
    assert.equal(chart[1], 'Application memory over 2 steps: peak 72 B at step 2.');
  });
});
