import { strict as assert } from 'node:assert';
import { isSiteOfRun } from '../../../src/extension/model/runSites';
import { RunStore } from '../../../src/extension/model/runState';
import { beginServerRun, FILE, serverReport, site } from '../../support/serverRunFixture';

describe('Memory Map links open only lines the run names', () => {
  const run = beginServerRun(new RunStore());
  run.sites.push(site(12));
  run.report = serverReport({
    errors: [
      {
        kind: 'use-after-free',
        message: 'Invalid write of size 4',
        count: 1,
        site: site(40),
        stack: [site(40), site(90)],
        allocSite: site(12),
        freeSite: site(33),
      },
    ],
    leaks: [
      {
        kind: 'still-reachable',
        struct: 'node_t',
        blocks: 1,
        bytes: 8,
        site: site(12),
        stack: [site(12), site(70)],
        suppressed: false,
        rootPath: [{ struct: 'list_t', field: 'head', site: site(5) }],
      },
    ],
    sites: [
      {
        site: site(12),
        stack: [site(12), site(80)],
        struct: 'node_t',
        allocated: 1,
        freed: 0,
        live: 1,
        peakLive: 1,
        leakedBlocks: 0,
        leakedBytes: 0,
      },
    ],
  });

  it('accepts the allocation sites, an error’s access, allocation and free lines, every frame of a stack and a retainer’s line', () => {
    for (const line of [12, 40, 90, 33, 70, 5, 80]) assert.ok(isSiteOfRun(run, site(line)), `line ${line}`);
  });

  it('refuses a line the run does not name, the same line of another file, and any line before the run has sites or a report', () => {
    assert.equal(isSiteOfRun(run, site(13)), false);
    assert.equal(isSiteOfRun(run, { file: '/etc/passwd', line: 12, column: 1 }), false);
    assert.equal(isSiteOfRun(run, { file: `${FILE}.bak`, line: 40, column: 5 }), false);
    const fresh = beginServerRun(new RunStore());
    assert.equal(isSiteOfRun(fresh, site(12)), false);
  });
});
