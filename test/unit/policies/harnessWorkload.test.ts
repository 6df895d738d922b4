import { strict as assert } from 'node:assert';
import { HeapOpKind, HeapOpRecorder } from '../../../src/engine/heapOps';
import { comparePolicies, runPolicy } from '../../../src/policies/comparePolicies';
import { HarnessWorkloadBuilder, workloadFromHarnessBatches, type HarnessOpBatch } from '../../../src/policies/harnessWorkload';
import { WorkOp, type Workload } from '../../../src/policies/workload';

const SITES = [
  { file: 'a.lmm.ts', line: 10, column: 3 },
  { file: 'a.lmm.ts', line: 11, column: 5 },
  { file: 'a.lmm.ts', line: 12, column: 7 },
];

/** One batch of ops, recorded as the harness runtime records them. */
function batch(record: (r: HeapOpRecorder) => void, firstStep = 0, pageSize = 4096): HarnessOpBatch {
  const recorder = new HeapOpRecorder(2);
  recorder.steps = firstStep;
  record(recorder);
  const ops = recorder.flush()!;
  return { pageSize, ops: { ...ops, firstStep }, sites: SITES };
}

/** The workload's ops as readable rows: [kind, id, bytes, family, units, line]. */
function rows(w: Workload): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < w.length; i++) out.push([w.ops[i]!, w.ids[i]!, w.bytes[i]!, w.families[i]!, w.units[i]!, w.lines[i]!]);
  return out;
}

