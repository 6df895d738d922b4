import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyMapping } from '../../../src/policies/allocatorPolicy';
import { comparePolicies } from '../../../src/policies/comparePolicies';
import { parseWorkload } from '../../../src/policies/workloadFormats';
import {
  payloadSeries,
  runPoliciesWithPictures,
  runPolicyWithPictures,
  seriesStride,
  type PolicyRunResult,
} from '../../../src/extension/model/policyRun';
import {
  rowsPerPicture,
  DEFAULT_COMPARED_POLICIES,
  policyCompareHtml,
  policyCompareMarkdown,
  policyCompareModel,
} from '../../../src/extension/model/policyCompare';
import { pageRows, policyPagesSvg } from '../../../src/extension/model/policyPagesSvg';
import { compareRunsChoice } from '../../../src/extension/model/compareRunsChoice';
import { runPoliciesFromText } from '../../../src/extension/model/policyWorkerJob';
import { runPoliciesOffThread } from '../../../src/extension/policyRunner';
import { POLICY_NAMES } from '../../../src/policies/policyRegistry';

const SHORT1 = readFileSync(join(__dirname, '../../fixtures/malloc-lab/short1-bal.rep'), 'utf8');
/** Three live blocks at the end (ids 0, 2, 3), one freed; a 5000-byte request lmm-classic rejects. */
const LEAKY = ['20000', '5', '6', '1', 'a 0 100', 'a 1 200', 'a 2 300', 'f 1', 'a 3 40', 'a 4 5000'].join('\n');
const NONCE = 'abcdefghijklmnopqrstuv';

const rects = (svg: string) => (svg.match(/<rect /g) ?? []).length;
const usedBlocks = (mappings: PolicyMapping[]) =>
  mappings.reduce((n, m) => n + m.blocks.filter((b) => b.state === 'used').length, 0);

