/**
 * The worker's JS heap is set well under the memory limit here so that V8's heap limit, not the
 * sampled memory limit, is what ends these runs (as with the default limits and a larger heap).
 */
const ABORT_LIMITS = { jsHeapMb: 96, memoryLimitMb: 1024, timeLimitMs: 60_000 };

/**
 * A harness that makes V8 abort its process (one built-in call that grows the JS heap past the
 * worker's limit cannot be interrupted) ends the harness host only: the caller survives, the run
 * ends out-of-memory with a message saying how the harness process ended, and `lmm run` exits 2.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { runHarness } from '../../../../src/harness/runHarness';
import { HarnessProbe, PRELUDE } from '../../../support/harnessProbe';
import { lmm } from '../../../support/lmmCli';

const ABORTING_HARNESSES = {
  'Array.from of 2^31 elements': `export default function main() {\n  const a = Array.from({ length: 2 ** 31 });\n  return a.length;\n}\n`,
  'new Array(n).fill': `export default function main() {\n  const a = new Array(2 ** 30).fill(0.5);\n  return a.length;\n}\n`,
  'string growth (one join)': `export default function main() {\n  return new Array(2 ** 24).fill('abcdefgh').join('').length;\n}\n`,
};

/** The command lines of this process's live child processes that are harness hosts (Linux /proc). */
function harnessHostChildren(): string[] {
  return harnessHostPids().map((pid) => pid.cmdline);
}

function harnessHostPids(): Array<{ pid: number; cmdline: string }> {
  const children = readdirSync('/proc/self/task').flatMap((task) =>
    readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
  );
  return children
    .map((pid) => {
      try {
        return { pid: Number(pid), cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') };
      } catch {
        return { pid: Number(pid), cmdline: '' }; // ended meanwhile
      }
    })
    .filter(({ cmdline }) => cmdline.includes('harness-host'));
}

async function noHarnessHostWithin(ms: number): Promise<string[]> {
  const until = Date.now() + ms;
  let left = harnessHostChildren();
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    left = harnessHostChildren();
  }
  return left;
}

