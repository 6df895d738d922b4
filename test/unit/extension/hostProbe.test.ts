import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMark, startHostProbe } from '../../../src/extension/features/hostProbe';
import { endRunProfile, startRunProfile } from '../../../src/extension/features/hostProfile';

describe('the host probe (LMM_HOST_PROBE: where a live run’s stalls come from)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-host-probe-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is off without a file: no probe, and marks write nothing', () => {
    assert.equal(
      startHostProbe(undefined, () => ({})),
      undefined,
    );
    probeMark('nowhere');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('places a blocked event loop in its lines, with the caller’s figures and the marks', async () => {
    const file = join(dir, 'probe.jsonl');
    const probe = startHostProbe(file, () => ({ steps: 42 }), 50)!;
    try {
      await new Promise((resolve) => setTimeout(resolve, 80));
      const blockedFrom = Date.now();
      while (Date.now() - blockedFrom < 200); // the event loop held for 200 ms
      probeMark('run asked', { label: 'a.lmm.ts' });
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      probe.dispose();
    }
    probeMark('after the probe');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { t: number; mark?: string; lagMaxMs?: number; steps?: number; heapUsedMb?: number });
    const samples = lines.filter((l) => l.mark === undefined);
    assert.ok(samples.length >= 2, `${samples.length} samples`);
    assert.ok(samples.every((l) => l.steps === 42 && l.heapUsedMb! > 0));
    assert.ok(
      Math.max(...samples.map((l) => l.lagMaxMs!)) >= 150,
      `worst delay ${Math.max(...samples.map((l) => l.lagMaxMs!))} ms`,
    );
    assert.deepEqual(
      lines.filter((l) => l.mark).map((l) => l.mark),
      ['run asked'],
      'a mark after dispose goes nowhere',
    );
  });
});

describe('the host profile (LMM_HOST_PROFILE: what held the host during a run)', () => {
  let dir: string;
  const saved = process.env['LMM_HOST_PROFILE'];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lmm-host-profile-'));
  });
  after(() => {
    if (saved === undefined) delete process.env['LMM_HOST_PROFILE'];
    else process.env['LMM_HOST_PROFILE'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('writes nothing when unset, and one profile per run from "run asked" to "settled" when set, naming what ran', async () => {
    delete process.env['LMM_HOST_PROFILE'];
    startRunProfile();
    endRunProfile();
    await settle();
    assert.deepEqual(readdirSync(dir), []);

    process.env['LMM_HOST_PROFILE'] = dir;
    for (let run = 0; run < 2; run++) {
      probeMark('run asked', { label: 'a.lmm.ts' });
      await settle();
      const busyFrom = Date.now();
      let spins = 0;
      while (Date.now() - busyFrom < 150) spins += busyLoopInTheProfile();
      assert.ok(spins > 0);
      probeMark('settled');
      await settle();
    }
    assert.deepEqual(readdirSync(dir).sort(), ['host-1.cpuprofile', 'host-2.cpuprofile']);
    const profile = JSON.parse(readFileSync(join(dir, 'host-2.cpuprofile'), 'utf8')) as {
      nodes: { callFrame: { functionName: string } }[];
      samples: number[];
    };
    assert.ok(profile.samples.length > 50, `${profile.samples.length} samples`);
    assert.ok(
      profile.nodes.some((node) => node.callFrame.functionName === 'busyLoopInTheProfile'),
      'the busy function is in the profile',
    );
  });

  it('with LMM_HOST_PROFILE_HEAP=1 also samples what each run allocates, garbage included', async () => {
    process.env['LMM_HOST_PROFILE'] = dir;
    process.env['LMM_HOST_PROFILE_HEAP'] = '1';
    try {
      probeMark('run asked', { label: 'b.lmm.ts' });
      await settle();
      let kept = 0;
      for (let i = 0; i < 20_000; i++) kept += garbageInTheProfile(i).length;
      assert.ok(kept > 0);
      probeMark('settled');
      await settle();
    } finally {
      delete process.env['LMM_HOST_PROFILE_HEAP'];
    }
    const written = readdirSync(dir).filter((name) => name.endsWith('.heapprofile'));
    assert.equal(written.length, 1);
    const sampled = JSON.stringify(JSON.parse(readFileSync(join(dir, written[0]!), 'utf8')));
    assert.ok(sampled.includes('garbageInTheProfile'), 'the allocating function is in the heap profile');
  });
});

function busyLoopInTheProfile(): number {
  let x = 0;
  for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
  return x > 0 ? 1 : 0;
}

function garbageInTheProfile(i: number): number[] {
  return Array.from({ length: 64 }, (_, k) => i + k);
}

describe('the host profile ends with every run, however it ends', () => {
  it('"run ended" (the controller’s finally) writes the profile when no "settled" came', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-host-profile-ended-'));
    const saved = process.env['LMM_HOST_PROFILE'];
    process.env['LMM_HOST_PROFILE'] = dir;
    try {
      probeMark('run asked', { label: 'broken.lmm.ts' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      probeMark('run ended');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).length, 1);
      // A second end (the settled run's finally) writes nothing more.
      probeMark('run ended');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(readdirSync(dir).length, 1);
    } finally {
      if (saved === undefined) delete process.env['LMM_HOST_PROFILE'];
      else process.env['LMM_HOST_PROFILE'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the controller marks "run ended" on every way out of a harness run', () => {
    const source = readFileSync(join(__dirname, '../../../src/extension/runController.ts'), 'utf8');
    const run = source.slice(source.indexOf('async runHarness('), source.indexOf('  /** Stops the current run'));
    assert.match(run, /\} finally \{[^}]*probeMark\('run ended'\)/);
    assert.match(run, /the harness runtime is not part of this build[^\n]*\n\s*probeMark\('run ended'\);\n\s*return run;/);
  });
});
