/**
 * A maintainer's CPU profile of the extension host over each harness run, off unless
 * `LMM_HOST_PROFILE` names a folder: V8's sampling profiler (through node:inspector, in this
 * process) runs from a run's start to its views settling, and each run's profile is written there
 * as `host-<n>.cpuprofile` (Chrome DevTools opens it). It says what held the host's event loop
 * when a command or a status bar change waited (bench:extension:vscode, LMM_BENCH_PROBE). Starting
 * the profiler holds the host a few seconds (V8 maps every function compiled so far): the start of
 * a profiled run is not a figure. With `LMM_HOST_PROFILE_HEAP=1` the run's allocations are sampled
 * too (every object, collected or not), written as `host-<n>.heapprofile`: what makes the garbage.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

let session: Session | undefined;
let profiles = 0;

function post(on: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => on.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Starts a profile if `LMM_HOST_PROFILE` is set and none is running. */
export function startRunProfile(): void {
  const folder = process.env['LMM_HOST_PROFILE'];
  if (!folder || session) return;
  const starting = (session = new Session());
  starting.connect();
  const heap = Boolean(process.env['LMM_HOST_PROFILE_HEAP']);
  void post(starting, 'Profiler.enable')
    .then(() => post(starting, 'Profiler.setSamplingInterval', { interval: 500 }))
    .then(() => post(starting, 'Profiler.start'))
    .then(() =>
      heap
        ? post(starting, 'HeapProfiler.startSampling', {
            samplingInterval: 16384,
            includeObjectsCollectedByMajorGC: true,
            includeObjectsCollectedByMinorGC: true,
          })
        : undefined,
    )
    .catch(() => undefined);
}

/** Ends the running profile, if any, and writes it (and the heap's, when sampled) to `LMM_HOST_PROFILE`. */
export function endRunProfile(): void {
  const folder = process.env['LMM_HOST_PROFILE'];
  if (!folder || !session) return;
  const ending = session;
  session = undefined;
  const n = ++profiles;
  const heap = Boolean(process.env['LMM_HOST_PROFILE_HEAP']);
  void post(ending, 'Profiler.stop')
    .then((result) => {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `host-${n}.cpuprofile`), JSON.stringify((result as { profile: unknown }).profile));
      return heap ? post(ending, 'HeapProfiler.stopSampling') : undefined;
    })
    .then((result) => {
      if (result !== undefined)
        writeFileSync(path.join(folder, `host-${n}.heapprofile`), JSON.stringify((result as { profile: unknown }).profile));
    })
    .catch(() => undefined)
    .finally(() => ending.disconnect());
}
