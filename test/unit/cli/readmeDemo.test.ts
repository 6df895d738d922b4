// README, "Try it": what `npm run demo` is and what it prints, beyond the peak and the hint that
// test/unit/project/readmeHarness.test.ts reads: the script itself, "120 `student_t` allocated into
// a list, then freed", the peak "by struct and by allocating line", the reports it names. The
// figures are read from the README's paragraph, so a change that moves any of them fails here.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../../src/analysis/runReport';
import { lmm } from '../../support/lmmCli';

const root = join(__dirname, '..', '..', '..');
const prose = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;

function readmeSays(pattern: RegExp): RegExpExecArray {
  const match = pattern.exec(prose);
  assert.ok(match, `README says ${pattern}`);
  return match;
}
const number = (text: string) => Number(text.replace(/,/g, ''));

describe('README, "Try it": npm run demo', function () {
  this.timeout(60_000);
  const [, demoFile] = readmeSays(/`npm run demo` is `lmm run ([\w./-]+)`/);
  let text = '';
  let report: RunReport;
  before(async () => {
    const run = await lmm('run', join(root, demoFile!));
    assert.equal(run.status, 0, run.stderr);
    text = run.stdout;
    const json = await lmm('run', join(root, demoFile!), '--json');
    assert.equal(json.status, 0, json.stderr);
    report = JSON.parse(json.stdout) as RunReport;
  });

  it('"Requires Node.js 20 or later": what package.json asks of Node, and this Node meets it', () => {
    const [, major] = readmeSays(/Requires Node\.js (\d+) or later/);
    const engines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines as Record<string, string>;
    assert.equal(engines.node, `>=${major}`);
    assert.ok(Number(process.versions.node.split('.')[0]) >= Number(major), process.versions.node);
  });

  it('is lmm run of the file the README names (after a build)', () => {
    assert.match(scripts.demo!, new RegExp(`(?:^|&& )node bin/lmm\\.js run ${demoFile!.replace(/\./g, '\\.')}$`));
  });

  it('"120 student_t allocated into a list, then freed": 120 allocations, every one freed, no leak, no error', () => {
    const [, count, struct] = readmeSays(/the seed's test program \((\d+) `(\w+)` allocated into a list, then freed\)/);
    const sites = report.sites.filter((s) => s.struct === struct);
    assert.equal(
      sites.reduce((sum, s) => sum + s.allocated, 0),
      Number(count),
    );
    assert.equal(
      sites.reduce((sum, s) => sum + s.freed, 0),
      Number(count),
    );
    assert.equal(report.totals!.liveBlocks, 0);
    assert.deepEqual(report.leaks, []);
    assert.deepEqual(report.errors, []);
    assert.match(text, /All heap blocks were freed -- no leaks are possible/);
    assert.match(text, /ERROR SUMMARY: 0 errors from 0 contexts/);
  });

  it('"the peak (12,480 bytes of application memory at step 122, by struct and by allocating line)"', () => {
    const [, bytes, step] = readmeSays(
      /the peak \(massif-style: ([\d,]+) bytes of application memory at step (\d+), by struct and by allocating line\)/,
    );
    assert.equal(report.peak.appMemory, number(bytes!));
    assert.equal(report.peak.step, Number(step));
    const peak = text.slice(text.indexOf('PEAK:'), text.indexOf('HINTS:'));
    assert.match(peak, new RegExp(`^PEAK: ${bytes} bytes of application memory at step ${step}\\n`));
    assert.match(peak, new RegExp(`\\n {3}student_t +${bytes} bytes in \\d+ blocks\\n`), 'by struct');
    assert.match(peak, /bytes in \d+ blocks? of student_t from .*seed-testapp\.lmm\.ts:\d+:\d+\n/, 'by allocating line');
  });

  it('prints "LMM\'s classic reports, the leak and error summaries"', () => {
    for (const heading of ['vm_page_family : student_t', 'LEAK SUMMARY:', 'ERROR SUMMARY:', 'PEAK:', 'HINTS:'])
      assert.ok(text.includes(heading), heading);
  });
});
