/**
 * A harness run as a workload: the heap operations it streams (`HeapOpBatch`es, as the harness
 * worker posts them) become what a policy replays, so `lmm compare` and Compare Runs can put a
 * student's own program under every policy. The run itself was made on lmm-classic: calls it
 * refused (failed allocations, invalid or double frees) asked nothing of an allocator that the
 * policies could serve differently without changing the program, so they are left out.
 *
 * Pure data in, typed arrays out: it runs in the CLI, the extension host and workers alike.
 */
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { HeapOpKind, type HeapOpBatch } from '../engine/heapOps';
import { WorkloadBuilder, WorkOp, type Workload } from './workload';

/** What a harness run streams (the runner's `HarnessBatch` has this shape). */
export interface HarnessOpBatch {
  /** The page size of the run's heap. */
  pageSize: number;
  ops: HeapOpBatch;
  /** The run's site table: an op's `site` indexes it (-1: no site). */
  sites: readonly { line: number }[];
}

export class HarnessWorkloadBuilder {
  private readonly builder = new WorkloadBuilder();
  /** The run's family id → index in the workload's family table. */
  private readonly familyIndex = new Map<number, number>();
  /** Live allocations: data address → workload id. */
  private readonly idOfAddress = new Map<number, number>();
  private nextId = 0;
  private pageSize = 0;
  /** Heap operations seen (every kind, failed ones included): the run's steps. */
  steps = 0;
  /** Operations kept in the workload so far. */
  operations = 0;

  add(batch: HarnessOpBatch): void {
    if (this.pageSize === 0) this.pageSize = batch.pageSize;
    const { kind, a, b, c, site, names, count } = batch.ops;
    const sites = batch.sites;
    let nameIndex = 0;
    for (let i = 0; i < count; i++) {
      const siteId = site[i]!;
      const line = siteId >= 0 ? (sites[siteId]?.line ?? 0) : 0;
      switch (kind[i]) {
        case HeapOpKind.Register: {
          const name = names[nameIndex++] ?? `family${c[i]}`;
          const family = c[i]!;
          if (family < 0 || this.familyIndex.has(family)) break;
          this.familyIndex.set(family, this.builder.familyTable.length);
          this.builder.familyTable.push({ name, size: a[i]! });
          break;
        }
        case HeapOpKind.Alloc: {
          const address = c[i]!;
          const family = this.familyIndex.get(a[i]!);
          if (address === 0 || family === undefined) break;
          const units = b[i]!;
          const bytes = units * this.builder.familyTable[family]!.size;
          if (bytes > 0x7fffffff) break;
          const id = this.nextId++;
          this.idOfAddress.set(address, id);
          this.builder.push(WorkOp.Alloc, id, bytes, line, family, units);
          this.operations++;
          break;
        }
        case HeapOpKind.Free: {
          if (c[i] !== 1) break;
          const id = this.idOfAddress.get(a[i]!);
          if (id === undefined) break;
          this.idOfAddress.delete(a[i]!);
          this.builder.push(WorkOp.Free, id, 0, line);
          this.operations++;
          break;
        }
        default:
        // Marks (leak checks, harness markers) change nothing.
      }
    }
    this.steps += count;
  }

  /** The workload so far; `pageSize` when no batch came (a run that made no heap call). */
  build(name: string, pageSize = DEFAULT_PAGE_SIZE): Workload {
    return this.builder.build(name, this.pageSize || pageSize, this.nextId);
  }
}

/** All the batches of a run at once. */
export function workloadFromHarnessBatches(name: string, batches: Iterable<HarnessOpBatch>, pageSize?: number): Workload {
  const builder = new HarnessWorkloadBuilder();
  for (const batch of batches) builder.add(batch);
  return builder.build(name, pageSize);
}