describe('policy lab in the extension', () => {
  describe('runPolicyWithPictures', () => {
    it('reports what lmm compare reports, for every policy', () => {
      const workload = parseWorkload('short1-bal.rep', SHORT1);
      const cli = comparePolicies(
        workload,
        POLICY_NAMES.map((policy) => ({ policy, reservoirPages: 0, reservoirDelay: 0 })),
        { timingMs: 0 },
      );
      const ours = runPoliciesWithPictures(workload, POLICY_NAMES, { timingMs: 0 });
      assert.equal(ours.length, POLICY_NAMES.length);
      ours.forEach((run, i) => assert.deepEqual({ ...run.report, kops: 0 }, { ...cli[i], kops: 0 }));
    });

    it('pictures the heap at its peak of mapped pages, and at the end', () => {
      const workload = parseWorkload('short1-bal.rep', SHORT1);
      for (const policy of ['lmm-classic', 'hybrid', 'tlsf', 'buddy']) {
        const run = runPolicyWithPictures(workload, policy, { timingMs: 0 });
        assert.equal(run.report.integrity, 'ok', policy);
        // short1 frees everything: the end holds no live block, the peak holds the most mapped bytes.
        assert.equal(usedBlocks(run.end.mappings), 0, policy);
        assert.equal(run.end.mappedBytes, run.report.mappedBytes, policy);
        assert.ok(run.peak !== null, `${policy}: a peak before the end`);
        assert.equal(run.peak.mappedBytes, run.report.peakMappedBytes, policy);
        assert.ok(usedBlocks(run.peak.mappings) > 0, policy);
        assert.ok(run.peak.calls > 0 && run.peak.calls < run.end.calls, policy);
      }
    });

    it('follows mapped bytes and live payload over the run, window maxima included', () => {
      const workload = parseWorkload('short1-bal.rep', SHORT1);
      for (const policy of ['lmm-classic', 'hybrid', 'buddy']) {
        const run = runPolicyWithPictures(workload, policy, { timingMs: 0 });
        const { stride, mappedBytes, payloadBytes } = run.series;
        assert.equal(stride, seriesStride(workload.length));
        assert.equal(payloadBytes.length, Math.ceil(workload.length / stride));
        // The series' maxima are the report's peaks: no spike falls between two points.
        assert.equal(Math.max(...mappedBytes), run.report.peakMappedBytes, policy);
        // The payload is what the workload asks for: what lmm-classic rejects (above a page) counts too.
        if (run.report.rejected === 0) assert.equal(Math.max(...payloadBytes), run.report.peakPayload, policy);
        else assert.ok(Math.max(...payloadBytes) > run.report.peakPayload, policy);
        assert.ok(mappedBytes.at(-1)! >= run.report.mappedBytes, policy);
        // Both by operation, so their points line up whatever a policy refuses.
        assert.equal(mappedBytes.length, payloadBytes.length, policy);
      }
      // Window maxima: one point per 4 operations keeps a one-operation spike.
      const spike = parseWorkload('spike.rep', '0\n3\n6\n1\na 0 8\na 1 1000\nf 1\na 2 8\nf 0\nf 2\n');
      assert.deepEqual(payloadSeries(spike, 4), [1008, 16]);
      // A point is the most over its window, the state it starts from included.
      assert.deepEqual(payloadSeries(spike, 1), [8, 1008, 1008, 16, 16, 8]);
    });

    it('shows the live blocks left at the end, and counts what lmm-classic rejects', () => {
      const workload = parseWorkload('leaky.rep', LEAKY);
      const classic = runPolicyWithPictures(workload, 'lmm-classic', { timingMs: 0 });
      assert.equal(classic.report.rejected, 1);
      assert.equal(usedBlocks(classic.end.mappings), 3);
      const hybrid = runPolicyWithPictures(workload, 'hybrid', { timingMs: 0 });
      assert.equal(hybrid.report.rejected, 0);
      assert.equal(usedBlocks(hybrid.end.mappings), 4);
      const sizes = hybrid.end.mappings.flatMap((m) => m.blocks.filter((b) => b.state === 'used').map((b) => b.size));
      for (const wanted of [100, 300, 40, 5000])
        assert.ok(
          sizes.some((s) => s >= wanted),
          `a block for ${wanted} bytes`,
        );
      // Nothing was freed after the last allocation grew the heap: the end is the peak.
      assert.equal(hybrid.peak, null);
    });

    it('rejects an unknown policy before running any', () => {
      const workload = parseWorkload('short1-bal.rep', SHORT1);
      assert.throws(() => runPoliciesWithPictures(workload, ['hybrid', 'no-such'], { timingMs: 0 }), /unknown policy 'no-such'/);
    });
  });

  describe('the compare model', () => {
    let runs: PolicyRunResult[];
    before(() => {
      runs = runPoliciesWithPictures(parseWorkload('leaky.rep', LEAKY), [...DEFAULT_COMPARED_POLICIES], { timingMs: 5 });
    });

    it('puts the two policies side by side, counters in the runs’ order', () => {
      const model = policyCompareModel(runs);
      assert.deepEqual(model.policies, ['lmm-classic', 'hybrid']);
      assert.equal(model.workload, 'leaky.rep');
      assert.equal(model.ops, 6);
      const row = (label: string) => model.rows.find((r) => r.label.startsWith(label))!.cells;
      assert.deepEqual(row('rejected requests'), ['1', '0']);
      assert.deepEqual(row('integrity'), ['ok', 'ok']);
      assert.deepEqual(
        row('mmap calls'),
        runs.map((r) => String(r.report.mmap)),
      );
      assert.deepEqual(
        row('syscalls'),
        runs.map((r) => String(r.report.syscalls)),
      );
      assert.equal(row('utilization')[1], `${(100 * runs[1]!.report.utilization).toFixed(1)}%`);
      assert.match(row('Kops/s')[1]!, /^\d+$/);
      assert.deepEqual(row('header cost'), [
        '48 B per block, 24 B per page',
        '0 B (small) or 4 B per block, 48 B per small page',
      ]);
    });

    it('says FAILED with the reason when a run broke its integrity', () => {
      const broken: PolicyRunResult = {
        ...runs[1]!,
        report: { ...runs[1]!.report, integrity: 'op 3 (line 7): payload changed' },
      };
      const model = policyCompareModel([runs[0]!, broken]);
      assert.deepEqual(model.rows.find((r) => r.label.startsWith('integrity'))!.cells, [
        'ok',
        'FAILED: op 3 (line 7): payload changed',
      ]);
      assert.match(policyCompareHtml([runs[0]!, broken], NONCE, 'vscode-resource:'), /<td class="bad">FAILED: op 3/);
    });

    it('shares about 640 page rows among the pictures of a page', () => {
      const withPeak = { ...runs[0]!, peak: runs[0]!.end };
      assert.equal(rowsPerPicture([runs[0]!, runs[1]!]), 160);
      assert.equal(rowsPerPicture(Array.from({ length: 9 }, () => withPeak)), 35);
      assert.equal(rowsPerPicture(Array.from({ length: 40 }, () => withPeak)), 24);
    });

    it('refuses runs of different workloads, and no runs', () => {
      assert.throws(() => policyCompareModel([runs[0]!, { ...runs[1]!, workload: 'other.rep' }]), /different workloads/);
      assert.throws(() => policyCompareModel([]), /nothing to compare/);
    });

    it('as Markdown: a header row and one row per counter', () => {
      const md = policyCompareMarkdown(runs);
      assert.match(md, /^# LMM: compare policies on leaky\.rep \(6 operations\)/);
      assert.match(md, /\| \| lmm-classic \| hybrid \|/);
      assert.match(md, /\| rejected requests \| 1 \| 0 \|/);
    });

    it('as a script-less page: strict CSP, both maps, at the end and at the peak', () => {
      const html = policyCompareHtml(runs, NONCE, 'vscode-resource:');
      assert.doesNotMatch(html, /<script/i);
      assert.match(html, new RegExp(`style-src 'nonce-${NONCE}'`));
      assert.match(html, /default-src 'none'/);
      assert.match(html, /<section aria-label="lmm-classic">/);
      assert.match(html, /<section aria-label="hybrid">/);
      assert.match(html, /At the end: .* \(also the peak\)/);
      assert.match(html, /<title>used buf \+\d+, 100 B payload, 48 B header<\/title>/);

      const single = policyCompareHtml([runs[1]!], NONCE, 'x', {
        title: 'leaky.rep under hybrid',
        note: 'chosen by <lmm.policy>',
      });
      assert.match(single, /<h1>leaky\.rep under hybrid<\/h1>/);
      assert.match(single, /replayed under hybrid by/);
      assert.match(single, /<p class="note">chosen by &lt;lmm\.policy&gt;<\/p>/);

      const short = runPoliciesWithPictures(parseWorkload('short1-bal.rep', SHORT1), ['lmm-classic', 'hybrid'], { timingMs: 0 });
      const peakHtml = policyCompareHtml(short, NONCE, 'vscode-resource:');
      assert.equal((peakHtml.match(/<h3>At the peak: /g) ?? []).length, 2);

      // One chart: a line per policy in its chart colour, the payload dashed, an accessible label.
      const chart = /<svg class="chart" role="img" aria-label="([^"]*)"[^>]*>(.*?)<\/svg>/s.exec(peakHtml);
      assert.ok(chart, 'a chart');
      assert.match(chart[1]!, /Mapped bytes over \d+ operations under lmm-classic, hybrid, and the live payload \(dashed\)/);
      assert.equal((chart[2]!.match(/<polyline class="c\d"/g) ?? []).length, 2);
      assert.equal((chart[2]!.match(/<polyline class="payload"/g) ?? []).length, 1);
      assert.match(peakHtml, /body \.c0\{stroke:var\(--vscode-charts-blue,#59a4f9\)\}/);
      // Every point lies inside the chart, and the highest is the larger peak at the top.
      const ys = [...chart[2]!.matchAll(/points="([^"]*)"/g)].flatMap((m) =>
        m[1]!.split(' ').map((p) => Number(p.split(',')[1])),
      );
      assert.ok(ys.every((y) => y >= 10 && y <= 190));
      assert.equal(Math.min(...ys), 10);
    });
  });

  describe('policyPagesSvg', () => {
    const page = 4096;
    it('draws one row per page, splitting a block across the pages of a run', () => {
      const mappings: PolicyMapping[] = [
        {
          address: 0x10000,
          pages: 3,
          kind: 'run',
          blocks: [{ offset: 0, header: 16, size: 3 * page - 16, state: 'used', family: null }],
        },
      ];
      const svg = policyPagesSvg(mappings, page);
      assert.equal(pageRows(mappings), 3);
      assert.match(svg, /height="48"/);
      // 3 frames, 1 header, the payload in 3 pieces.
      assert.equal(rects(svg), 3 + 1 + 3);
      assert.match(svg, /run 0x10000/);
      assert.match(svg, /page 3 of 3/);
    });

    it('merges runs of tiny blocks and caps the rows', () => {
      const blocks = Array.from({ length: 512 }, (_, i) => ({
        offset: i * 8,
        header: 0,
        size: 8,
        state: 'used' as const,
        family: null,
      }));
      const mappings: PolicyMapping[] = Array.from({ length: 10 }, (_, i) => ({
        address: i * page,
        pages: 1,
        kind: 'page',
        blocks,
      }));
      const svg = policyPagesSvg(mappings, page, { maxRows: 4 });
      assert.ok(rects(svg) <= 4 * 2, `${rects(svg)} rects`);
      assert.match(svg, /512 used blocks/);
      assert.match(svg, /6 more pages not drawn/);
    });

    it('draws a dense row as one path per colour, titled with its blocks and bytes by state', () => {
      const blocks = Array.from({ length: 256 }, (_, i) => ({
        offset: i * 16,
        header: 0,
        size: 16,
        state: i % 2 === 0 ? ('used' as const) : ('free' as const),
        family: null,
      }));
      const svg = policyPagesSvg([{ address: page, pages: 1, kind: 'page', blocks }], page);
      assert.equal((svg.match(/<path /g) ?? []).length, 2);
      assert.equal(rects(svg), 1, 'only the page frame is a rect');
      assert.match(svg, /<g><title>128 used blocks \(2048 B\), 128 free blocks \(2048 B\)<\/title>/);
      assert.equal((svg.match(/M\d/g) ?? []).length, 256);
    });

    it('says so when nothing is mapped', () => {
      assert.match(policyPagesSvg([], page), /No pages mapped/);
    });
  });

  describe('what Compare Runs compares', () => {
    const id = (file: string) => file;
    it('policies on a workload file given as argument, whatever else is open', () => {
      assert.deepEqual(compareRunsChoice('/w/a.rep', '/w/b.trace', id, 5), { kind: 'policies', workload: '/w/a.rep' });
    });
    it('policies on the active workload editor; asks when two finished runs are there too', () => {
      assert.deepEqual(compareRunsChoice(undefined, '/w/b.trace', id, 1), { kind: 'policies', workload: '/w/b.trace' });
      assert.deepEqual(compareRunsChoice('/w/x.lmm.ts', '/w/b.trace', id, 2), { kind: 'ask', workload: '/w/b.trace' });
    });
    it('two finished runs otherwise (harness vs harness as before), or a workload to pick', () => {
      assert.deepEqual(compareRunsChoice(undefined, '/w/list.lmm.ts', id, 2), { kind: 'runs' });
      assert.deepEqual(compareRunsChoice(undefined, undefined, id, 1), { kind: 'pick-workload' });
    });
  });

  describe('the lmm.policy setting', () => {
    it('offers exactly the registry’s policies, lmm-classic by default, and says what it does to harness runs', () => {
      const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
        contributes: {
          configuration: { properties: Record<string, { enum?: string[]; default?: string; markdownDescription?: string }> };
        };
      };
      const setting = manifest.contributes.configuration.properties['lmm.policy']!;
      assert.deepEqual(setting.enum, [...POLICY_NAMES]);
      assert.equal(setting.default, 'lmm-classic');
      assert.match(setting.markdownDescription!, /A harness still runs on `lmm-classic`/);
      assert.match(setting.markdownDescription!, /its allocations and frees are then replayed under the policy/);
      assert.match(setting.markdownDescription!, /Open Trace/);
    });
  });

  describe('the worker protocol', () => {
    it('names the file and line of a malformed workload', () => {
      const output = runPoliciesFromText({
        file: '/w/bad.rep',
        text: '20000\n1\n1\n1\nx 0 1\n',
        policies: ['hybrid'],
        timingMs: 0,
      });
      assert.equal(output.ok, false);
      if (!output.ok) {
        assert.equal(output.line, 5);
        assert.match(output.message, /^bad\.rep:5: /);
      }
    });

    it('runs in place when the worker is not built (sources)', async () => {
      const progress: string[] = [];
      const job = runPoliciesOffThread(
        { file: 'short1-bal.rep', text: SHORT1, policies: ['first-fit', 'buddy'], timingMs: 0 },
        (policy, index, total) => progress.push(`${policy} ${index + 1}/${total}`),
      );
      const results = await job.done;
      assert.deepEqual(progress, ['first-fit 1/2', 'buddy 2/2']);
      assert.deepEqual(
        results.map((r) => r.report.policy),
        ['first-fit', 'buddy'],
      );
      await assert.rejects(
        runPoliciesOffThread({ file: 'x.rep', text: SHORT1, policies: ['nope'], timingMs: 0 }).done,
        /unknown policy 'nope'/,
      );
    });
  });
});
