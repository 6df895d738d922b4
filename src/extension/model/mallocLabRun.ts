/**
 * `LMM: Open Trace` on a CS:APP malloc-lab `.rep` file: its byte requests replayed on LMM classic
 * as buffers (units of a 1-byte `buf` struct, as `xcalloc_buf` does), giving the same operation
 * log, site table (one site per trace line) and report shape as a conformance trace. Requests
 * above one page's capacity fail as LMM's do (too-large); a realloc that outgrows its block
 * moves it (allocate, then free), one that fits stays where it is.
 */
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../engine/heapOps';
import { LmmHeap } from '../../engine/lmmHeap';
import { heapStatistics } from '../../engine/statistics';
import { stepNumber } from '../../analysis/stepNumber';
import { parseMallocLabTrace } from '../../policies/mallocLabTrace';
import { WorkOp } from '../../policies/workload';
import {
  REPORT_SCHEMA_VERSION,
  type LmmReport,
  type ReportError,
  type ReportSite,
  type ReportSiteFigures,
} from '../../protocol/runReportSchema';
import type { TraceRunResult } from './traceRun';

export const BUFFER_STRUCT = 'buf';

export function mallocLabRun(file: string, text: string, batchSize = 8192): TraceRunResult {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const workload = parseMallocLabTrace(name, text);
  const heap = new LmmHeap({ pageSize: workload.pageSize });
  const recorder = new HeapOpRecorder(batchSize);
  const batches: HeapOpBatch[] = [];
  const sites: ReportSite[] = [];
  const siteOfLine = new Map<number, number>();
  const figures = new Map<number, ReportSiteFigures>();
  const errors = new Map<string, ReportError>();
  const addressOf = new Float64Array(workload.idCount);
  const allocSiteOf = new Int32Array(workload.idCount).fill(-1);
  let peakEvent = -1;
  let peakApp = 0;
  const siteId = (line: number): number => {
    let id = siteOfLine.get(line);
    if (id === undefined) {
      id = sites.length;
      sites.push({ file, line, column: 1 });
      siteOfLine.set(line, id);
    }
    return id;
  };
  const flush = () => {
    const batch = recorder.flush();
    if (batch) batches.push(batch);
  };
  const family = heap.register(BUFFER_STRUCT, 1);
  recorder.record(HeapOpKind.Register, 1, 0, family, -1, BUFFER_STRUCT);

  const allocate = (id: number, bytes: number, site: number): boolean => {
    const address = heap.xcalloc(family, bytes);
    recorder.record(HeapOpKind.Alloc, family, bytes, address, site);
    if (address === 0) {
      const error = heap.lastError!;
      const key = `${error.kind}@${site}`;
      const known = errors.get(key);
      if (known) known.count++;
      else {
        const event = recorder.steps - 1;
        errors.set(key, {
          kind: error.kind,
          message: error.message,
          count: 1,
          site: sites[site]!,
          stack: [sites[site]!],
          event,
          step: stepNumber(event),
        });
      }
      return false;
    }
    addressOf[id] = address;
    allocSiteOf[id] = site;
    let f = figures.get(site);
    if (!f) {
      f = {
        site: sites[site]!,
        stack: [sites[site]!],
        struct: BUFFER_STRUCT,
        allocated: 0,
        freed: 0,
        live: 0,
        peakLive: 0,
        leakedBlocks: 0,
        leakedBytes: 0,
      };
      figures.set(site, f);
    }
    f.allocated++;
    if (++f.live > f.peakLive) f.peakLive = f.live;
    if (heap.appMemory > peakApp) {
      peakApp = heap.appMemory;
      peakEvent = recorder.steps - 1;
    }
    return true;
  };
  const free = (id: number, site: number) => {
    const address = addressOf[id]!;
    if (address === 0) return;
    recorder.record(HeapOpKind.Free, address, 0, heap.xfree(address) ? 1 : 0, site);
    addressOf[id] = 0;
    const f = figures.get(allocSiteOf[id]!);
    if (f) {
      f.freed++;
      f.live--;
    }
  };

  for (let i = 0; i < workload.length; i++) {
    const site = siteId(workload.lines[i]!);
    const id = workload.ids[i]!;
    switch (workload.ops[i] as WorkOp) {
      case WorkOp.Alloc:
        allocate(id, workload.bytes[i]!, site);
        break;
      case WorkOp.Realloc: {
        const old = addressOf[id]!;
        if (old !== 0 && heap.block(old - 48).size >= workload.bytes[i]!) break;
        const oldSite = allocSiteOf[id]!;
        const moved = allocate(id, workload.bytes[i]!, site);
        if (moved && old !== 0) {
          // allocate() overwrote the id's address: free the old block under its own site.
          const now = addressOf[id]!;
          const nowSite = allocSiteOf[id]!;
          addressOf[id] = old;
          allocSiteOf[id] = oldSite;
          free(id, site);
          addressOf[id] = now;
          allocSiteOf[id] = nowSite;
        }
        break;
      }
      case WorkOp.Free:
        free(id, site);
        break;
    }
    if (recorder.steps % batchSize === 0) flush();
  }
  flush();
  const stats = heapStatistics(heap);
  const report: LmmReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    source: 'malloc-lab',
    harnessFile: file,
    pageSize: workload.pageSize,
    families: stats.families,
    totals: { ...stats.totals },
    sites: [...figures.values()],
    leaks: [],
    errors: [...errors.values()],
    leakChecks: [],
    peak: { event: peakEvent, step: peakEvent + 1, appMemory: peakApp, byStruct: [], bySite: [] },
    hints: [],
  };
  return { pageSize: workload.pageSize, batches, sites, report, steps: recorder.steps };
}
