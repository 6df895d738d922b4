import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPolicy } from '../../../src/policies/comparePolicies';
import { parseMallocLabTrace } from '../../../src/policies/mallocLabTrace';
import { POLICY_NAMES } from '../../../src/policies/policyRegistry';
import { WorkOp, type Workload } from '../../../src/policies/workload';
import { correctnessPass, type ReplayTarget } from '../../../src/policies/workloadRunner';
import { findPolicy } from '../../../src/policies/policyRegistry';

const dir = join(__dirname, '..', '..', 'fixtures', 'malloc-lab');
const traces = readdirSync(dir).filter((f) => f.endsWith('.rep'));
const load = (file: string): Workload => parseMallocLabTrace(file, readFileSync(join(dir, file), 'utf8'));

/** LMM classic's one-page limit: P − 72. */
const CLASSIC_MAX = 4096 - 72;

/**
 * docs/policies.md's utilization table (exact and repeatable, it says), by trace then policy,
 * and its count of lmm-classic's rejected requests per trace: each replay below must match it.
 */
const policiesDoc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'policies.md'), 'utf8');
const utilizationTable = policiesDoc.slice(policiesDoc.indexOf('### Utilization'), policiesDoc.indexOf('### Throughput'));
const tableHeader = utilizationTable
  .split('\n')
  .find((line) => line.startsWith('| trace |'))!
  .split('|')
  .map((c) => c.trim());
const documentedUtilization = new Map(
  [...utilizationTable.matchAll(/^\| ([\w-]+\.rep) \|(.*)\|$/gm)].flatMap(([, trace, cells]) =>
    cells!.split('|').map((cell, i) => [`${trace} ${tableHeader[i + 2]}`, cell.trim()] as const),
  ),
);
const rejectedMatch = /lmm-classic rejected (\d+) requests above one page's capacity \(([\d, ]+) per trace\)/.exec(policiesDoc)!;
const documentedRejected = new Map(
  [...utilizationTable.matchAll(/^\| ([\w-]+\.rep) \|/gm)].map(([, trace], i) => [
    trace!,
    Number(rejectedMatch[2]!.split(', ')[i]),
  ]),
);

describe('malloc-lab traces under every policy', function () {
  this.timeout(120000);
  it("reads docs/policies.md's utilization table and rejected counts", () => {
    assert.equal(documentedUtilization.size, 11 * (POLICY_NAMES.length + 1), 'every policy and @thi.ng/malloc on 11 traces');
    const total = [...documentedRejected.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, Number(rejectedMatch[1]));
    assert.equal(documentedRejected.size, 11);
  });

  it('has the 13 traces with their provenance', () => {
    assert.equal(traces.length, 13);
    const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
    for (const trace of traces) assert.match(sources, new RegExp(trace.replace('.', '\\.')));
  });

  for (const trace of traces) {
    for (const policy of POLICY_NAMES) {
      it(`${trace} under ${policy}: payload intact, invariants hold`, () => {
        const workload = load(trace);
        const report = runPolicy(workload, { policy, reservoirPages: 0, reservoirDelay: 0 }, { timingMs: 0, checkEvery: 2000 });
        assert.equal(report.integrity, 'ok');
        assert.equal(report.invariants, 'ok');
        assert.equal(report.ops, workload.length);
        assert.ok(report.utilization > 0 || policy === 'lmm-classic', 'some payload was served');
        assert.ok(report.utilization <= 1, `utilization ${report.utilization} cannot exceed 1`);
        const documented = documentedUtilization.get(`${trace} ${policy}`);
        if (!trace.startsWith('short')) assert.equal(`${(report.utilization * 100).toFixed(1)}%`, documented, 'docs/policies.md');
        if (policy === 'lmm-classic') {
          let above = 0;
          for (let i = 0; i < workload.length; i++)
            if (workload.ops[i] !== WorkOp.Free && workload.bytes[i]! > CLASSIC_MAX) above++;
          assert.equal(report.rejected, above, 'every request above one page is rejected and counted');
          if (documentedRejected.has(trace))
            assert.equal(report.rejected, documentedRejected.get(trace), 'as docs/policies.md says');
        } else {
          assert.equal(report.rejected, 0);
        }
      });
    }
  }

  it('hybrid averages at least 90% utilization over the 11 standard traces', () => {
    const standard = traces.filter((t) => !t.startsWith('short'));
    assert.equal(standard.length, 11);
    const utilization = standard.map(
      (t) => runPolicy(load(t), { policy: 'hybrid', reservoirPages: 0, reservoirDelay: 0 }, { timingMs: 0 }).utilization,
    );
    const mean = utilization.reduce((a, b) => a + b, 0) / utilization.length;
    assert.ok(mean >= 0.9, `mean utilization ${mean}`);
  });

  it('the correctness pass catches a payload that changed under a live block', () => {
    for (const corruptAt of [2, 300, 1999]) {
      const policy = findPolicy('hybrid')!.create();
      let calls = 0;
      let first = 0;
      const target: ReplayTarget = {
        name: 'corrupting',
        maxRequest: policy.maxRequest,
        lastError: null,
        registerFamily: () => -1,
        allocate: (bytes) => {
          const address = policy.allocate(bytes);
          if (++calls === 1) first = address;
          if (calls === 3) policy.payload(first, corruptAt + 1)[corruptAt]! ^= 0x40;
          return address;
        },
        free: (address) => policy.free(address),
        realloc: (address, bytes) => policy.realloc(address, bytes),
        payload: (address, length) => policy.payload(address, length),
        statistics: () => policy.statistics(),
      };
      const result = correctnessPass(load('short1-bal.rep'), target);
      assert.match(
        result.integrity,
        new RegExp(`payload of id 0 changed at byte ${corruptAt}|realloc of id 0 lost its payload at byte ${corruptAt}`),
      );
    }
  });

  it('a reservoir trades system calls for mapped bytes on the same workload', () => {
    const workload = load('coalescing-bal.rep');
    const off = runPolicy(workload, { policy: 'lmm-extended', reservoirPages: 0, reservoirDelay: 0 }, { timingMs: 0 });
    const on = runPolicy(workload, { policy: 'lmm-extended', reservoirPages: 8, reservoirDelay: 0 }, { timingMs: 0 });
    assert.equal(on.integrity, 'ok');
    assert.equal(on.invariants, 'ok');
    assert.ok(on.syscalls < off.syscalls / 100, `${on.syscalls} vs ${off.syscalls} syscalls`);
    assert.ok(on.peakMappedBytes > off.peakMappedBytes, 'the kept pages stay mapped');
  });
});
