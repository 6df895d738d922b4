/**
 * The timing pass of `lmm replay` and `lmm compare` measures only the replays, not the fresh heap
 * each one gets: a workload of one operation replays in about a microsecond, so 100 ms of
 * measured time took a hundred thousand fresh heaps. A one-line trace (`alloc a1 s_t 99999`,
 * refused) took 17 s of CPU to replay. The pass now ends after at most `TIMING_WALL_FACTOR` times
 * its measured budget of wall time (and three replays).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIMING_WALL_FACTOR } from '../../../src/policies/workloadRunner';
import { lmm } from '../../support/lmmCli';

describe('lmm replay / compare: the timing pass of a tiny workload', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'lmm-tiny-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The pass measures 100 ms; its wall time is bounded by 5 × that, plus the run around it. */
  const BOUND_MS = TIMING_WALL_FACTOR * 100 + 2500;

  const cases: [string, string][] = [
    ['one refused request', 'reg s_t 24\nalloc a1 s_t 99999\n'],
    ['one allocation', 'reg s_t 24\nalloc a1 s_t 1\n'],
    ['an allocation and its free', 'reg s_t 24\nalloc a1 s_t 1\nfree a1\n'],
  ];
  for (const [what, text] of cases) {
    it(`lmm replay of ${what} ends within ${BOUND_MS} ms, with a throughput`, async () => {
      const file = join(dir, `${what.replace(/\W+/g, '-')}.trace`);
      writeFileSync(file, text);
      const started = Date.now();
      const r = await lmm('replay', file);
      const took = Date.now() - started;
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /throughput\s+[\d,]+ Kops\/s/);
      assert.ok(took < BOUND_MS, `${took} ms`);
    });
  }

  it(`lmm compare of a one-line trace under three policies ends within 3 × ${BOUND_MS} ms`, async () => {
    const file = join(dir, 'compare.trace');
    writeFileSync(file, 'reg s_t 24\nalloc a1 s_t 1\n');
    const started = Date.now();
    const r = await lmm('compare', file, '--policies', 'lmm-classic,first-fit,best-fit');
    const took = Date.now() - started;
    assert.equal(r.status, 0, r.stderr);
    assert.ok(took < 3 * BOUND_MS, `${took} ms`);
  });
});
