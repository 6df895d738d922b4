import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { POLICY_NAMES } from '../../../src/policies/policyRegistry';

const fixtures = join(__dirname, '..', '..', 'fixtures');
const short1 = join(fixtures, 'malloc-lab', 'short1-bal.rep');

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lmm-policy-cli-')), name);
  writeFileSync(path, text);
  return path;
}

describe('lmm policies / replay / compare', function () {
  this.timeout(60000);

  it('policies lists the names one a line', async () => {
    const r = await lmm('policies');
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [...POLICY_NAMES]);
    assert.ok(POLICY_NAMES.includes('lmm-classic') && POLICY_NAMES.includes('tlsf'));
    const long = await lmm('policies', '--long');
    assert.match(long.stdout, /^tlsf +Two-Level Segregated Fit/m);
  });

  it('replay prints the JSON the lab reports need', async () => {
    const r = await lmm('replay', short1, '--policy', 'hybrid', '--json');
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.trace, 'short1-bal.rep');
    assert.equal(json.policy, 'hybrid');
    assert.equal(json.ops, 12);
    assert.equal(json.integrity, 'ok');
    assert.ok(json.utilization > 0 && json.utilization <= 1);
    assert.ok(json.kops > 0);
  });

  it('replay defaults to lmm-classic, which counts the requests it rejects', async () => {
    const r = await lmm('replay', short1);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /policy +lmm-classic/);
    assert.match(r.stdout, /rejected +3 requests above/);
  });

  it('replay with a reservoir shows the trade-off against the run without one', async () => {
    const r = await lmm(
      'replay',
      join(fixtures, 'malloc-lab', 'coalescing-bal.rep'),
      '--policy',
      'lmm-extended',
      '--reservoir',
      '8',
    );
    assert.equal(r.status, 0);
    assert.match(r.stdout, /trade-off +syscalls 14400 -> \d+, peak mapped/);
    const json = JSON.parse((await lmm('replay', short1, '--policy', 'tlsf', '--reservoir', '2', '--json')).stdout);
    assert.equal(json.reservoirPages, 2);
    assert.ok(typeof json.withoutReservoir.syscalls === 'number');
  });

  it('a malformed trace exits 2 with FILE:LINE', async () => {
    const bad = file('bad.rep', '100\n2\n3\n1\na 0 10\na 1 x\nf 0\n');
    const r = await lmm('replay', bad);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${bad}:6: byte count must be a whole number, not 'x'\n`);
    const short = file('short.rep', '100\n2\n');
    assert.match((await lmm('replay', short)).stderr, /short\.rep:2: the header needs four numbers/);
  });

  it('bad usage exits 2', async () => {
    assert.equal((await lmm('replay')).status, 2);
    assert.equal((await lmm('replay', short1, '--policy', 'nope')).status, 2);
    assert.match((await lmm('replay', short1, '--policy', 'nope')).stderr, /unknown policy 'nope'/);
    assert.equal((await lmm('replay', short1, '--reservoir', 'many')).status, 2);
    assert.equal((await lmm('replay', short1, '--frobnicate')).status, 2);
    assert.equal((await lmm('replay', join(fixtures, 'missing.rep'))).status, 2);
    assert.equal((await lmm('replay', file('x.txt', ''))).status, 2);
    assert.equal((await lmm('compare', short1)).status, 2);
    assert.equal((await lmm('policies', '--bogus')).status, 2);
  });

  it('compare prints the policies side by side, with reservoir rows', async () => {
    const r = await lmm('compare', short1, '--policies', 'lmm-classic,best-fit,tlsf', '--reservoir', '4');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /short1-bal\.rep: 12 operations/);
    assert.match(lines[1]!, /^policy +reservoir +utilization +Kops\/s +syscalls/);
    assert.equal(lines.length, 2 + 6);
    assert.match(lines[2]!, /^lmm-classic +off /);
    assert.match(lines[3]!, /^lmm-classic +4p /);
  });

  it('a trace whose reg LMM refuses for its name replays its allocs as failed ones (left out), not as an integrity failure', async () => {
    // `lmm trace` prints null for these allocs; replay said "integrity op 1: … no struct is
    // registered as family 0" and exited 1, as if the allocator had lost a block.
    for (const name of ['\u00e9', 'n'.repeat(33)]) {
      const trace = file('refused-name.trace', `reg ${name} 8\nalloc x ${name} 1\nfree x\nreg a 8\nalloc y a 1\n`);
      const r = await lmm('replay', trace, '--json');
      assert.equal(r.status, 0, r.stdout);
      const report = JSON.parse(r.stdout) as { integrity: string; ops: number };
      assert.equal(report.integrity, 'ok');
      assert.equal(report.ops, 2, 'the free of x stays (a free of a failed alloc is nothing), its alloc does not');
    }
  });

  it('a struct LMM refuses as too big for a page does not shift the structs registered after it', async () => {
    // The refused reg took no heap id, so `a` (family 1 of the workload) is the heap's family 0:
    // its alloc failed as "no struct is registered as family 1", an integrity failure.
    const trace = file('big-first.trace', 'reg big 5000\nalloc x big 1\nreg a 8\nalloc y a 1\nfree y\nfree x\n');
    const r = await lmm('compare', trace, '--policies', 'lmm-classic,lmm-extended', '--json');
    assert.equal(r.status, 0, r.stdout);
    const reports = JSON.parse(r.stdout) as { policy: string; integrity: string; rejected: number }[];
    assert.deepEqual(
      reports.map((x) => [x.policy, x.integrity, x.rejected]),
      [
        ['lmm-classic', 'ok', 1],
        ['lmm-extended', 'ok', 0],
      ],
    );
  });

  it('compare takes an LMM conformance trace too', async () => {
    const trace = join(fixtures, 'conformance', 'course-scenarios.trace');
    const r = await lmm('compare', trace, '--policies', 'lmm-classic,segregated', '--json');
    assert.equal(r.status, 0, r.stderr);
    const reports = JSON.parse(r.stdout);
    assert.deepEqual(
      reports.map((x: { policy: string; integrity: string }) => [x.policy, x.integrity]),
      [
        ['lmm-classic', 'ok'],
        ['segregated', 'ok'],
      ],
    );
  });
});
