/**
 * `LMM: Open Trace`: turns a conformance trace into what a harness run gives the views — the heap
 * operation log (batches), a site table (one site per trace line) and a report in the run
 * report's shape — so trees, Memory Map, status bar and exports work the same for both.
 * Traces have IDs but no pointers, so there is no reachability and no leak classification:
 * blocks still live at the end are not called leaks.
 */
import { HeapOpKind, HeapOpRecorder, type HeapOpBatch } from '../../engine/heapOps';
import { LmmHeap } from '../../engine/lmmHeap';
import { heapStatistics } from '../../engine/statistics';
import { stepNumber } from '../../analysis/stepNumber';
import { parseTrace, TraceOp } from '../../trace/traceProgram';
import { REPORT_SCHEMA_VERSION, type LmmReport, type ReportError, type ReportSite } from '../../protocol/runReportSchema';

export interface TraceRunResult {
  pageSize: number;
  batches: HeapOpBatch[];
  sites: ReportSite[];
  report: LmmReport;
  steps: number;
}

/** Replays `text` (the trace at `file`); a malformed trace throws TraceSyntaxError with its line. */
export function traceRun(file: string, text: string, batchSize = 8192): TraceRunResult {
  const program = parseTrace(text);
  const heap = new LmmHeap({ pageSize: program.pageSize });
  const recorder = new HeapOpRecorder(batchSize);
  const batches: HeapOpBatch[] = [];
  const sites: ReportSite[] = [];
  const errors = new Map<string, ReportError>();
  const addresses = new Float64Array(program.ids.length);
  const live = new Uint8Array(program.ids.length);
  const familyOfName = new Int32Array(program.names.length).fill(-1);
  let peakEvent = -1;
  let peakApp = 0;

  // One operation per trace line, so each operation gets its own site: its line.
  const siteId = (line: number): number => {
    sites.push({ file, line, column: 1 });
    return sites.length - 1;
  };
  const error = (kind: string, message: string, site: number): void => {
    const key = `${kind}@${site}`;
    const known = errors.get(key);
    if (known) known.count++;
    else {
      // Called after the operation is recorded: it is the last one, at step `stepNumber(event)`.
      const event = recorder.steps - 1;
      errors.set(key, { kind, message, count: 1, site: sites[site]!, stack: [sites[site]!], event, step: stepNumber(event) });
    }
  };
  const flush = (): void => {
    const batch = recorder.flush();
    if (batch) batches.push(batch);
  };

  for (let i = 0; i < program.length; i++) {
    const site = siteId(program.lines[i]!);
    const a = program.argA[i]!;
    switch (program.ops[i] as TraceOp) {
      case TraceOp.Register: {
        const name = program.names[a]!;
        const family = heap.register(name, program.argB[i]!);
        recorder.record(HeapOpKind.Register, program.argB[i]!, 0, family, site, name);
        if (family < 0) error(heap.lastError!.kind, heap.lastError!.message, site);
        else familyOfName[a] = family;
        break;
      }
      case TraceOp.Alloc: {
        const name = program.names[program.argB[i]!]!;
        const units = program.argC[i]!;
        const family = familyOfName[program.argB[i]!]! >= 0 ? familyOfName[program.argB[i]!]! : heap.familyId(name);
        const address = family < 0 ? heap.xcallocStruct(name, units) : heap.xcalloc(family, units);
        recorder.record(HeapOpKind.Alloc, family, units, address, site);
        if (address === 0) error(heap.lastError!.kind, `alloc ${program.ids.at(a)}: ${heap.lastError!.message}`, site);
        else {
          addresses[a] = address;
          live[a] = 1;
          if (heap.appMemory > peakApp) {
            peakApp = heap.appMemory;
            peakEvent = recorder.steps - 1;
          }
        }
        break;
      }
      case TraceOp.Free: {
        if (live[a] === 1) {
          const freed = heap.xfree(addresses[a]!);
          recorder.record(HeapOpKind.Free, addresses[a]!, 0, freed ? 1 : 0, site);
          live[a] = 0;
        } else {
          // A second free of an ID never reaches xfree (the address may belong to a new block).
          recorder.record(HeapOpKind.Free, 0, 0, 0, site);
          error('double-free', `double free of ${program.ids.at(a)} (heap unchanged)`, site);
        }
        break;
      }
      case TraceOp.Dump:
        recorder.record(HeapOpKind.Mark, 0, 0, 0, site);
        break;
    }
    if (recorder.steps % batchSize === 0) flush();
  }
  flush();

  const stats = heapStatistics(heap);
  const report: LmmReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    source: 'trace',
    harnessFile: file,
    pageSize: program.pageSize,
    families: stats.families,
    totals: { ...stats.totals },
    // Per-line figures would be one record per operation, with nothing to add: traces have
    // no code lenses. The operation log still names every block's line.
    sites: [],
    leaks: [],
    errors: [...errors.values()],
    leakChecks: [],
    peak: { event: peakEvent, step: peakEvent + 1, appMemory: peakApp, byStruct: [], bySite: [] },
    hints: [],
  };
  return { pageSize: program.pageSize, batches, sites, report, steps: recorder.steps };
}