describe('harness runs as workloads (HarnessWorkloadBuilder)', () => {
  it('turns registrations into families, allocs into new ids and frees into those ids', () => {
    const w = workloadFromHarnessBatches('t.lmm.ts', [
      batch((r) => {
        r.record(HeapOpKind.Register, 40, 0, 0, 0, 'emp_t');
        r.record(HeapOpKind.Register, 24, 0, 1, 0, 'node_t');
        r.record(HeapOpKind.Alloc, 1, 3, 5000, 1);
        r.record(HeapOpKind.Alloc, 0, 1, 6000, 2);
        r.record(HeapOpKind.Free, 5000, 0, 1, 2);
      }),
    ]);
    assert.equal(w.name, 't.lmm.ts');
    assert.equal(w.pageSize, 4096);
    assert.deepEqual(w.familyTable, [
      { name: 'emp_t', size: 40 },
      { name: 'node_t', size: 24 },
    ]);
    assert.deepEqual(rows(w), [
      [WorkOp.Alloc, 0, 72, 1, 3, 11],
      [WorkOp.Alloc, 1, 40, 0, 1, 12],
      [WorkOp.Free, 0, 0, -1, 0, 12],
    ]);
    assert.equal(w.idCount, 2);
  });

  it('leaves out failed allocations, refused frees, refused registrations and marks', () => {
    const builder = new HarnessWorkloadBuilder();
    builder.add(
      batch((r) => {
        r.record(HeapOpKind.Register, 16, 0, 0, -1, 'a_t');
        r.record(HeapOpKind.Register, 16, 0, -1, -1, 'a_t'); // duplicate: refused
        r.record(HeapOpKind.Register, 9000, 0, -1, -1, 'huge_t'); // too large: refused
        r.record(HeapOpKind.Alloc, 0, 1000, 0, 0); // too large: failed
        r.record(HeapOpKind.Alloc, 7, 1, 0, 0); // unregistered family: failed
        r.record(HeapOpKind.Alloc, 0, 2, 7000, 1);
        r.record(HeapOpKind.Mark, 3, 0, 0, -1);
        r.record(HeapOpKind.Free, 1234, 0, 0, 2); // invalid free: refused
        r.record(HeapOpKind.Free, 7000, 0, 1, 2);
        r.record(HeapOpKind.Free, 7000, 0, 0, 2); // double free: refused
      }),
    );
    const w = builder.build('x');
    assert.deepEqual(w.familyTable, [{ name: 'a_t', size: 16 }]);
    assert.deepEqual(rows(w), [
      [WorkOp.Alloc, 0, 32, 0, 2, 11],
      [WorkOp.Free, 0, 0, -1, 0, 12],
    ]);
    assert.equal(builder.steps, 10);
    assert.equal(builder.operations, 2);
  });

  it('follows addresses across batches, gives a reused address a new id, and maps later families', () => {
    const w = workloadFromHarnessBatches('x', [
      batch((r) => {
        r.record(HeapOpKind.Register, 8, 0, 0, -1, 's_t');
        r.record(HeapOpKind.Alloc, 0, 1, 4144, -1); // no site: line 0
      }),
      batch((r) => {
        r.record(HeapOpKind.Free, 4144, 0, 1, 0);
        r.record(HeapOpKind.Alloc, 0, 1, 4144, 1); // the same address again: a new allocation
        // The built-in buffer family, registered on first use: a = 1 byte per unit.
        r.record(HeapOpKind.Register, 1, 0, 1, 1, 'buf');
        r.record(HeapOpKind.Alloc, 1, 100, 8240, 2);
        r.record(HeapOpKind.Free, 8240, 0, 1, 0);
        r.record(HeapOpKind.Free, 4144, 0, 1, 5); // unknown site id: line 0
      }, 2),
    ]);
    assert.deepEqual(w.familyTable, [
      { name: 's_t', size: 8 },
      { name: 'buf', size: 1 },
    ]);
    assert.deepEqual(rows(w), [
      [WorkOp.Alloc, 0, 8, 0, 1, 0],
      [WorkOp.Free, 0, 0, -1, 0, 10],
      [WorkOp.Alloc, 1, 8, 0, 1, 11],
      [WorkOp.Alloc, 2, 100, 1, 100, 12],
      [WorkOp.Free, 2, 0, -1, 0, 10],
      [WorkOp.Free, 1, 0, -1, 0, 0],
    ]);
    assert.equal(w.idCount, 3);
  });

  it("keeps the run's page size, and takes the caller's when no batch came", () => {
    const w = workloadFromHarnessBatches('x', [batch((r) => r.record(HeapOpKind.Register, 8, 0, 0, -1, 's'), 0, 8192)]);
    assert.equal(w.pageSize, 8192);
    const empty = workloadFromHarnessBatches('x', [], 16384);
    assert.equal(empty.pageSize, 16384);
    assert.equal(empty.length, 0);
    assert.equal(workloadFromHarnessBatches('x', []).pageSize, 4096);
  });

  it('replays under every policy with its payloads intact (many blocks, frees interleaved)', () => {
    // A list of 300 nodes built and torn down from both ends, as a harness would record it.
    const builder = new HarnessWorkloadBuilder();
    const recorder = new HeapOpRecorder();
    recorder.record(HeapOpKind.Register, 56, 0, 0, 0, 'node_t');
    recorder.record(HeapOpKind.Register, 1, 0, 1, 0, 'buf');
    const live: number[] = [];
    let next = 0x10000;
    for (let i = 0; i < 300; i++) {
      const address = (next += 200);
      recorder.record(HeapOpKind.Alloc, i % 3 === 0 ? 1 : 0, i % 3 === 0 ? 100 + i : 1, address, 1);
      live.push(address);
      if (i % 4 === 3) recorder.record(HeapOpKind.Free, live.shift()!, 0, 1, 2);
    }
    while (live.length > 0) recorder.record(HeapOpKind.Free, live.pop()!, 0, 1, 2);
    builder.add({ pageSize: 4096, ops: recorder.flush()!, sites: SITES });
    const w = builder.build('list');
    assert.equal(w.length, 600);
    const reports = comparePolicies(
      w,
      ['lmm-classic', 'best-fit', 'tlsf', 'buddy'].map((policy) => ({ policy, reservoirPages: 0, reservoirDelay: 0 })),
      { timingMs: 0 },
    );
    for (const r of reports) {
      assert.equal(r.integrity, 'ok', r.policy);
      assert.equal(r.invariants, 'ok', r.policy);
      // Everything was freed: LMM keeps only its registry page mapped.
      const kept = r.policy === 'lmm-classic' ? 1 : 0;
      assert.equal(r.mappedBytes, kept * 4096, r.policy);
    }
    const classic = runPolicy(w, { policy: 'lmm-classic', reservoirPages: 0, reservoirDelay: 0 }, { timingMs: 0 });
    assert.equal(classic.rejected, 0);
    assert.equal(classic.mmap, classic.munmap + 1);
  });
});
