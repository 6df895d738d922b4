/**
 * The run both "while a harness runs" model tests share: a never-ending server harness at
 * /w/server.lmm.ts, its report with nothing in it but what a test puts there, and a run begun
 * in a RunStore.
 */
import { HeapReplay } from '../../src/extension/model/heapReplay';
import type { LmmReport } from '../../src/protocol/runReportSchema';
import type { RunState, RunStore } from '../../src/extension/model/runState';

export const FILE = '/w/server.lmm.ts';

export const site = (line: number) => ({ file: FILE, line, column: 5 });

/** The server's final report: one page, nothing leaked or wrong unless `over` says so. */
export const serverReport = (over: Partial<LmmReport>): LmmReport => ({
  schemaVersion: 2,
  families: [],
  totals: { pages: 1, mappedBytes: 4096, appMemory: 0, mmap: 1, munmap: 0 },
  sites: [],
  leaks: [],
  errors: [],
  leakChecks: [],
  hints: [],
  ...over,
});

/** Begins the server's harness run in `store`. */
export const beginServerRun = (store: RunStore): RunState =>
  store.begin({
    kind: 'harness',
    file: FILE,
    label: 'server.lmm.ts',
    replay: new HeapReplay({ pageSize: 4096, eventsKept: 1_000_000 }),
    sites: [],
  });
