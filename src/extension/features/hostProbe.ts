/**
 * A maintainer's probe of the extension host while runs go on, off unless `LMM_HOST_PROBE` names a
 * file: every `intervalMs` it appends one JSON line with the wall clock, the event loop's longest
 * delay and its 99th percentile since the line before, the JS heap, each garbage collection's
 * start and length, and what the caller adds (the run's step, its queue). A stall in a live run is
 * then placed: the host's event loop, its collector, or neither (the browser, the IPC between them).
 */
import { appendFileSync } from 'node:fs';
import { endRunProfile, startRunProfile } from './hostProfile';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';

export interface HostProbeLine {
  /** Wall clock (Date.now()), to line up with the browser's clock in the bench. */
  t: number;
  lagMaxMs: number;
  lagP99Ms: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Collections that ended since the line before: start (wall clock) and length in ms. */
  gc: { t: number; ms: number; kind: number }[];
  [extra: string]: unknown;
}

/** The probe's file while it runs: `probeMark` writes there. */
let probeFile: string | undefined;

/** Appends one time-stamped line naming `mark` (a run's phase) when the probe is on; else nothing. */
export function probeMark(mark: string, fields: Record<string, unknown> = {}): void {
  if (mark === 'run asked') startRunProfile();
  else if (mark === 'settled' || mark === 'run ended') endRunProfile();
  if (probeFile === undefined) return;
  try {
    appendFileSync(probeFile, `${JSON.stringify({ t: Date.now(), mark, ...fields })}\n`);
  } catch {
    // As for the probe's lines: a mark that cannot be written is left out.
  }
}

export interface HostProbe {
  dispose(): void;
}

/** Starts the probe when `file` is set; `extra` adds the caller's figures to each line. */
export function startHostProbe(
  file: string | undefined,
  extra: () => Record<string, unknown>,
  intervalMs = 250,
): HostProbe | undefined {
  if (!file) return undefined;
  probeFile = file;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let collections: HostProbeLine['gc'] = [];
  // performance.now() counts from timeOrigin: the wall clock of a collection is their sum.
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      collections.push({ t: Math.round(performance.timeOrigin + entry.startTime), ms: +entry.duration.toFixed(1), kind });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const line: HostProbeLine = {
      t: Date.now(),
      lagMaxMs: +(delay.max / 1e6).toFixed(1),
      lagP99Ms: +(delay.percentile(99) / 1e6).toFixed(1),
      heapUsedMb: +(memory.heapUsed / 2 ** 20).toFixed(1),
      heapTotalMb: +(memory.heapTotal / 2 ** 20).toFixed(1),
      gc: collections,
      ...extra(),
    };
    collections = [];
    delay.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // A probe that cannot write is a probe that is off: the run goes on.
    }
  }, intervalMs);
  timer.unref();
  return {
    dispose() {
      clearInterval(timer);
      probeFile = undefined;
      gcObserver.disconnect();
      delay.disable();
    },
  };
}
