import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeMark, startHostProbe } from '../../../src/extension/features/hostProbe';

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