describe('the harness host: a V8 abort ends the harness process, not the caller', function () {
  this.timeout(120_000);
  const probe = new HarnessProbe();
  after(() => probe.dispose());

  for (const [name, code] of Object.entries(ABORTING_HARNESSES)) {
    it(`${name}: the run ends out-of-memory with a message, and this process goes on`, async () => {
      const pid = process.pid;
      const run = await probe.run(`abort.lmm.ts`, code, ABORT_LIMITS);
      assert.equal(run.outcome, 'out-of-memory', run.message);
      assert.match(run.message!, /: the harness process was killed by SIGABRT: out of memory \(V8 aborted at its heap limit\)$/);
      assert.doesNotMatch(run.message!, /\n\s+at |node:internal|FATAL ERROR/);
      assert.equal(process.pid, pid);
    });
  }

  // With the default memory limit: V8's heap limit (2 GB) is reached inside Array.from, before a
  // sample of the host's memory passes the limit (a longer time limit: filling 2 GB takes seconds).
  it('lmm run with the default memory limit exits 2 with the message, no native crash and no stack trace', async () => {
    const file = probe.write('cli-abort.lmm.ts', ABORTING_HARNESSES['Array.from of 2^31 elements']);
    const result = await lmm('run', file, '--time-limit', '60000');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /harness process was killed by SIGABRT: out of memory/);
    assert.doesNotMatch(result.stderr, /FATAL ERROR|\n\s+at |Native stack/);
  });

  it('the next run after an abort works (nothing of the dead host is left behind)', async () => {
    const first = await probe.run('first.lmm.ts', ABORTING_HARNESSES['new Array(n).fill'], ABORT_LIMITS);
    assert.equal(first.outcome, 'out-of-memory', first.message);
    const run = await probe.run('after.lmm.ts', `export default function main() { return 1; }\n`, {});
    assert.equal(run.outcome, 'completed', run.message);
  });

  it('a stop while the host is blocked in one built-in call kills the host within a second', async () => {
    const file = probe.write(
      'blocked.lmm.ts',
      `export default function main() {\n  const a = new Array(2 ** 24).fill(0).map((_, i) => i).sort((x, y) => y - x);\n  return a.length;\n}\n`,
    );
    const handle = runHarness(file, { timeLimitMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1500));
    const stopped = Date.now();
    handle.cancel();
    const run = await handle.result;
    assert.ok(['cancelled', 'completed'].includes(run.outcome), run.message);
    assert.ok(Date.now() - stopped < 1000 + 500, `${Date.now() - stopped} ms`);
  });

  it('what streamed before the abort (heap operations, output) reaches the caller', async () => {
    let operations = 0;
    let output = '';
    const file = probe.write(
      'streamed.lmm.ts',
      `${PRELUDE}export default function main() {\n  MM_REG_STRUCT(node_t);\n  for (let i = 0; i < 10; i++) XCALLOC(1, node_t);\n  print('before the abort\\n');\n  return Array.from({ length: 2 ** 31 }).length;\n}\n`,
    );
    const run = await runHarness(file, {
      ...ABORT_LIMITS,
      batchIntervalMs: 1,
      onBatch: (batch) => (operations += batch.ops.count),
      onOutput: (text) => (output += text),
    }).result;
    assert.equal(run.outcome, 'out-of-memory', run.message);
    assert.ok(operations >= 10, `${operations} operations streamed`);
    assert.match(output, /before the abort/);
    assert.equal(run.finished, undefined, 'no report: the heap died with the process');
  });

  it('the harness process is gone once a run has ended, however it ended', async () => {
    const looping = runHarness(probe.write('seen.lmm.ts', `export default function main() { for (;;) {} }\n`), {
      timeLimitMs: 30_000,
    });
    const seenAt = Date.now();
    while (harnessHostChildren().length === 0 && Date.now() - seenAt < 10_000) await new Promise((r) => setTimeout(r, 20));
    assert.equal(harnessHostChildren().length, 1, 'the run has one harness process while it goes on');
    looping.cancel();
    assert.equal((await looping.result).outcome, 'cancelled');
    assert.deepEqual(await noHarnessHostWithin(1000), [], 'after a cancelled run');
    const cases: Array<[string, string, Parameters<typeof runHarness>[1]]> = [
      ['completed', `export default function main() { return 1; }\n`, {}],
      ['out-of-memory', ABORTING_HARNESSES['new Array(n).fill'], ABORT_LIMITS],
      ['timed-out', `export default function main() { for (;;) {} }\n`, { timeLimitMs: 300 }],
    ];
    for (const [outcome, code, options] of cases) {
      const run = await probe.run(`gone-${outcome}.lmm.ts`, code, options);
      assert.equal(run.outcome, outcome, run.message);
      assert.deepEqual(await noHarnessHostWithin(1000), [], `after a run that ended ${outcome}`);
    }
  });

  it('a harness process killed from outside (an OOM killer) ends the run as a crash naming the signal', async () => {
    const handle = runHarness(probe.write('killed.lmm.ts', `export default function main() { for (;;) {} }\n`), {
      timeLimitMs: 30_000,
    });
    const startedAt = Date.now();
    let hosts = harnessHostPids();
    while (hosts.length === 0 && Date.now() - startedAt < 10_000) {
      await new Promise((r) => setTimeout(r, 20));
      hosts = harnessHostPids();
    }
    assert.equal(hosts.length, 1);
    process.kill(hosts[0]!.pid, 'SIGKILL');
    const run = await handle.result;
    assert.equal(run.outcome, 'crashed', run.message);
    assert.match(run.message!, /: the harness process ended by SIGKILL before the run did$/);
  });
});
