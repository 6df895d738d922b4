// The extension runs a harness at a lower OS priority (niceness) so that on contended cores the
// window's threads go first: the harness's process and its worker thread both take the niceness
// asked for, and a run that asks for none keeps this process's. Read from /proc (Linux only).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKGROUND_NICENESS, runHarness } from '../../../src/harness/runHarness';
import { TIGHT_LOOP_HARNESS } from '../../support/nodeHarness';

interface Task {
  tid: number;
  nice: number;
  cpuTicks: number;
}

/** Fields of /proc/…/stat after the command's closing parenthesis (the command may hold spaces). */
function statFields(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** This process's children's threads: niceness (stat field 19) and CPU time used (utime + stime). */
function childTasks(): Task[] {
  const tasks: Task[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fields: string[];
    try {
      fields = statFields(`/proc/${entry}/stat`);
    } catch {
      continue; // gone meanwhile
    }
    if (Number(fields[1]) !== process.pid) continue;
    for (const tid of readdirSync(`/proc/${entry}/task`)) {
      try {
        const f = statFields(`/proc/${entry}/task/${tid}/stat`);
        // After ')': state is field 3, so field N is index N - 3.
        tasks.push({ tid: Number(tid), nice: Number(f[19 - 3]), cpuTicks: Number(f[14 - 3]) + Number(f[15 - 3]) });
      } catch {
        // a thread that ended meanwhile
      }
    }
  }
  return tasks;
}

/** Runs the tight loop for a second with `niceness`; the busiest child thread (the harness's worker) and all child threads. */
async function sampleRun(file: string, niceness: number | undefined): Promise<{ busiest: Task; all: Task[] }> {
  let sampled: { busiest: Task; all: Task[] } | undefined;
  let batches = 0;
  const handle = runHarness(file, {
    timeLimitMs: 20_000,
    ...(niceness !== undefined ? { niceness } : {}),
    onBatch: () => {
      // Far enough into the run for its worker thread to be the busiest.
      if (++batches === 20) {
        const all = childTasks();
        const busiest = all.reduce((a, b) => (b.cpuTicks > a.cpuTicks ? b : a));
        sampled = { busiest, all };
        handle.cancel();
      }
    },
  });
  await handle.result;
  assert.ok(sampled, 'the run made 20 batches');
  return sampled;
}

describe('harness runner: the niceness a run asks for', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  before(function () {
    if (!existsSync('/proc/self/task')) this.skip(); // no /proc to read niceness from (not Linux)
    dir = mkdtempSync(join(tmpdir(), 'lmm-niceness-'));
    file = join(dir, 'tight-loop.lmm.ts');
    writeFileSync(file, TIGHT_LOOP_HARNESS);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it(`runs the harness's worker thread at niceness ${BACKGROUND_NICENESS} when asked`, async () => {
    const { busiest, all } = await sampleRun(file, BACKGROUND_NICENESS);
    assert.equal(
      busiest.nice,
      BACKGROUND_NICENESS,
      `the busiest thread (${busiest.tid}, ${busiest.cpuTicks} ticks) runs at niceness ${busiest.nice}`,
    );
    // The host's main thread too (the worker's thread is made from it).
    assert.ok(all.filter((t) => t.nice === BACKGROUND_NICENESS).length >= 2, JSON.stringify(all));
  });

  it("keeps this process's niceness when none is asked for", async () => {
    const own = Number(statFields('/proc/self/stat')[19 - 3]);
    const { busiest } = await sampleRun(file, undefined);
    assert.equal(busiest.nice, own);
  });
});
