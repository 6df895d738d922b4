/**
 * docs/policies.md's statements about the policies that are not figures of a benchmark: which
 * policies there are, the segregated policy's size classes, hybrid's small limit and the timing
 * pass's bounds. (Its utilization table is checked cell by cell in mallocLabReplay.test.ts.)
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPolicy } from '../../../src/policies/comparePolicies';
import { parseMallocLabTrace } from '../../../src/policies/mallocLabTrace';
import { POLICIES, POLICY_NAMES } from '../../../src/policies/policyRegistry';
import { SegregatedPolicy } from '../../../src/policies/segregatedPolicy';
import { TIMING_WALL_FACTOR } from '../../../src/policies/workloadRunner';

const source = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'policies.md'), 'utf8');
const doc = source.replace(/\s+/g, ' ');
const number = (text: string) => Number(text.replace(/,/g, ''));

describe('docs/policies.md', () => {
  it('runs LMM (classic and extended) and seven other policies, the ones its table lists, in order', () => {
    assert.match(doc, /runs LMM \(classic and extended\) and seven other policies/);
    assert.deepEqual(POLICY_NAMES.slice(0, 2), ['lmm-classic', 'lmm-extended']);
    assert.equal(POLICY_NAMES.length - 2, 7);
    const table = [...doc.matchAll(/\| `([a-z-]+)` \| /g)].map((match) => match[1]);
    assert.deepEqual(table, POLICY_NAMES);
  });

  it("gives the segregated policy's size classes", () => {
    const listed =
      /16-byte steps to 128 B, 32- and 64-byte steps to 512 B, and the classes that fill a page's ([\d,]+) bytes of room 1…8 times, rounded down to 16 bytes: ([\d, ]+) and ([\d,]+) B\)/.exec(
        doc,
      );
    assert.ok(listed, 'the sentence that lists them');
    const policy = new SegregatedPolicy();
    const steps = policy.classSizes.filter((size) => size <= 512 && !listed[2]!.split(', ').map(number).includes(size));
    assert.deepEqual(steps, [16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512]);
    const fills = [...listed[2]!.split(', ').map(number), number(listed[3]!)];
    const room = number(listed[1]!);
    assert.deepEqual(
      fills,
      [8, 7, 6, 5, 4, 3, 2, 1].map((k) => Math.floor(room / k / 16) * 16),
    );
    assert.deepEqual(
      policy.classSizes,
      [...new Set([...steps, ...fills])].sort((a, b) => a - b),
    );
    assert.match(doc, new RegExp(`Requests above the largest class \\(${fills.at(-1)!.toLocaleString('en')} B\\) get runs`));
  });

  it("hybrid's size-class pages take requests of at most 128 B", () => {
    assert.match(doc, /Size-class pages for requests of at most 128 B/);
    const hybrid = POLICIES.find((policy) => policy.name === 'hybrid')!.create();
    const kindOf = (address: number) =>
      hybrid.mappings().find((mapping) => mapping.address <= address && address < mapping.address + mapping.pages * 4096)?.kind;
    assert.equal(kindOf(hybrid.allocate(128)), 'page', 'a size-class page');
    assert.equal(kindOf(hybrid.allocate(129)), 'arena', 'the best-fit arena');
  });

  it('times until 100 ms of replays are measured, at least 3, for at most 0.5 s of wall time', () => {
    assert.match(doc, /repeated until 100 ms of replays are measured \(at least 3, and for at most 0\.5 s of wall time/);
    assert.equal(TIMING_WALL_FACTOR * 100, 500);
  });
  it('its utilization means are the means of the rows above them', () => {
    const table = source.slice(source.indexOf('### Utilization'), source.indexOf('### Throughput'));
    const rows = [...table.matchAll(/^\| [\w-]+\.rep \|(.*)\|$/gm)].map((match) =>
      match[1]!.split('|').map((cell) => parseFloat(cell)),
    );
    const means = /^\| \*\*mean\*\* \|(.*)\|$/m
      .exec(table)![1]!
      .split('|')
      .map((cell) => parseFloat(cell.replace(/\*/g, '')));
    assert.equal(rows.length, 11);
    means.forEach((mean, column) => {
      const computed = rows.reduce((sum, row) => sum + row[column]!, 0) / rows.length;
      // The cells are rounded to 0.1: their mean may be off by 0.05 from the exact one.
      assert.ok(Math.abs(computed - mean) <= 0.06, `column ${column}: ${computed} vs ${mean}`);
    });
  });

  it('its page reservoir table: system calls, peak mapped bytes and utilization, as replays give them', () => {
    assert.match(
      doc,
      /The page reservoir takes its `coalescing-bal` system calls from 14,400 to 3, for 12 KiB more mapped memory/,
    );
    const table = source.slice(source.indexOf('### Page reservoir'), source.indexOf('**Reading it.**'));
    const rows = [
      ...table.matchAll(/^\| ([\w-]+\.rep) \| ([\w-]+) \| (off|\d+ pages) \| (\d+) \| ([\d.]+) (KiB|MiB) \| ([\d.]+)% \|$/gm),
    ];
    assert.equal(rows.length, 27);
    for (const [, trace, policy, reservoir, syscalls, peak, unit, utilization] of rows) {
      const text = readFileSync(join(__dirname, '..', '..', 'fixtures', 'malloc-lab', trace!), 'utf8');
      const pages = reservoir === 'off' ? 0 : parseInt(reservoir!, 10);
      const report = runPolicy(
        parseMallocLabTrace(trace!, text),
        { policy: policy!, reservoirPages: pages, reservoirDelay: 0 },
        { timingMs: 0 },
      );
      const row = `${trace} ${policy} ${reservoir}`;
      assert.equal(report.syscalls, Number(syscalls), row);
      assert.equal((report.peakMappedBytes / (unit === 'KiB' ? 1024 : 1024 * 1024)).toFixed(1), peak, row);
      assert.equal((report.utilization * 100).toFixed(1), utilization, row);
    }
  });
});
