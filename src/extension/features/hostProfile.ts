/**
 * A maintainer's CPU profile of the extension host over each harness run, off unless
 * `LMM_HOST_PROFILE` names a folder: V8's sampling profiler (through node:inspector, in this
 * process) runs from a run's start to its views settling, and each run's profile is written there
 * as `host-<n>.cpuprofile` (Chrome DevTools opens it). It says what held the host's event loop
 * when a command or a status bar change waited (bench:extension:vscode, LMM_BENCH_PROBE).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

let session: Session | undefined;
let profiles = 0;

function post(method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session!.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** Starts a profile if `LMM_HOST_PROFILE` is set and none is running. */
export function startRunProfile(): void {
  const folder = process.env['LMM_HOST_PROFILE'];
  if (!folder || session) return;
  session = new Session();
  session.connect();
  void post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: 500 }))
    .then(() => post('Profiler.start'))
    .catch(() => undefined);
}

/** Ends the running profile, if any, and writes it to `LMM_HOST_PROFILE`. */
export function endRunProfile(): void {
  const folder = process.env['LMM_HOST_PROFILE'];
  if (!folder || !session) return;
  const ending = session;
  void post('Profiler.stop')
    .then((result) => {
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `host-${++profiles}.cpuprofile`), JSON.stringify((result as { profile: unknown }).profile));
    })
    .catch(() => undefined)
    .finally(() => ending.disconnect());
  session = undefined;
}
